"""The unit of work: one session, one transaction, per incoming event or job, with its repositories."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from types import TracebackType
from typing import cast

from sqlalchemy.orm import Session, sessionmaker

from storage.batch import Batch, BatchingGroups, BatchingOutbox, BatchingPeople, BatchingRounds, MarkedAudit, Press
from storage.repositories.groups import SqlGroups
from storage.repositories.history import SqlHistory
from storage.repositories.meeting import SqlMeeting
from storage.repositories.outbox import SqlOutbox
from storage.repositories.people import SqlPeople
from storage.repositories.privacy import SqlPrivacy
from storage.repositories.rounds import SqlRounds
from storage.repositories.statistics import SqlStatistics
from storage.repositories.web import SqlWeb
from storage.round_cache import RoundCache
from storage.unit_session import UnitSession


class SqlUnitOfWork:
    """`lock`: one writer at a time within this process. SQLite takes its write lock at BEGIN IMMEDIATE and
    makes a second writer wait by sleeping and polling (1, 2, 5, 10 … ms); threads of one process (the intake,
    the sender, the scheduler) queue far faster on a lock of their own. Not used with PostgreSQL."""

    groups: SqlGroups
    people: SqlPeople
    rounds: SqlRounds
    meeting: SqlMeeting
    history: SqlHistory
    outbox: SqlOutbox
    statistics: SqlStatistics
    privacy: SqlPrivacy
    audit: MarkedAudit
    web: SqlWeb

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        lock: threading.RLock | None = None,
        cache: RoundCache | None = None,
    ) -> None:
        self._factory = session_factory
        self._lock = lock
        self._cache = cache  # the process's per-round aggregates (storage/round_cache.py), shared by its units
        self._unit: UnitSession | None = None
        self._batch: Batch | None = None

    @property
    def session(self) -> Session | None:
        """The unit's ORM session (made now if nothing asked for it yet); None outside the unit."""
        return None if self._unit is None else self._unit.session()

    def __enter__(self) -> SqlUnitOfWork:
        if self._lock is not None:
            self._lock.acquire()
        try:
            self._unit = UnitSession(self._factory)
        except BaseException:
            if self._lock is not None:
                self._lock.release()
            raise
        # the repositories take the stand-in: a session is made only if one of them uses the ORM
        session = cast(Session, self._unit)
        self._batch = None
        self._plain(session)
        self.meeting = SqlMeeting(session, self.groups)
        self.history = SqlHistory(session)
        self.history.cache = self._cache
        self.statistics = SqlStatistics(session)
        self.privacy = SqlPrivacy(session, self.people)
        self.audit = MarkedAudit(session)
        self.web = SqlWeb(session)
        return self

    def _plain(self, session: Session) -> None:
        """The repositories that a batch replaces while it is on."""
        self.groups = SqlGroups(session)
        self.people = SqlPeople(session)
        self.rounds = SqlRounds(session, self.groups, self.people)
        self.rounds.pictures.cache = self._cache
        self.outbox = SqlOutbox(session)

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._unit is not None
        self._batch = None
        try:
            self._unit.close()  # rolls back what was not committed
        finally:
            self._unit = None
            if self._lock is not None:
                self._lock.release()

    def begin_batch(self, presses: Sequence[Press], events: Sequence[tuple[str, str]], now: datetime) -> None:
        """Handle a batch of button presses in this unit of work with fewer statements (storage/batch.py).

        `presses`: (platform, account, round id or None) per press; `events`: (platform, event id) per event,
        recorded as processed here already. Only what a questionnaire press does may happen until `end_batch`;
        `commit` ends the batch too, and nothing of it outlives the unit of work."""
        assert self._unit is not None
        session = cast(Session, self._unit)
        batch = self._batch or Batch(session)
        if events:
            self.audit.marked.update(batch.mark_events(events, now))
        batch.read(presses)
        if self._batch is None:
            self._batch = batch
            self.groups = BatchingGroups(session, batch)
            self.people = BatchingPeople(session, batch)
            self.rounds = BatchingRounds(session, self.groups, self.people, batch)
            self.outbox = BatchingOutbox(session, batch)
            # the batch writes answers now and the responses' versions later: no cached counts meanwhile
            self.history.cache = None

    def end_batch(self) -> None:
        """Write what the batch held back, and read from the database again from now on (the events recorded
        by `begin_batch` stay recorded). Without a batch, nothing to do."""
        batch, self._batch = self._batch, None
        if batch is None:
            return
        assert self._unit is not None
        self._plain(cast(Session, self._unit))
        self.history.cache = self._cache
        batch.write()

    def commit(self) -> None:
        assert self._unit is not None
        self.end_batch()
        self._unit.commit()

    def rollback(self) -> None:
        assert self._unit is not None
        self._unit.rollback()
