"""Who may use a command: the one place the role a command type declares is checked, and the words a refusal
names the command and the roles by."""

from __future__ import annotations

from bot.commands.types import Command
from bot.text import CATALOGUE, t
from bot.usecases.context import Ctx, Env, say


def command_word(lang: str, name: str) -> str:
    """The word a person writing `lang` uses for the command `name` (the Swedish word in Swedish)."""
    key = f"word.{name}"
    return t(lang, key) if key in CATALOGUE else name


def permitted(env: Env, ctx: Ctx, command: type[Command]) -> bool:
    """Whether the asker has the role `command` declares; if not, they are told so (and nothing else)."""
    assert ctx.person is not None
    role = command.role
    if role is None or ctx.person.has_role(role):
        return True
    word = t(ctx.lang, command.denied_word) if command.denied_word else command_word(ctx.lang, command.name)
    say(env, ctx, "cmd.denied", cmd=word, role=t(ctx.lang, f"role.{role}"))
    return False
