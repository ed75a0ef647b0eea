"""Command handlers of the meeting's input: `observe` (an observation of an area), `priority add` (a manual
candidate for the meeting) and `actions` (the decided actions and their status; the web view marks an action
through the same `mark_action`)."""

from __future__ import annotations

import re
from datetime import datetime
from enum import StrEnum

from bot.commands.actions import ActionList, ActionStatus, Observe, Priority
from bot.conversation.messages import Outbound
from bot.domain.cycle import Phase
from bot.domain.model import Person
from bot.ports import UnitOfWork
from bot.text import label, t
from bot.usecases import meeting
from bot.usecases.context import Ctx, Env, audit, reply, role_name, say, send_to_channel
from bot.usecases.registry import handles
from bot.usecases.rounds import round_for_input

ACTION_STATUSES: tuple[str, ...] = ("planned", "ongoing", "done")  # what the chat command sets


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


def mark_action(uow: UnitOfWork, group_id: str, actor: str, now: datetime, action_id: int, status: str) -> bool:
    """Set a decided action's status and record it in the audit log under `actor`; False (nothing changed)
    when the group has no such action. The one way an action is marked: the chat command and the web view's
    form (`mark_action_status`) both come here."""
    if status not in ACTION_STATUSES:
        raise ValueError(f"no such action status: {status!r}")
    if not uow.meeting.set_action_status(group_id, action_id, status):
        return False
    uow.audit.audit(now, group_id, actor, "action_status", {"id": action_id, "status": status})
    return True


@handles(ActionStatus)
def set_action_status(env: Env, ctx: Ctx, cmd: ActionStatus) -> None:
    assert ctx.group is not None and ctx.person is not None
    if not mark_action(ctx.uow, ctx.group.id, ctx.person.name, ctx.now, cmd.action_id, cmd.status):
        say(env, ctx, "cmd.actions.unknown", id=cmd.written)
        return
    say(env, ctx, "cmd.actions.updated", id=cmd.action_id, status=t(ctx.lang, f"status.{cmd.status}"))


class Marked(StrEnum):
    """What became of marking an action from the web view."""

    DONE = "done"  # the status was set and audited
    UNKNOWN = "unknown"  # the group has no such action: nothing changed
    BAD_STATUS = "bad_status"  # not a status one may mark: nothing changed
    REFUSED = "refused"  # the person may not mark actions: nothing changed


WEB_STATUSES: tuple[str, ...] = ("ongoing", "done")  # what the web view's form marks an action as


def mark_action_status(env: Env, person: Person, action_id: int, status: str) -> Marked:
    """A coordinator marks one of their group's actions ongoing or done from the web view: the same change and
    audit entry as the chat command (`mark_action`), in a unit of work of its own."""
    if not person.has_role("coordinator"):
        return Marked.REFUSED
    if status not in WEB_STATUSES:
        return Marked.BAD_STATUS
    with env.unit() as uow:
        if not mark_action(uow, person.group_id, person.name, env.clock.now(), action_id, status):
            return Marked.UNKNOWN
        uow.commit()
    return Marked.DONE


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
