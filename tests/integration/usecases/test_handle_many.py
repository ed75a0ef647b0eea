"""Events handled together in one unit of work (`Services.handle_many`, used by the intake under load): the
same result as one by one, and a failure costs only the event that failed."""

from __future__ import annotations

import asyncio
import logging
import threading
from collections.abc import Callable, Sequence

import pytest
from sqlalchemy import text

from bot.conversation.messages import Inbound
from bot.intake import Intake, give_way
from bot.usecases import answering, routing
from tests.conftest import Bot
from tests.integration.usecases.test_questionnaire import open_week, stored


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
    original = answering.questionnaire_event

    def flaky(env, ctx, event, chosen):  # type: ignore[no-untyped-def]
        if ctx.inbound.sender == "bo":
            raise RuntimeError("disk on fire")
        return original(env, ctx, event, chosen)

    monkeypatch.setattr(answering, "questionnaire_event", flaky)
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

    def handle_many(inbounds: Sequence[Inbound], pause: Callable[[], object]) -> None:
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


def test_a_place_named_in_a_batch_waits_for_review_and_is_offered_once_approved(bot: Bot) -> None:
    """The batch reads each area's places once, up front; a place created by a questionnaire sent earlier in
    the same batch waits for a coordinator's review, so a reporter asked "where?" later in it is not offered it;
    once approved, the next question offers it."""
    open_week(bot)
    bot.press("anna", "Börja")
    bot.press("anna", ":l:0:0")
    bot.press("anna", ":l:1:3")
    bot.text("anna", "Nytt torg")  # a place not in the configuration
    bot.text("anna", "Krossade rutor")
    bot.answer_levels("anna", {})
    bot.text("anna", "Inget mer")
    bot.press("bo", "Börja")
    bot.press("bo", ":l:0:0")
    bo_serious = _choice(bot, "bo", ":l:1:3")

    bot.app.services.handle_many([_choice(bot, "anna", "Skicka"), bo_serious])

    assert stored(bot, "anna")["status"] == "submitted"
    bot.flush("bo")
    where = bot.last_question("bo")
    assert where.data["step"] == "where"
    assert "Nytt torg" not in where.data["places"]
    with bot.app.services.unit() as uow:
        (waiting,) = uow.groups.places_for_review("tbg")
    assert waiting.name == "Nytt torg"
    bot.cmd("sara", f"granska godkänn P{waiting.id}")
    assert "Nytt torg" in bot.cmd("bo", "rapport")[-1].data["places"]


def test_an_event_that_is_no_button_press_ends_the_batch_reads_and_writes(bot: Bot) -> None:
    """Text (or anything but a questionnaire button) in the middle of a batch: what the batch held back is
    written first, and everything after reads the database again."""
    open_week(bot)
    start = _choice(bot, "anna", "Börja", event_id="a1")
    prefix = start.choice.split(":", 1)[0]
    batch = [
        start,
        Inbound("console", "anna", "text", text="hej", event_id="a2"),  # a button was expected: a hint
        _choice(bot, "bo", "Börja", event_id="b1"),
        Inbound("console", "anna", "choice", choice=f"{prefix}:l:0:1", event_id="a3"),
    ]

    bot.app.services.handle_many(batch)

    anna = stored(bot, "anna")["state"]
    assert anna["i"] == 1 and anna["answers"]["centrum|hot_vald"]["level"] == 1
    assert stored(bot, "bo")["state"]["step"] == "level"
    assert any("Välj ett av alternativen" in o.text for o in bot.flush("anna"))  # the hint, in its place
    assert "Fråga 2 av 12" in bot.last_question("anna").text


def test_a_delivery_seen_in_an_earlier_batch_is_a_duplicate(bot: Bot) -> None:
    open_week(bot)
    start = _choice(bot, "anna", "Börja", event_id="s1")
    bot.app.services.handle_many([start, _choice(bot, "bo", "Börja", event_id="s2")])
    bot.flush("anna")
    state = stored(bot, "anna")["state"]

    sent = bot.app.services.handle_many([start, _choice(bot, "cecilia", "Start", event_id="s3")])

    assert stored(bot, "anna")["state"] == state  # the old press, delivered again, changed nothing
    assert not bot.flush("anna") and [o for o in sent if o.kind == "question"]  # cecilia's was handled


