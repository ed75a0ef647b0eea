"""The trends page's read side over the fake storage: a week's level, gaps, the choices and the actions marked."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.domain.cycle import RoundKey
from bot.usecases.views.trends import ALL_FACTORS, trends_page
from tests.unit.fakes.bot import FakeBot
from tests.unit.usecases.played import person, play_week, three_weeks, without_drawing


def test_all_factors_pooled_week_by_week_with_gaps_and_the_action(
    fake_bot: FakeBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    three_weeks(fake_bot, monkeypatch)
    page = trends_page(fake_bot.services.env, person(fake_bot, "Kim Polis"))
    assert (page.area, page.factor, page.span) == ("centrum", ALL_FACTORS, 12)
    assert len(page.weeks) == 12 and page.last == RoundKey(2026, 49) and page.first == RoundKey(2026, 38)
    by_week = {w.week.week: w for w in page.weeks}
    # W47 in Centrum: 24 answers (2 reporters × 12 factors), levels 3+2 on drugs and 2 on gatherings
    assert (by_week[47].shown, by_week[47].answers, by_week[47].colour) == ("0,3", 24, "green")
    assert by_week[47].level == 7 / 24
    assert by_week[46].level is None and by_week[46].shown == "–" and by_week[46].answers == 0  # a gap
    assert [(a.id, a.week.week, a.status) for a in page.actions] == [(1, 47, "planerad")]
    assert page.has_data and [o.value for o in page.spans if o.selected] == ["12"]


def test_one_factor_in_english_and_52_weeks(fake_bot: FakeBot, monkeypatch: pytest.MonkeyPatch) -> None:
    three_weeks(fake_bot, monkeypatch)
    kim = replace(person(fake_bot, "Kim Polis"), language="en")
    page = trends_page(fake_bot.services.env, kim, "centrum", "narkotika", "52")
    assert page.span == 52 and len(page.weeks) == 52
    assert page.factor_label == "Open drug dealing and use"
    assert [w.shown for w in page.weeks[-3:]] == ["2.5", "1.0", "0.5"]
    assert [w.colour for w in page.weeks[-3:]] == ["red", "yellow", "yellow"]
    assert [a.id for a in page.actions] == [1]  # the action is about drugs
    norr = trends_page(fake_bot.services.env, kim, "norr", "narkotika", "52")
    assert norr.actions == () and [w.shown for w in norr.weeks[-3:]] == ["0.0", "0.0", "0.0"]


def test_what_is_not_a_choice_falls_back_to_the_defaults(fake_bot: FakeBot, monkeypatch: pytest.MonkeyPatch) -> None:
    without_drawing(monkeypatch)
    play_week(fake_bot, 0, {"anna": {5: 1}})
    page = trends_page(fake_bot.services.env, person(fake_bot, "Kim Polis"), "<script>", "nope", "13")
    assert (page.area, page.factor, page.span) == ("centrum", ALL_FACTORS, 12)
    assert trends_page(fake_bot.services.env, person(fake_bot, "Kim Polis"), None, None, "x").span == 12


def test_a_factor_the_action_is_not_about_has_no_mark(fake_bot: FakeBot, monkeypatch: pytest.MonkeyPatch) -> None:
    three_weeks(fake_bot, monkeypatch)
    page = trends_page(fake_bot.services.env, person(fake_bot, "Kim Polis"), "centrum", "klotter")
    assert page.actions == () and not any(w.level for w in page.weeks)
    assert page.has_data  # levels of 0 are levels: green, not gaps
