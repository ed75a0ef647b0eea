"""The detection rule end to end: weeks answered through the bot, counted by the database, judged
with the group's ``[groups.detection]`` settings."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest

from bot.bootstrap import build
from bot.clock import ManualClock
from bot.domain.cycle import RoundKey
from bot.domain.detection import DetectionParams
from bot.domain.picture import count_levels
from bot.reports.view import PictureView
from tests.conftest import TUE_OPEN, Bot, RecordingSender, make_config

QUIET_WEEKS = 3
LAST = RoundKey(2026, 47 + QUIET_WEEKS)


def make_bot(db_url: str, **over: Any) -> Bot:
    clock = ManualClock(TUE_OPEN)
    sender = RecordingSender()
    app = build(make_config(db_url, **over), clock=clock, senders={"console": sender})
    return Bot(app, clock, sender, db_url)


def nothing(bot: Bot, who: str) -> None:
    english = who == "cecilia"
    bot.cmd(who, "rapport")
    bot.press(who, "Nothing to report" if english else "Inget att rapportera")
    bot.press(who, "Send" if english else "Skicka")


def damage(bot: Bot, who: str) -> None:
    """Damage (the second question) is recurring at Stortorget; everything else 0."""
    bot.cmd(who, "rapport")
    bot.press(who, "Börja")
    bot.answer_levels(who, {1: 2}, place="Stortorget", note="Krossade rutor")
    bot.press(who, "Nej tack")
    bot.press(who, "Skicka")


def run_weeks(bot: Bot) -> PictureView:
    """Three quiet weeks, then a week where Anna and Bo both report recurring damage in Centrum."""
    for week in range(QUIET_WEEKS + 1):
        bot.clock.set(TUE_OPEN + timedelta(weeks=week, hours=1))
        bot.tick()
        if week < QUIET_WEEKS:
            for who in ("anna", "bo", "cecilia"):
                nothing(bot, who)
            bot.clock.set(TUE_OPEN + timedelta(weeks=week, days=3, hours=1))  # Friday: published
            bot.tick()
        else:
            damage(bot, "anna")
            damage(bot, "bo")
            nothing(bot, "cecilia")
    group = bot.app.config.group("tbg")
    with bot.app.services.unit() as uow:
        rnd = uow.rounds.get_round("tbg", LAST)
        assert rnd is not None
        return bot.app.services.picture(uow, group, rnd)


@pytest.fixture
def default_bot(db_url: str) -> Iterator[Bot]:
    b = make_bot(db_url)
    yield b
    b.app.close()


def test_a_jump_after_quiet_weeks_stands_out_with_its_reasons_from_counted_history(default_bot: Bot) -> None:
    pic = run_weeks(default_bot)
    rising = [s for s in pic.standouts if s.kind == "rising"]
    assert [(s.area, s.factor, s.reporters) for s in rising] == [("centrum", "skadegorelse", 2)]
    # both signals: the cell's mean against its expected level, and Anna and Bo each against their own 0s
    assert pic.reason(rising[0]) == (
        "över förväntad nivå: 2,0 mot väntat 0,0, 2 av 2 rapportörer svarade minst 1 över sin vanliga nivå "
        "(i snitt +2,0), nämnt av 2 rapportörer"
    )
    assert pic.input.detection == DetectionParams()
    signal = pic.signals[("centrum", "skadegorelse")]
    assert signal.flagged and signal.expected == 0.0 and signal.level == 2.0

    # earlier weeks come counted by the database, the same as counting their reports
    inp = pic.input
    assert inp.history == {}
    assert sorted(inp.history_counts) == [RoundKey(2026, 47 + w) for w in range(QUIET_WEEKS)]
    with default_bot.app.services.unit() as uow:
        for key, counts in inp.history_counts.items():
            rnd = uow.rounds.get_round("tbg", key)
            assert rnd is not None
            raw = uow.rounds._reports([rnd.id])[rnd.id]  # type: ignore[attr-defined]  # noqa: SLF001 (the raw rows behind the counts)
            assert dict(counts) == dict(count_levels(raw))
            # Anna answers Centrum, Bo Centrum and Norr, Cecilia Norr: 12 factors each
            assert sum(counts.values()) == 4 * 12

    # the second signal's input: only the judged cell's earlier answers, each reporter by their own number
    assert sorted(inp.reporter_history) == sorted(inp.history_counts)
    with default_bot.app.services.unit() as uow:
        ids = {}
        for who in ("anna", "bo"):
            person = uow.people.person_by_account("console", who)
            assert person is not None
            ids[who] = person.id
    for answers in inp.reporter_history.values():
        assert sorted((r.area, r.factor, r.reporter_id, r.level) for r in answers) == sorted(
            [("centrum", "skadegorelse", ids["anna"], 0), ("centrum", "skadegorelse", ids["bo"], 0)]
        )
    assert {r.reporter_id for r in inp.reports if r.factor == "skadegorelse" and r.level == 2} == set(ids.values())


def test_the_groups_detection_settings_are_used(db_url: str) -> None:
    bot = make_bot(db_url, detection={"min_level": 2.5, "ewma_limit": 4})
    try:
        pic = run_weeks(bot)
    finally:
        bot.app.close()
    assert pic.input.detection.min_level == 2.5 and pic.input.detection.ewma_limit == 4
    assert [s for s in pic.standouts if s.kind == "rising"] == []
    assert [s.kind for s in pic.standouts if s.area == "centrum"] == ["hotspot"]
