"""Command handlers of the meeting's input: `observe` (an observation of an area), `priority add` (a manual
candidate for the meeting) and `actions` (the decided actions and their status)."""

from __future__ import annotations

import re

from bot.commands.actions import ActionList, ActionStatus, Observe, Priority
from bot.conversation.messages import Outbound
from bot.domain.cycle import Phase
from bot.text import label, t
from bot.usecases import meeting
from bot.usecases.context import Ctx, Env, audit, reply, role_name, say, send_to_channel
from bot.usecases.registry import handles
from bot.usecases.rounds import round_for_input


def _known_area(env: Env, ctx: Ctx, area: str) -> bool:
    assert ctx.group is not None
    known = [a.code for a in ctx.uow.groups.areas(ctx.group.id)]
    if area not in known:
        say(env, ctx, "cmd.bad_area", area=area, allowed=", ".join(known))
        return False
    return True


@handles(Observe)
def observe(env: Env, ctx: Ctx, cmd: Observe) -> None:
    assert ctx.group is not None and ctx.person is not None
    if not _known_area(env, ctx, cmd.area):
        return
    codes = [f.code for f in ctx.group.factor_list()]
    factor = cmd.factor
    if factor is not None and factor.lower() not in codes:
        say(env, ctx, "cmd.bad_factor", factor=factor, allowed=", ".join(codes))
        return
    rnd = round_for_input(ctx)
    ctx.uow.rounds.add_observation(
        rnd.id,
        ctx.person.id,
        ctx.person.name,
        ctx.person.organisation or role_name(ctx.group.language, ctx.person.role),
        cmd.area,
        factor.lower() if factor else None,
        cmd.text,
        ctx.now,
    )
    say(env, ctx, "cmd.observe.done", week=str(rnd.key))
    audit(ctx, "observe", {"week": str(rnd.key), "area": cmd.area})


@handles(Priority)
def add_priority(env: Env, ctx: Ctx, cmd: Priority) -> None:
    assert ctx.group is not None
    if not _known_area(env, ctx, cmd.area):
        return
    title = cmd.title
    rnd = round_for_input(ctx)
    key = f"manual:{cmd.area}:{re.sub(r'[^a-z0-9åäö]+', '-', title.lower())[:80]}"
    pos = len(ctx.uow.meeting.candidates(rnd.id))
    cid = ctx.uow.meeting.add_candidate(rnd.id, key, cmd.area, cmd.place, (), title, (), "manual", pos)
    say(env, ctx, "cmd.priority.added", title=title, week=str(rnd.key))
    audit(ctx, "priority_add", {"week": str(rnd.key), "title": title})
    if rnd.phase == Phase.DRAFTED and cid is not None:
        cand = ctx.uow.meeting.get_candidate(cid)
        assert cand is not None
        send_to_channel(
            env,
            ctx.uow,
            ctx.group,
            "meeting",
            meeting.candidate_message(cand, pos + 1, ctx.group.language, False),
            f"{ctx.key_base}:cand:{cid}",
        )


@handles(ActionStatus)
def set_action_status(env: Env, ctx: Ctx, cmd: ActionStatus) -> None:
    assert ctx.group is not None
    if not ctx.uow.meeting.set_action_status(ctx.group.id, cmd.action_id, cmd.status):
        say(env, ctx, "cmd.actions.unknown", id=cmd.written)
        return
    say(env, ctx, "cmd.actions.updated", id=cmd.action_id, status=t(ctx.lang, f"status.{cmd.status}"))
    audit(ctx, "action_status", {"id": cmd.action_id, "status": cmd.status})


@handles(ActionList)
def list_actions(env: Env, ctx: Ctx, cmd: ActionList) -> None:
    assert ctx.group is not None
    lang = ctx.lang
    acts = ctx.uow.meeting.actions(ctx.group.id)
    if not acts:
        say(env, ctx, "cmd.actions.none")
        return
    lines = [
        t(
            lang,
            "cmd.actions.line",
            id=a.id,
            week=str(a.week),
            title=a.title,
            type=label(lang, "atype", a.action_type),
            resp=label(lang, "resp", a.responsible),
            time=label(lang, "time", a.timeframe),
            status=t(lang, f"status.{a.status}"),
        )
        for a in acts
    ]
    reply(env, ctx, Outbound("\n".join(lines), kind="list"))
