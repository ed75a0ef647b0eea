"""Settings: one TOML file, secrets from the environment, validated by pydantic.

A wrong value stops start-up with one line that names the key, the value and
what is allowed (`ConfigError`), never a traceback.
"""

from __future__ import annotations

import os
import re
import tomllib
from datetime import time
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.domain.cycle import DEFAULT_SCHEDULE, PhaseTime, WeekSchedule
from bot.domain.factors import DEFAULT_FACTORS, Factor

ROLES = ("reporter", "participant", "coordinator", "admin")
Role = Literal["reporter", "participant", "coordinator", "admin"]
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")


class ConfigError(Exception):
    """A configuration problem, already phrased for the person who wrote the file."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class FactorConfig(_Strict):
    code: str
    sv: str
    en: str

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not CODE_RE.match(v):
            raise ValueError("allowed: lower-case letters, digits, '_' or '-', at most 40")
        return v


class AreaConfig(_Strict):
    code: str
    name: str
    places: list[str] = Field(default_factory=list)

    @field_validator("code")
    @classmethod
    def _code(cls, v: str) -> str:
        if not CODE_RE.match(v):
            raise ValueError("allowed: lower-case letters, digits, '_' or '-', at most 40")
        return v


class ReporterConfig(_Strict):
    name: str = Field(min_length=1, max_length=100)
    organisation: str = ""
    areas: list[str] = Field(default_factory=list)
    role: Role = "reporter"
    language: Literal["sv", "en"] = "sv"
    receives_report: bool = True
    slack: str | None = None
    telegram: int | None = None
    console: str | None = None


class ChannelConfig(_Strict):
    slack: str | None = None
    telegram: int | None = None
    console: str | None = None


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
        self.to_schedule().validate()
        return self

    def to_schedule(self) -> WeekSchedule:
        return WeekSchedule(
            open=PhaseTime.parse(self.open),
            remind=PhaseTime.parse(self.remind),
            close=PhaseTime.parse(self.close),
            draft=PhaseTime.parse(self.draft),
            publish=PhaseTime.parse(self.publish),
            monthly_at=_parse_hhmm(self.monthly),
        )


def _parse_hhmm(v: str) -> time:
    m = re.fullmatch(r"(\d{1,2})[:.](\d{2})", v.strip())
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ValueError("allowed: a time of day as HH:MM, e.g. 09:00")
    return time(int(m.group(1)), int(m.group(2)))


class GroupConfig(_Strict):
    id: str
    name: str
    timezone: str = "Europe/Stockholm"
    language: Literal["sv", "en"] = "sv"
    threshold: int = Field(default=2, ge=1, le=3)
    snooze_hours: float = Field(default=3.0, gt=0, le=72)
    schedule: ScheduleConfig = Field(default_factory=ScheduleConfig)
    factors: list[FactorConfig] = Field(default_factory=list)
    areas: list[AreaConfig] = Field(min_length=1)
    reporters: list[ReporterConfig] = Field(default_factory=list)
    channels: dict[Literal["meeting", "broadcast", "coordinators"], ChannelConfig] = Field(default_factory=dict)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not CODE_RE.match(v):
            raise ValueError("allowed: lower-case letters, digits, '_' or '-', at most 40")
        return v

    @field_validator("timezone")
    @classmethod
    def _tz(cls, v: str) -> str:
        try:
            ZoneInfo(v)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("allowed: an IANA time zone such as Europe/Stockholm") from None
        return v

    @model_validator(mode="after")
    def _references(self) -> GroupConfig:
        codes = [a.code for a in self.areas]
        _unique(codes, "areas[].code")
        _unique([f.code for f in self.factors], "factors[].code")
        for i, r in enumerate(self.reporters):
            for a in r.areas:
                if a not in codes:
                    raise ValueError(f"reporters[{i}].areas: unknown area {a!r}; allowed: {', '.join(codes)}")
        _unique([r.name.casefold() for r in self.reporters], "reporters[].name")
        for platform in ("slack", "telegram", "console"):
            ids = [getattr(r, platform) for r in self.reporters if getattr(r, platform) is not None]
            _unique([str(x) for x in ids], f"reporters[].{platform}")
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


def _unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for v in values:
        if v in seen:
            raise ValueError(f"{what}: {v!r} appears twice; each must be unique")
        seen.add(v)


class DatabaseConfig(_Strict):
    url: str = "sqlite:///est-bot.sqlite"


class SlackConfig(_Strict):
    enabled: bool = False
    mode: Literal["socket", "http"] = "socket"
    api_url: str = "https://slack.com/api/"
    port: int = Field(default=3000, ge=1, le=65535)


class TelegramConfig(_Strict):
    enabled: bool = False
    mode: Literal["polling", "webhook"] = "polling"
    base_url: str = "https://api.telegram.org/bot"
    webhook_url: str | None = None
    port: int = Field(default=8443, ge=1, le=65535)


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
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    slack: SlackConfig = Field(default_factory=SlackConfig)
    telegram: TelegramConfig = Field(default_factory=TelegramConfig)
    groups: list[GroupConfig] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_groups(self) -> Config:
        _unique([g.id for g in self.groups], "groups[].id")
        return self

    def group(self, group_id: str) -> GroupConfig:
        for g in self.groups:
            if g.id == group_id:
                return g
        raise KeyError(group_id)


def _loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
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


def format_validation_error(source: str, data: dict[str, Any], err: ValidationError) -> str:
    e = err.errors()[0]
    loc = tuple(p for p in e["loc"] if p not in ("function-after",))
    key = _loc(loc) or "(top level)"
    msg = str(e["msg"]).removeprefix("Value error, ")
    if e["type"] == "extra_forbidden":
        return f"{source}: unknown setting {key}; see config.example.toml for the allowed keys"
    if e["type"] == "missing":
        return f"{source}: {key} is required"
    value = _lookup(data, loc)
    shown = repr(value) if value is not None and not isinstance(value, dict | list) else ""
    return f"{source}: {key}{' = ' + shown if shown else ''}: {msg}"


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
        data = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError:
        raise ConfigError(f"{p}: not UTF-8 text") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{p}: not valid TOML: {exc}") from None
    cfg = parse_config(data, str(p))
    url = (env if env is not None else os.environ).get("EST_DATABASE_URL")
    if url:
        cfg = cfg.model_copy(update={"database": DatabaseConfig(url=url)})
    return cfg
