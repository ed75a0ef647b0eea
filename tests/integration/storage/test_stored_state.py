"""A malformed saved questionnaire (storage/repositories/base.py `stored_state`): logged by its response's id,
never its content, and read as a fresh state, so a bad row does not fail every read of it (due snoozes are read
on every group's tick)."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import update

from bot.domain.conversation_state import ConversationState, Step
from bot.domain.cycle import RoundKey
from storage.db import make_engine, make_session_factory
from storage.migrate import migrate
from storage.models import ResponseRow
from storage.uow import SqlUnitOfWork

NOW = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)


@pytest.fixture
def unit_of_work(db_url: str) -> Iterator[SqlUnitOfWork]:
    engine = make_engine(db_url)
    migrate(engine)
    factory = make_session_factory(engine)
    try:
        yield SqlUnitOfWork(factory)
    finally:
        engine.dispose()


@pytest.mark.parametrize(
    "stored",
    [
        {"step": "no such step 070-123 45 67"},
        {"answers": ["secret note"]},
        {"answers": {"C|klotter": {"level": "many"}}},
        ["not", "an", "object"],
    ],
)
def test_a_malformed_stored_state_is_logged_and_read_as_fresh(
    unit_of_work: SqlUnitOfWork, stored: object, caplog: pytest.LogCaptureFixture
) -> None:
    with unit_of_work as uow:
        uow.groups.upsert_group("g", "Grupp")
        person = uow.people.upsert_person("g", "Anna", "Org", "reporter", "sv", True)
        rnd = uow.rounds.create_round("g", RoundKey(2026, 47), NOW)
        resp = uow.rounds.get_or_create_response(rnd.id, person.id, "Org", NOW)
        uow.rounds.save_response(
            resp.id,
            resp.version,
            ConversationState(step=Step.LEVEL),
            "snoozed",
            NOW - timedelta(minutes=1),
            False,
            None,
            NOW,
        )
        uow.commit()
    with unit_of_work as uow:
        assert uow.session is not None
        uow.session.execute(update(ResponseRow).where(ResponseRow.id == resp.id).values(state=stored))
        uow.commit()
    with caplog.at_level(logging.WARNING, logger="storage.repositories.base"), unit_of_work as uow:
        again = uow.rounds.get_response(rnd.id, person.id)
        assert again is not None and again.state == ConversationState()
        ((due, _),) = uow.rounds.due_snoozes("g", NOW)  # the tick still reads the row
        assert due.id == resp.id and due.state == ConversationState()
    assert caplog.records and all(f"response {resp.id}:" in r.getMessage() for r in caplog.records)
    assert not any("070-123" in r.getMessage() or "secret" in r.getMessage() for r in caplog.records)
