"""The typed commands: one frozen dataclass per thing a person can ask the bot by a command, and `ParseError`.

Each command type declares ONCE the role it needs (`role`, None for everyone) and the word that names it in a
refusal (`name`, a `word.<name>` catalogue key). Commands that share a word (`reporter list`, `reporter add`, …)
share a base class, and with it the role. The parser (bot/commands/parse.py) makes them from words, the use case
of each type registers itself for it (`@handles`, bot/usecases/registry.py), and `bot.usecases.roles.permitted`
checks the role. Plain data, below the use cases: they import them from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import ClassVar

from bot.domain.cycle import RoundKey
from bot.domain.statistics import Month


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
    who may not use a command hears that, not how to write it); None for a word that is no command."""

    key: str
    params: Mapping[str, str | int] = field(default_factory=dict)
    texts: Mapping[str, str] = field(default_factory=dict)
    command: type[Command] | None = None

    @classmethod
    def usage(cls, usage_key: str, command: type[Command]) -> ParseError:
        return cls("cmd.usage", texts={"usage": usage_key}, command=command)


# ---------------------------------------------------------------- everyone


@dataclass(frozen=True)
class Help(Command):
    name = "help"


@dataclass(frozen=True)
class ReportMe(Command):
    """The reporter's own questionnaire (`rapport`)."""

    name = "report_me"


@dataclass(frozen=True)
class ReportBare(Command):
    """`report` alone: the questionnaire for a reporter (or anyone who is no meeting participant), else the
    weekly report of the current week."""

    name = "report_me"


@dataclass(frozen=True)
class Start(Command):
    name = "start"


@dataclass(frozen=True)
class Edit(Command):
    name = "edit"


@dataclass(frozen=True)
class Language(Command):
    name = "language"
    lang: str


@dataclass(frozen=True)
class Pause(Command):
    """`ledig DATE` / `ledig av`: the asker's own pause; `until` None ends it."""

    name = "pause"
    until: date | None
    value: str


@dataclass(frozen=True)
class PauseOther(Command):
    """`ledig NAME DATE`: a coordinator pauses someone else. A date that is none (`when` a ParseError) is told
    only once the name is found."""

    name = "pause"
    role = "coordinator"
    denied_word = "cmd.pause.other"
    person: str
    value: str
    when: date | ParseError | None


@dataclass(frozen=True)
class MyData(Command):
    name = "mydata"


# ---------------------------------------------------------------- the week (cycle and meeting)


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


class ReviewCommand(Command):
    name = "review"
    role = "coordinator"


@dataclass(frozen=True)
class ReviewList(ReviewCommand):
    """`review`: the notes of the current week, and the places waiting."""


@dataclass(frozen=True)
class ReviewNote(ReviewCommand):
    note: str
    status: str  # approved | hidden


@dataclass(frozen=True)
class ReviewEdit(ReviewCommand):
    note: str
    text: str


@dataclass(frozen=True)
class ReviewInvalid(ReviewCommand):
    """Words after `review` that make no note decision: told only once a round is known (without one the
    answer is that there is none)."""

    error: ParseError


@dataclass(frozen=True)
class PlaceReview(ReviewCommand):
    place_id: int
    approve: bool
    new_name: str


# ---------------------------------------------------------------- people and areas


class ReporterCommand(Command):
    name = "reporter"
    role = "coordinator"


@dataclass(frozen=True)
class ReporterList(ReporterCommand):
    pass


@dataclass(frozen=True)
class ReporterAdd(ReporterCommand):
    """`reporter add NAME | ORGANISATION | AREAS [| ROLE]`; `name` and `organisation` as written (checked and
    cleaned by the use case, after the named chat account), `role` an English role word if it was one.
    `refused`: the name or organisation holds personal data, told once the chat account is known to be free."""

    name_text: str
    organisation: str
    areas: tuple[str, ...]
    role_word: str
    mention: tuple[str, str] | None = None
    refused: ParseError | None = None


@dataclass(frozen=True)
class ReporterRemove(ReporterCommand):
    person: str


@dataclass(frozen=True)
class Invite(Command):
    name = "invite"
    role = "coordinator"
    person: str


class AreaCommand(Command):
    name = "area"
    role = "coordinator"


@dataclass(frozen=True)
class AreaList(AreaCommand):
    pass


@dataclass(frozen=True)
class AreaAdd(AreaCommand):
    code: str
    area_name: str


@dataclass(frozen=True)
class Forget(Command):
    name = "forget"
    role = "coordinator"
    person: str


# ---------------------------------------------------------------- reports and statistics


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
