"""The unit of work: one session, one transaction, per incoming event or job."""

from __future__ import annotations

import threading
from types import TracebackType

from sqlalchemy.orm import Session, sessionmaker

from storage.store import SqlStore


class SqlUnitOfWork:
    """`lock`: one writer at a time within this process. SQLite takes its write lock at BEGIN IMMEDIATE and
    makes a second writer wait by sleeping and polling (1, 2, 5, 10 … ms); threads of one process (the intake,
    the sender, the scheduler) queue far faster on a lock of their own. Not used with PostgreSQL."""

    def __init__(self, session_factory: sessionmaker[Session], lock: threading.RLock | None = None) -> None:
        self._factory = session_factory
        self._lock = lock
        self.session: Session | None = None

    def __enter__(self) -> SqlUnitOfWork:
        if self._lock is not None:
            self._lock.acquire()
        try:
            self.session = self._factory()
        except BaseException:
            if self._lock is not None:
                self._lock.release()
            raise
        self.store = SqlStore(self.session)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self.session is not None
        try:
            self.session.rollback()
        finally:
            try:
                self.session.close()
            finally:
                self.session = None
                if self._lock is not None:
                    self._lock.release()

    def commit(self) -> None:
        assert self.session is not None
        self.store.end_batch()
        self.session.commit()

    def rollback(self) -> None:
        assert self.session is not None
        self.session.rollback()
