"""The commands of people and areas: help, the questionnaire's words (`rapport`, `ändra`, `start`), language
and pause, and the coordinator's reporters, invitations and areas (bot.usecases.people).

Each command is a frozen dataclass declaring its word and role, next to the parser that makes it from words
(`@parses`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from bot.commands.types import Args, Command, ParseError, parse_date, parses
from bot.commands.words import ADD, ROLE_WORDS
from bot.config import CODE_RE
from bot.conversation.messages import Inbound
from bot.domain.masking import clean_text, has_personal_data


@dataclass(frozen=True)
class Help(Command):
    name = "help"


@dataclass(frozen=True)
class ReportMe(Command):
    """The reporter's own questionnaire (`rapport`)."""

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


class ReporterCommand(Command):
    name = "reporter"
    role = "coordinator"


@dataclass(frozen=True)
class ReporterList(ReporterCommand):
    pass


@dataclass(frozen=True)
class ReporterAdd(ReporterCommand):
    """`reporter add NAME | ORGANISATION | AREAS [| ROLE] [| E-MAIL]`; `name` and `organisation` as written
    (checked and cleaned by the use case, after the named chat account), `role` an English role word if it was
    one, `email_text` the field with an @ in it (checked by the use case: an address is an account).
    `refused`: the name or organisation holds personal data, told once the chat account is known to be free."""

    name_text: str
    organisation: str
    areas: tuple[str, ...]
    role_word: str
    mention: tuple[str, str] | None = None
    refused: ParseError | None = None
    email_text: str | None = None


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


PAUSE_OFF = ("off", "av", "slut")


def pause_until(value: str, command: type[Command]) -> date | ParseError | None:
    """The last day of a pause as written (`av`/`off`: None, no pause), or why it is no date."""
    if value.lower() in PAUSE_OFF:
        return None
    d = parse_date(value)
    return ParseError("cmd.bad_date", {"value": value}, command=command) if d is None else d


def personal_data(command: type[Command], **named: str) -> ParseError | None:
    """A name that would be stored and shown to everyone refused if it holds personal data (a personnummer, phone
    number or e-mail address): names are not masked, since a masked name would name nothing. `named` maps what
    the text is (a `cmd.what.*` key's last part) to the text."""
    for what, text in named.items():
        if has_personal_data(text):
            return ParseError("cmd.name_personal_data", texts={"what": f"cmd.what.{what}"}, command=command)
    return None


@parses(Help)
def _help(args: Args, inbound: Inbound) -> Command | ParseError:
    return Help()


@parses(ReportMe)
def _report_me(args: Args, inbound: Inbound) -> Command | ParseError:
    return ReportMe()


@parses(Start)
def _start(args: Args, inbound: Inbound) -> Command | ParseError:
    return Start()  # the words after /start (an invitation code already used) are no arguments


@parses(Edit)
def _edit(args: Args, inbound: Inbound) -> Command | ParseError:
    return Edit()


@parses(Language)
def _language(args: Args, inbound: Inbound) -> Command | ParseError:
    if len(args) != 1 or args[0].lower() not in ("sv", "en", "svenska", "english", "engelska"):
        return ParseError.usage("cmd.language.usage", Language)
    return Language("sv" if args[0].lower() in ("sv", "svenska") else "en")


@parses(Pause)
def _pause(args: Args, inbound: Inbound) -> Command | ParseError:
    if len(args) >= 2:
        return PauseOther(" ".join(args[:-1]), args[-1], pause_until(args[-1], PauseOther))
    if len(args) != 1:
        return ParseError.usage("cmd.pause.usage", Pause)
    until = pause_until(args[0], Pause)
    return until if isinstance(until, ParseError) else Pause(until, args[0])


def _split_pipes(args: Args) -> list[str]:
    return [p.strip() for p in " ".join(args).split("|")]


@parses(ReporterCommand)
def _reporter(args: Args, inbound: Inbound) -> Command | ParseError:
    sub = args[0].lower() if args else ""
    usage = "cmd.reporter.usage"
    if sub in ("list", "lista"):
        return ReporterList()
    if sub in ADD:
        parts = _split_pipes(args[1:])
        if len(parts) < 3 or not parts[0]:
            return ParseError.usage(usage, ReporterCommand)
        mention = inbound.mentions[0] if inbound.mentions else None
        name_part = parts[0]
        if mention is not None:  # "@anna" names the chat account; the rest of the part (if any) is the name
            name_part = name_part.replace(f"@{mention[1] or mention[0]}", " ").strip() or mention[1] or mention[0]
        codes = tuple(dict.fromkeys(c.strip().lower() for c in parts[2].split(",") if c.strip()))
        # After the areas: the role and the e-mail address, in either order (the one with an @ is the address).
        addresses = [p for p in parts[3:] if "@" in p]
        others = [p for p in parts[3:] if p and "@" not in p]
        if len(addresses) > 1:
            return ParseError("email.people.two_addresses", command=ReporterCommand)
        if len(others) > 1:
            return ParseError.usage(usage, ReporterCommand)
        role = others[0].lower() if others else "reporter"
        refused = personal_data(ReporterCommand, person_name=name_part, organisation=parts[1])
        email = addresses[0] if addresses else None
        return ReporterAdd(name_part, parts[1], codes, ROLE_WORDS.get(role, role), mention, refused, email)
    if sub in ("remove", "ta", "bort"):
        words = args[2:] if sub == "ta" and len(args) > 1 and args[1].lower() == "bort" else args[1:]
        name = " ".join(words).strip()
        if not name:
            return ParseError("cmd.reporter.unknown", {"name": "–"}, command=ReporterCommand)
        return ReporterRemove(name)
    return ParseError.usage(usage, ReporterCommand)


@parses(Invite)
def _invite(args: Args, inbound: Inbound) -> Command | ParseError:
    name = " ".join(args).strip()
    return Invite(name) if name else ParseError("cmd.reporter.unknown", {"name": "–"}, command=Invite)


@parses(AreaCommand)
def _area(args: Args, inbound: Inbound) -> Command | ParseError:
    sub = args[0].lower() if args else ""
    if sub in ("list", "lista"):
        return AreaList()
    if sub in ADD and len(args) >= 3:
        code = args[1].lower()
        refused = personal_data(AreaCommand, area_code=code, area_name=" ".join(args[1:]))
        if refused is not None:
            return refused
        if not CODE_RE.match(code):
            return ParseError("cmd.area.bad_code", {"code": code}, command=AreaCommand)
        return AreaAdd(code, clean_text(" ".join(args[2:]), 200).replace("\n", " "))
    return ParseError.usage("cmd.area.usage", AreaCommand)
