"""`review` for places: a place a reporter types or a location they share waits for a coordinator.

Until it is approved it is not offered to other reporters as a menu choice and not named in the picture, the
report, trends or exports (the reporter's own answer keeps it). A coordinator approves it, optionally under a
better name (`review approve P3 Kiosken vid torget`; the name of an approved place of the area merges the two),
or rejects it. Places are named `P<id>` so they never mix with notes (`#<id>`).
"""

from __future__ import annotations

import re

from bot.conversation.messages import Outbound
from bot.domain.masking import clean_text
from bot.services import Ctx, Services
from bot.text import t

PLACE_ID = re.compile(r"[pP](\d{1,9})")
APPROVE = ("approve", "godkänn", "godkann")
REJECT = ("reject", "avvisa", "hide", "dölj")
NAME_MAX = 100


def _say(svc: Services, ctx: Ctx, key: str, **kw: object) -> None:
    svc.reply(ctx, Outbound(t(ctx.lang, key, **kw), kind="notice"))


def is_place_review(args: list[str]) -> bool:
    """`approve|reject P<id> …`: a decision about a place rather than a note."""
    return len(args) >= 2 and args[0].lower() in APPROVE + REJECT and PLACE_ID.fullmatch(args[1]) is not None


def decide(svc: Services, ctx: Ctx, args: list[str]) -> None:
    assert ctx.group is not None and ctx.person is not None
    m = PLACE_ID.fullmatch(args[1])
    assert m is not None
    place_id = int(m.group(1))
    approve = args[0].lower() in APPROVE
    new_name = clean_text(" ".join(args[2:]), NAME_MAX).replace("\n", " ").strip()
    if new_name and not approve:
        _say(svc, ctx, "cmd.usage", usage=t(ctx.lang, "place.review.usage"))
        return
    store = ctx.uow.store
    name = store.set_place_review(ctx.group.id, place_id, "approved" if approve else "rejected")
    if name is None:
        _say(svc, ctx, "place.review.unknown", id=f"P{place_id}")
        return
    if new_name:
        name = store.rename_place(place_id, new_name)
    _say(svc, ctx, "place.review.approved" if approve else "place.review.rejected", id=f"P{place_id}", name=name)
    ctx.uow.store.audit(
        ctx.now,
        ctx.group.id,
        ctx.person.name,
        "review_place",
        {"place": place_id, "status": "approved" if approve else "rejected", "renamed": bool(new_name)},
    )


def pending_lines(ctx: Ctx) -> list[str]:
    """The list `review` shows of places waiting, with how to decide; empty when none wait."""
    assert ctx.group is not None
    waiting = ctx.uow.store.places_for_review(ctx.group.id)
    if not waiting:
        return []
    names = {a.code: a.name for a in ctx.uow.store.areas(ctx.group.id)}
    lines = [t(ctx.lang, "place.review.heading")]
    for p in waiting:
        key = "place.review.line_located" if p["located"] else "place.review.line"
        lines.append(
            t(ctx.lang, key, id=f"P{p['id']}", area=names.get(p["area"], p["area"]), name=p["name"], n=p["answers"])
        )
    lines.append(t(ctx.lang, "place.review.how"))
    return lines
