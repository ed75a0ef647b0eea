"""Real `est-bot run` processes with `[email]` on, against a real SMTP server in its own process
(`python -m standins.smtp --record FILE`): Tuesday's fan-out of the questionnaire's e-mail to 30 reporters who are
in no chat.

- The SMTP server dies during the fan-out and comes back on the same port: nothing is lost, nothing is sent
  twice (one Message-ID per reporter; the one e-mail the server may have taken as it died is the same e-mail
  again, recognisable by its Message-ID), and the log says it once, not once per e-mail.
- kill -9 of the bot during the fan-out, and a new process over the same SQLite file: every reporter got the
  invitation, and at most the one e-mail in flight at the kill (bot/outbox.py's at-least-once window) twice,
  counted by Message-ID.
"""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

import pytest

from standins.smtp import free_port
from tests.support.realproc import (
    STOCKHOLM,
    BotProcess,
    Week,
    in_flight,
    pending,
    processes,
    query,
    record,
    wait_until,
)

pytestmark = [pytest.mark.slow]

SECRET = "e2e-web-secret-" + "x" * 40
N = 30


def address(i: int) -> str:
    return f"rapportor{i:03d}@kommun.se"


def write_config(path: Path, db_url: str, smtp_port: int, rate: float) -> Path:
    web = free_port()
    lines = [
        f'reports_dir = "{path.parent / "reports"}"',
        "",
        "[database]",
        f'url = "{db_url}"',
        "",
        "[run]",
        "tick_seconds = 1",
        "outbox_lease_seconds = 3",
        "",
        "[web]",
        "enabled = true",
        f"port = {web}",
        f'base_url = "http://127.0.0.1:{web}"',
        "secure_cookies = false",
        "",
        "[email]",
        "enabled = true",
        'host = "127.0.0.1"',
        f"port = {smtp_port}",
        "starttls = false",
        'from = "trygghet@kommun.se"',
        'reply_to = "samordnare@kommun.se"',
        f"rate_per_second = {rate}",
        "timeout_seconds = 5",
        "",
        "[[groups]]",
        'id = "tbg"',
        'name = "Tryggare Trelleborg"',
        "",
        "[[groups.areas]]",
        'code = "centrum"',
        'name = "Centrum"',
        'places = ["Stortorget"]',
        "",
        "[[groups.reporters]]",
        'name = "Sara Samordnare"',
        'role = "coordinator"',
        'email = "samordnare@kommun.se"',
    ]
    for i in range(N):
        lines += ["", "[[groups.reporters]]", f'name = "Rapportör {i:03d}"', 'areas = ["centrum"]']
        lines += [f'organisation = "Org {i % 4}"', f'email = "{address(i)}"']
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class SmtpProcess:
    """`python -m standins.smtp --port N --record FILE`: started, stopped (down) and started again on the port."""

    def __init__(self, port: int, record_file: Path) -> None:
        self.port = port
        self.record_file = record_file
        self.proc: subprocess.Popen[str] | None = None

    def up(self) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "standins.smtp", "--port", str(self.port), "--record", str(self.record_file)],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert "listening" in line, line

    def down(self) -> None:
        """The server dies at once (SIGKILL): connections are dropped, then refused."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=30)
        self.proc = None

    def received(self) -> list[tuple[str, str]]:
        """(recipient, Message-ID) of every e-mail the server took, in order."""
        if not self.record_file.exists():
            return []
        out = []
        for line in self.record_file.read_text(encoding="utf-8").splitlines():
            try:
                d = json.loads(line)
            except json.JSONDecodeError:  # the line being written as we read
                continue
            out += [(r.lower(), str(d["message_id"])) for r in d["rcpt_tos"]]
        return out


@contextmanager
def smtp_server(tmp: Path) -> Iterator[SmtpProcess]:
    server = SmtpProcess(free_port(), tmp / "smtp.jsonl")
    server.up()
    try:
        yield server
    finally:
        server.down()


def make_bot(config: Path, at: str, name: str) -> BotProcess:
    """One `est-bot run` with the web view's secret (the e-mails' links) and no SMTP password (no login here)."""
    return BotProcess(config, None, at, name, env={"EST_WEB_SECRET": SECRET})


def invited(server: SmtpProcess) -> set[str]:
    return {r for r, _ in server.received()}


def every_reporter_once(server: SmtpProcess) -> tuple[Counter[str], set[str]]:
    """Each reporter's count of e-mails taken, and the reporters who got one twice; asserts one Message-ID each."""
    got = server.received()
    ids: dict[str, set[str]] = {}
    for rcpt, mid in got:
        ids.setdefault(rcpt, set()).add(mid)
    assert set(ids) == {address(i) for i in range(N)}, sorted(set(ids) ^ {address(i) for i in range(N)})
    assert all(len(m) == 1 for m in ids.values()), {r: m for r, m in ids.items() if len(m) > 1}
    per = Counter(r for r, _ in got)
    return per, {r for r, c in per.items() if c > 1}


