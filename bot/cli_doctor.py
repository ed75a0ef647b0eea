"""`est-bot doctor`: one line per check of an installation, ✓ or ✗ with what to do, exit 0 only when all pass
(registered on the app by bot/cli.py). The checks themselves: bot/doctor.py (settings, folders, schedules,
people), handlers/doctor.py (Slack, Telegram, SMTP); the database's is here, in the composition root."""

from __future__ import annotations

import os
from collections.abc import Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from bot.cli_common import DEFAULT_CONFIG, ConfigOpt
from bot.config import Config, ConfigError, Secrets, load_config
from bot.doctor import Check, channels, failed, passed, reachability, reports_folder, schedules

if TYPE_CHECKING:
    from sqlalchemy import Engine
    from sqlalchemy.engine import URL

MIGRATE = "run `est-bot migrate` (after a backup), or start `est-bot run`, which migrates first"


def doctor(config: ConfigOpt = DEFAULT_CONFIG) -> None:
    """Check the installation: the settings, the database, the reports folder, each group's schedule, the
    platforms' tokens and channels, that everyone can be reached, and the SMTP server. Exit 0 only when all
    pass."""
    checks = run_checks(config)
    for check in checks:
        typer.echo(check.line())
    bad = sum(not c.ok for c in checks)
    if bad:
        typer.echo(f"{bad} of {len(checks)} checks failed")
        raise typer.Exit(1)
    typer.echo(f"all {len(checks)} checks passed")


def run_checks(path: Path) -> list[Check]:
    try:
        cfg = load_config(path)
    except ConfigError as exc:
        return [failed(f"settings: {exc}", "correct the file; the other checks need it")]
    groups = len(cfg.groups)
    checks = [passed(f"settings {path}: {groups} group{'' if groups == 1 else 's'}")]
    database, stored = _database(cfg)
    checks += database
    checks.append(reports_folder(Path(cfg.reports_dir)))
    checks += schedules(cfg, datetime.now(UTC))
    checks += _platforms(cfg, Secrets())
    checks += reachability(cfg, stored)
    return checks


def _database(cfg: Config) -> tuple[list[Check], Mapping[str, Mapping[str, set[str]]]]:
    """Reachable, migrated to head, writable; and, when it is, the people it holds with their accounts'
    platforms (for the reachability check)."""
    from sqlalchemy.engine import make_url
    from sqlalchemy.exc import ArgumentError

    from storage.db import DatabaseUnavailable, open_engine

    from_env = bool(os.environ.get("EST_DATABASE_URL"))  # load_config takes it over the file's (bot/config)
    setting = "EST_DATABASE_URL" if from_env else "[database] url"
    try:
        parsed = make_url(cfg.database.url)
        shown = parsed.render_as_string(hide_password=True)
    except ArgumentError:  # an unparsable URL: open_engine says what is wrong with it below
        parsed, shown = None, setting
    missing = _missing_sqlite_file(parsed)
    if missing is not None:  # opening it would create it: the doctor changes nothing
        return [
            failed(
                f"database file {missing} does not exist",
                f"check {setting if from_env else '[database] url (or EST_DATABASE_URL)'}, "
                "or run `est-bot migrate` to create it there",
            )
        ], {}
    try:
        engine = open_engine(cfg.database.url)
    except DatabaseUnavailable as exc:
        said = str(exc)
        if from_env:
            said = said.replace("database.url (or EST_DATABASE_URL)", setting).replace("database.url", setting)
        return [Check(False, f"database: {said}")], {}  # the sentence says what to do
    try:
        state = _revision(engine, shown)
        if not state.ok:
            return [state], {}
        written = _writable(engine, shown)
        if not written.ok:
            return [state, written], {}
        if engine.dialect.name == "postgresql":  # the pacing every process shares (storage/pacing.py)
            from storage.pacing import problem

            pacing = problem(engine)
            if pacing is not None:
                return [state, written, Check(False, f"database {shown}: {pacing}")], {}  # the sentence says what to do
        return [passed(f"{state.what}, writable")], _people(cfg)
    finally:
        engine.dispose()


def _missing_sqlite_file(parsed: URL | None) -> str | None:
    """The SQLite file the URL names when its folder is there and the file is not (else None: a missing folder is
    open_engine's to say)."""
    if parsed is None or parsed.get_backend_name() != "sqlite":
        return None
    name = parsed.database or ""
    if not name or name == ":memory:" or name.startswith("file:") or parsed.query.get("mode"):
        return None
    path = Path(name).expanduser().absolute()
    return str(path) if path.parent.is_dir() and not path.exists() else None


