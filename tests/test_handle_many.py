"""Events handled together in one unit of work (`Services.handle_many`, used by the intake under load): the
same result as one by one, and a failure costs only the event that failed."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Sequence

import pytest

from bot.conversation.messages import Inbound
from bot.intake import Intake
from tests.conftest import Bot
from tests.test_questionnaire import open_week, stored


def _choice(bot: Bot, who: str, suffix: str, event_id: str | None = None) -> Inbound:
    q = bot.last_question(who)
    ids = [c.id for c in q.all_choices() if c.id.endswith(suffix) or suffix.casefold() in c.label.casefold()]
    assert ids, f"{suffix!r} not offered to {who}"
    return Inbound("console", who, "choice", choice=ids[0], event_id=event_id)


def test_a_batch_stores_each_event_as_if_one_by_one(bot: Bot) -> None:
    open_week(bot)
    anna_start = _choice(bot, "anna", "Börja", event_id="e1")
    bo_nothing = _choice(bot, "bo", "Inget att rapportera", event_id="e2")
    again = _choice(bot, "anna", "Börja", event_id="e1")  # Slack delivering the same press twice
    status = Inbound("console", "sara", "command", command="status")

    sent = bot.app.services.handle_many([anna_start, bo_nothing, again, status])

    assert stored(bot, "anna")["state"]["step"] == "level"  # started, exactly once
    assert stored(bot, "bo")["state"]["step"] not in (None, "greeting")  # two taps: now asked to confirm
    assert any("Fråga 1 av 12" in o.text for o in bot.flush("anna"))
    assert bot.flush("bo") and bot.flush("sara")  # the command, handled on its own, answered too
    assert len([o for o in sent if "Fråga 1 av 12" in o.text]) == 1  # the duplicate got nothing


def test_a_failing_event_costs_only_itself(
    bot: Bot, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    open_week(bot)
    services = bot.app.services
    original = services._questionnaire_event

    def flaky(ctx, event, choice):  # type: ignore[no-untyped-def]
        if ctx.inbound.sender == "bo":
            raise RuntimeError("disk on fire")
        return original(ctx, event, choice)

    monkeypatch.setattr(services, "_questionnaire_event", flaky)
    batch = [_choice(bot, "anna", "Börja"), _choice(bot, "bo", "Börja"), _choice(bot, "cecilia", "Start")]
    with caplog.at_level(logging.WARNING):
        services.handle_many(batch)

    assert stored(bot, "anna")["state"]["step"] == "level"
    assert stored(bot, "cecilia")["state"]["step"] == "level"
    assert stored(bot, "bo")["state"].get("step", "greeting") == "greeting"  # nothing of bo's press kept
    assert any("inget sparades" in o.text for o in bot.flush("bo"))
    assert "a batch of 3 events failed" in caplog.text
    assert "disk on fire" in caplog.text and "Traceback" in caplog.text  # logged with its traceback, once alone
    assert [o.text for o in bot.flush("anna")].count(bot.last_question("anna").text) == 1  # no double reply


def test_the_intake_hands_what_queued_up_over_as_one_batch() -> None:
    gate, entered = threading.Event(), threading.Event()
    batches: list[list[str]] = []
    singles: list[str] = []

    def handle(inbound: Inbound) -> None:
        entered.set()
        gate.wait(10)
        singles.append(inbound.choice)

    def handle_many(inbounds: Sequence[Inbound]) -> None:
        batches.append([i.choice for i in inbounds])

    intake = Intake(handle, lambda: 0, "test", every=None, handle_many=handle_many, batch=4)
    try:
        intake.submit([Inbound("slack", "U1", "choice", choice="a")])  # held in `handle` while the rest queue
        assert entered.wait(10)
        for c in "bcdefg":
            intake.submit([Inbound("slack", "U1", "choice", choice=c)])
        gate.set()
        assert asyncio.run(intake.settle(10))
        assert singles == ["a"]
        assert batches == [["b", "c", "d", "e"], ["f", "g"]]  # in order, at most `batch` at once
    finally:
        intake.close()


def test_one_person_pressing_twice_in_a_batch_sees_the_first_press(bot: Bot) -> None:
    open_week(bot)
    bot.press("anna", "Börja")
    first = _choice(bot, "anna", ":l:0:0")
    assert first.choice.endswith(":l:0:0")
    second = Inbound("console", "anna", "choice", choice=first.choice.removesuffix(":l:0:0") + ":l:1:0")

    bot.app.services.handle_many([first, second])

    bot.flush("anna")
    assert "Fråga 3 av 12" in bot.last_question("anna").text
    state = stored(bot, "anna")["state"]
    assert state["i"] == 2  # both answers taken, in order
    assert list(state["answers"]) == ["centrum|hot_vald", "centrum|skadegorelse"]
