"""One scheduler leader among several `est-bot run` processes on one database.

On PostgreSQL the leader is the process that holds a session-level advisory lock
(`pg_try_advisory_lock`) on a connection of its own, kept open for as long as it leads. The lock belongs to
that database session: when the process dies, even by kill -9, the server ends the session and the lock is
free at once; the others try again every `leader_retry_seconds` and one of them takes over. A leader checks
its connection on the same beat and steps down when it is gone (the server restarted, the network broke).

Two leaders for a moment (the old one has not noticed yet that its session died) are harmless: every phase
step is a compare-and-set on the round's phase (`SqlStore.set_phase`), so it happens once whoever runs it, and
outbox rows are claimed with leases (bot/outbox.py).

On SQLite there are no advisory locks, and SQLite is meant for one process: the single process always leads.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from sqlalchemy import Connection, Engine, func, select, text

log = logging.getLogger(__name__)

#: The advisory lock key: "ESTBOT" and 1 (the scheduler), as one 64-bit integer.
SCHEDULER_LOCK = 0x4553_5442_4F54_0001


class Leadership:
    def __init__(self, engine: Engine, key: int = SCHEDULER_LOCK) -> None:
        self.engine = engine
        self.key = key
        self.shared = engine.dialect.name == "postgresql"
        self._conn: Connection | None = None

    @property
    def held(self) -> bool:
        return not self.shared or self._conn is not None

    def try_acquire(self) -> bool:
        """Take the lock if it is free; True if this process leads now."""
        if not self.shared:
            return True
        if self._conn is not None:
            return self.check()
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = bool(conn.execute(select(func.pg_try_advisory_lock(self.key))).scalar())
        except Exception:
            conn.invalidate()
            conn.close()
            raise
        if got:
            self._conn = conn
        else:
            conn.close()
        return got

    def check(self) -> bool:
        """Whether the lock is still ours: its session must be alive. A dead one is dropped."""
        if not self.shared:
            return True
        if self._conn is None:
            return False
        try:
            self._conn.execute(text("SELECT 1"))
            return True
        except Exception:
            log.warning("the leader's database session is gone; stepping down", exc_info=True)
            self._drop()
            return False

    def release(self) -> None:
        if self._conn is None:
            return
        try:
            self._conn.execute(select(func.pg_advisory_unlock(self.key)))
        finally:
            self._conn.close()
            self._conn = None

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.invalidate()  # never hand a broken session back to the pool
            conn.close()


async def lead_forever(
    leadership: Leadership,
    on_gain: Callable[[], Awaitable[None]],
    on_loss: Callable[[], Awaitable[None]],
    every: float,
) -> None:
    """Try to lead every `every` seconds; call `on_gain` when this process becomes the leader and `on_loss`
    when it stops being one. A database that cannot be reached counts as not leading and is tried again."""
    leading = False
    while True:
        try:
            held = await asyncio.to_thread(leadership.check if leading else leadership.try_acquire)
        except Exception:
            log.warning("could not ask the database for the scheduler lock; trying again", exc_info=True)
            held = False
        if held and not leading:
            leading = True
            log.info("this process leads: it runs the schedule")
            await _guarded(on_gain, "starting the leader's work")
        elif leading and not held:
            leading = False
            log.warning("this process no longer leads: schedule paused")
            await _guarded(on_loss, "stopping the leader's work")
        await asyncio.sleep(every)


async def _guarded(step: Callable[[], Awaitable[None]], what: str) -> None:
    try:
        await step()
    except Exception:
        log.exception("%s failed; the tick and the next leader check try again", what)
