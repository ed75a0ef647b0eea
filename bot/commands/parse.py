"""Words to a typed command: the Inbound's command word (Swedish or English) and its arguments become a
`Command` or a `ParseError` carrying today's answer, by the parser the word's module registered (`@parses`).
Nothing here reads the database, the clock or the configuration, and nothing is sent: what needs them (is the
area known, is the date past) is the use case's to check, in the order the answers have always been given.

To add a command: its dataclass and parser in the module of its purpose (or a new module listed in MODULES),
its words and texts in the catalogue (bot/text/commands.py: `word.<name>`, `menu.<name>`, …), and its use case
with `@handles` in bot/usecases/.
"""

from __future__ import annotations

from types import ModuleType

from bot.commands import actions, backtest, people, privacy, reports, review, web, week
from bot.commands.types import COMMANDS as COMMANDS
from bot.commands.types import PARSERS as PARSERS
from bot.commands.types import Command, ParseError
from bot.commands.types import split_head as split_head
from bot.commands.week import ReportBare
from bot.commands.words import ALIASES, closest
from bot.conversation.messages import Inbound

#: The modules whose `@parses` functions make the commands (importing them fills PARSERS and COMMANDS).
MODULES: tuple[ModuleType, ...] = (people, privacy, week, actions, review, reports, web, backtest)


def parse(inbound: Inbound) -> Command | ParseError:
    """The command an Inbound of kind "command" asks for, or why its words make none."""
    word = inbound.command.lower().lstrip("/")
    name = ALIASES.get(word, word)
    args = list(inbound.args)
    if name == "report" and not args and word not in ("veckorapport", "weeklyreport"):
        return ReportBare()  # "report" alone: whose it is (the questionnaire or the weekly report) takes the data
    parser = PARSERS.get(name)
    if parser is None:
        # a typo of a command: which ones it likely was (those the asker may use are told, bot.usecases.dispatch)
        return ParseError("cmd.unknown", {"cmd": inbound.command}, meant=tuple(closest(word)))
    return parser(args, inbound)
