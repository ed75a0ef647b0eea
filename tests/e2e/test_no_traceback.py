"""What a person can cause or meet never ends in a traceback: the real `est-bot` command, run as a process, says
in one line what is wrong and what to do, and exits 2 for wrong usage or 1 for a problem in the environment.

Covered: database URLs that are malformed, name a driver that is not installed, a server that cannot be reached or
an SQLite file in a folder that does not exist; `--out` that is a folder, an existing file or a place that cannot
be written; a platform that cannot be reached when `est-bot run` starts; statistics files with numbers beyond 64
bits, dates outside 1900-2100, JSON nested too deep, UTF-16, control characters and fields of absurd length.
Every case checks standard error for any line of Python's traceback printer (plain or typer's boxed one).
"""

from __future__ import annotations

import io
import json
import os
import re
import socket
import subprocess
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest

from standins.telegram_api import FakeTelegramAPI
from tests.support.realproc import EXE, BotProcess, processes, query, reporter_id, wait_until, write_config

pytestmark = pytest.mark.slow  # the real est-bot, run as a process

# Lines Python (or typer's rich printer) writes for an exception that nobody caught.
TRACEBACK = re.compile(
    r"Traceback \(most recent call last\)"
    r"|^\s*File \"[^\"]+\", line \d+"
    r"|^\s*[\w.]*(Error|Exception|Interrupt|Exit)(: |$)"
    r"|During handling of the above exception"
    r"|The above exception was the direct cause"
    r"|Task exception was never retrieved"
    r"|Exception ignored in"
    r"|[╭╰]─+.*(Traceback|─)"
    r"|^\s*│",
    re.MULTILINE,
)


def no_traceback(text: str) -> None:
    found = TRACEBACK.search(text)
    assert found is None, f"a traceback line {found.group()!r} in:\n{text}"


def est_bot(*args: str, env: dict[str, str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EXE, *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, **(env or {})},
    )


def one_line(done: subprocess.CompletedProcess[str], code: int, *fragments: str) -> str:
    """The command failed with `code` and one line on standard error, holding every fragment."""
    no_traceback(done.stderr)
    no_traceback(done.stdout)
    assert done.returncode == code, (done.returncode, done.stderr)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("est-bot: "), done.stderr
    for fragment in fragments:
        assert fragment in lines[0], (fragment, lines[0])
    return lines[0]


def config(tmp_path: Path, db_url: str, extra: str = "") -> Path:
    path = tmp_path / "est.toml"
    path.write_text(
        f'reports_dir = "{tmp_path / "reports"}"\n\n[database]\nurl = "{db_url}"\n{extra}\n'
        '[[groups]]\nid = "tbg"\nname = "Tryggare Trelleborg"\n\n'
        '[[groups.areas]]\ncode = "centrum"\nname = "Centrum"\n\n'
        '[[groups.reporters]]\nname = "Sara Samordnare"\nrole = "coordinator"\nconsole = "sara"\n',
        encoding="utf-8",
    )
    return path


