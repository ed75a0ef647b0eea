"""Settings: one TOML file, secrets from the environment, validated by pydantic.

A wrong value stops start-up with one line that names the key, the value and
what is allowed (`ConfigError`), never a traceback.
"""

from __future__ import annotations

import difflib
import functools
import os
import re
import tomllib
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal, Union, get_args, get_origin
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain.cycle import DEFAULT_SCHEDULE, PhaseTime, WeekSchedule
from bot.domain.detection import HISTORY_WEEKS, DetectionParams
from bot.domain.factors import DEFAULT_FACTORS, Factor
from bot.domain.masking import has_personal_data, mask_personal_data

ROLES = ("reporter", "participant", "coordinator", "admin")
Role = Literal["reporter", "participant", "coordinator", "admin"]
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
_CODE_HELP = (
    "allowed: 1-40 characters: lower-case letters a-z, digits, '_' or '-' (no spaces or å/ä/ö), "
    "starting with a letter or digit, e.g. 'centrum' or 'sodra-hamnen'"
)


class ConfigError(Exception):
    """A configuration problem, already phrased for the person who wrote the file."""


class _KeyProblem(ValueError):
    """Raised by a model validator about a key *below* the model, so the message can name that key
    (pydantic alone would point at the model, e.g. ``groups[0]`` instead of ``groups[0].areas[3].code``)."""

    def __init__(self, path: tuple[int | str, ...], value: Any, message: str) -> None:
        super().__init__(message)
        self.path = path
        self.value = value
        self.message = message


def _duplicate(values: list[Any]) -> tuple[int, int] | None:
    """``(first, second)`` indexes of the first value that appears twice, or None."""
    seen: dict[Any, int] = {}
    for i, v in enumerate(values):
        if v in seen:
            return seen[v], i
        seen[v] = i
    return None


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


_PERSONAL_DATA_HELP = (
    "holds a personal identity number, phone number or e-mail address, which a name or code everyone sees must "
    "not hold (EST looks at places, not persons); write it without them"
)


def _no_personal_data(v: str) -> str:
    if has_personal_data(v):
        raise ValueError(_PERSONAL_DATA_HELP)
    return v


def _check_code(v: str) -> str:
    if not CODE_RE.match(v):
        raise ValueError(_CODE_HELP)
    return _no_personal_data(v)


Code = Annotated[str, AfterValidator(_check_code)]
"""A stable identifier (area, factor, group): what the database and exports key on."""
Name = Annotated[str, AfterValidator(_no_personal_data)]
"""A name people see (a person, an organisation, an area, a place, a group, a factor): never personal data."""


class FactorConfig(_Strict):
    code: Code
    sv: Name
    en: Name


class PlaceConfig(_Strict):
    """A known place with its position: a location a reporter shares nearby becomes this place."""

    name: Name = Field(min_length=1, max_length=200)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class AreaConfig(_Strict):
    code: Code
    name: Name = Field(min_length=1, max_length=200)
    places: list[Annotated[Name, Field(min_length=1, max_length=200)] | PlaceConfig] = Field(default_factory=list)

    def place_points(self) -> list[tuple[str, float | None, float | None]]:
        """Each known place as (name, lat, lon); without a position in the file, lat and lon are None."""
        return [(p, None, None) if isinstance(p, str) else (p.name, p.lat, p.lon) for p in self.places]


class ReporterConfig(_Strict):
    name: Name = Field(min_length=1, max_length=100)
    organisation: Name = Field(default="", max_length=200)
    areas: list[str] = Field(default_factory=list)
    role: Role = "reporter"
    language: Literal["sv", "en"] = "sv"
    receives_report: bool = True
    slack: str | None = Field(default=None, min_length=1, max_length=100)
    telegram: int | None = None
    console: str | None = Field(default=None, min_length=1, max_length=100)


class ChannelConfig(_Strict):
    slack: str | None = Field(default=None, min_length=1, max_length=100)
    telegram: int | None = None
    console: str | None = Field(default=None, min_length=1, max_length=100)


