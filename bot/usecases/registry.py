"""The handler table of the commands: each use case that carries out a command registers itself where it is
written, with `@handles(TheCommand)`, and `bot.usecases.dispatch` looks the parsed command's type up here.

A module whose handlers are to be found is listed in `bot.usecases.dispatch.COMMAND_MODULES` (importing it
registers them).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from bot.commands.types import Command
from bot.usecases.context import Ctx, Env

C = TypeVar("C", bound=Command)

#: A use case of one command type: (env, ctx, the command). Typed per command where it is registered.
Handler = Callable[[Env, Ctx, Any], None]

HANDLERS: dict[type[Command], Handler] = {}


def handles(kind: type[C]) -> Callable[[Callable[[Env, Ctx, C], None]], Callable[[Env, Ctx, C], None]]:
    """Register the decorated function as the use case of the command type `kind` (one handler per type)."""

    def register(handler: Callable[[Env, Ctx, C], None]) -> Callable[[Env, Ctx, C], None]:
        if kind in HANDLERS:
            raise ValueError(f"{kind.__name__} already has a handler: {HANDLERS[kind].__qualname__}")
        HANDLERS[kind] = handler
        return handler

    return register
