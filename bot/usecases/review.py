"""Command handlers of `review` for reporters' notes: the list of the current week's notes (with the places
waiting, bot/usecases/places.py), approve or hide a note, and `review edit ID: text`, which rewrites a note
before it reaches the weekly report; the edit is audited without the text."""

from __future__ import annotations

from bot.commands.review import ReviewEdit, ReviewInvalid, ReviewList, ReviewNote
from bot.conversation.messages import Outbound
from bot.domain.model import Round
from bot.text import t
from bot.usecases.context import Ctx, Env, audit, reply, say, tell
from bot.usecases.places import pending_lines
from bot.usecases.registry import handles
from bot.usecases.rounds import current_round


def _round(env: Env, ctx: Ctx) -> Round | None:
    rnd = current_round(ctx)
    if rnd is None:
        say(env, ctx, "cmd.no_round")
    return rnd


@handles(ReviewList)
def list_notes(env: Env, ctx: Ctx, cmd: ReviewList) -> None:
    rnd = current_round(ctx)
    places = pending_lines(ctx)
    if rnd is None:
        if places:
            reply(env, ctx, Outbound("\n".join(places), kind="list"))
        else:
            say(env, ctx, "cmd.no_round")
        return
    notes = ctx.uow.rounds.notes_for_review(rnd.id)
    if not notes:
        if places:
            reply(env, ctx, Outbound("\n".join([t(ctx.lang, "cmd.review.none"), *places]), kind="list"))
        else:
            say(env, ctx, "cmd.review.none")
        return
    lines = [
        t(
            ctx.lang,
            "cmd.review.line",
            id=n.id,
            status=t(ctx.lang, f"review.{n.review}"),
            where=n.where,
            text=n.text,
        )
        for n in notes
    ]
    reply(env, ctx, Outbound("\n".join(lines + places), kind="list"))


@handles(ReviewNote)
def review_note(env: Env, ctx: Ctx, cmd: ReviewNote) -> None:
    rnd = _round(env, ctx)
    if rnd is None:
        return
    if not ctx.uow.rounds.set_note_review(rnd.id, cmd.note, cmd.status):
        say(env, ctx, "cmd.review.unknown", id=cmd.note)
        return
    say(env, ctx, "cmd.review.done", id=cmd.note, status=t(ctx.lang, f"review.{cmd.status}"))
    audit(ctx, "review", {"note": cmd.note, "status": cmd.status})


@handles(ReviewEdit)
def edit_note(env: Env, ctx: Ctx, cmd: ReviewEdit) -> None:
    rnd = _round(env, ctx)
    if rnd is None:
        return
    if not ctx.uow.rounds.edit_note(rnd.id, cmd.note, cmd.text):
        say(env, ctx, "cmd.review.unknown", id=cmd.note)
        return
    say(env, ctx, "review.edited", id=cmd.note, text=cmd.text)
    audit(ctx, "review_edit", {"note": cmd.note})


@handles(ReviewInvalid)
def review_invalid(env: Env, ctx: Ctx, cmd: ReviewInvalid) -> None:
    if _round(env, ctx) is not None:
        tell(env, ctx, cmd.error)
