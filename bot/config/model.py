"""The whole settings file: the groups and the bot-wide tables (database, platforms, police events, run,
privacy)."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field, field_validator, model_validator

from bot.config.base import EmailAddress, KeyProblem, Strict, first_duplicate
from bot.config.group import ACCOUNT_KINDS, GroupConfig


class DatabaseConfig(Strict):
    url: str = "sqlite:///est-bot.sqlite"
    #: Whether run, chat and demo upgrade an older schema themselves; if false they refuse and name `est-bot migrate`.
    auto_migrate: bool = True


class SlackConfig(Strict):
    enabled: bool = False
    mode: Literal["socket", "http"] = "socket"
    api_url: str = Field(default="https://slack.com/api/", pattern=r"^https?://[^\s/]+(/[^\s]*)?$")
    command: str = Field(default="/est", pattern=r"^/[a-z0-9_\-åäö]{1,31}$")
    listen: str = "0.0.0.0"
    port: int = Field(default=3000, ge=1, le=65535)
    path: str = Field(default="/slack/events", pattern=r"^/[^\s]*$")
    #: The workspace-wide window the bot paces chat.postMessage to, for all its processes together: at most
    #: `workspace_messages` in any `workspace_seconds` (Slack names no figure; a few hundred a minute is allowed).
    workspace_messages: int = Field(default=300, ge=1)
    workspace_seconds: float = Field(default=60.0, gt=0)


class TelegramConfig(Strict):
    enabled: bool = False
    mode: Literal["polling", "webhook"] = "polling"
    base_url: str = "https://api.telegram.org/bot"
    webhook_url: str | None = Field(default=None, pattern=r"^https?://[^\s/]+(/[^\s]*)?$")
    listen: str = "0.0.0.0"
    port: int = Field(default=8443, ge=1, le=65535)
    bot_username: str | None = Field(default=None, pattern=r"^[A-Za-z][A-Za-z0-9_]{3,31}$")


class PoliceEventsConfig(Strict):
    """The optional scheduled fetch from the Swedish Police's open events API (docs/STATISTICS.md)."""

    enabled: bool = False
    url: str = Field(default="https://polisen.se/api/events", pattern=r"^https?://[^\s/]+(/[^\s]*)?$")
    # Who runs this bot (an e-mail address or web page), sent in the User-Agent as the API asks.
    contact: str | None = Field(default=None, min_length=3, max_length=200, pattern=r"^[A-Za-z0-9._%+@:/?=&#~-]+$")
    interval_minutes: int = Field(default=30, ge=5, le=1440)

    @model_validator(mode="after")
    def _contact(self) -> PoliceEventsConfig:
        if self.enabled and not self.contact:
            raise KeyProblem(
                ("contact",),
                None,
                "missing; the police events API asks every caller to name itself: write an e-mail address or web "
                'page of whoever runs this bot, e.g. contact = "trygghet@kommun.se"',
            )
        return self


class RunConfig(Strict):
    """How `est-bot run` paces itself, and how several processes on one PostgreSQL database share the work."""

    tick_seconds: int = Field(default=60, ge=1, le=3600)
    leader_retry_seconds: float = Field(default=10.0, gt=0, le=600)
    outbox_lease_seconds: float = Field(default=120.0, ge=1, le=3600)
    # SIGTERM/SIGINT: how long the stop may take (the message being sent, closing the platforms) before the
    # process gives up waiting and exits with code 1.
    stop_grace_seconds: float = Field(default=20.0, gt=0, le=600)
    # Worker processes that draw the week's charts and write the report PDFs (bot/reports/chart_pool.py): the
    # Thursday drafts go out as text at once, their charts following (0: drawn inline, in the bot's process).
    chart_workers: int = Field(default=1, ge=0, le=16)


class PrivacyConfig(Strict):
    note_retention_weeks: int = Field(default=26, ge=1, le=520)
    # A shared location becomes the nearest approved place within this many metres (0: never); otherwise it is
    # kept at about 100 m (0.001°). The raw position is never stored.
    location_snap_metres: int = Field(default=150, ge=0, le=2000)


