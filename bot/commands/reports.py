"""The commands of reports and statistics: `export`, `followup` and `stats` (bot.usecases.reports,
bot.usecases.statistics).

Each command is a frozen dataclass declaring its word and role, next to the parser that makes it from words
(`@parses`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.types import Args, Command, ParseError, parses
from bot.commands.words import KIND_WORDS
from bot.conversation.messages import Inbound
from bot.domain.cycle import RoundKey
from bot.domain.statistics import Month


@dataclass(frozen=True)
class Stats(Command):
    name = "stats"
    role = "coordinator"
    month: Month | None = None


@dataclass(frozen=True)
class Export(Command):
    name = "export"
    role = "coordinator"
    weeks: tuple[RoundKey, ...] = ()
    fmt: str = "xlsx"
    what: str = "all"


class FollowupCommand(Command):
    name = "followup"
    role = "coordinator"


@dataclass(frozen=True)
class Followup(FollowupCommand):
    year: int | None = None
    fmt: str = "pdf"


@dataclass(frozen=True)
class FollowupBadYear(FollowupCommand):
    """A year that is no year: the answer names the last year there can be, which takes today's date."""

    value: str


@parses(Stats)
def _stats(args: Args, inbound: Inbound) -> Command | ParseError:
    if len(args) > 1:
        return ParseError.usage("stats.usage", Stats)
    if not args:
        return Stats()
    try:
        return Stats(Month.parse(args[0]))
    except ValueError:
        return ParseError("stats.bad_month", {"value": args[0]}, command=Stats)


@parses(Export)
def _export(args: Args, inbound: Inbound) -> Command | ParseError:
    """`export [FROM [TO]] [csv|xlsx] [answers|pictures|actions|all]`."""
    weeks: list[RoundKey] = []
    fmt, what = "xlsx", "all"
    for arg in args:
        word = arg.lower()
        if word in ("csv", "xlsx"):
            fmt = word
        elif word in KIND_WORDS:
            what = KIND_WORDS[word]
        elif any(c.isdigit() for c in word):
            try:
                weeks.append(RoundKey.parse(word))
            except ValueError:
                return ParseError("cmd.bad_week", {"value": arg}, command=Export)
        else:
            return ParseError.usage("cmd.export.usage", Export)
    if len(weeks) > 2:
        return ParseError.usage("cmd.export.usage", Export)
    return Export(tuple(weeks), fmt, what)


@parses(FollowupCommand)
def _followup(args: Args, inbound: Inbound) -> Command | ParseError:
    """`followup [YEAR] [html|pdf]`."""
    year: int | None = None
    fmt = "pdf"
    for arg in args:
        word = arg.lower()
        if word in ("pdf", "html"):
            fmt = word
        elif word.isdigit() and len(word) == 4:
            year = int(word)
        elif any(c.isdigit() for c in word):
            return FollowupBadYear(arg)
        else:
            return ParseError.usage("cmd.followup.usage", FollowupCommand)
    return Followup(year, fmt)
