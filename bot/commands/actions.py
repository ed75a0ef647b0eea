"""The commands of the meeting's input: observations, manual priorities and the decided actions (bot.usecases.actions).

Each command is a frozen dataclass declaring its word and role, next to the parser that makes it from words
(`@parses`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.types import Args, Command, ParseError, parses, split_head
from bot.commands.words import ADD
from bot.conversation.ids import parse_id
from bot.conversation.messages import Inbound
from bot.domain.masking import clean_text


@dataclass(frozen=True)
class Observe(Command):
    name = "observe"
    role = "participant"
    area: str
    factor: str | None
    text: str


@dataclass(frozen=True)
class Priority(Command):
    name = "priority"
    role = "coordinator"
    area: str
    title: str
    place: str | None


class ActionsCommand(Command):
    name = "actions"
    role = "participant"


@dataclass(frozen=True)
class ActionList(ActionsCommand):
    pass


@dataclass(frozen=True)
class ActionStatus(ActionsCommand):
    action_id: int
    status: str
    written: str  # the id as written (`#12`), for the answer when there is no such action


def _area_factor_text(raw: str, usage: str, command: type[Command]) -> tuple[str, str | None, str] | ParseError:
    """`AREA [FACTOR]: text` (or `AREA [| PLACE]: text`): the area code, the rest of the head and the text."""
    head, sep, text = split_head(raw)
    words = head.split()
    if not sep or not words:
        return ParseError.usage(usage, command)
    text = clean_text(text, 1000)
    if not text:
        return ParseError("cmd.empty_text", command=command)
    rest = " ".join(words[1:]).strip()
    return words[0].lower(), rest or None, text


@parses(Observe)
def _observe(args: Args, inbound: Inbound) -> Command | ParseError:
    parsed = _area_factor_text(" ".join(args), "cmd.observe.usage", Observe)
    if isinstance(parsed, ParseError):
        return parsed
    area, factor, text = parsed
    return Observe(area, factor, text)


@parses(Priority)
def _priority(args: Args, inbound: Inbound) -> Command | ParseError:
    usage = "cmd.priority.usage"
    if not args or args[0].lower() not in ADD:
        return ParseError.usage(usage, Priority)
    head, sep, text = split_head(" ".join(args[1:]))
    area_part, _, place = head.partition("|")  # the place is all after the first `|`, `|` and `:` included
    parsed = _area_factor_text(area_part.strip() + ": " + text.strip() if sep else "", usage, Priority)
    if isinstance(parsed, ParseError):
        return parsed
    area, _, title = parsed
    return Priority(area, title, clean_text(place, 100) or None)


@parses(ActionsCommand)
def _actions(args: Args, inbound: Inbound) -> Command | ParseError:
    if len(args) == 2 and args[0].lower() in ("done", "ongoing", "planned", "klar", "pågår"):
        status = {"klar": "done", "pågår": "ongoing"}.get(args[0].lower(), args[0].lower())
        aid = parse_id(args[1].lstrip("#"))
        if aid is None:
            return ParseError("cmd.actions.unknown", {"id": args[1]}, command=ActionsCommand)
        return ActionStatus(aid, status, args[1])
    if args:
        return ParseError.usage("cmd.actions.usage", ActionsCommand)
    return ActionList()