class WebMapConfig(Strict):
    """The map's background. tiles = "" draws no tiles at all, only the areas' outlines and the places (a closed
    network)."""

    tiles: str = Field(
        default="https://tile.openstreetmap.org/{z}/{x}/{y}.png", pattern=r"^(https?://[^\s/]+/[^\s]*)?$"
    )
    # Shown on the map as HTML (Leaflet's attribution control); it comes only from this file.
    attribution: str = Field(
        default='&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors',
        max_length=500,
    )
    # The closest zoom the map allows (the tile server's limit; OpenStreetMap's is 19).
    max_zoom: int = Field(default=19, ge=1, le=22)

    @field_validator("tiles")
    @classmethod
    def _tile_url(cls, v: str) -> str:
        if v and not all(part in v for part in ("{z}", "{x}", "{y}")):
            raise ValueError(
                'a tile URL needs {z}, {x} and {y}, e.g. "https://tile.openstreetmap.org/{z}/{x}/{y}.png"; allowed: '
                'such an http(s) URL, or "" for no tiles (only the outlines and places, for a closed network)'
            )
        return v

    def tile_origin(self) -> str | None:
        """The tiles' scheme and host, for the Content-Security-Policy; None without tiles."""
        if not self.tiles:
            return None
        scheme, rest = self.tiles.split("://", 1)
        host = rest.split("/", 1)[0].replace("{s}", "*")
        return f"{scheme}://{host}"


class WebConfig(Strict):
    """The read-only web view (`est-bot web`, or inside `est-bot run` when enabled), behind the municipality's TLS
    proxy. Its secret key comes from EST_WEB_SECRET."""

    enabled: bool = False
    listen: str = "127.0.0.1"
    port: int = Field(default=8080, ge=1, le=65535)
    # The address people open, as the proxy serves it: the sign-in links the chat sends start with it.
    base_url: str = Field(default="http://localhost:8080", pattern=r"^https?://[^\s/]+(/[^\s]*)?$")
    # Off only for trying it on localhost over plain http: a Secure cookie is never sent there.
    secure_cookies: bool = True
    idle_minutes: int = Field(default=30, ge=1, le=24 * 60)
    # Sign-in links a person may ask for in an hour (each works once, for 15 minutes).
    links_per_hour: int = Field(default=5, ge=1, le=100)
    map: WebMapConfig = Field(default_factory=WebMapConfig)

    @model_validator(mode="after")
    def _secure_over_https(self) -> WebConfig:
        host = self.base_url.split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)[0].strip("[]")
        if not self.secure_cookies and (self.base_url.startswith("https://") or host not in LOCAL_HOSTS):
            raise KeyProblem(
                ("secure_cookies",),
                False,
                "may be off only for trying the view on this machine over plain http (base_url "
                '"http://127.0.0.1:PORT" or "http://localhost:PORT"); behind the TLS proxy keep it on',
            )
        return self