def _revision(engine: Engine, shown: str) -> Check:
    from sqlalchemy.exc import DBAPIError

    from storage.migrate import current_revision, head_revision

    try:
        current = current_revision(engine)
    except DBAPIError as exc:
        return failed(f"database {shown} cannot be read ({_first_line(exc.orig)})", "check the database's rights")
    head = head_revision()
    if current is None:
        return failed(f"database {shown} has no tables yet", MIGRATE)
    if current != head:
        return failed(f"database {shown} is at revision {current}, this est-bot needs {head}", MIGRATE)
    return passed(f"database {shown}: at revision {head} (the newest)")


def _writable(engine: Engine, shown: str) -> Check:
    """A write to a table of the bot's in a transaction that is rolled back: nothing changes."""
    from sqlalchemy import text
    from sqlalchemy.exc import DBAPIError

    try:
        with engine.connect() as conn:
            tx = conn.begin()
            try:
                conn.execute(text("UPDATE alembic_version SET version_num = version_num"))
            finally:
                tx.rollback()
    except DBAPIError as exc:
        return failed(
            f"database {shown} is not writable ({_first_line(exc.orig)})",
            "give the user est-bot runs write access to the database file and its folder (SQLite), or the role "
            "the rights to write its tables (PostgreSQL)",
        )
    return passed(f"database {shown}: writable")


def _people(cfg: Config) -> dict[str, dict[str, set[str]]]:
    """group id -> name -> the platforms of the accounts the database links to them."""
    from bot.bootstrap import build

    app = build(cfg, run_migrations=False, sync=False)
    try:
        out: dict[str, dict[str, set[str]]] = {}
        with app.services.unit() as uow:
            for g in cfg.groups:
                out[g.id] = {p.name: {a for a, _ in uow.people.accounts_of(p.id)} for p in uow.people.persons(g.id)}
        return out
    finally:
        app.close()


def _platforms(cfg: Config, secrets: Secrets) -> list[Check]:
    from handlers.doctor import slack_app_token_check, slack_checks, smtp_check, telegram_checks

    out: list[Check] = []
    if cfg.slack.enabled:
        if not secrets.slack_bot_token:
            out.append(failed("Slack: EST_SLACK_BOT_TOKEN is not set", "set it to the app's xoxb-… token"))
        else:
            out += slack_checks(cfg.slack, secrets.slack_bot_token, channels(cfg, "slack"))
        if cfg.slack.mode == "socket" and not secrets.slack_app_token:
            out.append(
                failed("Slack: EST_SLACK_APP_TOKEN is not set", "set it to an xapp-… token with connections:write")
            )
        elif cfg.slack.mode == "socket" and secrets.slack_app_token:
            out.append(slack_app_token_check(cfg.slack, secrets.slack_app_token))
        if cfg.slack.mode == "http" and not secrets.slack_signing_secret:
            out.append(failed("Slack: EST_SLACK_SIGNING_SECRET is not set", "set it to the app's Signing Secret"))
    if cfg.telegram.enabled:
        if not secrets.telegram_token:
            out.append(failed("Telegram: EST_TELEGRAM_TOKEN is not set", "set it to the token from @BotFather"))
        else:
            out += telegram_checks(cfg.telegram, secrets.telegram_token, channels(cfg, "telegram"))
        if cfg.telegram.mode == "webhook" and not cfg.telegram.webhook_url:
            out.append(failed("Telegram: mode = 'webhook' without webhook_url", "set telegram.webhook_url"))
        if cfg.telegram.mode == "webhook" and not secrets.telegram_webhook_secret:
            out.append(
                failed(
                    "Telegram: EST_TELEGRAM_WEBHOOK_SECRET is not set",
                    "set it to 1-256 characters A-Z, a-z, 0-9, _ and - (Telegram sends it with every update)",
                )
            )
    if cfg.web.enabled:
        out.append(_web_secret(secrets))
    if cfg.email.enabled:
        out.append(smtp_check(cfg.email, secrets.smtp_password))
    return out


def _web_secret(secrets: Secrets) -> Check:
    from handlers.web.security import SECRET_MIN

    secret = secrets.web_secret or ""
    make = "e.g. from `python3 -c 'import secrets; print(secrets.token_urlsafe(48))'`"
    if len(secret) < SECRET_MIN or len(set(secret)) < 8 or any(c.isspace() for c in secret):
        state = "is not set" if not secret else f"is too weak ({len(secret)} characters)"
        return failed(f"web view: EST_WEB_SECRET {state}", f"set {SECRET_MIN} random characters or more ({make})")
    return passed("web view: EST_WEB_SECRET is set")


def _first_line(exc: BaseException | None) -> str:
    text = str(exc) if exc is not None else "unknown error"
    return text.strip().splitlines()[0] if text.strip() else type(exc).__name__
