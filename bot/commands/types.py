"""What every command shares: `Command` (each one a frozen dataclass, written next to its parser in a module of
this package by purpose), `ParseError`, and the table of command words the parsers fill (`@parses`).

Each command type declares ONCE the word that names it (`name`, its English word and a `word.<name>` catalogue
key) and the role it needs (`role`, None for everyone). Commands that share a word (`reporter list`, `reporter
add`, …) share a base class, and with it the role. The use case of each type registers itself for it
(`@handles`, bot/usecases/registry.py), and `bot.usecases.roles.permitted` checks the role. Plain data, below
the use cases: they import the types from here and from this package's modules.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from bot.conversation.messages import Inbound


class Command:
    """A command, parsed. Subclasses are frozen dataclasses."""

    name: ClassVar[str]
    role: ClassVar[str | None] = None
    #: The catalogue key of the words a refusal names the command by; None: the `word.<name>` of the command.
    denied_word: ClassVar[str | None] = None


@dataclass(frozen=True)
class ParseError:
    """Words that make no command, with today's answer: a catalogue key and its values. `texts` are values that
    are themselves catalogue keys, said in the asker's language (`cmd.usage` with `usage=cmd.pause.usage`).
    `command` is the type the words were meant for, so the role is checked before the error is told (a person
    who may not use a command hears that, not how to write it); None for a word that is no command. `meant`: for
    a word that is no command, the commands (their names) it likely was a typo of."""

    key: str
    params: Mapping[str, str | int] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)
    command: type[Command] | None = None
    meant: tuple[str, ...] = ()

    @classmethod
    def usage(cls, usage_key: str, command: type[Command]) -> ParseError:
        return cls("cmd.usage", texts={"usage": usage_key}, command=command)


Args = Sequence[str]
Parser = Callable[[Args, Inbound], Command | ParseError]

#: A command's word (its English name) and its parser; filled by `@parses` as this package's modules load
#: (bot/commands/parse.py loads them all).
PARSERS: dict[str, Parser] = {}

#: Every command word (the English name) and the command type that declares its role: what `help`, the
#: platforms' command menus and the console's word list are checked against.
COMMANDS: dict[str, type[Command]] = {}


def parses(kind: type[Command]) -> Callable[[Parser], Parser]:
    """Register the decorated function as the parser of the command word `kind.name`; `kind` declares its role."""

    def register(parser: Parser) -> Parser:
        if kind.name in PARSERS:
            raise ValueError(f"the command word {kind.name!r} has two parsers")
        PARSERS[kind.name] = parser
        COMMANDS[kind.name] = kind
        return parser

    return register


def split_head(raw: str) -> tuple[str, str, str]:
    """`HEAD: text` split where the head ends, like `str.partition(":")`: at the first colon followed by a space
    (or at the end), else at the first that is neither in a link (`https://`) nor between digits (`3:2`,
    `12:30`). So a place or a link in the head, and anything in the text, may hold colons."""
    found = re.search(r":(?=\s|$)", raw)
    if found is None:
        found = next(
            (
                m
                for m in re.finditer(":", raw)
                if not raw.startswith("//", m.end())
                and not (raw[m.start() - 1 : m.start()].isdigit() and raw[m.end() : m.end() + 1].isdigit())
            ),
            None,
        )
    if found is None:
        return raw, "", ""
    return raw[: found.start()], ":", raw[found.end() :]


def parse_date(value: str) -> date | None:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        return None
