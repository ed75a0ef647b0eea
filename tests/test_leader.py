"""One scheduler leader: a PostgreSQL advisory lock on a connection of its own; SQLite always leads."""

from __future__ import annotations

import asyncio

from sqlalchemy import text

from bot.leader import Leadership, lead_forever
from storage.db import make_engine


def test_one_leader_and_a_takeover_when_its_session_dies(db_url: str) -> None:
    engines = [make_engine(db_url), make_engine(db_url)]
    first, second = (Leadership(e) for e in engines)
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

    class Flaky(Leadership):
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
