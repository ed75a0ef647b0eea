"""Which round a command is about: the week it names, the current one, or the one new input belongs to."""

from __future__ import annotations

from datetime import datetime

from bot.config import GroupConfig
from bot.domain.cycle import Phase, RoundKey, local_round_key, phase_due_at, phase_index
from bot.domain.model import Round
from bot.usecases.context import Ctx, Env, say


def current_round(ctx: Ctx) -> Round | None:
    """This week's round, or the latest there is."""
    assert ctx.group is not None
    key = local_round_key(ctx.now, ctx.group.tz)
    rnd = ctx.uow.rounds.get_round(ctx.group.id, key)
    if rnd is None:
        recent = ctx.uow.rounds.recent_rounds(ctx.group.id, 1)
        rnd = recent[0] if recent else None
    return rnd


def round_for_input(ctx: Ctx) -> Round:
    """The round new observations and priorities belong to: this week's, or next week's once this week's
    picture is finalised (Friday to Monday)."""
    assert ctx.group is not None
    key = local_round_key(ctx.now, ctx.group.tz)
    rnd = ctx.uow.rounds.get_round(ctx.group.id, key) or ctx.uow.rounds.create_round(ctx.group.id, key, ctx.now)
    if phase_index(rnd.phase) >= phase_index(Phase.FINALISED):
        rnd = ctx.uow.rounds.get_round(ctx.group.id, key.next()) or ctx.uow.rounds.create_round(
            ctx.group.id, key.next(), ctx.now
        )
    return rnd


def named_round(env: Env, ctx: Ctx, week: RoundKey | None) -> Round | None:
    """The round of `week` (the current one if None); if there is none the asker is told so."""
    assert ctx.group is not None
    rnd = ctx.uow.rounds.get_round(ctx.group.id, week) if week is not None else current_round(ctx)
    if rnd is None:
        say(env, ctx, "cmd.no_round")
    return rnd


def next_open_at(now: datetime, group: GroupConfig) -> datetime:
    """When the next week's reporting opens (a fresh install: when the first week begins)."""
    key = local_round_key(now, group.tz)
    at = phase_due_at(key, Phase.OPEN, group.week_schedule(), group.tz)
    if at <= now:
        at = phase_due_at(key.next(), Phase.OPEN, group.week_schedule(), group.tz)
    return at
