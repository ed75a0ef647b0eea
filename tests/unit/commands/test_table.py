"""The handler table: every command type has one use case, whose annotation takes that very type, and every
command word the bot lists has a parser and a type that declares its role."""

from __future__ import annotations

import inspect
import typing

from bot.commands.parse import COMMANDS, PARSERS
from bot.commands.types import Command
from bot.usecases.dispatch import HANDLERS


def concrete_commands(base: type[Command] = Command) -> set[type[Command]]:
    found: set[type[Command]] = set()
    for sub in base.__subclasses__():
        if "__dataclass_fields__" in vars(sub):
            found.add(sub)
        found |= concrete_commands(sub)
    return found


def test_every_command_type_has_a_handler_taking_it() -> None:
    assert set(HANDLERS) == concrete_commands()
    for kind, handler in HANDLERS.items():
        hints = typing.get_type_hints(handler)
        last = list(inspect.signature(handler).parameters)[-1]
        assert hints[last] is kind, (kind, handler)


def test_every_command_word_has_a_parser_and_a_role_declared_once() -> None:
    assert set(COMMANDS) == set(PARSERS)
    for name, kind in COMMANDS.items():
        assert kind.name == name or name == "report_me"
        assert kind.role in (None, "participant", "coordinator")