def closed_port() -> int:
    """A loopback port nothing listens on (it was free a moment ago)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


# --------------------------------------------------------------------------- database URLs

BAD_URLS: dict[str, tuple[Callable[[Path], str], int, str]] = {
    "malformed": (lambda _: "not a url at all", 2, "is not a database URL"),
    "port not a number": (lambda _: "postgresql://est:hemligt@localhost:femtio/est", 2, "the port must be a number"),
    "unknown kind": (lambda _: "mongodb://localhost/est", 2, "is not a kind of database est-bot knows"),
    "postgres:// for postgresql://": (lambda _: "postgres://est@localhost/est", 2, "write postgresql://"),
    "driver not installed": (lambda _: "mysql://est@localhost/est", 1, "'MySQLdb', which is not installed"),
    "async driver not installed": (lambda _: "postgresql+asyncpg://est@localhost/est", 1, "'asyncpg'"),
    "server not reachable": (
        lambda _: f"postgresql://est:hemligt@127.0.0.1:{closed_port()}/est",
        1,
        "cannot open the database",
    ),
    "sqlite folder missing": (lambda tmp: f"sqlite:///{tmp / 'saknas' / 'est.sqlite'}", 1, "does not exist"),
    "sqlite folder is a file": (lambda tmp: f"sqlite:///{tmp / 'est.toml' / 'est.sqlite'}", 1, "is a file"),
}


@pytest.mark.parametrize("case", list(BAD_URLS))
def test_a_database_url_that_cannot_work_is_one_line(tmp_path: Path, case: str) -> None:
    make, code, fragment = BAD_URLS[case]
    url = make(tmp_path)
    path = config(tmp_path, url)
    for command in (["migrate"], ["run"], ["schedule"], ["export", "--from", "2026-W40", "--to", "2026-W47"]):
        if command[0] == "export":
            command += ["--out", str(tmp_path / "ut")]
        line = one_line(est_bot(*command, "--config", str(path)), code, fragment)
        assert "hemligt" not in line, "a password in the message"
    # The same URL given in the environment, as a service manager would.
    good = config(tmp_path, f"sqlite:///{tmp_path / 'est.sqlite'}")
    one_line(est_bot("migrate", "--config", str(good), env={"EST_DATABASE_URL": url}), code, fragment)


def test_the_database_url_in_the_line_is_shown_as_written_not_masked_as_an_address(tmp_path: Path) -> None:
    url = f"postgresql://estbot@127.0.0.1:{closed_port()}/estbot"  # user@host, which reads like an e-mail address
    line = one_line(est_bot("migrate", "--config", str(config(tmp_path, url))), 1, "cannot open the database")
    assert line.startswith(f"est-bot: cannot open the database '{url}': ")
    sqlite = config(tmp_path, f"sqlite:///{tmp_path / 'est.sqlite'}")
    unknown = one_line(est_bot("restore", str(tmp_path / "anna@example.se"), "--config", str(sqlite)), 2)
    assert unknown == f"est-bot: there is no backup file '{tmp_path / '[e-post]'}'"  # what was typed: masked


def test_a_postgresql_database_that_does_not_exist_is_one_line(tmp_path: Path) -> None:
    pg = os.environ.get("EST_TEST_PG_URL")
    if not pg:
        pytest.skip("EST_TEST_PG_URL is not set")
    url = pg.rpartition("/")[0] + "/est_finns_inte"
    one_line(est_bot("migrate", "--config", str(config(tmp_path, url))), 1, 'database "est_finns_inte" does not exist')


# --------------------------------------------------------------------------- --out


@pytest.fixture
def ready(tmp_path: Path, db_url: str) -> Path:
    """A configuration whose database is migrated, and a file and a folder that exist beside it."""
    path = config(tmp_path, db_url)
    done = est_bot("migrate", "--config", str(path))
    assert done.returncode == 0, done.stderr
    (tmp_path / "finns.pdf").write_bytes(b"old")
    (tmp_path / "mapp").mkdir()
    return path


def test_out_that_is_a_folder_an_existing_file_or_cannot_be_written(ready: Path, tmp_path: Path) -> None:
    c = ["--config", str(ready)]
    followup = ["followup", "--year", "2026", "--format", "html", *c, "--out"]
    one_line(est_bot(*followup, str(tmp_path / "mapp")), 2, "is a folder", "mapp/uppfoljning.html")
    one_line(est_bot(*followup, str(tmp_path / "finns.pdf")), 2, "the file exists")
    assert (tmp_path / "finns.pdf").read_bytes() == b"old", "an existing file was overwritten"
    one_line(est_bot(*followup, str(tmp_path / "finns.pdf" / "ny.html")), 1, "cannot be written there")
    one_line(est_bot(*followup, "/proc/est-bot-test/ny.html"), 1, "cannot write /proc/est-bot-test")
    report = ["report", "--week", "2026-W47", *c, "--out"]
    one_line(est_bot(*report, str(tmp_path / "mapp")), 2, "is a folder")
    one_line(est_bot(*report, str(tmp_path / "finns.pdf")), 2, "the file exists")
    export = ["export", "--from", "2026-W40", "--to", "2026-W47", "--format", "csv", *c, "--out"]
    one_line(est_bot(*export, str(tmp_path / "finns.pdf")), 2, "is a file, not a folder")
    one_line(est_bot(*export, str(tmp_path / "finns.pdf" / "ut")), 1, "cannot be written there")
    one_line(est_bot(*export, "/proc/est-bot-test"), 1, "cannot write /proc/est-bot-test")
    # What works still works: a new file, a new folder.
    done = est_bot(*followup, str(tmp_path / "mapp" / "ny.html"))
    assert done.returncode == 0 and (tmp_path / "mapp" / "ny.html").is_file(), done.stderr
    done = est_bot(*export, str(tmp_path / "ny-mapp"))
    assert done.returncode == 0 and list((tmp_path / "ny-mapp").glob("*.csv")), done.stderr
    no_traceback(done.stderr)


def test_demo_out_that_is_a_file_or_cannot_be_written(tmp_path: Path) -> None:
    (tmp_path / "fil").write_text("x")
    one_line(est_bot("demo", "--out", str(tmp_path / "fil")), 2, "is a file, not a folder")
    one_line(est_bot("demo", "--out", str(tmp_path / "fil" / "demo")), 1, "cannot be written there")
    one_line(est_bot("demo", "--out", "/proc/est-bot-test"), 1, "cannot write /proc/est-bot-test")


# --------------------------------------------------------------------------- imports

POLICE = "Region;Brottskategori;Period;Antal\n"
REPORTS = "Diarienummer;Brottsdatum;Klockslag;Brottskategori;Brottsplats;Kommun\n"
VANDALISM = "Ärendenummer;Datum;Plats;Typ\n"


def event(**changes: object) -> dict[str, object]:
    e: dict[str, object] = {
        "id": 1,
        "datetime": "2026-11-17 21:15:09 +01:00",
        "name": "17 november 21.15, Skadegörelse, Trelleborg",
        "summary": "Fönster krossat vid Stortorget.",
        "url": "/aktuellt/handelser/2026/november/17/",
        "type": "Skadegörelse",
        "location": {"name": "Trelleborg", "gps": "55.375,13.157"},
    }
    e.update(changes)
    return e


def events(*items: dict[str, object]) -> bytes:
    return json.dumps(list(items), ensure_ascii=False).encode("utf-8")


def xlsx(*rows: tuple[object, ...]) -> bytes:
    """A workbook with real number and date cells, as Excel saves them."""
    from openpyxl import Workbook

    wb = Workbook()
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


REFUSED: dict[str, tuple[str, str, bytes, str]] = {
    "count beyond 64 bits": ("police", "b.csv", f"{POLICE}Trelleborg;Rån;2026-10;{2**64 + 1}\n".encode(), "too large"),
    "count of 5000 digits": ("police", "b.csv", f"{POLICE}Trelleborg;Rån;2026-10;{'9' * 5000}\n".encode(), "too large"),
    "count beyond 32 bits": ("police", "b.csv", f"{POLICE}Trelleborg;Rån;2026-10;{2**31}\n".encode(), "too large"),
    "event id beyond 64 bits": ("events", "e.json", events(event(id=2**64)), '"id" is too large'),
    "event id of 5000 digits": ("events", "e.json", b'[{"id": ' + b"9" * 5000 + b"}]", "a number too long"),
    "date before 1900": ("police", "p.csv", f"{REPORTS}K1;1899-12-31;22:40;Rån;Torget;Trelleborg\n".encode(), "1899"),
    "date after 2100": ("vandalism", "v.csv", f"{VANDALISM}SK-1;2101-01-01;Torget;Klotter\n".encode(), "2101"),
    "month before 1900": ("police", "b.csv", f"{POLICE}Trelleborg;Rån;1850-10;3\n".encode(), "in the year 1850"),
    "year 0000": ("police", "b.csv", "Brottskategori;År;Månad;Antal\nRån;0000;1;3\n".encode(), "in the year 0"),
    "event in year 1": ("events", "e.json", events(event(datetime="0001-01-01 00:10:00 +01:00")), "year 0001"),
    "event in year 9999": ("events", "e.json", events(event(datetime="9999-12-31 23:10:00 -01:00")), "year 9999"),
    "JSON nested 100000 deep": ("events", "e.json", b"[" * 100_000 + b"]" * 100_000, "nested more than 20 levels"),
    "JSON nested in an event": (
        "events",
        "e.json",
        b'[{"id": 1, "x": ' + b"[" * 50_000 + b"]" * 50_000 + b"}]",
        "nested more than 20 levels",
    ),
    "xlsx count beyond 64 bits": (
        "police",
        "b.xlsx",
        xlsx(("Region", "Brottskategori", "Period", "Antal"), ("Trelleborg", "Rån", "2026-10", 2**70)),
        "too large for a count",
    ),
    "xlsx date cell in 1850": (
        "vandalism",
        "v.xlsx",
        xlsx(("Ärendenummer", "Datum", "Plats"), ("SK-1", datetime(1850, 5, 1), "Torget")),  # noqa: DTZ001 (a spreadsheet cell has no zone)
        "in the year 1850",
    ),
    "unknown encoding": (
        "vandalism",
        "v.csv",
        VANDALISM.encode() + b"SK-1;2026-10-02;\x81\x8d\x8f;Klotter\n",
        "UTF-16",
    ),
    "a cell of 200 000 characters": (
        "vandalism",
        "v.csv",
        f"{VANDALISM}SK-1;2026-10-02;{'Torget' * 40_000};Klotter\n".encode(),
        "more than 131 072 characters",
    ),
}


def test_hostile_imports_are_refused_in_one_line(ready: Path, tmp_path: Path, db_url: str) -> None:
    """Each file in REFUSED in turn (one database per backend, so the cases share its start-up)."""
    for case, (kind, name, data, fragment) in REFUSED.items():
        path = tmp_path / name
        path.write_bytes(data)
        done = est_bot("import", kind, str(path), "--config", str(ready))
        try:
            one_line(done, 1, name, fragment, "nothing was imported")
        except AssertionError as exc:
            raise AssertionError(f"{case}: {exc}") from None
    assert query(db_url, "SELECT COUNT(*) FROM stat_records")[0][0] == 0
    assert query(db_url, "SELECT COUNT(*) FROM police_events")[0][0] == 0


def imported(ready: Path, path: Path, kind: str, *fragments: str) -> str:
    done = est_bot("import", kind, str(path), "--config", str(ready))
    no_traceback(done.stderr)
    assert done.returncode == 0 and done.stderr == "", done.stderr
    for fragment in fragments:
        assert fragment in done.stdout, (fragment, done.stdout)
    return done.stdout


def test_utf16_and_utf32_files_are_read_and_named(ready: Path, tmp_path: Path, db_url: str) -> None:
    text = f"{REPORTS}K1;2026-10-02;22:40;Skadegörelse;Stortorget;Trelleborg\n"
    for n, (encoding, data) in enumerate(
        [
            ("UTF-16", text.encode("utf-16")),  # with a byte-order mark, as Excel's "Unicode text"
            ("UTF-16", text.replace("K1", "K2").encode("utf-16-le")),  # without one
            ("UTF-16", text.replace("K1", "K3").encode("utf-16-be")),
            ("UTF-32", text.replace("K1", "K4").encode("utf-32")),
        ]
    ):
        path = tmp_path / f"anmalda-{n}.csv"
        path.write_bytes(data)
        imported(ready, path, "police", f"(read as {encoding})", "1 new")
    places = {r[0] for r in query(db_url, "SELECT place FROM stat_records")}
    assert places == {"Stortorget"}
    path = tmp_path / "handelser.json"
    path.write_bytes(json.dumps([event()], ensure_ascii=False).encode("utf-16"))
    imported(ready, path, "events", "(read as UTF-16)", "1 new")
    assert query(db_url, "SELECT location FROM police_events") == [("Trelleborg",)]


def test_control_characters_are_dropped_and_long_fields_cut_and_said(ready: Path, tmp_path: Path, db_url: str) -> None:
    path = tmp_path / "skadegorelse.csv"
    rows = ["SK-1;2026-10-02;Stor\x00tor\x07get\x1b;Klot\x7fter", f"SK-2;2026-10-03;{'Gata ' * 1000};Klotter"]
    path.write_bytes((VANDALISM + "\n".join(rows) + "\n").encode())
    out = imported(ready, path, "vandalism", "2 new", "4 control characters dropped", "1 field cut to 200 characters")
    assert "\x00" not in out
    stored = sorted(query(db_url, "SELECT place, category FROM stat_records"), key=lambda r: len(r[0]))
    assert stored[0] == ("Stortorget", "Klotter")
    assert len(stored[1][0]) == 200 and stored[1][0].startswith("Gata Gata") and stored[1][0].endswith("…")
    path = tmp_path / "handelser.json"
    path.write_bytes(events(event(name="Rån\u0000 i centrum\u0007", summary="Polisen " * 1000)))
    imported(ready, path, "events", "1 new", "2 control characters dropped", "1 field cut to 200 characters")
    ((name, summary),) = query(db_url, "SELECT name, summary FROM police_events")
    assert name == "Rån i centrum" and len(summary) == 2000


# --------------------------------------------------------------------------- platforms at start


def test_run_keeps_trying_a_platform_it_cannot_reach_and_the_rest_runs(
    tmp_path: Path, db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Slack cannot be reached at all; Telegram drops the first three connections (7 s of backoff). The week opens
    on time all the same, the questionnaire reaches the reporter on Telegram once it answers, and the log says each
    failure in one line with the wait before the next try."""
    with FakeTelegramAPI() as fake, processes() as started:
        path = write_config(tmp_path / "est.toml", fake, db_url, 1)
        text = path.read_text(encoding="utf-8")
        slack = f'[slack]\nenabled = true\nmode = "socket"\napi_url = "http://127.0.0.1:{closed_port()}/api/"\n\n'
        path.write_text(text.replace("[run]\n", slack + "[run]\n"), encoding="utf-8")
        monkeypatch.setenv("EST_SLACK_BOT_TOKEN", "xoxb-1-2-est")
        monkeypatch.setenv("EST_SLACK_APP_TOKEN", "xapp-1-A1-2-est")
        fake.drop_next("getMe", times=3)
        # Tuesday 07:59:57: the week opens three seconds after the start, before Telegram answers.
        bot = BotProcess(path, fake, "2026-11-17T07:59:57", "bot")
        started.append(bot)
        bot.wait_log("Slack cannot be reached")
        bot.wait_log("Telegram cannot be reached")
        bot.wait_log("-> open")
        wait_until(lambda: fake.texts_to(reporter_id(0)) != [], 60, "the questionnaire on Telegram")
        bot.wait_log("Telegram reached after 3 failed attempts")
        assert query(db_url, "SELECT phase FROM rounds") == [("open",)]
        log = bot.log()
        assert log.index("-> open") < log.index("Telegram reached"), "the week waited for Telegram"
        for wait in (1, 2, 4):
            assert "Telegram cannot be reached (NetworkError: " in log and f"trying again in {wait} s" in log
        bot.stop()
        no_traceback(log)
        no_traceback(bot.log())


