"""One scheduler leader: a PostgreSQL advisory lock on a connection of its own; SQLite always leads."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.leader import lead_forever
from storage.db import make_engine
from storage.leadership import DatabaseLeadership


def test_one_leader_and_a_takeover_when_its_session_dies(db_url: str) -> None:
    engines = [make_engine(db_url), make_engine(db_url)]
    first, second = (DatabaseLeadership(e) for e in engines)
    try:
        assert first.try_acquire()
        if not db_url.startswith("postgresql"):
            assert second.try_acquire()  # SQLite: one process is assumed, and it leads
            return
        assert not second.try_acquire()  # the lock is taken
        assert first.check() and first.try_acquire()  # asking again keeps it
        with engines[1].connect() as admin:  # the leader's session dies (as when its process is killed)
            admin.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                )
            )
        assert not first.check()  # it notices and steps down …
        assert second.try_acquire()  # … and another takes over
        assert not first.try_acquire()
        second.release()
        assert first.try_acquire()
    finally:
        first.release()
        second.release()
        for e in engines:
            e.dispose()


def test_lead_forever_calls_gain_and_loss(db_url: str) -> None:
    engine = make_engine(db_url)
    events: list[str] = []

    answers = [True, True, False, True]

    class Flaky(DatabaseLeadership):
        def try_acquire(self) -> bool:
            return answers.pop(0) if answers else True

        def check(self) -> bool:
            return answers.pop(0) if answers else True

    async def gain() -> None:
        events.append("gain")

    async def loss() -> None:
        events.append("loss")
        raise RuntimeError("a failing stop is logged, not fatal")

    async def main() -> None:
        task = asyncio.create_task(lead_forever(Flaky(engine), gain, loss, every=0.001))
        while len(events) < 3:
            await asyncio.sleep(0.001)
        task.cancel()

    try:
        asyncio.run(main())
    finally:
        engine.dispose()
    assert events[:3] == ["gain", "loss", "gain"]


def test_processes_starting_at_once_on_a_fresh_database_take_turns(db_url: str, tmp_path: Path) -> None:
    """Three real processes migrate and load the configuration at the same moment: without the start-up lock
    all but one died on duplicate tables and people."""
    if not db_url.startswith("postgresql"):
        pytest.skip("SQLite is for one process")
    cfg = tmp_path / "est.toml"
    cfg.write_text(
        f'reports_dir = "{tmp_path}/r"\n[database]\nurl = "{db_url}"\n[[groups]]\nid = "tbg"\nname = "T"\n'
        '[[groups.areas]]\ncode = "c"\nname = "C"\n[[groups.reporters]]\nname = "Anna"\nareas = ["c"]\n',
        encoding="utf-8",
    )
    exe = str(Path(sys.executable).parent / "est-bot")
    procs = [
        subprocess.Popen(
            [exe, "invite", "Anna", "--config", str(cfg)], stdout=subprocess.PIPE, stderr=subprocess.STDOUT
        )
        for _ in range(3)
    ]
    outputs = [p.communicate(timeout=120)[0].decode() for p in procs]
    assert [p.returncode for p in procs] == [0, 0, 0], outputs
    engine = make_engine(db_url)
    try:
        with engine.connect() as conn:
            assert conn.execute(text("SELECT COUNT(*) FROM persons")).scalar() == 1
            assert conn.execute(text("SELECT COUNT(*) FROM invites")).scalar() == 3
    finally:
        engine.dispose()
