"""The commands of the week's cycle: `status`, `remind`, `open`, `close`, and those about one week's picture
and report (bot.usecases.week).

Each command is a frozen dataclass declaring its word and role, next to the parser that makes it from words
(`@parses`).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.commands.types import Args, Command, ParseError, Parser, parses
from bot.conversation.messages import Inbound
from bot.domain.cycle import RoundKey


@dataclass(frozen=True)
class ReportBare(Command):
    """`report` alone: the questionnaire for a reporter (or anyone who is no meeting participant), else the
    weekly report of the current week."""

    name = "report_me"


@dataclass(frozen=True)
class Status(Command):
    name = "status"
    role = "coordinator"


@dataclass(frozen=True)
class Remind(Command):
    name = "remind"
    role = "coordinator"


@dataclass(frozen=True)
class Open(Command):
    name = "open"
    role = "coordinator"


@dataclass(frozen=True)
class Close(Command):
    name = "close"
    role = "coordinator"


@dataclass(frozen=True)
class Picture(Command):
    name = "picture"
    role = "participant"
    week: RoundKey | None = None


@dataclass(frozen=True)
class Draft(Command):
    name = "draft"
    role = "coordinator"
    week: RoundKey | None = None


@dataclass(frozen=True)
class Finalize(Command):
    name = "finalize"
    role = "coordinator"
    week: RoundKey | None = None


@dataclass(frozen=True)
class Publish(Command):
    name = "publish"
    role = "coordinator"
    week: RoundKey | None = None


@dataclass(frozen=True)
class WeeklyReport(Command):
    name = "report"
    role = "participant"
    week: RoundKey | None = None


def _week(args: Args, command: type[Command]) -> RoundKey | ParseError | None:
    if not args:
        return None
    try:
        return RoundKey.parse(args[0])
    except ValueError:
        return ParseError("cmd.bad_week", {"value": args[0]}, command=command)


@parses(Status)
def _status(args: Args, inbound: Inbound) -> Command | ParseError:
    return Status()


@parses(Remind)
def _remind(args: Args, inbound: Inbound) -> Command | ParseError:
    return Remind()


@parses(Open)
def _open(args: Args, inbound: Inbound) -> Command | ParseError:
    return Open()


@parses(Close)
def _close(args: Args, inbound: Inbound) -> Command | ParseError:
    return Close()


def _weekly(kind: type[Picture | Draft | Finalize | Publish | WeeklyReport]) -> Parser:
    def parse_week(args: Args, inbound: Inbound) -> Command | ParseError:
        week = _week(args, kind)
        return week if isinstance(week, ParseError) else kind(week)

    return parse_week


for _kind in (Draft, Picture, Finalize, Publish, WeeklyReport):
    parses(_kind)(_weekly(_kind))
