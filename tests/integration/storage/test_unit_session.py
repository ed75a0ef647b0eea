"""The unit of work's own connection (storage/unit_session.py): Core statements without a session, the ORM's
changes flushed before them, one transaction for both, rolled back unless committed; on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.exc import NoResultFound, PendingRollbackError

from storage.db import make_engine, make_session_factory
from storage.migrate import migrate
from storage.uow import SqlUnitOfWork

NOW = datetime(2026, 3, 3, 9, 0, tzinfo=UTC)
LEASE = NOW + timedelta(minutes=2)


@pytest.fixture
def units(db_url: str) -> Iterator[Callable[[], SqlUnitOfWork]]:
    engine = make_engine(db_url)
    migrate(engine)
    factory = make_session_factory(engine)
    lock = threading.RLock() if engine.dialect.name == "sqlite" else None
    yield lambda: SqlUnitOfWork(factory, lock)
    engine.dispose()


def test_core_statements_make_no_session_and_share_the_orms_transaction(units: Callable[[], SqlUnitOfWork]) -> None:
    unit = units
    with unit() as uow:
        uow.outbox.enqueue("k0", "console", "anna", None, {"text": "m0"}, NOW)
        uow.outbox.enqueue("k1", "console", "bo", None, {"text": "m1"}, NOW)
        assert uow._unit is not None and uow._unit.made is None  # noqa: SLF001 (no ORM asked for: no session)
        uow.commit()
    with unit() as uow:
        first, second = uow.outbox.claim("console", NOW, 10, claimer="x")
        uow.outbox.park(first.id, "boom")  # through the ORM: a session is made, bound to the unit's connection
        assert uow._unit is not None and uow._unit.made is not None  # noqa: SLF001
        uow.outbox.release([first.id, second.id], "x")
        # a Core statement after the ORM's change sees it (flushed first): only k1 is due again
        assert [i.key for i in uow.outbox.claim("console", NOW, 10, claimer="y")] == ["k1"]
        # not committed: the park, the release and both claims are rolled back together
    with unit() as uow:
        assert uow.outbox.counts() == {"pending": 2}
        uow.outbox.park(uow.outbox.claim("console", NOW, 1, claimer="z")[0].id, "boom")
        uow.commit()
        # the unit goes on after a commit, in a new transaction
        assert [i.key for i in uow.outbox.claim("console", NOW, 10, lease_until=LEASE, claimer="w")] == ["k1"]
        uow.commit()
    with unit() as uow:
        assert uow.outbox.counts() == {"parked": 1, "pending": 1}
        assert uow.outbox.claim("console", NOW, 10, claimer="v") == []  # k1 is leased to "w"


def test_a_connection_lost_mid_unit_is_not_replaced_within_its_transaction(units: Callable[[], SqlUnitOfWork]) -> None:
    """A connection invalidated in the unit's transaction (a disconnect) loses what the unit wrote: the unit must
    not go on, on a new connection, and commit only its second half; after a rollback it may go on."""
    unit = units
    with unit() as uow:
        uow.outbox.enqueue("k0", "console", "anna", None, {"text": "m0"}, NOW)
        assert uow._unit is not None  # noqa: SLF001
        uow._unit.core_connection().invalidate()  # noqa: SLF001 (as a disconnect found by a statement does)
        with pytest.raises(PendingRollbackError):
            uow.outbox.enqueue("k1", "console", "bo", None, {"text": "m1"}, NOW)
        with pytest.raises(PendingRollbackError):
            uow.commit()
        uow.rollback()
        uow.outbox.enqueue("k2", "console", "cy", None, {"text": "m2"}, NOW)  # a new transaction, a new connection
        uow.commit()
    with unit() as uow:
        assert [i.key for i in uow.outbox.claim("console", NOW, 10, claimer="x")] == ["k2"]


def test_sent_many_counts_the_rows_it_marks_and_fails_for_one_gone(units: Callable[[], SqlUnitOfWork]) -> None:
    """On both databases (the driver's rowcount of an executemany): the rows marked together, and a batch with a row
    that is gone fails as a whole, as `sent` does for it."""
    unit = units
    with unit() as uow:
        for n in range(4):
            uow.outbox.enqueue(f"k{n}", "console", "anna", f"r{n}", {"text": f"m{n}"}, NOW)
        uow.commit()
    with unit() as uow:
        items = uow.outbox.claim("console", NOW, 10, claimer="x")
        uow.outbox.sent_many([(item, f"id-{item.key}") for item in items[:2]], NOW)
        uow.commit()
        with pytest.raises(NoResultFound, match="1 of 2"):
            uow.outbox.sent_many([(items[2], "id-k2"), (replace(items[3], id=items[3].id + 1000), "id-x")], NOW)
    with unit() as uow:
        assert uow.outbox.counts() == {"pending": 2, "sent": 2}
        assert uow.outbox.message_id_for("console", "anna", "r1") == "id-k1"
        assert uow.outbox.message_id_for("console", "anna", "r2") is None
