"""Real `est-bot run` processes for fault tests: started, killed with SIGKILL, restarted on one database.

Each process runs on a shifted clock (`run --at`), so a week's phase can fall due a few seconds after start.
`Week` keeps one virtual time line across restarts: a restarted process starts where the killed one was.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import create_engine, text

from standins.telegram_api import FakeTelegramAPI

STOCKHOLM = ZoneInfo("Europe/Stockholm")
COORDINATOR = 500
BROADCAST = -1001000000002
EXE = str(Path(sys.executable).parent / "est-bot")


def wait_until(condition: Callable[[], bool], seconds: float = 90, what: str = "condition") -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@contextmanager
def est_bot_run(config: Path, env: dict[str, str], secrets: tuple[str, ...] = ()) -> Iterator[subprocess.Popen[str]]:
    """Start `est-bot run --config config`; on leaving, stop it with Ctrl-C, which must end it cleanly, with no
    traceback and none of `secrets` in its output."""
    proc = subprocess.Popen(
        [EXE, "run", "--config", str(config)],
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        yield proc
    finally:
        proc.send_signal(signal.SIGINT)
        out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0, out
    assert "Traceback" not in out, out
    for secret in secrets:
        assert secret not in out, "a secret in the log"


class Week:
    """A virtual local time that runs with the real one from `start`, across process restarts."""

    def __init__(self, start: datetime) -> None:
        self.start = start
        self.began = time.monotonic()

    def now(self) -> datetime:
        return self.start + timedelta(seconds=time.monotonic() - self.began)

    def at(self) -> str:
        return self.now().replace(tzinfo=None).isoformat(timespec="seconds")


def reporter_id(i: int) -> int:
    return 1000 + i


def write_config(
    path: Path,
    fake: FakeTelegramAPI,
    db_url: str,
    reporters: int,
    *,
    broadcast: bool = False,
    lease: float = 3.0,
    retry: float = 0.5,
    stop_grace: float = 20.0,
) -> Path:
    lines = [
        f'reports_dir = "{path.parent / "reports"}"',
        "",
        "[database]",
        f'url = "{db_url}"',
        "",
        "[telegram]",
        "enabled = true",
        f'base_url = "{fake.base_url}"',
        "",
        "[run]",
        "tick_seconds = 1",
        f"leader_retry_seconds = {retry}",
        f"outbox_lease_seconds = {lease}",
        f"stop_grace_seconds = {stop_grace}",
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
        f"telegram = {COORDINATOR}",
    ]
    for i in range(reporters):
        lines += ["", "[[groups.reporters]]", f'name = "Rapportör {i:03d}"', 'areas = ["centrum"]']
        lines += [f'organisation = "Org {i % 4}"', f"telegram = {reporter_id(i)}"]
    if broadcast:
        lines += ["", "[groups.channels.broadcast]", f"telegram = {BROADCAST}"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class BotProcess:
    """One `est-bot run`; its output goes to a file so a test can read it while it runs."""

    def __init__(
        self,
        config: Path,
        fake: FakeTelegramAPI | None,
        at: str,
        name: str,
        token: str | None = None,
        env: dict[str, str] | None = None,
        background: bool = False,
    ) -> None:
        """`fake`: the Telegram stand-in whose token the process gets (None: no Telegram); `env`: more
        environment (the web secret, …); `background`: started as a shell starts `est-bot run &` in a script,
        in a session of its own with SIGINT ignored."""
        self.log_path = config.parent / f"{name}.log"
        self.log_file = self.log_path.open("w", encoding="utf-8")
        telegram = {"EST_TELEGRAM_TOKEN": token or fake.token} if fake is not None else {}
        self.proc = subprocess.Popen(
            [EXE, "run", "--config", str(config), "--at", at],
            env={**os.environ, **telegram, "EST_LOG_LEVEL": "INFO", **(env or {})},
            stdout=self.log_file,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=background,
            preexec_fn=_ignore_sigint if background else None,
        )
        self.name = name

    @property
    def pid(self) -> int:
        return self.proc.pid

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def wait_log(self, needle: str, seconds: float = 90) -> None:
        wait_until(lambda: needle in self.log() or self.proc.poll() is not None, seconds, f"{needle!r} in {self.name}")
        assert needle in self.log(), self.log()

    def kill9(self) -> None:
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.log_file.close()

    def terminate(self, seconds: float = 60) -> int:
        """SIGTERM (systemctl stop, docker stop); wait for the process to end and return its exit code."""
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=seconds)
        self.log_file.close()
        return self.proc.returncode

    def stop(self) -> None:
        """Ctrl-C: the process must end cleanly, and must not have logged a traceback."""
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            self.proc.wait(timeout=60)
        self.log_file.close()
        assert self.proc.returncode == 0, self.log()
        assert "Traceback" not in self.log(), self.log()


def _ignore_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)


@contextmanager
def processes() -> Iterator[list[BotProcess]]:
    """Every process a test starts; whatever is still running at the end is killed."""
    started: list[BotProcess] = []
    try:
        yield started
    finally:
        for p in started:
            if p.proc.poll() is None:
                p.proc.kill()
                p.proc.wait(timeout=30)
            if not p.log_file.closed:
                p.log_file.close()


def query(db_url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    engine = create_engine(db_url.replace("postgresql://", "postgresql+psycopg://", 1))
    try:
        with engine.connect() as conn:
            return [tuple(r) for r in conn.execute(text(sql), params)]
    finally:
        engine.dispose()


def in_flight(db_url: str) -> set[str]:
    """Addresses of outbox rows a process had claimed and not yet recorded: the at-least-once window."""
    rows = query(db_url, "SELECT address FROM outbox WHERE status = 'pending' AND claimed_until IS NOT NULL")
    return {str(r[0]) for r in rows}


def held_by(db_url: str, pid: int) -> int:
    """Unsent outbox rows still leased to process `pid` (claimed_by is host:pid:random)."""
    rows = query(
        db_url,
        "SELECT COUNT(*) FROM outbox WHERE status = 'pending' AND claimed_by LIKE :pid",
        pid=f"%:{pid}:%",
    )
    return int(rows[0][0])


def pending(db_url: str) -> int:
    return int(query(db_url, "SELECT COUNT(*) FROM outbox WHERE status = 'pending'")[0][0])


def texts_starting(fake: FakeTelegramAPI, chat: int, prefix: str) -> int:
    return sum(1 for t in fake.texts_to(chat) if t.startswith(prefix))


def record(test: str, **figures: object) -> None:
    """Append one run's figures to $EST_RELIABILITY_LOG (JSON lines), for docs/RELIABILITY.md."""
    import json

    path = os.environ.get("EST_RELIABILITY_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"test": test, **figures}) + "\n")
