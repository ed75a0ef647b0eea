"""`FakeUnitOfWork`: the `bot.ports.UnitOfWork` port in memory, with one fake repository per port.

Each unit of work begins from a copy of the database's committed tables (`Tables.copy`: rows copied, their JSON
values shared, as the fakes only ever replace a JSON value, never change one in place). `commit` makes its copy
the committed state; when another unit committed since this one began, the rows this one changed go over theirs
(`merge`), and a row both changed is a `ConcurrentChange`. Leaving without a commit drops the copy (a rollback).

Not modelled: locks (`FOR UPDATE`, `SKIP LOCKED`, SQLite's write lock; units of work here run one thread at a
time) and the batch of presses' write-behind: `begin_batch` records the batch's events as processed, as storage
does, and every write happens at once, so `end_batch` has nothing to write. Ids count up per table and roll back
with the unit of work (a rolled-back insert gives its id back, as on SQLite); a deleted row's id is not reused."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import datetime
from types import TracebackType

from tests.unit.fakes.history import FakeHistory
from tests.unit.fakes.meeting import FakeAudit, FakeMeeting, FakeStatistics
from tests.unit.fakes.outbox import FakeOutbox
from tests.unit.fakes.people import FakeGroups, FakePeople
from tests.unit.fakes.privacy import FakePrivacy
from tests.unit.fakes.rounds import FakeRounds
from tests.unit.fakes.tables import FakeDatabase, Tables, merge
from tests.unit.fakes.web import FakeWeb


class MarkedAudit(FakeAudit):
    """Events a batch recorded as processed answer from that, for the rest of the unit of work."""

    def __init__(self, tables: Tables) -> None:
        super().__init__(tables)
        self.marked: dict[tuple[str, str], bool] = {}

    def mark_event_processed(self, platform: str, event_id: str, now: datetime) -> bool:
        first = self.marked.pop((platform, event_id), None)
        if first is not None:
            return first
        return super().mark_event_processed(platform, event_id, now)


class FakeUnitOfWork:
    """`with FakeUnitOfWork(db) as uow: … uow.commit()`; the repositories exist inside the `with` only."""

    groups: FakeGroups
    people: FakePeople
    rounds: FakeRounds
    meeting: FakeMeeting
    history: FakeHistory
    outbox: FakeOutbox
    statistics: FakeStatistics
    privacy: FakePrivacy
    audit: MarkedAudit
    web: FakeWeb

    def __init__(self, db: FakeDatabase) -> None:
        self.db = db
        self.tables: Tables | None = None
        self.base = db.tables  # the committed tables this unit began from (never changed in place)
        self.committed = False
        self.in_batch = False

    def __enter__(self) -> FakeUnitOfWork:
        if self.tables is not None:
            raise RuntimeError("a unit of work is entered once at a time")
        self.base = self.db.tables
        t = self.tables = self.base.copy()
        self.committed = False
        self.groups = FakeGroups(t)
        self.people = FakePeople(t)
        self.rounds = FakeRounds(t, self.groups, self.people)
        self.meeting = FakeMeeting(t, self.groups)
        self.history = FakeHistory(t)
        self.outbox = FakeOutbox(t)
        self.statistics = FakeStatistics(t)
        self.privacy = FakePrivacy(t, self.people)
        self.audit = MarkedAudit(t)
        self.web = FakeWeb(t)
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.tables = None  # what was not committed is gone
        self.in_batch = False

    def begin_batch(
        self, presses: Sequence[tuple[str, str, int | None]], events: Sequence[tuple[str, str]], now: datetime
    ) -> None:
        assert self.tables is not None, "begin_batch outside `with`"
        for key in sorted(set(events)):
            self.audit.marked[key] = FakeAudit.mark_event_processed(self.audit, key[0], key[1], now)
        self.in_batch = True

    def end_batch(self) -> None:
        self.in_batch = False

    def commit(self) -> None:
        assert self.tables is not None, "commit outside `with`"
        self.end_batch()
        # another unit of work may have committed since this one began: its rows stay, this one's go over them
        fresh = self.db.tables is self.base
        committed = self.tables.moved() if fresh else merge(self.base, self.tables, self.db.tables)
        self.db.tables = committed
        self.db.commits += 1
        self.committed = True
        self._restart(committed)

    def rollback(self) -> None:
        """Back to what is committed now; the repositories keep working on the same (restored) tables."""
        assert self.tables is not None, "rollback outside `with`"
        self._restart(self.db.tables)

    def _restart(self, committed: Tables) -> None:
        """Go on from `committed`, as a new transaction after a commit or a rollback would."""
        assert self.tables is not None
        self.base = committed
        fresh = committed.copy()
        for f in fields(fresh):
            setattr(self.tables, f.name, getattr(fresh, f.name))


class FakeStorage:
    """A fake database and the factory of its units of work, for `Services(config, storage.unit, …)`."""

    def __init__(self) -> None:
        self.db = FakeDatabase()

    def unit(self) -> FakeUnitOfWork:
        return FakeUnitOfWork(self.db)
