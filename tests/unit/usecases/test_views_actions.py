"""The actions page's read side and the web view's way of marking an action, over the fake storage."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.usecases.actions import Marked, mark_action_status
from bot.usecases.views.actions import actions_page
from tests.unit.fakes.bot import FakeBot
from tests.unit.usecases.played import person, play_week, three_weeks, without_drawing


def audit_rows(bot: FakeBot) -> list[tuple[str, str, dict[str, object]]]:
    with bot.unit() as uow:
        return [(actor, action, detail) for _, _, actor, action, detail in uow.audit.audit_log("tbg")]


def test_an_action_with_its_level_before_and_after(fake_bot: FakeBot, monkeypatch: pytest.MonkeyPatch) -> None:
    three_weeks(fake_bot, monkeypatch)
    page = actions_page(fake_bot.services.env, person(fake_bot, "Kim Polis"))
    (line,) = page.actions
    assert (line.id, str(line.week), line.area, line.place) == (1, "2026-W47", "Centrum", "Stortorget")
    assert line.factors == "Narkotika, öppen droghantering, Störande grupperingar"
    assert (line.responsible, line.action_type, line.status, line.status_text) == (
        "Polisen",
        "ej vald",
        "planned",
        "planerad",
    )
    # drugs and gatherings in Centrum: W47 (3+2+2+0)/4 = 1.75 -> 1,8; after W48 (1+1)/4, W49 (0+1)/4 -> 0,4
    assert (line.before, line.after, line.change, line.verdict) == ("1,8", "0,4", "↓ −1,4", "lägre")
    assert (line.before_colour, line.after_colour) == ("orange", "green")
    assert line.trend == (("area", "centrum"), ("factor", "all"), ("span", "12"))  # two factors: all of them
    assert not page.can_mark and "minst 0,3" in page.rule
    assert [s.value for s in page.statuses] == ["ongoing", "done"]


def test_too_early_to_say_in_english(fake_bot: FakeBot, monkeypatch: pytest.MonkeyPatch) -> None:
    without_drawing(monkeypatch)
    play_week(fake_bot, 0, {"anna": {5: 3}, "bo": {5: 2}}, decide=True)
    sara = replace(person(fake_bot, "Sara Samordnare"), language="en")
    page = actions_page(fake_bot.services.env, sara)
    (line,) = page.actions
    assert (line.before, line.after, line.change, line.verdict) == ("2.5", "–", "–", "too early")
    assert page.can_mark and [s.label for s in page.statuses] == ["ongoing", "done"]


def test_no_actions(fake_bot: FakeBot) -> None:
    fake_bot.tick()
    assert actions_page(fake_bot.services.env, person(fake_bot, "Kim Polis")).actions == ()


def test_marking_from_the_web_is_the_chat_command_s_change_and_audit(
    fake_bot: FakeBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    without_drawing(monkeypatch)
    play_week(fake_bot, 0, {"anna": {5: 3}}, decide=True)
    env, sara = fake_bot.services.env, person(fake_bot, "Sara Samordnare")
    assert mark_action_status(env, sara, 1, "done") is Marked.DONE
    assert actions_page(env, sara).actions[0].status == "done"
    assert audit_rows(fake_bot)[0] == ("Sara Samordnare", "action_status", {"id": 1, "status": "done"})
    fake_bot.cmd("sara", "åtgärder pågår #1")  # the chat command writes the same entry
    assert audit_rows(fake_bot)[0] == ("Sara Samordnare", "action_status", {"id": 1, "status": "ongoing"})


def test_marking_refused_changes_nothing(fake_bot: FakeBot, monkeypatch: pytest.MonkeyPatch) -> None:
    without_drawing(monkeypatch)
    play_week(fake_bot, 0, {"anna": {5: 3}}, decide=True)
    env, sara = fake_bot.services.env, person(fake_bot, "Sara Samordnare")
    before = audit_rows(fake_bot)
    assert mark_action_status(env, sara, 1, "planned") is Marked.BAD_STATUS
    assert mark_action_status(env, sara, 1, "<b>") is Marked.BAD_STATUS
    assert mark_action_status(env, sara, 99, "done") is Marked.UNKNOWN
    assert mark_action_status(env, replace(sara, group_id="other"), 1, "done") is Marked.UNKNOWN
    assert mark_action_status(env, person(fake_bot, "Kim Polis"), 1, "done") is Marked.REFUSED
    assert audit_rows(fake_bot) == before
    assert actions_page(env, sara).actions[0].status == "planned"