class ScheduleConfig(_Strict):
    open: str = str(DEFAULT_SCHEDULE.open)
    remind: str = str(DEFAULT_SCHEDULE.remind)
    close: str = str(DEFAULT_SCHEDULE.close)
    draft: str = str(DEFAULT_SCHEDULE.draft)
    publish: str = str(DEFAULT_SCHEDULE.publish)
    monthly: str = DEFAULT_SCHEDULE.monthly_at.strftime("%H:%M")

    @field_validator("open", "remind", "close", "draft", "publish")
    @classmethod
    def _phase_time(cls, v: str) -> str:
        PhaseTime.parse(v)
        return v

    @field_validator("monthly")
    @classmethod
    def _hhmm(cls, v: str) -> str:
        _parse_hhmm(v)
        return v

    @model_validator(mode="after")
    def _order(self) -> ScheduleConfig:
        pairs = (
            ("open", "remind", False),
            ("remind", "close", False),
            ("close", "draft", True),
            ("draft", "publish", False),
        )
        for a, b, may_equal in pairs:
            ta, tb = PhaseTime.parse(getattr(self, a)), PhaseTime.parse(getattr(self, b))
            if not (ta <= tb if may_equal else ta < tb):
                rel = "at or after" if may_equal else "after"
                raise _KeyProblem(
                    (b,),
                    getattr(self, b),
                    f"out of order: {b} ({tb}) must come {rel} {a} ({ta}); allowed: open < remind < close <= draft "
                    "< publish within one Monday..Sunday week",
                )
        self.to_schedule().validate()
        return self

    def to_schedule(self) -> WeekSchedule:
        return _schedule(self.open, self.remind, self.close, self.draft, self.publish, self.monthly)


@functools.lru_cache(maxsize=256)
def _schedule(open_: str, remind: str, close: str, draft: str, publish: str, monthly: str) -> WeekSchedule:
    """Parsed once per distinct schedule: every answer asks for its group's closing time."""
    return WeekSchedule(
        open=PhaseTime.parse(open_),
        remind=PhaseTime.parse(remind),
        close=PhaseTime.parse(close),
        draft=PhaseTime.parse(draft),
        publish=PhaseTime.parse(publish),
        monthly_at=_parse_hhmm(monthly),
    )


