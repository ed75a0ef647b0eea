"""Weeks played through over the fake storage for the web view's read side: reports, a draft, a decision, the
meeting finalised and the report published."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.domain.model import Person
from standins.config import TUE_OPEN
from tests.unit.fakes.bot import FakeBot


def without_drawing(monkeypatch: pytest.MonkeyPatch) -> None:
    """The draft's and the report's charts and PDF left out: the figures are what these tests read, and
    drawing them costs seconds a week."""
    monkeypatch.setattr("bot.usecases.meeting.charts", lambda *a: ())
    monkeypatch.setattr("bot.usecases.publishing.charts", lambda *a: ())
    monkeypatch.setattr("bot.usecases.publishing.report_pdf_attachment", lambda *a: ())


def play_week(bot: FakeBot, week: int, levels: dict[str, dict[int, int]], *, decide: bool = False) -> None:
    """Week 2026-W47 plus `week` weeks: each reporter's levels (questionnaire item -> level, others 0); with
    `decide` the draft's first candidate is voted for and given to the police; finalised and published."""
    start = TUE_OPEN + timedelta(weeks=week)
    bot.clock.set(start)
    bot.tick()
    for who, chosen in levels.items():
        bot.cmd(who, "rapport")
        bot.press(who, ":g:start")
        if bot.answer_levels(who, chosen, note="Ungdomar samlas kvällstid") == "more":
            bot.press(who, ":m:skip")
        bot.press(who, ":s:send")
    bot.clock.set(start + timedelta(days=2, minutes=5))
    bot.tick()
    candidates = [o for o in bot.flush("möte") if o.kind == "candidate"]
    if decide:
        cid = candidates[0].data["candidate_id"]
        bot.say("kim", "choice", choice=f"c{cid}:v")
        bot.say("sara", "choice", choice=f"c{cid}:r:police")
    bot.cmd("sara", "finalize")
    bot.clock.set(start + timedelta(days=3))
    bot.tick()


def three_weeks(bot: FakeBot, monkeypatch: pytest.MonkeyPatch) -> None:
    """W47: drugs at Stortorget (Anna 3, Bo 2) and gatherings (Anna 2), an action decided; W48 and W49 calmer.
    Drawn without charts."""
    without_drawing(monkeypatch)
    play_week(bot, 0, {"anna": {5: 3, 6: 2}, "bo": {5: 2}}, decide=True)
    play_week(bot, 1, {"anna": {5: 1}, "bo": {5: 1}})
    play_week(bot, 2, {"anna": {5: 0}, "bo": {5: 1}})


def person(bot: FakeBot, name: str) -> Person:
    with bot.unit() as uow:
        found = uow.people.person_by_name("tbg", name)
    assert found is not None
    return found
