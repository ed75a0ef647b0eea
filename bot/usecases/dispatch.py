"""The way in for a command: parse the words, check the role the command declares, look the handler up in the
table the use-case modules fill (`bot.usecases.registry`, `@handles`) and call it."""

from __future__ import annotations

from dataclasses import replace
from types import ModuleType

from bot.commands.parse import parse
from bot.commands.types import ParseError
from bot.usecases import actions, backtest, people, places, privacy, reports, review, statistics, web, week
from bot.usecases.context import Ctx, Env, tell
from bot.usecases.registry import HANDLERS
from bot.usecases.roles import close_key, likely_meant, permitted

#: The modules whose `@handles` functions carry out the commands (importing them fills HANDLERS).
COMMAND_MODULES: tuple[ModuleType, ...] = (
    people,
    places,
    privacy,
    week,
    actions,
    review,
    reports,
    statistics,
    web,
    backtest,
)

__all__ = ["COMMAND_MODULES", "HANDLERS", "dispatch"]


def dispatch(env: Env, ctx: Ctx) -> None:
    """Carry out the command of `ctx.inbound` for `ctx.person`: parse, check the role, look up, call."""
    assert ctx.person is not None
    command = parse(ctx.inbound)
    kind = command.command if isinstance(command, ParseError) else type(command)
    if kind is not None and not permitted(env, ctx, kind):
        return
    if isinstance(command, ParseError):
        meant = likely_meant(ctx, ctx.inbound.command, command.meant) if command.meant else {}
        tell(env, ctx, replace(command, key=close_key(command.key, meant), params={**command.params, **meant}))
        return
    HANDLERS[type(command)](env, ctx, command)