def _parse_hhmm(v: str) -> time:
    m = re.fullmatch(r"(\d{1,2})[:.](\d{2})", v.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError("allowed: a time of day as HH:MM, e.g. 09:00")
    return time(int(m.group(1)), int(m.group(2)))


_DETECT = DetectionParams()


class DetectionConfig(_Strict):
    """The "what stands out" rule (bot/domain/detection.py, docs/DETECTION.md)."""

    baseline_weeks: int = Field(default=_DETECT.baseline_weeks, ge=2, le=HISTORY_WEEKS)
    guard_weeks: int = Field(default=_DETECT.guard_weeks, ge=0, le=4)
    ewma_weight: float = Field(default=_DETECT.ewma_weight, gt=0, le=1)
    ewma_limit: float = Field(default=_DETECT.ewma_limit, gt=0, le=10)
    min_sd: float = Field(default=_DETECT.min_sd, gt=0, le=3)
    min_level: float = Field(default=_DETECT.min_level, ge=0, le=3)
    rising_weeks: int = Field(default=_DETECT.rising_weeks, ge=1, le=HISTORY_WEEKS)
    highest_weeks: int = Field(default=_DETECT.highest_weeks, ge=2, le=HISTORY_WEEKS + 1)

    @model_validator(mode="after")
    def _fits(self) -> DetectionConfig:
        if self.baseline_weeks + self.guard_weeks > HISTORY_WEEKS:
            raise _KeyProblem(
                ("guard_weeks",),
                self.guard_weeks,
                f"baseline_weeks + guard_weeks is {self.baseline_weeks + self.guard_weeks}, but the bot keeps "
                f"{HISTORY_WEEKS} weeks of history; allowed: at most {HISTORY_WEEKS} together",
            )
        return self

    def params(self) -> DetectionParams:
        return DetectionParams(**self.model_dump())


class GroupConfig(_Strict):
    id: Code
    name: Name = Field(min_length=1, max_length=200)
    timezone: str = "Europe/Stockholm"
    language: Literal["sv", "en"] = "sv"
    threshold: int = Field(default=2, ge=1, le=3)
    snooze_hours: float = Field(default=3.0, gt=0, le=72)
    # The municipality (kommun) as the police and Brå name it, e.g. "Trelleborg": filters imported statistics
    # and police events (docs/STATISTICS.md).
    municipality: Name | None = Field(default=None, min_length=1, max_length=100)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    detection: DetectionConfig = Field(default_factory=DetectionConfig)
    factors: list[FactorConfig] = Field(default_factory=list)
    areas: list[AreaConfig] = Field(min_length=1)
    reporters: list[ReporterConfig] = Field(default_factory=list)
    channels: dict[Literal["meeting", "broadcast", "coordinators"], ChannelConfig] = Field(default_factory=dict)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            close = difflib.get_close_matches(v, sorted(available_timezones()), n=1)
            hint = f"did you mean {close[0]}? " if close else ""
            raise ValueError(
                f"unknown time zone; {hint}allowed: an IANA time zone name such as Europe/Stockholm"
            ) from None
        return v

    @model_validator(mode="after")
    def _references(self) -> GroupConfig:
        codes = [a.code for a in self.areas]
        dup = _duplicate(codes)
        if dup:
            raise _KeyProblem(
                ("areas", dup[1], "code"),
                codes[dup[1]],
                f"already the code of areas[{dup[0]}]; each area code must be unique",
            )
        fcodes = [f.code for f in self.factors]
        dup = _duplicate(fcodes)
        if dup:
            raise _KeyProblem(
                ("factors", dup[1], "code"),
                fcodes[dup[1]],
                f"already the code of factors[{dup[0]}]; each factor code must be unique",
            )
        for i, r in enumerate(self.reporters):
            for j, a in enumerate(r.areas):
                if a not in codes:
                    raise _KeyProblem(
                        ("reporters", i, "areas", j), a, f"unknown area; allowed: {', '.join(codes)} (the area codes)"
                    )
            dup = _duplicate(r.areas)
            if dup:
                raise _KeyProblem(
                    ("reporters", i, "areas", dup[1]), r.areas[dup[1]], "listed twice; name each area once"
                )
        dup = _duplicate([r.name.casefold() for r in self.reporters])
        if dup:
            first = self.reporters[dup[0]].name
            raise _KeyProblem(
                ("reporters", dup[1], "name"),
                self.reporters[dup[1]].name,
                f"same name as reporters[{dup[0]}] ({first!r}); each name must be unique (case does not count)",
            )
        for platform in ("slack", "telegram", "console"):
            owners = [
                (i, getattr(r, platform)) for i, r in enumerate(self.reporters) if getattr(r, platform) is not None
            ]
            dup = _duplicate([str(x) for _, x in owners])
            if dup:
                (i, _), (j, value) = owners[dup[0]], owners[dup[1]]
                raise _KeyProblem(
                    ("reporters", j, platform),
                    value,
                    f"already the {platform} id of reporters[{i}] ({self.reporters[i].name!r}); "
                    "each account may belong to one person only",
                )
        return self

    @property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def factor_list(self) -> list[Factor]:
        if not self.factors:
            return list(DEFAULT_FACTORS)
        return [Factor(f.code, f.sv, f.en) for f in self.factors]

    def week_schedule(self) -> WeekSchedule:
        return self.schedule.to_schedule()


class DatabaseConfig(_Strict):
    url: str = "sqlite:///est-bot.sqlite"


class SlackConfig(_Strict):
    enabled: bool = False
    mode: Literal["socket", "http"] = "socket"
    api_url: str = Field(default="https://slack.com/api/", pattern=r"^https?://[^\s/]+(/[^\s]*)?$")
    command: str = Field(default="/est", pattern=r"^/[a-z0-9_\-åäö]{1,31}$")
    listen: str = "0.0.0.0"
    port: int = Field(default=3000, ge=1, le=65535)
    path: str = Field(default="/slack/events", pattern=r"^/[^\s]*$")


class TelegramConfig(_Strict):
    enabled: bool = False
    mode: Literal["polling", "webhook"] = "polling"
    base_url: str = "https://api.telegram.org/bot"
    webhook_url: str | None = Field(default=None, pattern=r"^https?://[^\s/]+(/[^\s]*)?$")
    listen: str = "0.0.0.0"
    port: int = Field(default=8443, ge=1, le=65535)
    bot_username: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9_]{3,31}$")


