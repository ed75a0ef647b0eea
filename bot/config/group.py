"""One EST group's settings: its areas and places, reporters, channels, week schedule and detection rule."""

from __future__ import annotations

import difflib
import functools
import re
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from pydantic import Field, PrivateAttr, ValidationInfo, field_validator, model_validator

from bot.config.base import Code, EmailAddress, KeyProblem, Name, Role, Strict, first_duplicate
from bot.config.outline import Outline, OutlineError, read_outline
from bot.domain.attention import AttentionParams
from bot.domain.cycle import DEFAULT_SCHEDULE, PhaseTime, WeekSchedule
from bot.domain.detection import HISTORY_WEEKS, DetectionParams
from bot.domain.factors import DEFAULT_FACTORS, Factor

#: The ways a person is reached that are theirs alone (an account, an address): one owner each.
ACCOUNT_KINDS = ("slack", "telegram", "console", "email")

#: The validation context's key for the settings file's folder, which relative outline paths count from.
CONFIG_DIR = "config_dir"


class FactorConfig(Strict):
    code: Code
    sv: Name
    en: Name


class PlaceConfig(Strict):
    """A known place with its position: a location a reporter shares nearby becomes this place."""

    name: Name = Field(min_length=1, max_length=200)
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)


class AreaConfig(Strict):
    code: Code
    name: Name = Field(min_length=1, max_length=200)
    places: list[Annotated[Name, Field(min_length=1, max_length=200)] | PlaceConfig] = Field(default_factory=list)
    # A GeoJSON file with the area's outline, drawn on the web view's map; relative to the settings file.
    outline: str | None = Field(default=None, min_length=1, max_length=500)
    _outline: Outline | None = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _read_outline(self, info: ValidationInfo) -> AreaConfig:
        if self.outline is None:
            return self
        base = (info.context or {}).get(CONFIG_DIR)
        path = Path(self.outline).expanduser()
        if not path.is_absolute():
            path = (Path(base) if base is not None else Path.cwd()) / path
        try:
            self._outline = read_outline(path)
        except OutlineError as exc:
            raise KeyProblem(
                ("outline",), self.outline, f"the outline of area {self.code!r} ({self.name}), file {path}: {exc}"
            ) from None
        return self

    def outline_shape(self) -> Outline | None:
        """The polygons of the outline file (read when the settings loaded), or None without one."""
        return self._outline

    def place_points(self) -> list[tuple[str, float | None, float | None]]:
        """Each known place as (name, lat, lon); without a position in the file, lat and lon are None."""
        return [(p, None, None) if isinstance(p, str) else (p.name, p.lat, p.lon) for p in self.places]


class ReporterConfig(Strict):
    name: Name = Field(min_length=1, max_length=100)
    organisation: Name = Field(default="", max_length=200)
    areas: list[str] = Field(default_factory=list)
    role: Role = "reporter"
    language: Literal["sv", "en"] = "sv"
    receives_report: bool = True
    slack: str | None = Field(default=None, min_length=1, max_length=100)
    telegram: int | None = None
    console: str | None = Field(default=None, min_length=1, max_length=100)
    # The address the questionnaire (for someone without a chat account, or with channel = "email") and the
    # Friday report go to by e-mail ([email] in the settings; docs/EMAIL.md).
    email: EmailAddress | None = Field(default=None, max_length=100)
    # Where the week's questionnaire and reminders go when the person has more than one way: by default the
    # first chat account (Slack, then Telegram), e-mail only for those without one.
    channel: Literal["slack", "telegram", "email"] | None = None

    @model_validator(mode="after")
    def _channel_has_account(self) -> ReporterConfig:
        if self.channel is not None and getattr(self, self.channel) is None:
            raise KeyProblem(
                ("channel",),
                self.channel,
                f"{self.name!r} has no {self.channel} account or address here; set {self.channel} = … too, or "
                "leave channel out",
            )
        return self


class ChannelConfig(Strict):
    slack: str | None = Field(default=None, min_length=1, max_length=100)
    telegram: int | None = None
    console: str | None = Field(default=None, min_length=1, max_length=100)


