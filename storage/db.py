"""Engines and sessions, built only in the composition root (never at import)."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, DBAPIError, NoSuchModuleError
from sqlalchemy.orm import Session, sessionmaker

EXAMPLES = "sqlite:///est-bot.sqlite or postgresql://user@host:5432/estbot"
#: Seconds a PostgreSQL connection attempt may take before the server counts as unreachable.
CONNECT_TIMEOUT = 10


class DatabaseUnavailable(Exception):
    """The database named by a URL cannot be used, said in one line for the person who runs est-bot; `code` is the
    exit status: 2 for a URL that is wrong, 1 for what the machine lacks (a driver, a server, a folder)."""

    def __init__(self, message: str, code: int) -> None:
        super().__init__(message)
        self.code = code


def make_engine(url: str, **kwargs: Any) -> Engine:
    """An engine for a URL; SQLite gets WAL, foreign keys and a busy timeout."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False}, **kwargs)

        @event.listens_for(engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            # Let SQLAlchemy, not the driver, decide when transactions begin.
            dbapi_conn.isolation_level = None
            cur = dbapi_conn.cursor()
            if ":memory:" not in url and url not in ("sqlite://", "sqlite:///"):
                cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            # BEGIN IMMEDIATE: take the write lock up front so two writers queue instead of deadlocking. On the
            # driver's connection: through `exec_driver_sql` it cost every unit of work (every button press) as
            # much as a statement of the answer path.
            raw = conn.connection.driver_connection
            try:
                raw.execute("BEGIN IMMEDIATE")
            except sqlite3.Error as exc:
                raise DBAPIError.instance("BEGIN IMMEDIATE", (), exc, sqlite3.Error, dialect=conn.dialect) from exc

        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def open_engine(url: str) -> Engine:
    """`make_engine`, checked by one connection, so that a URL that cannot work fails at start with a sentence
    (DatabaseUnavailable) rather than with the driver's traceback at the first query."""
    parsed = _parse(url)
    shown = parsed.render_as_string(hide_password=True)
    if parsed.get_backend_name() == "sqlite":
        _check_sqlite_folder(parsed)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "postgresql" and "connect_timeout" not in parsed.query:
        kwargs["connect_args"] = {"connect_timeout": CONNECT_TIMEOUT}
    try:
        engine = make_engine(url, **kwargs)
    except ImportError as exc:
        module = exc.name or str(exc)
        raise DatabaseUnavailable(
            f"database.url {shown!r} needs the Python module {module!r}, which is not installed; "
            f"est-bot comes with the drivers for {EXAMPLES}",
            1,
        ) from None
    except (ArgumentError, TypeError, ValueError) as exc:
        raise DatabaseUnavailable(f"database.url {shown!r}: {_first_line(exc)}; write it like {EXAMPLES}", 2) from None
    try:
        with engine.connect():
            pass
    except DBAPIError as exc:
        engine.dispose()
        raise DatabaseUnavailable(
            f"cannot open the database {shown!r}: {_first_line(exc.orig or exc)}; check that the server runs, "
            "that the database exists and that database.url (or EST_DATABASE_URL) names it",
            1,
        ) from None
    return engine


def check_url(url: str) -> None:
    """Raise DatabaseUnavailable (exit 2) when `url` is no database URL est-bot can read, before anything uses it."""
    _parse(url)


#: A URL's user and password, read as SQLAlchemy reads them: the user up to the first ':' or '/' (it may hold an
#: '@'), the password up to the next '@' (it may hold a '/', written unencoded).
USERINFO = re.compile(r"(?P<user>[^:/]*)(?P<password>:[^@]*)?@")


def hide_password(url: str) -> str:
    """`url` as written, with its password (if any) as `***`: for a message, also about a URL SQLAlchemy cannot
    read."""
    scheme, sep, rest = url.partition("://")
    found = USERINFO.match(rest) if sep else None
    if found is None or not found["password"]:
        return url
    return f"{scheme}://{found['user']}:***@{rest[found.end() :]}"


def _parse(url: str) -> URL:
    try:
        parsed = make_url(url)
    except (ArgumentError, ValueError) as exc:
        shown = hide_password(url)  # a password stays out of the message
        why = " (the port must be a number)" if isinstance(exc, ValueError) else ""
        raise DatabaseUnavailable(
            f"database.url {shown!r} is not a database URL{why}; write it like {EXAMPLES}", 2
        ) from None
    try:
        parsed.get_dialect()
    except NoSuchModuleError:
        kind = parsed.drivername
        if kind == "postgres":
            raise DatabaseUnavailable(
                "database.url: write postgresql:// (SQLAlchemy does not read postgres://)", 2
            ) from None
        raise DatabaseUnavailable(
            f"database.url: {kind!r} is not a kind of database est-bot knows; write it like {EXAMPLES}", 2
        ) from None
    except ImportError:
        pass  # the driver is missing: said by open_engine, where the module's name is known
    return parsed


def _check_sqlite_folder(parsed: URL) -> None:
    name = parsed.database or ""
    if not name or name == ":memory:" or name.startswith("file:"):
        return
    folder = Path(name).expanduser().absolute().parent
    if not folder.is_dir():
        what = "is a file, not a folder" if folder.exists() else "does not exist"
        slashes = "" if Path(name).is_absolute() else "; an absolute path needs four slashes: sqlite:////var/lib/…"
        raise DatabaseUnavailable(
            f"database.url {parsed.render_as_string(hide_password=True)!r}: the folder {str(folder)!r} {what}; "
            f"create it or name another place for the SQLite file{slashes}",
            1,
        )


def _first_line(exc: BaseException) -> str:
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()]
    return lines[0] if lines else type(exc).__name__


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
