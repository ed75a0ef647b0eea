"""The unit of work: one session, one transaction, per incoming event or job, with its repositories."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from datetime import datetime
from types import TracebackType

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
        self.session: Session | None = None
        self._batch: Batch | None = None

    def __enter__(self) -> SqlUnitOfWork:
        if self._lock is not None:
            self._lock.acquire()
        try:
            self.session = self._factory()
        except BaseException:
            if self._lock is not None:
                self._lock.release()
            raise
        self._batch = None
        self._plain(self.session)
        self.meeting = SqlMeeting(self.session, self.groups)
        self.history = SqlHistory(self.session)
        self.history.cache = self._cache
        self.statistics = SqlStatistics(self.session)
        self.privacy = SqlPrivacy(self.session, self.people)
        self.audit = MarkedAudit(self.session)
        self.web = SqlWeb(self.session)
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
        assert self.session is not None
        self._batch = None
        try:
            self.session.rollback()
        finally:
            try:
                self.session.close()
            finally:
                self.session = None
                if self._lock is not None:
                    self._lock.release()

    def begin_batch(self, presses: Sequence[Press], events: Sequence[tuple[str, str]], now: datetime) -> None:
        """Handle a batch of button presses in this unit of work with fewer statements (storage/batch.py).

        `presses`: (platform, account, round id or None) per press; `events`: (platform, event id) per event,
        recorded as processed here already. Only what a questionnaire press does may happen until `end_batch`;
        `commit` ends the batch too, and nothing of it outlives the unit of work."""
        assert self.session is not None
        batch = self._batch or Batch(self.session)
        if events:
            self.audit.marked.update(batch.mark_events(events, now))
        batch.read(presses)
        if self._batch is None:
            self._batch = batch
            self.groups = BatchingGroups(self.session, batch)
            self.people = BatchingPeople(self.session, batch)
            self.rounds = BatchingRounds(self.session, self.groups, self.people, batch)
            self.outbox = BatchingOutbox(self.session, batch)
            # the batch writes answers now and the responses' versions later: no cached counts meanwhile
            self.history.cache = None

    def end_batch(self) -> None:
        """Write what the batch held back, and read from the database again from now on (the events recorded
        by `begin_batch` stay recorded). Without a batch, nothing to do."""
        batch, self._batch = self._batch, None
        if batch is None:
            return
        assert self.session is not None
        self._plain(self.session)
        self.history.cache = self._cache
        batch.write()

    def commit(self) -> None:
        assert self.session is not None
        self.end_batch()
        self.session.commit()

    def rollback(self) -> None:
        assert self.session is not None
        self.session.rollback()
