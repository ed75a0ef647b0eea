"""Each fake is its port: mypy checks the assignments below (`make lint` type-checks tests/), and the test checks
that a unit of work keeps only what it committed."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.ports import Audit, Groups, History, Meeting, OutboxStore, People, Privacy, Rounds, Statistics, UnitOfWork
from tests.unit.fakes import FakeStorage, FakeUnitOfWork
from tests.unit.fakes.tables import ConcurrentChange

NOW = datetime(2026, 11, 17, 7, 0, tzinfo=UTC)


def test_each_fake_repository_is_its_port() -> None:
    storage = FakeStorage()
    uow: UnitOfWork = storage.unit()
    with FakeUnitOfWork(storage.db) as fake:
        groups: Groups = fake.groups
        people: People = fake.people
        rounds: Rounds = fake.rounds
        meeting: Meeting = fake.meeting
        history: History = fake.history
        outbox: OutboxStore = fake.outbox
        statistics: Statistics = fake.statistics
        privacy: Privacy = fake.privacy
        audit: Audit = fake.audit
        ports = (groups, people, rounds, meeting, history, outbox, statistics, privacy, audit)
    assert all(port is not None for port in ports) and uow is not None


def test_commit_keeps_and_leaving_without_commit_rolls_back() -> None:
    storage = FakeStorage()
    with storage.unit() as uow:
        uow.groups.upsert_group("g", "G")
        uow.commit()
        uow.groups.upsert_area("g", "a", "A")  # after the commit: not committed
    with storage.unit() as uow:
        uow.groups.upsert_area("g", "b", "B")
        assert [a.code for a in uow.groups.areas("g")] == ["b"]
        uow.rollback()
        assert uow.groups.areas("g") == []
    with storage.unit() as uow:
        assert storage.db.tables.groups["g"].name == "G" and uow.groups.areas("g") == []
        uow.outbox.enqueue("k", "console", "anna", None, {"text": "hej"}, NOW)
    with storage.unit() as uow:
        assert uow.outbox.counts() == {}


def test_units_of_work_that_overlap_keep_each_others_rows_and_clash_on_the_same_row() -> None:
    storage = FakeStorage()
    with storage.unit() as setup:
        setup.groups.upsert_group("g", "G")
        setup.commit()
    with storage.unit() as outer:
        outer.outbox.enqueue("outer", "console", "anna", None, {"text": "1"}, NOW)
        with storage.unit() as inner:
            inner.audit.mark_event_processed("console", "e1", NOW)
            inner.groups.upsert_group("g", "Inner")
            inner.commit()
        outer.commit()  # its message goes over what the inner unit committed
        assert outer.groups.areas("g") == [] and outer.audit.mark_event_processed("console", "e1", NOW) is False
    with storage.unit() as uow:
        assert uow.outbox.counts() == {"pending": 1}
        assert storage.db.tables.groups["g"].name == "Inner"
    with storage.unit() as outer:
        outer.groups.upsert_group("g", "Outer")
        with storage.unit() as inner:
            inner.groups.upsert_group("g", "Inner again")
            inner.commit()
        with pytest.raises(ConcurrentChange):
            outer.commit()