class PoliceEventsConfig(_Strict):
    """The optional scheduled fetch from the Swedish Police's open events API (docs/STATISTICS.md)."""

    enabled: bool = False
    url: str = Field(default="https://polisen.se/api/events", pattern=r"^https?://[^\s/]+(/[^\s]*)?$")
    # Who runs this bot (an e-mail address or web page), sent in the User-Agent as the API asks.
    contact: str | None = Field(default=None, min_length=3, max_length=200, pattern=r"^[A-Za-z0-9._%+@:/?=&#~-]+$")
    interval_minutes: int = Field(default=30, ge=5, le=1440)

    @model_validator(mode="after")
    def _contact(self) -> PoliceEventsConfig:
        if self.enabled and not self.contact:
            raise _KeyProblem(
                ("contact",),
                None,
                "missing; the police events API asks every caller to name itself: write an e-mail address or web "
                'page of whoever runs this bot, e.g. contact = "trygghet@kommun.se"',
            )
        return self


class RunConfig(_Strict):
    """How `est-bot run` paces itself, and how several processes on one PostgreSQL database share the work."""

    tick_seconds: int = Field(default=60, ge=1, le=3600)
    leader_retry_seconds: float = Field(default=10.0, gt=0, le=600)
    outbox_lease_seconds: float = Field(default=120.0, ge=1, le=3600)


class PrivacyConfig(_Strict):
    note_retention_weeks: int = Field(default=26, ge=1, le=520)
    # A shared location becomes the nearest approved place within this many metres (0: never); otherwise it is
    # kept at about 100 m (0.001°). The raw position is never stored.
    location_snap_metres: int = Field(default=150, ge=0, le=2000)


class Secrets(BaseSettings):
    """Secrets come only from the environment, never from the TOML file."""

    model_config = SettingsConfigDict(env_prefix="EST_", extra="ignore")

    database_url: str | None = None
    slack_bot_token: str | None = None
    slack_app_token: str | None = None
    slack_signing_secret: str | None = None
    telegram_token: str | None = None
    telegram_webhook_secret: str | None = None


class Config(_Strict):
    reports_dir: str = Field(default="reports", min_length=1)
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    slack: SlackConfig = Field(default_factory=SlackConfig)
    telegram: TelegramConfig = Field(default_factory=TelegramConfig)
    police_events: PoliceEventsConfig = Field(default_factory=PoliceEventsConfig)
    run: RunConfig = Field(default_factory=RunConfig)
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig)
    groups: list[GroupConfig] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_groups(self) -> Config:
        ids = [g.id for g in self.groups]
        dup = _duplicate(ids)
        if dup:
            raise _KeyProblem(
                ("groups", dup[1], "id"),
                ids[dup[1]],
                f"already the id of groups[{dup[0]}]; each group id must be unique",
            )
        # A chat account belongs to one person in the whole database, not per group.
        for platform in ("slack", "telegram", "console"):
            owner: dict[str, tuple[int, int]] = {}
            for gi, g in enumerate(self.groups):
                for ri, r in enumerate(g.reporters):
                    value = getattr(r, platform)
                    if value is None:
                        continue
                    if str(value) in owner:
                        ogi, ori = owner[str(value)]
                        raise _KeyProblem(
                            ("groups", gi, "reporters", ri, platform),
                            value,
                            f"already the {platform} id of groups[{ogi}].reporters[{ori}] "
                            f"({self.groups[ogi].reporters[ori].name!r}); each account may belong to one person only, "
                            "in one group",
                        )
                    owner[str(value)] = (gi, ri)
        return self

    @model_validator(mode="after")
    def _police_events_need_a_municipality(self) -> Config:
        if self.police_events.enabled and not any(g.municipality for g in self.groups):
            raise _KeyProblem(
                ("police_events", "enabled"),
                True,
                'no group has a municipality to fetch events for; set municipality (e.g. "Trelleborg") '
                "in the [[groups]] that want police events",
            )
        return self

    def group(self, group_id: str) -> GroupConfig:
        for g in self.groups:
            if g.id == group_id:
                return g
        raise KeyError(group_id)


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, str) and (part[:1].isupper() or "[" in part):
            continue  # the member of a union pydantic tried ("PlaceConfig", "function-after[…]"), not a key
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _lookup(data: Any, loc: tuple[int | str, ...]) -> Any:
    cur = data
    for part in loc:
        try:
            cur = cur[part]
        except (KeyError, IndexError, TypeError):
            return None
    return cur


