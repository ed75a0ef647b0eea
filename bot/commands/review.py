"""Command handlers of `review` for reporters' notes: the list of the current week's notes (with the places
waiting, bot/usecases/places.py), approve or hide a note, and `review edit ID: text`, which rewrites a note
before it reaches the weekly report; the edit is audited without the text."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.commands.reply import audit, say, tell
from bot.commands.rounds import current_round
from bot.conversation.messages import Outbound
from bot.domain.commands import ReviewEdit, ReviewInvalid, ReviewList, ReviewNote
from bot.domain.model import Round
from bot.usecases.context import Ctx

if TYPE_CHECKING:
    from bot.services import Services
from bot.text import t
from bot.usecases.places import pending_lines


def _round(svc: Services, ctx: Ctx) -> Round | None:
    rnd = current_round(ctx)
    if rnd is None:
        say(svc, ctx, "cmd.no_round")
    return rnd


def list_notes(svc: Services, ctx: Ctx, cmd: ReviewList) -> None:
    rnd = current_round(ctx)
    places = pending_lines(ctx)
    if rnd is None:
        if places:
            svc.reply(ctx, Outbound("\n".join(places), kind="list"))
        else:
            say(svc, ctx, "cmd.no_round")
        return
    notes = ctx.uow.rounds.notes_for_review(rnd.id)
    if not notes:
        if places:
            svc.reply(ctx, Outbound("\n".join([t(ctx.lang, "cmd.review.none"), *places]), kind="list"))
        else:
            say(svc, ctx, "cmd.review.none")
        return
    lines = [
        t(
            ctx.lang,
            "cmd.review.line",
            id=n["id"],
            status=t(ctx.lang, f"review.{n['review']}"),
            where=n["where"],
            text=n["text"],
        )
        for n in notes
    ]
    svc.reply(ctx, Outbound("\n".join(lines + places), kind="list"))


def review_note(svc: Services, ctx: Ctx, cmd: ReviewNote) -> None:
    rnd = _round(svc, ctx)
    if rnd is None:
        return
    if not ctx.uow.rounds.set_note_review(rnd.id, cmd.note, cmd.status):
        say(svc, ctx, "cmd.review.unknown", id=cmd.note)
        return
    say(svc, ctx, "cmd.review.done", id=cmd.note, status=t(ctx.lang, f"review.{cmd.status}"))
    audit(ctx, "review", {"note": cmd.note, "status": cmd.status})


def edit_note(svc: Services, ctx: Ctx, cmd: ReviewEdit) -> None:
    rnd = _round(svc, ctx)
    if rnd is None:
        return
    if not ctx.uow.rounds.edit_note(rnd.id, cmd.note, cmd.text):
        say(svc, ctx, "cmd.review.unknown", id=cmd.note)
        return
    say(svc, ctx, "review.edited", id=cmd.note, text=cmd.text)
    audit(ctx, "review_edit", {"note": cmd.note})


def review_invalid(svc: Services, ctx: Ctx, cmd: ReviewInvalid) -> None:
    if _round(svc, ctx) is not None:
        tell(svc, ctx, cmd.error)
