"""Words to a typed command: the Inbound's command word (Swedish or English) and its arguments become a
`Command` (bot/commands/types.py) or a `ParseError` carrying today's answer. Nothing here reads the database,
the clock or the configuration, and nothing is sent: what needs them (is the area known, is the date past) is
the use case's to check, in the order the answers have always been given.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from datetime import date

from bot.commands.types import (
    ActionList,
    ActionsCommand,
    ActionStatus,
    AreaAdd,
    AreaCommand,
    AreaList,
    Close,
    Command,
    Draft,
    Edit,
    Export,
    Finalize,
    Followup,
    FollowupBadYear,
    FollowupCommand,
    Forget,
    Help,
    Invite,
    Language,
    MyData,
    Observe,
    Open,
    ParseError,
    Pause,
    PauseOther,
    Picture,
    PlaceReview,
    Priority,
    Publish,
    Remind,
    ReportBare,
    ReporterAdd,
    ReporterCommand,
    ReporterList,
    ReporterRemove,
    ReportMe,
    ReviewCommand,
    ReviewEdit,
    ReviewInvalid,
    ReviewList,
    ReviewNote,
    Start,
    Stats,
    Status,
    WeeklyReport,
)
from bot.commands.words import ALIASES, KIND_WORDS, ROLE_WORDS
from bot.config import CODE_RE
from bot.conversation.ids import parse_id
from bot.conversation.messages import Inbound
from bot.domain.cycle import RoundKey
from bot.domain.masking import clean_text, has_personal_data
from bot.domain.statistics import Month

ADD = ("add", "lägg", "ny")
PAUSE_OFF = ("off", "av", "slut")
PLACE_ID = re.compile(r"[pP](\d{1,9})")
PLACE_APPROVE = ("approve", "godkänn", "godkann")
PLACE_REJECT = ("reject", "avvisa", "hide", "dölj")
PLACE_NAME_MAX = 100
NOTE_MAX = 1000

Args = Sequence[str]


def command_name(word: str) -> str:
    """The English name of a command word (`/Påminn` → `remind`)."""
    name = word.lower().lstrip("/")
    return ALIASES.get(name, name)


def parse(inbound: Inbound) -> Command | ParseError:
    """The command an Inbound of kind "command" asks for, or why its words make none."""
    word = inbound.command.lower().lstrip("/")
    name = ALIASES.get(word, word)
    args = list(inbound.args)
    if name == "report" and not args and word not in ("veckorapport", "weeklyreport"):
        return ReportBare()  # "report" alone: whose it is (the questionnaire or the weekly report) takes the data
    parser = PARSERS.get(name)
    if parser is None:
        return ParseError("cmd.unknown", {"cmd": inbound.command})
    return parser(args, inbound)


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


def _week(args: Args, command: type[Command]) -> RoundKey | ParseError | None:
    if not args:
        return None
    try:
        return RoundKey.parse(args[0])
    except ValueError:
        return ParseError("cmd.bad_week", {"value": args[0]}, command=command)


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


# ---------------------------------------------------------------- one parser per command word


def _help(args: Args, inbound: Inbound) -> Command | ParseError:
    return Help()


def _report_me(args: Args, inbound: Inbound) -> Command | ParseError:
    return ReportMe()


def _start(args: Args, inbound: Inbound) -> Command | ParseError:
    return Start()  # the words after /start (an invitation code already used) are no arguments


def _edit(args: Args, inbound: Inbound) -> Command | ParseError:
    return Edit()


def _mydata(args: Args, inbound: Inbound) -> Command | ParseError:
    return MyData()


def _language(args: Args, inbound: Inbound) -> Command | ParseError:
    if len(args) != 1 or args[0].lower() not in ("sv", "en", "svenska", "english", "engelska"):
        return ParseError.usage("cmd.language.usage", Language)
    return Language("sv" if args[0].lower() in ("sv", "svenska") else "en")


def _pause(args: Args, inbound: Inbound) -> Command | ParseError:
    if len(args) >= 2:
        return PauseOther(" ".join(args[:-1]), args[-1], pause_until(args[-1], PauseOther))
    if len(args) != 1:
        return ParseError.usage("cmd.pause.usage", Pause)
    until = pause_until(args[0], Pause)
    return until if isinstance(until, ParseError) else Pause(until, args[0])


def _status(args: Args, inbound: Inbound) -> Command | ParseError:
    return Status()


def _remind(args: Args, inbound: Inbound) -> Command | ParseError:
    return Remind()


def _open(args: Args, inbound: Inbound) -> Command | ParseError:
    return Open()


def _close(args: Args, inbound: Inbound) -> Command | ParseError:
    return Close()


def _weekly(kind: type[Picture | Draft | Finalize | Publish | WeeklyReport]) -> Parser:
    def parse_week(args: Args, inbound: Inbound) -> Command | ParseError:
        week = _week(args, kind)
        return week if isinstance(week, ParseError) else kind(week)

    return parse_week


def _observe(args: Args, inbound: Inbound) -> Command | ParseError:
    parsed = _area_factor_text(" ".join(args), "cmd.observe.usage", Observe)
    if isinstance(parsed, ParseError):
        return parsed
    area, factor, text = parsed
    return Observe(area, factor, text)


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


def _review(args: Args, inbound: Inbound) -> Command | ParseError:
    if len(args) >= 2 and args[0].lower() in PLACE_APPROVE + PLACE_REJECT:
        m = PLACE_ID.fullmatch(args[1])
        if m is not None:  # `approve|reject P<id> [new name]`: a decision about a place rather than a note
            approve = args[0].lower() in PLACE_APPROVE
            new_name = clean_text(" ".join(args[2:]), PLACE_NAME_MAX).replace("\n", " ").strip()
            if new_name and not approve:
                return ParseError.usage("place.review.usage", ReviewCommand)
            return PlaceReview(int(m.group(1)), approve, new_name)
    if not args:
        return ReviewList()
    if args[0].lower() in ("edit", "redigera", "skriv"):
        m = re.fullmatch(r"#?(\d{1,10})\s*:?\s*(.*)", " ".join(args[1:]), re.DOTALL)
        ident = m.group(1) if m else ""
        text = clean_text(m.group(2), NOTE_MAX) if m else ""
        if parse_id(ident) is None or not text:
            return ReviewInvalid(ParseError.usage("review.edit_usage", ReviewCommand))
        return ReviewEdit(ident, text)
    if len(args) == 2 and args[0].lower() in ("approve", "hide", "godkänn", "dölj"):
        status = "approved" if args[0].lower() in ("approve", "godkänn") else "hidden"
        ident = args[1].lstrip("#")
        if parse_id(ident) is None:
            return ReviewInvalid(ParseError("cmd.review.unknown", {"id": ident}, command=ReviewCommand))
        return ReviewNote(ident, status)
    return ReviewInvalid(ParseError.usage("cmd.review.usage", ReviewCommand))


def _split_pipes(args: Args) -> list[str]:
    return [p.strip() for p in " ".join(args).split("|")]


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
        role = parts[3].lower() if len(parts) > 3 and parts[3] else "reporter"
        refused = personal_data(ReporterCommand, person_name=name_part, organisation=parts[1])
        return ReporterAdd(name_part, parts[1], codes, ROLE_WORDS.get(role, role), mention, refused)
    if sub in ("remove", "ta", "bort"):
        words = args[2:] if sub == "ta" and len(args) > 1 and args[1].lower() == "bort" else args[1:]
        name = " ".join(words).strip()
        if not name:
            return ParseError("cmd.reporter.unknown", {"name": "–"}, command=ReporterCommand)
        return ReporterRemove(name)
    return ParseError.usage(usage, ReporterCommand)


def _invite(args: Args, inbound: Inbound) -> Command | ParseError:
    name = " ".join(args).strip()
    return Invite(name) if name else ParseError("cmd.reporter.unknown", {"name": "–"}, command=Invite)


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


def _forget(args: Args, inbound: Inbound) -> Command | ParseError:
    name = " ".join(args).strip()
    return Forget(name) if name else ParseError.usage("forget.usage", Forget)


def _stats(args: Args, inbound: Inbound) -> Command | ParseError:
    if len(args) > 1:
        return ParseError.usage("stats.usage", Stats)
    if not args:
        return Stats()
    try:
        return Stats(Month.parse(args[0]))
    except ValueError:
        return ParseError("stats.bad_month", {"value": args[0]}, command=Stats)


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


Parser = Callable[[Args, Inbound], Command | ParseError]

#: Every command: the type that declares its word (`name`, the English word) and its role, and its parser; in
#: the order of the platforms' command menus (handlers/telegram/runner.py shows each person those of their roles).
TABLE: tuple[tuple[type[Command], Parser], ...] = (
    (ReportMe, _report_me),
    (Edit, _edit),
    (Pause, _pause),
    (Language, _language),
    (MyData, _mydata),
    (Start, _start),
    (Help, _help),
    (Status, _status),
    (Remind, _remind),
    (Open, _open),
    (Close, _close),
    (Draft, _weekly(Draft)),
    (Picture, _weekly(Picture)),
    (Finalize, _weekly(Finalize)),
    (Publish, _weekly(Publish)),
    (WeeklyReport, _weekly(WeeklyReport)),
    (ReporterCommand, _reporter),
    (AreaCommand, _area),
    (Observe, _observe),
    (Priority, _priority),
    (ActionsCommand, _actions),
    (ReviewCommand, _review),
    (Invite, _invite),
    (Export, _export),
    (FollowupCommand, _followup),
    (Stats, _stats),
    (Forget, _forget),
)

#: A command's word (its English name) and its parser.
PARSERS: dict[str, Parser] = {kind.name: parser for kind, parser in TABLE}

#: Every command word (the English name) and the command type that declares its role: what `help`, the
#: platforms' command menus and the console's word list are checked against.
COMMANDS: dict[str, type[Command]] = {kind.name: kind for kind, _ in TABLE}