def _show(value: Any) -> str:
    """A scalar as it would look in the TOML file (cut short), or "" for tables, lists and None."""
    if value is None or isinstance(value, dict | list | BaseModel):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _table(loc: tuple[int | str, ...]) -> str:
    """The TOML table header of a location: ``('groups', 0, 'areas', 1)`` -> ``[[groups.areas]]``."""
    dotted = ".".join(str(p) for p in loc if isinstance(p, str))
    return f"[[{dotted}]]" if loc and isinstance(loc[-1], int) else f"[{dotted}]"


def _unwrap(tp: Any) -> Any:
    """``X | None`` -> ``X``; ``Annotated[X, ...]`` -> ``X``."""
    if get_origin(tp) is Annotated:
        tp = get_args(tp)[0]
    if get_origin(tp) in (Union, type(int | None)):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1:
            tp = args[0]
    return tp


def _model_at(loc: tuple[int | str, ...]) -> type[BaseModel] | None:
    """The settings model that owns the table at ``loc`` (to list its allowed keys)."""
    tp: Any = Config
    for part in loc:
        tp = _unwrap(tp)
        origin = get_origin(tp)
        if isinstance(part, int) and origin is list:
            tp = get_args(tp)[0]
        elif isinstance(part, str) and origin is dict:
            tp = get_args(tp)[1]
        elif isinstance(part, str) and isinstance(tp, type) and issubclass(tp, BaseModel) and part in tp.model_fields:
            tp = tp.model_fields[part].annotation
        else:
            return None
    tp = _unwrap(tp)
    return tp if isinstance(tp, type) and issubclass(tp, BaseModel) else None


# What a setting allows, where pydantic's own words would only name one bound or a Python type.
_ALLOWED = {
    "threshold": (
        "1, 2 or 3, the level from which the bot asks where and what "
        "(1 enstaka händelser, 2 återkommande, 3 allvarligt)"
    ),
    "snooze_hours": "a number of hours more than 0 and at most 72",
    "baseline_weeks": f"a whole number of weeks 2-{HISTORY_WEEKS}, the weeks whose levels make the expected level",
    "guard_weeks": "a whole number of weeks 0-4 left out between the baseline and this week",
    "ewma_weight": "a number more than 0 and at most 1, the weight of the newest week in the EWMA (e.g. 0.5)",
    "ewma_limit": "a number more than 0 and at most 10, how many standard errors above expected flag (e.g. 2.5)",
    "min_sd": "a number more than 0 and at most 3, the smallest spread of levels the rule assumes (e.g. 0.25)",
    "min_level": "a mean level 0-3 (e.g. 1.5); cells below it never stand out as rising",
    "rising_weeks": f"a whole number 1-{HISTORY_WEEKS}, from how many rises in a row the reason says so",
    "highest_weeks": f"a whole number 2-{HISTORY_WEEKS + 1}, from how many weeks the reason says 'highest in'",
    "port": "a port number 1-65535",
    "telegram": "a Telegram numeric id without quotes, e.g. 123456789 (a group chat id is negative)",
    "contact": "an e-mail or web address without spaces or å/ä/ö (it goes in an HTTP header), e.g. trygghet@kommun.se",
}
_MISSING = {
    "groups": "add at least one [[groups]] table with id, name and areas",
    "areas": "add at least one [[groups.areas]] table with code and name",
}


def _explain(e: Any, loc: tuple[int | str, ...], value: Any) -> str:
    """pydantic's error, rephrased as 'what is wrong; allowed: ...'."""
    kind = str(e["type"])
    ctx = e.get("ctx") or {}
    msg = str(e["msg"]).removeprefix("Value error, ")
    field = next((p for p in reversed(loc) if isinstance(p, str)), "")
    if kind == "value_error":
        return msg
    if field in _ALLOWED and not isinstance(loc[-1], int):
        return f"allowed: {_ALLOWED[field]}"
    if kind == "literal_error":
        return f"allowed: {ctx.get('expected', msg)}"
    if kind == "list_type":
        if isinstance(value, dict):
            return f"allowed: a list; write each entry as its own {_table((*loc, 0))} table (double brackets)"
        return 'allowed: a list in square brackets, e.g. ["a", "b"]'
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"allowed: a table, written {_table(loc)} or {{ key = value, ... }}"
    if kind.startswith("string_type"):
        return 'allowed: text in quotes, e.g. "..."'
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"too long; allowed: at most {ctx.get('max_length')} characters"
    if kind == "too_short":
        n = ctx.get("min_length")
        return f"too few; allowed: at least {n} {'entry' if n == 1 else 'entries'}, each a {_table((*loc, 0))} table"
    if kind.startswith("bool"):
        return "allowed: true or false"
    if kind.startswith("int"):
        return "allowed: a whole number without quotes"
    if kind.startswith("float"):
        return "allowed: a number without quotes"
    bounds = {"greater_than": ">", "greater_than_equal": ">=", "less_than": "<", "less_than_equal": "<="}
    if kind in bounds and ctx:
        return f"allowed: a number {bounds[kind]} {next(iter(ctx.values()))}"
    return msg


