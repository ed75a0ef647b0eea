"""`review` for places: a place a reporter types or a location they share waits for a coordinator.

Until it is approved it is not offered to other reporters as a menu choice and not named in the picture, the
report, trends or exports (the reporter's own answer keeps it). A coordinator approves it, optionally under a
better name (`review approve P3 Kiosken vid torget`; the name of an approved place of the area merges the two),
or rejects it. Places are named `P<id>` so they never mix with notes (`#<id>`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.conversation.messages import Outbound
from bot.domain.commands import PlaceReview
from bot.usecases.context import Ctx

if TYPE_CHECKING:
    from bot.services import Services
from bot.text import t


def _say(svc: Services, ctx: Ctx, key: str, **kw: object) -> None:
    svc.reply(ctx, Outbound(t(ctx.lang, key, **kw), kind="notice"))


def _audit(ctx: Ctx, action: str, detail: dict[str, object]) -> None:
    assert ctx.person is not None and ctx.group is not None
    ctx.uow.audit.audit(ctx.now, ctx.group.id, ctx.person.name, action, detail)


def decide(svc: Services, ctx: Ctx, cmd: PlaceReview) -> None:
    assert ctx.group is not None and ctx.person is not None
    status = "approved" if cmd.approve else "rejected"
    name = ctx.uow.groups.set_place_review(ctx.group.id, cmd.place_id, status)
    if name is None:
        _say(svc, ctx, "place.review.unknown", id=f"P{cmd.place_id}")
        return
    if cmd.new_name:
        name = ctx.uow.groups.rename_place(cmd.place_id, cmd.new_name)
    key = "place.review.approved" if cmd.approve else "place.review.rejected"
    _say(svc, ctx, key, id=f"P{cmd.place_id}", name=name)
    _audit(ctx, "review_place", {"place": cmd.place_id, "status": status, "renamed": bool(cmd.new_name)})


def pending_lines(ctx: Ctx) -> list[str]:
    """The list `review` shows of places waiting, with how to decide; empty when none wait."""
    assert ctx.group is not None
    waiting = ctx.uow.groups.places_for_review(ctx.group.id)
    if not waiting:
        return []
    names = {a.code: a.name for a in ctx.uow.groups.areas(ctx.group.id)}
    lines = [t(ctx.lang, "place.review.heading")]
    for p in waiting:
        key = "place.review.line_located" if p["located"] else "place.review.line"
        lines.append(
            t(ctx.lang, key, id=f"P{p['id']}", area=names.get(p["area"], p["area"]), name=p["name"], n=p["answers"])
        )
    lines.append(t(ctx.lang, "place.review.how"))
    return lines
