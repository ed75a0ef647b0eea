"""`est-bot backup` and `est-bot restore` on SQLite: a copy taken while a thread plays Tuesday's answers, put back
in a new place, holds the same rows; a restore over a database that a bot has open is refused."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
import tarfile
import threading
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from bot.bootstrap import build
from bot.cli import app as cli
from bot.clock import ManualClock
from storage.backup import BackupError, backup
from tests.conftest import TUE_OPEN, Bot, RecordingSender, make_config

runner = CliRunner()
Rows = dict[str, list[tuple[Any, ...]]]


def start_bot(url: str) -> Bot:
    clock = ManualClock(TUE_OPEN)
    sender = RecordingSender()
    return Bot(build(make_config(url), clock=clock, senders={"console": sender}), clock, sender, url)


def config_file(tmp_path: Path, url: str, reports: Path) -> Path:
    path = tmp_path / "est.toml"
    path.write_text(
        f'reports_dir = "{reports}"\n[database]\nurl = "{url}"\n'
        '[[groups]]\nid = "tbg"\nname = "Tryggare Trelleborg"\n'
        '[[groups.areas]]\ncode = "centrum"\nname = "Centrum"\n',
        encoding="utf-8",
    )
    return path


def rows(path: Path) -> Rows:
    """Every table of an SQLite file, its rows sorted."""
    conn = sqlite3.connect(path)
    try:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {n: sorted(conn.execute(f'SELECT * FROM "{n}"').fetchall(), key=repr) for n in names}
    finally:
        conn.close()


def checked(path: Path) -> Rows:
    """The file's rows, after SQLite's own checks: the pages whole, no foreign key pointing nowhere."""
    conn = sqlite3.connect(path)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()
    return rows(path)


def answer_nothing(bot: Bot, who: str) -> None:
    bot.cmd(who, "rapport")
    bot.press(who, "Inget att rapportera")
    assert any(o.data.get("step") == "sent" for o in bot.press(who, "Skicka"))


def submitted(r: Rows) -> int:
    return sum(1 for row in r["responses"] if "submitted" in row)


def test_a_backup_taken_during_tuesdays_answers_restores_the_same_rows(tmp_path: Path) -> None:
    live = tmp_path / "live.sqlite"
    url = f"sqlite:///{live}"
    reports = tmp_path / "reports"
    reports.mkdir()
    (reports / "tbg-2026-W47.pdf").write_bytes(b"%PDF-1.4 a report")
    cfg = config_file(tmp_path, url, reports)
    bot = start_bot(url)
    bot.tick()  # Tuesday 08:00: the week opens, the questionnaires go out
    answered, stop = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def play() -> None:  # a second thread writes, as the running bot's intake would
        try:
            answer_nothing(bot, "anna")
            answer_nothing(bot, "bo")
            answered.set()
            while not stop.is_set():
                bot.cmd("sara", "status")
                bot.cmd("anna", "hjälp")
        except BaseException as exc:  # handed to the test's thread, which fails with it
            failures.append(exc)
            answered.set()

    writer = threading.Thread(target=play)
    writer.start()
    try:
        assert answered.wait(60)
        during = [tmp_path / f"during-{i}.sqlite" for i in range(3)]
        for path in during:  # taken while the writer goes on
            backup(url, path)
    finally:
        stop.set()
        writer.join()
    assert not failures, failures
    final = rows(live)
    for path in during:
        copy = checked(path)
        assert submitted(copy) == 2  # both answers, committed before the copies began
        for table, got in copy.items():  # nothing in a copy that the database never held
            if table in ("responses", "rounds", "persons", "outbox"):
                assert {r[0] for r in got} <= {r[0] for r in final[table]}, table

    archive = tmp_path / "quiet.tar.gz"
    done = runner.invoke(cli, ["backup", str(archive), "--config", str(cfg), "--with-reports"])
    assert done.exit_code == 0, done.output
    assert f"backup of the sqlite database and the reports folder written to {archive}" in done.output
    with tarfile.open(archive) as tar:
        assert set(tar.getnames()) >= {"est-bot.sqlite", "reports", "reports/tbg-2026-W47.pdf"}

    elsewhere = tmp_path / "elsewhere" / "est.sqlite"
    elsewhere.parent.mkdir()
    put = runner.invoke(cli, ["restore", str(archive), "--to", f"sqlite:///{elsewhere}"])
    assert put.exit_code == 0, put.output
    assert checked(elsewhere) == rows(live), "the restored database differs from the one backed up"

    # The live database is open in the bot (its engine's connections): a restore over it is refused.
    refused = runner.invoke(cli, ["restore", str(archive), "--to", url, "--force"])
    assert refused.exit_code == 1
    assert "is in use" in refused.output and "stop the bot" in refused.output
    assert rows(live) == final  # and nothing was touched
    bot.app.close()

    # Stopped: still refused without --force, for the file holds data; with it, replaced by the copy.
    over = runner.invoke(cli, ["restore", str(during[0]), "--to", url])
    assert over.exit_code == 1 and "already holds data; add --force" in over.output
    forced = runner.invoke(cli, ["restore", str(during[0]), "--to", url, "--force"])
    assert forced.exit_code == 0, forced.output
    assert checked(live) == rows(during[0])


def test_a_restore_over_a_database_another_process_has_open_is_refused(tmp_path: Path) -> None:
    target = tmp_path / "est.sqlite"
    copy = tmp_path / "copy.sqlite"
    start_bot(f"sqlite:///{target}").app.close()
    backup(f"sqlite:///{target}", copy)
    holder = subprocess.Popen(  # another process with the database open, as a running est-bot has
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute('SELECT 1 FROM groups').fetchall(); "
            "print('open', flush=True); sys.stdin.read()",
            str(target),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "open"
        refused = runner.invoke(cli, ["restore", str(copy), "--to", f"sqlite:///{target}", "--force"])
        assert refused.exit_code == 1 and "is in use" in refused.output
    finally:
        assert holder.stdin is not None
        holder.stdin.close()
        holder.wait(30)
    allowed = runner.invoke(cli, ["restore", str(copy), "--to", f"sqlite:///{target}", "--force"])
    assert allowed.exit_code == 0, allowed.output


def test_bad_backup_and_restore_requests_get_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'est.sqlite'}"
    cfg = config_file(tmp_path, url, tmp_path / "reports")
    start_bot(url).app.close()
    plain = runner.invoke(cli, ["backup", str(tmp_path / "b.sqlite"), "--config", str(cfg), "--with-reports"])
    assert plain.exit_code == 2 and "is a .tar.gz" in plain.output
    nowhere = runner.invoke(cli, ["backup", str(tmp_path / "no" / "b.sqlite"), "--config", str(cfg)])
    assert nowhere.exit_code == 1 and "does not exist" in nowhere.output
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a backup at all")
    bad = runner.invoke(cli, ["restore", str(junk), "--to", f"sqlite:///{tmp_path / 'new.sqlite'}"])
    assert bad.exit_code == 2 and "is not an est-bot backup" in bad.output
    missing = runner.invoke(cli, ["restore", str(tmp_path / "none.sqlite"), "--config", str(cfg)])
    assert missing.exit_code == 2 and "there is no backup file" in missing.output


def test_a_postgresql_backup_without_pg_dump_says_what_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump on it
    with pytest.raises(BackupError) as err:
        backup("postgresql://estbot:hemligt@127.0.0.1:1/estbot", tmp_path / "est.pgdump")
    message = str(err.value)
    assert message.startswith("pg_dump is not installed") and "postgresql-client" in message
    assert "hemligt" not in message and not (tmp_path / "est.pgdump").exists()


def test_backups_are_private_self_contained_files(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'est.sqlite'}"
    start_bot(url).app.close()
    (tmp_path / "reports").mkdir()
    plain, archive = tmp_path / "b" / "est.sqlite", tmp_path / "b" / "est.tar.gz"
    plain.parent.mkdir()
    backup(url, plain)
    backup(url, archive, tmp_path / "reports")
    for made in (plain, archive):
        assert made.stat().st_mode & 0o777 == 0o600, made  # it holds personal data
    assert plain.read_bytes()[18:20] == b"\x01\x01"  # a rollback journal, not WAL: one file says it all
    assert sorted(p.name for p in plain.parent.iterdir()) == ["est.sqlite", "est.tar.gz"]
    new = tmp_path / "new.sqlite"
    done = runner.invoke(cli, ["restore", str(plain), "--to", f"sqlite:///{new}"])
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in plain.parent.iterdir()) == ["est.sqlite", "est.tar.gz"]  # no -wal/-shm beside it
    assert rows(new) == rows(plain)


def test_a_backup_in_wal_mode_restores_without_writing_beside_it(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'est.sqlite'}"
    start_bot(url).app.close()
    old = tmp_path / "b" / "old.sqlite"
    old.parent.mkdir()
    backup(url, old)
    conn = sqlite3.connect(old)
    conn.execute("PRAGMA journal_mode=WAL").fetchall()  # as an older est-bot left its copies
    conn.close()
    done = runner.invoke(cli, ["restore", str(old), "--to", f"sqlite:///{tmp_path / 'new.sqlite'}"])
    assert done.exit_code == 0, done.output
    assert [p.name for p in old.parent.iterdir()] == ["old.sqlite"]


@pytest.mark.parametrize("data_filter", [True, False], ids=["data-filter", "python-3.11.2"])
def test_an_archive_restores_with_and_without_tarfiles_data_filter(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data_filter: bool
) -> None:
    url = f"sqlite:///{tmp_path / 'est.sqlite'}"
    start_bot(url).app.close()
    (tmp_path / "reports").mkdir()
    archive = tmp_path / "est.tar.gz"
    backup(url, archive, tmp_path / "reports")
    if not data_filter:
        monkeypatch.delattr(tarfile, "data_filter", raising=False)
        real = tarfile.TarFile.extract

        def old_extract(self: tarfile.TarFile, member: Any, path: Any = "", **kwargs: Any) -> None:
            assert "filter" not in kwargs, "Python 3.11.2 has no filter argument"
            real(self, member, path, **kwargs)

        monkeypatch.setattr(tarfile.TarFile, "extract", old_extract)
    done = runner.invoke(cli, ["restore", str(archive), "--to", f"sqlite:///{tmp_path / 'new.sqlite'}"])
    assert done.exit_code == 0, done.output
    assert rows(tmp_path / "new.sqlite") == rows(tmp_path / "est.sqlite")


@pytest.mark.parametrize("data_filter", [True, False], ids=["data-filter", "python-3.11.2"])
@pytest.mark.parametrize("kind", ["absolute", "dotdot", "symlink", "hardlink"])
def test_an_archive_member_that_is_not_a_plain_file_inside_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, data_filter: bool, kind: str
) -> None:
    from storage.backup import _extract

    if not data_filter:
        monkeypatch.delattr(tarfile, "data_filter", raising=False)
    evil = tmp_path / "evil.tar.gz"
    payload = tmp_path / "payload"
    payload.write_bytes(b"SQLite format 3\x00" + bytes(100))
    name = {"absolute": str(tmp_path / "out" / "x.sqlite"), "dotdot": "../x.sqlite"}.get(kind, "est-bot.sqlite")
    with tarfile.open(evil, "w:gz") as tar:
        info = tar.gettarinfo(payload)
        info.name = name  # gettarinfo would strip a leading /
        if kind in ("symlink", "hardlink"):
            info.type = tarfile.SYMTYPE if kind == "symlink" else tarfile.LNKTYPE
            info.linkname = "/etc/passwd"
            info.size = 0
            tar.addfile(info)
        else:
            with payload.open("rb") as f:
                tar.addfile(info, f)
    unpacked = tmp_path / "unpacked"
    unpacked.mkdir()
    with tarfile.open(evil, "r:gz") as tar:
        if kind == "absolute" and data_filter:
            _extract(tar, tar.getnames()[0], unpacked)  # the data filter strips the leading / and keeps it inside
        else:
            with pytest.raises((BackupError, tarfile.TarError)):
                _extract(tar, tar.getnames()[0], unpacked)
    assert not (tmp_path / "x.sqlite").exists() and not (tmp_path / "out").exists()
    if kind == "symlink":
        out = runner.invoke(cli, ["restore", str(evil), "--to", f"sqlite:///{tmp_path / 'new.sqlite'}"])
        assert out.exit_code == 2 and "Traceback" not in out.output, out.output
        assert not (tmp_path / "new.sqlite").exists()


def test_a_backup_that_cannot_be_written_says_so_in_one_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'est.sqlite'}"
    cfg = config_file(tmp_path, url, tmp_path / "reports")
    (tmp_path / "reports").mkdir()
    start_bot(url).app.close()
    import storage.backup as module

    def refused(path: Path) -> Any:
        raise PermissionError(13, "Permission denied", str(path))

    monkeypatch.setattr(module, "_private", refused)  # as a folder the user cannot write (root writes anywhere)
    for extra in ([], ["--with-reports"]):
        name = "b.tar.gz" if extra else "b.sqlite"
        out = runner.invoke(cli, ["backup", str(tmp_path / name), "--config", str(cfg), *extra])
        assert out.exit_code == 1, out.output
        assert "Permission denied" in out.output and "can write" in out.output and "Traceback" not in out.output
        assert len(out.output.strip().splitlines()) == 1
        assert not (tmp_path / name).exists()
    monkeypatch.undo()
    if hasattr(os, "geteuid") and os.geteuid() != 0:  # a real read-only folder, where root is not the user
        ro = tmp_path / "ro"
        ro.mkdir(mode=0o500)
        out = runner.invoke(cli, ["backup", str(ro / "b.sqlite"), "--config", str(cfg)])
        assert out.exit_code == 1 and "Traceback" not in out.output


def test_a_refused_restore_into_a_new_file_leaves_nothing(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'est.sqlite'}"
    start_bot(url).app.close()
    junk = tmp_path / "junk.bin"
    junk.write_bytes(b"not a backup at all")
    pg = tmp_path / "est.pgdump"
    pg.write_bytes(b"PGDMP" + bytes(100))
    new = tmp_path / "new" / "new.sqlite"
    new.parent.mkdir()
    for bad in (junk, pg, tmp_path / "none.sqlite"):
        out = runner.invoke(cli, ["restore", str(bad), "--to", f"sqlite:///{new}"])
        assert out.exit_code == 2, out.output
        assert list(new.parent.iterdir()) == [], out.output
    said = runner.invoke(cli, ["restore", str(pg), "--to", f"sqlite:///{new}"])
    assert "--to postgresql://" in said.output


def test_a_restore_refused_while_the_bot_runs_names_the_container_too(tmp_path: Path) -> None:
    target = tmp_path / "est.sqlite"
    bot = start_bot(f"sqlite:///{target}")
    copy = tmp_path / "copy.sqlite"
    backup(f"sqlite:///{target}", copy)
    try:
        lock = sqlite3.connect(target)
        lock.execute("BEGIN IMMEDIATE")
        refused = runner.invoke(cli, ["restore", str(copy), "--to", f"sqlite:///{target}", "--force"])
        lock.rollback()
        lock.close()
    finally:
        bot.app.close()
    assert refused.exit_code == 1
    assert "stop the bot (systemctl stop est-bot, or stop its container)" in refused.output


def test_a_restore_to_something_that_is_no_database_url_says_so_in_one_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'est.sqlite'}"
    start_bot(url).app.close()
    copy = tmp_path / "copy.sqlite"
    backup(url, copy)
    out = runner.invoke(cli, ["restore", str(copy), "--to", "banana"])
    assert out.exit_code == 2
    assert out.output.splitlines() == [
        "est-bot: database.url 'banana' is not a database URL; write it like sqlite:///est-bot.sqlite or "
        "postgresql://user@host:5432/estbot"
    ]


def test_a_database_url_in_an_error_line_never_shows_its_password_or_an_address_as_its_user(tmp_path: Path) -> None:
    """The URL is shown so the operator sees which host failed, but a password (also one with a '/' in it) is
    hidden, and a user name that is a person's e-mail address is masked like any other address in the line."""
    url = f"sqlite:///{tmp_path / 'est.sqlite'}"
    start_bot(url).app.close()
    copy = tmp_path / "copy.sqlite"
    backup(url, copy)
    tail = " is not a database URL (the port must be a number); write it like sqlite:///est-bot.sqlite or "
    tail += "postgresql://user@host:5432/estbot"
    for to, shown in (
        ("postgresql://estbot:hemligt/1@db.kommun.se:x/estbot", "postgresql://estbot:***@db.kommun.se:x/estbot"),
        ("postgresql://anna.andersson@kommun.se:hemligt@db:x/estbot", "postgresql://[e-post]:***@db:x/estbot"),
    ):
        out = runner.invoke(cli, ["restore", str(copy), "--to", to])
        assert out.exit_code == 2
        assert out.output.splitlines() == [f"est-bot: database.url {shown!r}{tail}"]
        assert "hemligt" not in out.output and "anna" not in out.output


def test_a_url_that_is_no_database_url_hides_a_password_with_a_slash_in_it_at_the_source() -> None:
    """`doctor` prints the sentence of DatabaseUnavailable as it is, without the CLI's error line."""
    from storage.db import DatabaseUnavailable, check_url

    with pytest.raises(DatabaseUnavailable) as raised:
        check_url("postgresql://estbot:hemligt/1@db.kommun.se:x/estbot")
    assert str(raised.value).startswith("database.url 'postgresql://estbot:***@db.kommun.se:x/estbot' is not a ")