def test_run_says_once_when_a_platform_refuses_the_token_and_the_rest_runs(tmp_path: Path, db_url: str) -> None:
    """A wrong token is not a network that will come back: one error line naming the setting, no retries, and the
    week opens all the same."""
    with FakeTelegramAPI() as fake, processes() as started:
        path = write_config(tmp_path / "est.toml", fake, db_url, 1)
        wrong = "123456789:AAwrongwrongwrongwrongwrongwrongwrong"
        bot = BotProcess(path, fake, "2026-11-17T07:59:57", "bot", token=wrong)
        started.append(bot)
        bot.wait_log("Telegram refused the credentials (InvalidToken")
        bot.wait_log("-> open")
        log = bot.log()
        assert "check EST_TELEGRAM_TOKEN and restart" in log and wrong not in log
        assert log.count("refused the credentials") == 1 and "Telegram cannot be reached" not in log
        bot.stop()
        no_traceback(bot.log())


# --------------------------------------------------------------------------- times on the command line


def test_times_at_the_calendars_edges_are_one_line(tmp_path: Path) -> None:
    """Year 1 and year 9999 overflowed in the time-zone sums of `schedule`, `run` and `chat`."""
    path = config(tmp_path, f"sqlite:///{tmp_path / 'est.sqlite'}")
    c = ["--config", str(path)]
    one_line(est_bot("schedule", *c, "--from", "9999-12-31"), 2, "--from '9999-12-31'", "1970 to 2100")
    one_line(est_bot("schedule", *c, "--from", "0001-01-01"), 2, "1970 to 2100")
    one_line(est_bot("run", *c, "--at", "0001-01-01T00:00"), 2, "--at '0001-01-01T00:00'", "1970 to 2100")
    one_line(est_bot("chat", "--as", "sara", *c, "--at", "9999-12-31T23:00"), 2, "1970 to 2100")
