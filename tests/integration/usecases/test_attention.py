"""The attention budget end to end: a place named every week by the same two reporters stands out in its first
week and not once it is what they always name; the store hands the picture the places' history weeks, counted
by the database."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest

from bot.bootstrap import build
from bot.clock import ManualClock
from bot.domain.cycle import RoundKey
from bot.reports.view import PictureView
from tests.conftest import TUE_OPEN, Bot, RecordingSender, make_config

WEEKS = 3


def damage(bot: Bot, who: str) -> None:
    """Damage (the second question) is recurring at Stortorget; everything else 0."""
    bot.cmd(who, "rapport")
    bot.press(who, "Börja")
    bot.answer_levels(who, {1: 2}, place="Stortorget", note="Krossade rutor")
    bot.press(who, "Nej tack")
    bot.press(who, "Skicka")


def picture_of(bot: Bot, week: RoundKey) -> PictureView:
    group = bot.app.config.group("tbg")
    with bot.app.services.unit() as uow:
        rnd = uow.rounds.get_round("tbg", week)
        assert rnd is not None
        return bot.app.services.picture(uow, group, rnd)


@pytest.fixture
def bot(db_url: str) -> Iterator[Bot]:
    clock = ManualClock(TUE_OPEN)
    sender = RecordingSender()
    b = Bot(build(make_config(db_url), clock=clock, senders={"console": sender}), clock, sender, db_url)
    yield b
    b.app.close()


def test_the_square_two_reporters_always_name_stands_out_only_the_first_week(bot: Bot) -> None:
    hotspots: list[list[str]] = []
    for week in range(WEEKS):
        bot.clock.set(TUE_OPEN + timedelta(weeks=week, hours=1))
        bot.tick()
        damage(bot, "anna")
        damage(bot, "bo")
        pic = picture_of(bot, RoundKey(2026, 47 + week))
        hotspots.append([f"{s.place}: {pic.reason(s)}" for s in pic.standouts if s.kind == "hotspot"])
    # week 1: nothing to compare with; then two a week is what Stortorget usually gets (P(≥ 2 | 2) is 59 %)
    assert hotspots == [["Stortorget: nämnd av 2 rapportörer"], [], []]
    last = picture_of(bot, RoundKey(2026, 47 + WEEKS - 1))
    assert {str(k): dict(v) for k, v in last.input.place_history.items()} == {
        f"2026-W{47 + w}": {("centrum", "stortorget"): 2} for w in range(WEEKS - 1)
    }
