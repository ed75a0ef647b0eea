"""The per-round cache of earlier weeks' counts (storage/round_cache.py): what it gives equals what the database
counts without it, a second read is served from it, and a saved response, an approved or moved place, or a
rolled-back change never leaves a stale figure behind."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from datetime import datetime, timedelta
from typing import NamedTuple

import pytest

from bot.bootstrap import App, build
from bot.clock import ManualClock
from bot.domain.conversation_state import ConversationState
from bot.domain.cycle import RoundKey
from bot.domain.model import AnswerIn
from bot.domain.stats import PlaceLevel, PlaceWeek
from storage.db import make_session_factory
from storage.round_cache import RoundCache
from storage.uow import SqlUnitOfWork
from tests.conftest import TUE_OPEN, make_config
from tests.support.report_data import WEEKS, seed

FIRST, LAST = WEEKS[0], WEEKS[-1]


@pytest.fixture
def app(db_url: str) -> Iterator[App]:
    a = build(make_config(db_url), clock=ManualClock(TUE_OPEN))
    seed(a, TUE_OPEN)
    yield a
    a.close()


class Figures(NamedTuple):
    levels: dict[RoundKey, dict[tuple[str, str, int], int]]
    place_levels: list[PlaceLevel]
    place_weeks: list[PlaceWeek]
    picture_counts: dict[int, dict[tuple[str, str, int], int]]


def _figures(uow: SqlUnitOfWork, group: str) -> Figures:
    rounds = [r.id for r in uow.rounds.recent_rounds(group, 100)]
    return Figures(
        uow.history.level_counts(group, FIRST, LAST),
        uow.history.place_levels(group, FIRST, LAST),
        uow.history.place_weeks(group, FIRST, LAST, 2),
        dict(uow.rounds.pictures.level_counts(rounds)),
    )


def _both(app: App, cache: RoundCache) -> tuple[Figures, Figures]:
    factory = make_session_factory(app.engine)
    group = app.config.groups[0].id
    with SqlUnitOfWork(factory) as plain:
        without = _figures(plain, group)
    with SqlUnitOfWork(factory, cache=cache) as cached:
        within = _figures(cached, group)
    return without, within


def test_the_cache_gives_what_the_database_counts_and_serves_the_second_read(app: App) -> None:
    cache = RoundCache()
    without, within = _both(app, cache)
    assert within == without
    assert without[0] and without[1] and without[2]  # the data set has levels, places and named places
    # three kinds for each of the eight weeks; the picture's counts are the history's, already kept
    assert (cache.misses, cache.hits) == (3 * len(WEEKS), len(WEEKS))
    again = _both(app, cache)[1]
    assert again == without
    assert (cache.misses, cache.hits) == (3 * len(WEEKS), 5 * len(WEEKS))


def test_a_saved_response_a_place_change_and_a_rollback_leave_nothing_stale(app: App) -> None:
    cache = RoundCache()
    _both(app, cache)
    group = app.config.groups[0]
    factory = make_session_factory(app.engine)
    # a change rolled back: read inside it (the cache may keep it under that stamp), then gone
    with SqlUnitOfWork(factory, cache=cache) as uow:
        _raise_stortorget(uow, group.id, LAST, 4, TUE_OPEN)
        inside = _figures(uow, group.id)
        uow.rollback()
    without, within = _both(app, cache)
    assert within == without
    assert inside != without
    # a change committed (a moment later, as every save is: the stamp holds the latest updated_at)
    with SqlUnitOfWork(factory, cache=cache) as uow:
        _raise_stortorget(uow, group.id, LAST, 3, TUE_OPEN + timedelta(seconds=1))
        uow.commit()
    without, within = _both(app, cache)
    assert within == without
    assert any(p.max == 3 for p in within.place_levels) and not any(p.max == 4 for p in within.place_levels)
    # a place renamed by a coordinator (no response touched)
    with SqlUnitOfWork(factory, cache=cache) as uow:
        area = next(a for a in uow.groups.areas(group.id) if a.code == "centrum")
        place = uow.groups.get_or_create_place(area.id, "Stortorget", TUE_OPEN)
        uow.groups.rename_place(place.id, "Stora torget")
        uow.commit()
    without, within = _both(app, cache)
    assert within == without
    assert any(p.place == "Stora torget" for p in within.place_levels)
    assert not any(p.place == "Stortorget" for p in within.place_levels)


def _raise_stortorget(uow: SqlUnitOfWork, group_id: str, key: RoundKey, level: int, now: datetime) -> None:
    """Anna's answer on narkotika at Stortorget in `key` set to `level`, saved as the questionnaire saves it."""
    rnd = uow.rounds.get_round(group_id, key)
    assert rnd is not None
    anna = uow.people.person_by_name(group_id, "Anna Andersson")
    assert anna is not None
    resp = uow.rounds.get_or_create_response(rnd.id, anna.id, anna.organisation, TUE_OPEN)
    area = next(a for a in uow.groups.areas(group_id) if a.code == "centrum")
    place = uow.groups.get_or_create_place(area.id, "Stortorget", TUE_OPEN)
    answers = [AnswerIn(area.id, "narkotika", level, place.id, None)]
    uow.rounds.replace_answers(resp.id, [replace(a) for a in answers], None)
    uow.rounds.save_response(resp.id, resp.version, ConversationState(), "submitted", None, False, now, now)