def format_validation_error(source: str, data: dict[str, Any], err: ValidationError) -> str:
    """The first problem of ``err`` as one line: ``source: key.path = value: what is wrong; allowed: ...``."""
    e = err.errors()[0]
    loc = tuple(p for p in e["loc"] if p not in ("function-after",))
    value: Any = e.get("input")
    problem = (e.get("ctx") or {}).get("error")
    if isinstance(problem, _KeyProblem):
        loc, value, msg = loc + problem.path, problem.value, problem.message
    elif loc and loc[-1] == "[key]":  # a table name that is not allowed, e.g. [groups.channels.meting]
        loc = loc[:-1]
        msg = f"unknown name {loc[-1]!r}; allowed: {(e.get('ctx') or {}).get('expected', '')}"
        value = None
    elif e["type"] == "extra_forbidden":
        model = _model_at(loc[:-1])
        allowed = list(model.model_fields) if model is not None else []
        close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
        msg = "unknown setting"
        if close:
            msg += f"; did you mean {close[0]}?"
        if allowed:
            msg += f" allowed here: {', '.join(allowed)}"
        else:
            msg += "; see config.example.toml for the allowed keys"
    elif e["type"] == "missing":
        field = str(loc[-1]) if loc else ""
        where = f" in every {_table(loc[:-1])} table" if len(loc) > 1 else ""
        msg = "missing; " + _MISSING.get(field, f"this setting is required{where}")
        value = None
    else:
        if value is None:
            value = _lookup(data, loc)
        msg = _explain(e, loc, value)
    key = _loc(loc) or "(top level)"
    # The line is printed and may be logged: personal data in the value (or a name it quotes) is masked, except
    # where an address is what the setting holds (the contact the police API is told), and its example with it.
    if key not in _ADDRESS_KEYS:
        value = mask_personal_data(value) if isinstance(value, str) else value
        msg = mask_personal_data(msg)
    shown = _show(value)
    if re.search(r"token|secret|password", key, re.IGNORECASE) and shown:
        shown = "'…'"  # never echo a secret someone put in the file
        msg += "; secrets belong in the environment (EST_SLACK_BOT_TOKEN, EST_TELEGRAM_TOKEN, …), not in the file"
    line = f"{source}: {key}{' = ' + shown if shown else ''}: {msg}"
    return " ".join(line.splitlines())


#: Settings whose value is an e-mail or web address by design: shown as written in an error about them.
_ADDRESS_KEYS = frozenset({"police_events.contact"})


def parse_config(data: dict[str, Any], source: str = "config") -> Config:
    try:
        return Config.model_validate(data)
    except ValidationError as err:
        raise ConfigError(format_validation_error(source, data, err)) from None


def load_config(path: str | Path, env: dict[str, str] | None = None) -> Config:
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{p}: file not found (copy config.example.toml to start)") from None
    except OSError as exc:
        raise ConfigError(f"{p}: cannot read: {exc.strerror}") from None
    try:
        text = raw.decode("utf-8-sig")  # a byte-order mark (Windows editors) is harmless
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ConfigError(
            f"{p}: not UTF-8 text (byte {raw[exc.start]:#04x} on line {line}); save the file with UTF-8 encoding"
        ) from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: not valid TOML: {' '.join(str(exc).splitlines())}") from None
    cfg = parse_config(data, str(p))
    url = (env if env is not None else os.environ).get("EST_DATABASE_URL")
    if url:
        cfg = cfg.model_copy(update={"database": DatabaseConfig(url=url)})
    return cfg
