"""Statements run on the driver's cursor (storage/repositories/prepared.py) answer what SQLAlchemy's own execution
answers: the same rows and types (datetimes, JSON, booleans, floats), the rows changed by one or many parameter
sets, a text statement's RETURNING columns, and SQLAlchemy's errors, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import Engine, bindparam, insert, select, text, update
from sqlalchemy.exc import IntegrityError

from storage.db import make_engine
from storage.migrate import migrate
from storage.models import GroupRow, OutboxRow, PlaceRow
from storage.repositories.base import table
from storage.repositories.prepared import Prepared

NOW = datetime(2026, 11, 17, 9, 0, 12, 345678, tzinfo=UTC)
OUTBOX, PLACES, GROUPS = table(OutboxRow), table(PlaceRow), table(GroupRow)

ROW_BY_KEY = select(OUTBOX.c.id, OUTBOX.c.key, OUTBOX.c.payload, OUTBOX.c.next_attempt_at, OUTBOX.c.sent_at).where(
    OUTBOX.c.key == bindparam("key"), OUTBOX.c.status == "pending"
)
SEND = update(OUTBOX).where(OUTBOX.c.id == bindparam("b_id")).values(status="sent", sent_at=bindparam("b_at"))
ADD = text(
    "INSERT INTO outbox (key, platform, address, ref, payload, status, attempts, next_attempt_at, created_at) "
    "VALUES (:key, 'console', 'a', NULL, :payload, 'pending', 0, :at, :at) RETURNING id, key"
).bindparams(
    bindparam("payload", type_=OUTBOX.c.payload.type),
    bindparam("at", type_=OUTBOX.c.next_attempt_at.type),
)


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    engine = make_engine(db_url)
    migrate(engine)
    try:
        yield engine
    finally:
        engine.dispose()


def test_rows_types_and_counts_are_sqlalchemys(engine: Engine) -> None:
    payload = {"text": "Hej Åsa", "choices": [[{"id": "q1:g:start", "label": "Börja"}]], "fresh": False}
    with engine.begin() as conn:
        added = Prepared(ADD).run(conn, {"key": "k1", "payload": payload, "at": NOW}).one()
        assert added.key == "k1" and added[1] == "k1"
        Prepared(ADD).run(conn, {"key": "k2", "payload": {}, "at": NOW})
        fast = Prepared(ROW_BY_KEY).run(conn, {"key": "k1"}).all()
        slow = conn.execute(ROW_BY_KEY, {"key": "k1"}).all()
        assert fast == [tuple(r) for r in slow]
        row = fast[0]
        assert row.payload == payload and row.next_attempt_at.replace(tzinfo=UTC) == NOW and row.sent_at is None
        ids = [{"b_id": added.id, "b_at": NOW}, {"b_id": added.id + 1, "b_at": NOW}, {"b_id": -1, "b_at": NOW}]
        assert Prepared(SEND).run(conn, ids).rowcount == 2  # many parameter sets: the rows changed, summed
        assert Prepared(ROW_BY_KEY).run(conn, {"key": "k1"}).first() is None  # "pending" is the statement's own


def test_floats_and_booleans_as_stored(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(GROUPS).values(id="g", name="G"))
        area = conn.execute(text("INSERT INTO areas (group_id, code, name) VALUES ('g', 'c', 'C') RETURNING id"))
        area_id = area.scalar_one()
        conn.execute(
            insert(PLACES).values(
                area_id=area_id,
                name="Torget",
                norm="torget",
                lat=59.33,
                lon=18.06,
                configured=True,
                review="approved",
                created_at=NOW,
            )
        )
        q = select(PLACES.c.name, PLACES.c.lat, PLACES.c.configured).where(PLACES.c.area_id == bindparam("area_id"))
        assert Prepared(q).run(conn, {"area_id": area_id}).all() == [("Torget", 59.33, True)]
        assert Prepared(q).run(conn, {"area_id": area_id}).scalar() == "Torget"


def test_errors_are_sqlalchemys(engine: Engine) -> None:
    with engine.connect() as conn, conn.begin():
        Prepared(ADD).run(conn, {"key": "same", "payload": {}, "at": NOW})
        with pytest.raises(IntegrityError):
            Prepared(ADD).run(conn, {"key": "same", "payload": {}, "at": NOW})


def test_expanding_parameters_are_refused(engine: Engine) -> None:
    listed = select(OUTBOX.c.id).where(OUTBOX.c.id.in_(bindparam("ids", expanding=True)))
    with engine.connect() as conn, pytest.raises(ValueError, match="expanding"):
        Prepared(listed).run(conn, {"ids": [1]})
