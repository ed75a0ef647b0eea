"""The way in for every incoming event: one unit of work per event (or per batch of presses under load), a
duplicate delivery recognised, the sender looked up, and the event handed to the use case its kind (and, for a
button, its decoded choice) names in the tables below. A failure keeps nothing and tells the person so.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import Any

from bot.conversation.choices import (
    CandidateFieldChoice,
    FinaliseChoice,
    QuestionnaireChoice,
    VoteChoice,
    decode,
)
from bot.conversation.messages import Inbound, InboundKind, Outbound
from bot.conversation.questionnaire import Event
from bot.ports import UnitOfWork
from bot.sanitize import without_nul
from bot.text import t
from bot.usecases import answering, meeting, week
from bot.usecases.context import Ctx, Env, next_key, notice, reply
from bot.usecases.dispatch import dispatch
from bot.usecases.setup import accept_invite

log = logging.getLogger(__name__)


def questionnaire_pressed(env: Env, ctx: Ctx, choice: QuestionnaireChoice) -> None:
    answering.questionnaire_event(env, ctx, Event("choice", choice=choice), choice)


# A pressed button, by the type of its decoded choice (bot/conversation/choices.py).
CHOICE_HANDLERS: dict[type, Callable[[Env, Ctx, Any], None]] = {
    QuestionnaireChoice: questionnaire_pressed,
    VoteChoice: meeting.vote_pressed,
    CandidateFieldChoice: meeting.setting_pressed,
    FinaliseChoice: week.finalise_pressed,
}


def on_choice(env: Env, ctx: Ctx) -> None:
    choice = decode(ctx.inbound.choice)
    if choice is None:  # a button of an older version, or not one of ours
        notice(env, ctx, "meet.stale")
        return
    CHOICE_HANDLERS[type(choice)](env, ctx, choice)


def on_home(env: Env, ctx: Ctx) -> None:
    answering.show_home(env, ctx)


def on_location(env: Env, ctx: Ctx) -> None:
    answering.questionnaire_event(env, ctx, Event("location", location=ctx.inbound.location), None)


def on_text(env: Env, ctx: Ctx) -> None:
    if ctx.inbound.chat is None:  # words in a channel are not for the bot
        answering.questionnaire_event(env, ctx, Event("text", ctx.inbound.text), None)


# An incoming event of a known sender, by its kind.
EVENT_HANDLERS: dict[InboundKind, Callable[[Env, Ctx], None]] = {
    "command": dispatch,
    "choice": on_choice,
    "home": on_home,
    "location": on_location,
    "text": on_text,
}


def handle(env: Env, inbound: Inbound) -> list[Outbound]:
    """Handle one incoming event in one unit of work; returns what was queued as replies.

    If handling fails, nothing it did is kept: the error is logged with its traceback and the person
    is told, in a unit of work of its own, that nothing was saved.
    """
    inbound = without_nul(inbound)
    try:
        with env.uow_factory() as uow:
            sent = handle_in(env, uow, inbound)
            uow.commit()
            return sent
    except Exception:
        log.exception("handling %s from %s/%s failed", inbound.kind, inbound.platform, inbound.sender)
        with env.uow_factory() as uow:
            person = uow.people.person_by_account(inbound.platform, inbound.sender)
            ctx = Ctx(uow, inbound, person, None, env.clock.now(), f"err:{inbound.platform}:{next_key()}")
            reply(env, ctx, Outbound(t(ctx.lang, "cmd.error"), kind="notice"))
            uow.commit()
            return ctx.sent


def handle_many(env: Env, inbounds: Sequence[Inbound], pause: Callable[[], object] | None = None) -> list[Outbound]:
    """Handle events that arrived together (the intake's queue under load) in one unit of work, in their
    order; returns what was queued as replies.

    One transaction for many events saves each event its own begin, commit and write to the database's
    log, and the unit of work reads the batch's presses together and writes their results together
    (`UnitOfWork.begin_batch`, storage/batch.py), which together is most of what a button press costs.
    The result is the same as `handle` one by one: if any event fails, or the commit does, nothing of the batch
    is kept and every event is handled again on its own, so a failure costs only the event that failed.
    Commands are always handled on their own (a command can take long, and must not hold the others' transaction open).
    `pause` is called after each event: the intake gives the event loop its turn there.
    """
    sent: list[Outbound] = []
    batch: list[Inbound] = []
    for inbound in inbounds:
        if inbound.kind == "command":
            sent += handle_batch(env, batch, pause)
            batch = []
            sent += handle(env, inbound)
        else:
            batch.append(without_nul(inbound))
    return sent + handle_batch(env, batch, pause)


def handle_batch(env: Env, batch: Sequence[Inbound], pause: Callable[[], object] | None) -> list[Outbound]:
    """Events without a command among them in one unit of work; one by one if any of them fails."""
    if len(batch) <= 1:
        return [out for inbound in batch for out in handle(env, inbound)]
    sent: list[Outbound] = []
    try:
        with env.uow_factory() as uow:
            presses = [(i.platform, i.sender, questionnaire_round(i)) for i in batch]
            events = [(i.platform, i.event_id) for i in batch if i.event_id is not None]
            uow.begin_batch(presses, events, env.clock.now())
            for inbound, (_, _, round_id) in zip(batch, presses, strict=True):
                if round_id is None:  # not a questionnaire press: may do what a batch does not foresee
                    uow.end_batch()
                sent += handle_in(env, uow, inbound)
                if pause is not None:
                    pause()
            uow.commit()
        return sent
    except Exception as exc:
        # Nothing of the batch was kept. `handle` logs the failure with its traceback when it happens
        # again on its own, and tells the person.
        log.warning("a batch of %d events failed (%r); handling them one at a time", len(batch), exc)
        return [out for inbound in batch for out in handle(env, inbound)]


def handle_in(env: Env, uow: UnitOfWork, inbound: Inbound) -> list[Outbound]:
    """Handle one event in `uow`, without committing."""
    now = env.clock.now()
    if inbound.event_id is not None:
        if not uow.audit.mark_event_processed(inbound.platform, inbound.event_id, now):
            log.info("duplicate delivery %s/%s ignored", inbound.platform, inbound.event_id)
            return []
        key_base = f"in:{inbound.platform}:{inbound.event_id}"
    else:
        key_base = f"in:{inbound.platform}:{next_key()}"
    person = uow.people.person_by_account(inbound.platform, inbound.sender)
    group = env.group_or_none(person.group_id) if person else None
    ctx = Ctx(uow, inbound, person, group, now, key_base)
    invited = person is None and inbound.kind == "command" and inbound.command == "start" and inbound.args
    if invited and accept_invite(env, ctx, inbound.args[0]):
        return ctx.sent
    if person is None or group is None:
        if inbound.chat is None:  # in a channel, strangers are simply not answered
            text = t("sv", "cmd.unknown_user") + "\n\n" + t("en", "cmd.unknown_user")
            reply(env, ctx, Outbound(text, kind="home" if inbound.kind == "home" else "notice"))
        return ctx.sent
    EVENT_HANDLERS[inbound.kind](env, ctx)
    return ctx.sent


def questionnaire_round(inbound: Inbound) -> int | None:
    """The round of a questionnaire button press; None for any other event."""
    choice = decode(inbound.choice) if inbound.kind == "choice" else None
    return choice.round_id if isinstance(choice, QuestionnaireChoice) else None


def message_ref(env: Env, platform: str, address: str, message_id: str) -> str | None:
    """The ref of a message the bot sent (None for any other message), for edges that turn an action on
    a message itself (an emoji reaction) into a choice."""
    with env.uow_factory() as uow:
        return uow.outbox.ref_for_message(platform, address, message_id)
