"""The backtest's command: `bakåttest` (English `backtest`) `[WEEKS] [key=value[,key=value…]] …`, for
coordinators (bot.usecases.backtest). Each word with a `=` is one alternative; the keys and values are checked
against the group's settings by the use case, which knows them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.types import Args, Command, ParseError, parses
from bot.conversation.messages import Inbound

MAX_WEEKS = 260  # five years


@dataclass(frozen=True)
class Backtest(Command):
    """Replay the group's stored weeks with today's detection settings and the alternatives given."""

    name = "backtest"
    role = "coordinator"
    weeks: int | None = None  # None: the default (52)
    alternatives: tuple[str, ...] = ()


@parses(Backtest)
def _backtest(args: Args, inbound: Inbound) -> Command | ParseError:
    weeks: int | None = None
    alternatives: list[str] = []
    for arg in args:
        if "=" in arg:
            alternatives.append(arg)
        elif arg.isdigit() and weeks is None and 1 <= int(arg) <= MAX_WEEKS:
            weeks = int(arg)
        else:
            return ParseError.usage("backtest.usage", Backtest)
    return Backtest(weeks, tuple(alternatives))