def test_a_response_changed_under_the_batch_costs_the_batch_not_the_presses(bot: Bot) -> None:
    """The batch writes its saved answers at the end, each checked against the version it read; a row that
    changed in between fails the batch, and the presses are handled again one by one."""
    open_week(bot)
    services = bot.app.services
    original = routing.handle_in

    def meddling(env, uow, inbound):  # type: ignore[no-untyped-def]
        out = original(env, uow, inbound)
        if inbound.sender == "anna" and not meddling.done:  # type: ignore[attr-defined]
            meddling.done = True  # type: ignore[attr-defined]
            uow.session.execute(text("UPDATE responses SET version = version + 1"))  # another writer, as it were
        return out

    meddling.done = False  # type: ignore[attr-defined]
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(routing, "handle_in", meddling)
        services.handle_many([_choice(bot, "anna", "Börja"), _choice(bot, "bo", "Börja")])

    assert stored(bot, "anna")["state"]["step"] == "level"
    assert stored(bot, "bo")["state"]["step"] == "level"
    assert [o.text for o in bot.flush("anna")].count(bot.last_question("anna").text) == 1


def test_the_intake_gives_way_between_the_events_of_a_batch() -> None:
    """The intake hands `give_way` to handle_many (Services calls it after each event of a batch)."""
    pauses: list[object] = []

    def handle_many(inbounds: Sequence[Inbound], pause: Callable[[], object]) -> None:
        pauses.append(pause)

    intake = Intake(lambda inbound: None, lambda: 0, "test", every=None, handle_many=handle_many)
    try:
        intake.submit([Inbound("slack", "U1", "choice", choice="a"), Inbound("slack", "U2", "choice", choice="b")])
        assert asyncio.run(intake.settle(10))
    finally:
        intake.close()
    assert pauses == [give_way]
    give_way()  # returns at once, with or without another thread waiting


def test_services_pause_after_each_event_of_a_batch(bot: Bot) -> None:
    open_week(bot)
    pauses: list[int] = []
    batch = [_choice(bot, "anna", "Börja"), _choice(bot, "bo", "Börja"), _choice(bot, "cecilia", "Start")]
    bot.app.services.handle_many(batch, pause=lambda: pauses.append(1))
    assert len(pauses) == 3


def test_three_presses_of_one_person_in_a_batch_each_see_the_last(bot: Bot, caplog: pytest.LogCaptureFixture) -> None:
    """A press that changes nothing (a double click) between two that do: the third must still see the first's
    answer, held back until the batch ends, and the batch must not fail over it."""
    open_week(bot)
    bot.press("anna", "Börja")
    first = _choice(bot, "anna", ":l:0:0")
    prefix = first.choice.removesuffix(":l:0:0")
    third = Inbound("console", "anna", "choice", choice=f"{prefix}:l:1:1")

    with caplog.at_level(logging.WARNING):
        bot.app.services.handle_many([first, first, third])

    assert "failed" not in caplog.text  # handled as one batch
    state = stored(bot, "anna")["state"]
    assert state["i"] == 2 and list(state["answers"]) == ["centrum|hot_vald", "centrum|skadegorelse"]
    bot.flush("anna")
    assert "Fråga 3 av 12" in bot.last_question("anna").text


def test_a_batch_queues_each_persons_replies_in_the_order_of_the_presses(bot: Bot) -> None:
    open_week(bot)
    bot.press("anna", "Börja")
    bot.flush("anna")
    first = _choice(bot, "anna", ":l:0:0")
    prefix = first.choice.removesuffix(":l:0:0")
    presses = [first, _choice(bot, "bo", "Börja")] + [
        Inbound("console", "anna", "choice", choice=f"{prefix}:l:{i}:0") for i in (1, 2, 3)
    ]

    bot.app.services.handle_many(presses)

    questions = [o.text for o in bot.flush("anna") if o.kind == "question"]
    assert [q.split("\n")[0] for q in questions] == [f"Fråga {n} av 12" for n in (2, 3, 4, 5)]