def test_smtp_down_during_the_tuesday_fan_out_then_back(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'est.sqlite'}"
    week = Week(datetime(2026, 11, 17, 7, 59, 58, tzinfo=STOCKHOLM))
    with smtp_server(tmp_path) as server, processes() as started:
        cfg = write_config(tmp_path / "est.toml", db, server.port, rate=10.0)
        bot = make_bot(cfg, week.at(), "bot")
        started.append(bot)
        wait_until(lambda: len(invited(server)) >= 8, what="the fan-out to start")
        server.down()
        at_down = len(invited(server))
        assert at_down < N, "the server went down after the fan-out"
        wait_until(lambda: "cannot be used" in bot.log(), what="the log to say the server is down")
        time.sleep(4)  # several tries while it is down (5 s at first, then doubling), all of them quiet
        server.up()
        wait_until(lambda: len(invited(server)) == N and pending(db) == 0, what="every reporter invited")
        log = bot.log()
        bot.stop()
    per, repeated = every_reporter_once(server)
    assert log.count("cannot be used") == 1, log  # once, not once per e-mail or per try
    assert "answers again" in log
    assert len(repeated) <= 1, per  # only an e-mail the server took as it died, the same Message-ID
    for i in range(N):
        assert address(i) not in log, "an address in the log"
    assert query(db, "SELECT status, COUNT(*) FROM outbox WHERE platform = 'email' GROUP BY status") == [("sent", N)]
    record("e-mail server down in the fan-out", sent_before=at_down, of=N, repeated=len(repeated))


def test_kill_during_the_email_fan_out(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'est.sqlite'}"
    week = Week(datetime(2026, 11, 17, 7, 59, 58, tzinfo=STOCKHOLM))
    with smtp_server(tmp_path) as server, processes() as started:
        cfg = write_config(tmp_path / "est.toml", db, server.port, rate=5.0)
        first = make_bot(cfg, week.at(), "first")
        started.append(first)
        wait_until(lambda: len(invited(server)) >= 8, what="the fan-out to start")
        first.kill9()
        at_kill = len(invited(server))
        window = in_flight(db)
        assert at_kill < N, "the kill came after the fan-out"
        second = make_bot(cfg, week.at(), "second")
        started.append(second)
        wait_until(lambda: len(invited(server)) == N and pending(db) == 0, what="every reporter invited")
        second.stop()
    per, repeated = every_reporter_once(server)
    assert repeated <= window, (repeated, window)  # a repeat only where an e-mail was in flight at the kill
    assert len(repeated) <= 1, per
    record("e-mail fan-out kill", sent_at_kill=at_kill, of=N, in_flight=len(window), repeated=len(repeated))
    assert query(db, "SELECT COUNT(*), COUNT(DISTINCT person_id) FROM responses") == [(N, N)]
    assert query(db, "SELECT COUNT(*) FROM audit WHERE action = 'phase:open'") == [(1,)]
