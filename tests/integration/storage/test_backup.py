"""`est-bot backup` and `est-bot restore` on SQLite: a copy taken while a thread plays Tuesday's answers, put back
in a new place, holds the same rows; a restore over a database that a bot has open is refused."""

from __future__ import annotations

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
