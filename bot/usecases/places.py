"""`review` for places: a place a reporter types or a location they share waits for a coordinator.

Until it is approved it is not offered to other reporters as a menu choice and not named in the picture, the
report, trends or exports (the reporter's own answer keeps it). A coordinator approves it, optionally under a
better name (`review approve P3 Kiosken vid torget`; the name of an approved place of the area merges the two),
or rejects it. Places are named `P<id>` so they never mix with notes (`#<id>`).
"""

from __future__ import annotations

from bot.commands.review import PlaceReview
from bot.text import t
from bot.usecases.context import Ctx, Env, audit, say
from bot.usecases.registry import handles


@handles(PlaceReview)
def decide(env: Env, ctx: Ctx, cmd: PlaceReview) -> None:
    assert ctx.group is not None and ctx.person is not None
    status = "approved" if cmd.approve else "rejected"
    name = ctx.uow.groups.set_place_review(ctx.group.id, cmd.place_id, status)
    if name is None:
        say(env, ctx, "place.review.unknown", id=f"P{cmd.place_id}")
        return
    if cmd.new_name:
        name = ctx.uow.groups.rename_place(cmd.place_id, cmd.new_name)
    key = "place.review.approved" if cmd.approve else "place.review.rejected"
    say(env, ctx, key, id=f"P{cmd.place_id}", name=name)
    audit(ctx, "review_place", {"place": cmd.place_id, "status": status, "renamed": bool(cmd.new_name)})


def pending_lines(ctx: Ctx) -> list[str]:
    """The list `review` shows of places waiting, with how to decide; empty when none wait."""
    assert ctx.group is not None
    waiting = ctx.uow.groups.places_for_review(ctx.group.id)
    if not waiting:
        return []
    names = {a.code: a.name for a in ctx.uow.groups.areas(ctx.group.id)}
    lines = [t(ctx.lang, "place.review.heading")]
    for p in waiting:
        key = "place.review.line_located" if p.located else "place.review.line"
        lines.append(t(ctx.lang, key, id=f"P{p.id}", area=names.get(p.area, p.area), name=p.name, n=p.answers))
    lines.append(t(ctx.lang, "place.review.how"))
    return lines