class EmailConfig(Strict):
    """Sending e-mail over SMTP: the questionnaire's link for reporters without a chat account, reminders and the
    Friday report (docs/EMAIL.md). The password comes from EST_SMTP_PASSWORD; mail that comes back is not read."""

    enabled: bool = False
    host: str = Field(default="localhost", min_length=1, max_length=253, pattern=r"^[A-Za-z0-9.\-:\[\]]+$")
    port: int = Field(default=587, ge=1, le=65535)
    # STARTTLS after connecting (port 587), or TLS from the first byte (port 465); both off only for a relay on
    # this machine or a closed network.
    starttls: bool = True
    tls: bool = False
    username: str | None = Field(default=None, min_length=1, max_length=200)
    from_: EmailAddress = Field(default="est@localhost.localdomain", alias="from", max_length=100)
    from_name: str = Field(default="EST", min_length=1, max_length=100, pattern=r"^[^\r\n<>\"]+$")
    # Replies go here (the coordinator): the bot reads no mail.
    reply_to: EmailAddress | None = Field(default=None, max_length=100)
    # E-mails a second, for the whole bot (the server's and the provider's limits).
    rate_per_second: float = Field(default=1.0, ge=0.01, le=100)
    timeout_seconds: float = Field(default=30.0, gt=0, le=300)

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @field_validator("from_", "reply_to")
    @classmethod
    def _ascii_name(cls, v: str | None) -> str | None:
        # The bot's own addresses go into every e-mail's envelope and headers: a name before the @ with å, ä or ö
        # needs SMTPUTF8, which many servers lack, so every e-mail would fail. (A domain with them is fine: it is
        # sent in its ASCII form.)
        if v is not None and not v.rpartition("@")[0].isascii():
            raise ValueError(
                "the part before the @ has letters outside a-z (such as å, ä, ö), which many mail servers refuse "
                "in a sender's address; allowed: a-z, 0-9 and . _ - + before the @"
            )
        return v

    @model_validator(mode="after")
    def _one_tls(self) -> EmailConfig:
        if self.starttls and self.tls:
            raise KeyProblem(
                ("tls",),
                True,
                "and starttls are both on; choose one: starttls = true for port 587, or tls = true (and starttls = "
                "false) for port 465",
            )
        return self


class LogConfig(Strict):
    """`est-bot run`'s log on stderr (docs/OPERATIONS.md, "Logs"). EST_LOG_LEVEL, when set, wins over `level`, for
    every command; the other commands log only warnings and errors unless it says more."""

    format: Literal["text", "json"] = "text"
    level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"


#: The hosts a base_url may name when secure_cookies is off.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")


class MetricsConfig(Strict):
    """`/healthz`, `/readyz` and Prometheus `/metrics` on a port of their own inside `est-bot run`
    (docs/OPERATIONS.md "Health and metrics"). Nothing personal is served there: counts, rates and times."""

    enabled: bool = False
    listen: str = "127.0.0.1"
    port: int = Field(default=9464, ge=1, le=65535)
    # /readyz answers 503 when an outbox row has been due and unsent for longer than this many minutes.
    max_wait_minutes: int = Field(default=15, ge=1, le=24 * 60)


class Config(Strict):
    reports_dir: str = Field(default="reports", min_length=1)
    database: DatabaseConfig = Field(default_factory=DatabaseConfig)
    slack: SlackConfig = Field(default_factory=SlackConfig)
    telegram: TelegramConfig = Field(default_factory=TelegramConfig)
    police_events: PoliceEventsConfig = Field(default_factory=PoliceEventsConfig)
    run: RunConfig = Field(default_factory=RunConfig)
    privacy: PrivacyConfig = Field(default_factory=PrivacyConfig)
    web: WebConfig = Field(default_factory=WebConfig)
    email: EmailConfig = Field(default_factory=EmailConfig)
    log: LogConfig = Field(default_factory=LogConfig)
    metrics: MetricsConfig = Field(default_factory=MetricsConfig)
    groups: list[GroupConfig] = Field(min_length=1)

    @model_validator(mode="after")
    def _email_needs_the_web(self) -> Config:
        if self.email.enabled and not self.web.enabled:
            raise KeyProblem(
                ("email", "enabled"),
                True,
                "e-mail sends a link to the week's form on the web view; set [web] enabled = true and its base_url "
                "(the address people open) too",
            )
        return self

    @model_validator(mode="after")
    def _unique_groups(self) -> Config:
        ids = [g.id for g in self.groups]
        dup = first_duplicate(ids)
        if dup:
            raise KeyProblem(
                ("groups", dup[1], "id"),
                ids[dup[1]],
                f"already the id of groups[{dup[0]}]; each group id must be unique",
            )
        # A chat account belongs to one person in the whole database, not per group.
        for platform in ACCOUNT_KINDS:
            owner: dict[str, tuple[int, int]] = {}
            for gi, g in enumerate(self.groups):
                for ri, r in enumerate(g.reporters):
                    value = getattr(r, platform)
                    if value is None:
                        continue
                    if str(value) in owner:
                        ogi, ori = owner[str(value)]
                        raise KeyProblem(
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
            raise KeyProblem(
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
