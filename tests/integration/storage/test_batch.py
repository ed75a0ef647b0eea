"""The batch of presses (storage/batch.py): the unit of work installs the batching repositories for the batch and
the plain ones after it; held-back writes land at `end_batch` or `commit`; recorded events stay answered."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from bot.domain.conversation_state import ConversationState, Step
from bot.domain.cycle import RoundKey
from storage.batch import BatchingGroups, BatchingOutbox, BatchingPeople, BatchingRounds
from storage.db import make_engine, make_session_factory
from storage.migrate import migrate
from storage.repositories.outbox import SqlOutbox
from storage.repositories.rounds import SqlRounds
from storage.uow import SqlUnitOfWork

NOW = datetime(2026, 11, 17, 9, 0, tzinfo=UTC)


@pytest.fixture
def unit_of_work(db_url: str) -> Iterator[SqlUnitOfWork]:
    engine = make_engine(db_url)
    migrate(engine)
    factory = make_session_factory(engine)
    with SqlUnitOfWork(factory) as uow:
        uow.groups.upsert_group("g", "Grupp")
        area = uow.groups.upsert_area("g", "C", "Centrum")
        person = uow.people.upsert_person("g", "Anna", "Org", "reporter", "sv", True)
        uow.people.link_account("console", "anna", person.id)
        uow.people.set_person_areas(person.id, [area.id])
        uow.rounds.create_round("g", RoundKey(2026, 47), NOW)
        uow.commit()
    try:
        yield SqlUnitOfWork(factory)
    finally:
        engine.dispose()


def test_the_batching_repositories_are_there_for_the_batch_only(unit_of_work: SqlUnitOfWork) -> None:
    with unit_of_work as uow:
        rnd = uow.rounds.get_round("g", RoundKey(2026, 47))
        assert rnd is not None and type(uow.rounds) is SqlRounds
        uow.begin_batch([("console", "anna", rnd.id)], [("console", "e1")], NOW)
        assert isinstance(uow.rounds, BatchingRounds) and isinstance(uow.people, BatchingPeople)
        assert isinstance(uow.groups, BatchingGroups) and isinstance(uow.outbox, BatchingOutbox)
        person = uow.people.person_by_account("console", "anna")
        assert person is not None and [a.code for a in uow.people.person_areas(person.id)] == ["C"]
        uow.outbox.enqueue("k1", "console", "anna", None, {"text": "hej"}, NOW)
        assert uow.outbox.counts() == {}  # held back
        uow.end_batch()
        assert type(uow.rounds) is SqlRounds and type(uow.outbox) is SqlOutbox
        assert uow.outbox.counts() == {"pending": 1}
        uow.end_batch()  # without a batch: nothing to do


LEVEL_STATE = ConversationState(step=Step.LEVEL)


def test_a_saved_response_is_read_as_saved_and_written_at_commit(unit_of_work: SqlUnitOfWork) -> None:
    with unit_of_work as uow:
        rnd = uow.rounds.get_round("g", RoundKey(2026, 47))
        person = uow.people.person_by_account("console", "anna")
        assert rnd is not None and person is not None
        uow.begin_batch([("console", "anna", rnd.id)], [], NOW)
        first = uow.rounds.get_or_create_response(rnd.id, person.id, "Org", NOW)
        uow.rounds.save_response(first.id, first.version, LEVEL_STATE, "pending", None, False, None, NOW)
        again = uow.rounds.get_or_create_response(rnd.id, person.id, "Org", NOW)
        assert again.state == LEVEL_STATE and again.version == first.version + 1
        uow.commit()
    with unit_of_work as uow:
        stored = uow.rounds.get_response(rnd.id, person.id)
        assert stored is not None and stored.state == LEVEL_STATE and stored.version == first.version + 1


def test_events_recorded_by_a_batch_stay_answered_after_it(unit_of_work: SqlUnitOfWork) -> None:
    with unit_of_work as uow:
        uow.begin_batch([("console", "anna", None)], [("console", "e1"), ("console", "e1")], NOW)
        uow.end_batch()
        assert uow.audit.mark_event_processed("console", "e1", NOW)  # the first delivery, recorded by the batch
        assert not uow.audit.mark_event_processed("console", "e1", NOW)  # then a duplicate
        uow.commit()
    with unit_of_work as uow:
        assert not uow.audit.mark_event_processed("console", "e1", NOW)
