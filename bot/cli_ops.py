"""The database's upkeep on the command line: migrate (and move to PostgreSQL), backup, restore
(docs/OPERATIONS.md "Backups", "Moving to PostgreSQL", "Upgrades")."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli_common import DEFAULT_CONFIG, ConfigOpt, fail, load

if TYPE_CHECKING:
    from sqlalchemy import Engine


def _open(url: str) -> Engine:
    from storage.db import DatabaseUnavailable, open_engine

    try:
        return open_engine(url)
    except DatabaseUnavailable as exc:
        raise fail(str(exc), exc.code) from None


def _shown(url: str) -> str:
    from sqlalchemy.engine import make_url

    return make_url(url).render_as_string(hide_password=True)


def migrate(
    config: ConfigOpt = DEFAULT_CONFIG,
    to: Annotated[
        str | None,
        typer.Option(
            "--to",
            help="Copy every table to this new, empty PostgreSQL database (postgresql://user@host:5432/estbot) "
            "instead; stop the bot first.",
        ),
    ] = None,
) -> None:
    """Create or upgrade the database schema (run, chat and demo do this themselves), or with --to move the
    database to PostgreSQL."""
    from storage.migrate import current_revision, startup_lock
    from storage.migrate import migrate as do_migrate

    cfg = load(config)
    engine = _open(cfg.database.url)
    try:
        if to is None:
            with startup_lock(engine):
                do_migrate(engine)
            typer.echo(f"database at revision {current_revision(engine)}")
            return
        _move(engine, to)
    finally:
        engine.dispose()


def _move(source: Engine, to: str) -> None:
    from storage.transfer import Copied, TransferError, copy_database

    target = _open(to)

    def said(c: Copied) -> None:
        if not shown:
            typer.echo(f"copying to {_shown(to)} in one transaction; the database named in the configuration is kept")
            shown.append(True)
        typer.echo(f"  {c.table}: {c.rows} rows")

    shown: list[bool] = []
    try:
        done = copy_database(source, target, progress=said)
    except TransferError as exc:
        raise fail(str(exc), exc.code) from None
    finally:
        target.dispose()
    total = sum(c.rows for c in done)
    typer.echo(
        f"copied {total} rows in {len(done)} tables; the counts match. Now set database.url (or EST_DATABASE_URL) "
        f"to {_shown(to)} and start the bot"
    )


def backup(
    file: Annotated[Path, typer.Argument(help="Where to write the copy (with --with-reports a .tar.gz).")],
    config: ConfigOpt = DEFAULT_CONFIG,
    with_reports: Annotated[
        bool, typer.Option("--with-reports", help="Put the reports folder in the copy too (a .tar.gz).")
    ] = False,
) -> None:
    """Copy the database while the bot runs (SQLite's online backup, or pg_dump for PostgreSQL)."""
    from storage.backup import BackupError
    from storage.backup import backup as do_backup

    cfg = load(config)
    reports = Path(cfg.reports_dir) if with_reports else None
    try:
        done = do_backup(cfg.database.url, file, reports)
    except BackupError as exc:
        raise fail(str(exc), exc.code) from None
    extra = " and the reports folder" if done.with_reports else ""
    typer.echo(f"backup of the {done.kind} database{extra} written to {done.path}")


def restore(
    file: Annotated[Path, typer.Argument(help="A backup written by est-bot backup.")],
    config: ConfigOpt = DEFAULT_CONFIG,
    to: Annotated[
        str | None, typer.Option("--to", help="Restore into this database URL instead of the configured one.")
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace a database that already holds data.")] = False,
) -> None:
    """Put a backup back, into a database no est-bot process uses (stop the bot first)."""
    from storage.backup import BackupError, remove_sqlite, sqlite_path
    from storage.backup import restore as do_restore
    from storage.db import DatabaseUnavailable, check_url

    url = to if to is not None else load(config).database.url
    try:
        check_url(url)  # a --to that is no URL at all: one line, not SQLAlchemy's traceback
        target = sqlite_path(url)
    except (BackupError, DatabaseUnavailable) as exc:
        raise fail(str(exc), exc.code) from None
    new = target if target is not None and not target.exists() else None  # opening it below creates the file
    engine = _open(url)
    done = False
    try:
        do_restore(file, url, engine, force=force)
        done = True
    except BackupError as exc:
        raise fail(str(exc), exc.code) from None
    finally:
        engine.dispose()
        if new is not None and not done:
            remove_sqlite(new)  # a refused or failed restore into a new file leaves nothing behind
    typer.echo(f"restored {file} into {_shown(url)}; est-bot run migrates it to this version's schema if it is older")


def register(app: typer.Typer) -> None:
    app.command()(migrate)
    app.command()(backup)
    app.command()(restore)
