"""What every CLI command shares: the --config option, one-line failures, loading the settings, building the app,
the clock of `--at`."""

from __future__ import annotations

import os
import re
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import click
import typer

from bot import logs
from bot.config import Config, ConfigError, load_config

if TYPE_CHECKING:  # not a cycle: the CLI loads the application (SQLAlchemy, storage) only for a command that uses it
    from bot.bootstrap import App
    from bot.clock import Clock

ConfigOpt = Annotated[Path, typer.Option("--config", "-c", envvar="EST_CONFIG", help="The TOML settings file.")]
DEFAULT_CONFIG = Path("est-bot.toml")


#: A database URL in a message: the operator's own setting, shown with its user and host, so that
#: 'postgresql://estbot@db.kommun.se/estbot' is not masked as an e-mail address (`_url_shown`).
_URL_RE = re.compile(r"\b(?:postgres(?:ql)?|sqlite|mysql|mariadb|oracle|mssql)(?:\+\w+)?://[^\s'\"]*")


def fail(message: str, code: int = 2) -> typer.Exit:
    from bot.domain.masking import mask_personal_data

    # It may repeat what was typed: personal data masked, the URLs in it as `_url_shown` says.
    parts, at = [], 0
    for url in _URL_RE.finditer(message):
        parts += [mask_personal_data(message[at : url.start()]), _url_shown(url.group())]
        at = url.end()
    parts.append(mask_personal_data(message[at:]))
    typer.echo(f"est-bot: {''.join(parts)}", err=True)
    return typer.Exit(code)


def _url_shown(url: str) -> str:
    """A database URL in an error line: its user and host as written, so the operator sees which failed, but its
    password hidden whoever wrote the line, and a user name, host or path that is itself personal data (a
    person's e-mail address as the user) masked like the rest of the line."""
    from urllib.parse import unquote

    from bot.domain.masking import mask_personal_data
    from storage.db import USERINFO, hide_password

    scheme, _, rest = hide_password(url).partition("://")
    found = USERINFO.match(rest)
    if found is None:
        return f"{scheme}://{mask_personal_data(rest)}"
    user = found["user"]
    if mask_personal_data(unquote(user)) != unquote(user):
        user = mask_personal_data(unquote(user))
    return f"{scheme}://{user}{found['password'] or ''}@{mask_personal_data(rest[found.end() :])}"


def load(path: Path) -> Config:
    try:
        cfg = load_config(path)
    except ConfigError as exc:
        typer.echo(f"est-bot: {exc}", err=True)
        raise typer.Exit(2) from None
    apply_log_settings(cfg)
    return cfg


def apply_log_settings(cfg: Config) -> None:
    """[log] once the settings are read: the format for every command; the level for `est-bot run` unless
    EST_LOG_LEVEL is set (the other commands keep the level bot/cli.py's callback gave them)."""
    logs.use_format(cfg.log.format)
    ctx = click.get_current_context(silent=True)
    if ctx is not None and ctx.info_name == "run" and not os.environ.get("EST_LOG_LEVEL", "").strip():
        logs.set_level(cfg.log.level)


def build_app(cfg: Config, **kwargs: Any) -> App:
    """`bootstrap.build`, with a database that cannot be used said in one line (exit 2 for a wrong URL, 1 for a
    driver, server or folder that is missing)."""
    from bot.bootstrap import build
    from storage.db import DatabaseUnavailable
    from storage.migrate import SchemaBehind

    try:
        return build(cfg, **kwargs)
    except DatabaseUnavailable as exc:
        raise fail(str(exc), exc.code) from None
    except SchemaBehind as exc:
        raise fail(str(exc), 1) from None


def no_such_day(given: str, time: bool = True) -> str:
    """For a date (or, with `time`, a date and time) written the right way that is no day or time of the calendar
    ('2026-02-30', '2026-11-17T25:00'): that, so the person does not look for a mistake in how they wrote it. A
    time where only a date is asked for (`--from 2026-11-17T10:00`) is a mistake in how it was written."""
    clock = r"(?:[T ]\d{2}:\d{2}(?::\d{2})?)?" if time else ""
    if re.fullmatch(rf"\d{{4}}-\d{{2}}-\d{{2}}{clock}", given.strip()):
        return "there is no such day or time in the calendar; "
    return ""


#: The years `--at` and `--from` may name: the calendar's edges (year 1, year 9999) overflow in time zone sums.
FIRST_YEAR, LAST_YEAR = 1970, 2100


def clock_at(at: str | None, cfg: Config) -> Clock:
    """The system clock, or with `--at` one that starts at that moment (the first group's time zone if none is
    given) and runs on from there."""
    from bot.clock import OffsetClock, SystemClock

    if at is None:
        return SystemClock()
    try:
        local = datetime.fromisoformat(at)
    except ValueError:
        raise fail(f"--at {at!r}: {no_such_day(at)}write the time as YYYY-MM-DDTHH:MM") from None
    if not FIRST_YEAR <= local.year <= LAST_YEAR:
        raise fail(f"--at {at!r}: give a time in the years {FIRST_YEAR} to {LAST_YEAR}")
    return OffsetClock(local if local.tzinfo else local.replace(tzinfo=cfg.groups[0].tz))