class ScheduleConfig(Strict):
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
                raise KeyProblem(
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
_ATTENTION = AttentionParams()
_ATTENTION_KEYS = frozenset({"show", "single_reports"})


class DetectionConfig(Strict):
    """The "what stands out" rule (bot/domain/detection.py, docs/DETECTION.md)."""

    baseline_weeks: int = Field(default=_DETECT.baseline_weeks, ge=2, le=HISTORY_WEEKS)
    guard_weeks: int = Field(default=_DETECT.guard_weeks, ge=0, le=4)
    ewma_weight: float = Field(default=_DETECT.ewma_weight, gt=0, le=1)
    ewma_limit: float = Field(default=_DETECT.ewma_limit, gt=0, le=10)
    min_sd: float = Field(default=_DETECT.min_sd, gt=0, le=3)
    min_level: float = Field(default=_DETECT.min_level, ge=0, le=3)
    rising_weeks: int = Field(default=_DETECT.rising_weeks, ge=1, le=HISTORY_WEEKS)
    highest_weeks: int = Field(default=_DETECT.highest_weeks, ge=2, le=HISTORY_WEEKS + 1)
    # the attention budget (bot/domain/attention.py): standouts the chat picture shows, and whether a single
    # reporter's 3 on a cell that is not orange is listed (as "enstaka allvarlig rapport")
    show: int = Field(default=_ATTENTION.show, ge=1, le=100)
    single_reports: bool = _ATTENTION.single_reports
    # the second signal: this week's reporters against their own usual level (reporter_min = 0: off)
    reporter_limit: float = Field(default=_DETECT.reporter_limit, gt=0, le=10)
    reporter_rise: float = Field(default=_DETECT.reporter_rise, gt=0, le=3)
    reporter_min: int = Field(default=_DETECT.reporter_min, ge=0, le=100)
    reporter_min_weeks: int = Field(default=_DETECT.reporter_min_weeks, ge=1, le=HISTORY_WEEKS)

    @model_validator(mode="before")
    @classmethod
    def _default_baseline(cls, data: Any) -> Any:
        """The default baseline beside a guard a file set alone: what fits in the history kept (10 weeks since
        issue 19's second round, 8 before; a guard of 3 or 4 leaves 9 or 8), so that such a file still loads."""
        if isinstance(data, dict) and "baseline_weeks" not in data:
            guard = data.get("guard_weeks")
            if isinstance(guard, int) and not isinstance(guard, bool) and 0 <= guard <= 4:
                return {**data, "baseline_weeks": min(_DETECT.baseline_weeks, HISTORY_WEEKS - guard)}
        return data

    @model_validator(mode="after")
    def _fits(self) -> DetectionConfig:
        if self.baseline_weeks + self.guard_weeks > HISTORY_WEEKS:
            raise KeyProblem(
                ("guard_weeks",),
                self.guard_weeks,
                f"baseline_weeks + guard_weeks is {self.baseline_weeks + self.guard_weeks}, but the bot keeps "
                f"{HISTORY_WEEKS} weeks of history; allowed: at most {HISTORY_WEEKS} together",
            )
        return self

    def params(self) -> DetectionParams:
        return DetectionParams(**self.model_dump(exclude=set(_ATTENTION_KEYS)))

    def attention(self) -> AttentionParams:
        return AttentionParams(show=self.show, single_reports=self.single_reports)


class GroupConfig(Strict):
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
        dup = first_duplicate(codes)
        if dup:
            raise KeyProblem(
                ("areas", dup[1], "code"),
                codes[dup[1]],
                f"already the code of areas[{dup[0]}]; each area code must be unique",
            )
        fcodes = [f.code for f in self.factors]
        dup = first_duplicate(fcodes)
        if dup:
            raise KeyProblem(
                ("factors", dup[1], "code"),
                fcodes[dup[1]],
                f"already the code of factors[{dup[0]}]; each factor code must be unique",
            )
        for i, r in enumerate(self.reporters):
            for j, a in enumerate(r.areas):
                if a not in codes:
                    raise KeyProblem(
                        ("reporters", i, "areas", j), a, f"unknown area; allowed: {', '.join(codes)} (the area codes)"
                    )
            dup = first_duplicate(r.areas)
            if dup:
                raise KeyProblem(
                    ("reporters", i, "areas", dup[1]), r.areas[dup[1]], "listed twice; name each area once"
                )
        dup = first_duplicate([r.name.casefold() for r in self.reporters])
        if dup:
            first = self.reporters[dup[0]].name
            raise KeyProblem(
                ("reporters", dup[1], "name"),
                self.reporters[dup[1]].name,
                f"same name as reporters[{dup[0]}] ({first!r}); each name must be unique (case does not count)",
            )
        for platform in ACCOUNT_KINDS:
            owners = [
                (i, getattr(r, platform)) for i, r in enumerate(self.reporters) if getattr(r, platform) is not None
            ]
            dup = first_duplicate([str(x) for _, x in owners])
            if dup:
                (i, _), (j, value) = owners[dup[0]], owners[dup[1]]
                raise KeyProblem(
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
