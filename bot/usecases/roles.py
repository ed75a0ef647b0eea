"""Who may use a command: the one place the role a command type declares is checked, and the words a refusal
names the command and the roles by."""

from __future__ import annotations

from bot.commands.types import COMMANDS, Command
from bot.commands.words import closest
from bot.domain.model import Person
from bot.text import CATALOGUE, t
from bot.usecases.context import Ctx, Env, say

#: How many commands a mistyped word is said to have likely meant.
MEANT = 2


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


def may_use(person: Person, name: str) -> bool:
    """Whether `person` may use the command `name` (`report` alone, the questionnaire, is everyone's)."""
    kinds = [COMMANDS[n] for n in (name, "report_me" if name == "report" else "") if n in COMMANDS]
    return any(k.role is None or person.has_role(k.role) for k in kinds)


def likely_meant(ctx: Ctx, word: str, names: tuple[str, ...] | None = None) -> dict[str, str]:
    """The commands a mistyped `word` likely was (`names`, if already found), of those the asker may use only
    (a command they would be refused is no help), in their words: {"c0": "exportera"}, at most two."""
    assert ctx.person is not None
    person = ctx.person
    usable = [n for n in (closest(word) if names is None else names) if may_use(person, n)]
    return {f"c{i}": command_word(ctx.lang, n) for i, n in enumerate(usable[:MEANT])}


def close_key(key: str, meant: dict[str, str]) -> str:
    """The catalogue key `key`, or its variant that names one or two likely commands (`key.close`, `.close2`)."""
    return (key, f"{key}.close", f"{key}.close2")[len(meant)]
