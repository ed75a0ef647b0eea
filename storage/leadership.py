"""The scheduler's leadership on the database (the `Leadership` port of bot/ports/leadership.py).

On PostgreSQL the leader is the process that holds a session-level advisory lock
(`pg_try_advisory_lock`) on a connection of its own, kept open for as long as it leads. The lock belongs to
that database session: when the process dies, even by kill -9, the server ends the session and the lock is
free at once. On SQLite there are no advisory locks, and SQLite is meant for one process: it always leads.
"""

from __future__ import annotations

import logging

from sqlalchemy import Connection, Engine, func, select, text

log = logging.getLogger(__name__)

#: The advisory lock key: "ESTBOT" and 1 (the scheduler), as one 64-bit integer.
SCHEDULER_LOCK = 0x4553_5442_4F54_0001


class DatabaseLeadership:
    """A PostgreSQL advisory lock on a connection of its own; on SQLite, always held."""

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

    def leader_exists(self) -> bool:
        """Whether some process leads the schedule: this one, or (PostgreSQL) the one holding the lock."""
        if self.held:
            return True
        with self.engine.connect() as conn:
            held = conn.execute(
                text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND classid::bigint = :hi AND objid::bigint = :lo AND objsubid = 1"
                    " AND database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                ),
                {"hi": self.key >> 32, "lo": self.key & 0xFFFF_FFFF},
            ).scalar()
        return bool(held)

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
