"""Run Alembic migrations programmatically (`est-bot migrate`, and before run/chat/demo)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, func, select

MIGRATIONS = Path(__file__).parent / "migrations"
#: PostgreSQL advisory lock key for start-up: "ESTBOT" and 2 (bot/leader.py holds 1).
STARTUP_LOCK = 0x4553_5442_4F54_0002


@contextmanager
def startup_lock(engine: Engine) -> Iterator[None]:
    """Processes starting at once on one PostgreSQL database migrate and load the configuration one after the
    other: without it two of them create the same tables or insert the same people, and all but one crash. SQLite
    needs nothing (one process; and its writes queue anyway)."""
    if engine.dialect.name != "postgresql":
        yield
        return
    with engine.connect() as conn:
        conn = conn.execution_options(isolation_level="AUTOCOMMIT")
        conn.execute(select(func.pg_advisory_lock(STARTUP_LOCK)))
        try:
            yield
        finally:
            conn.execute(select(func.pg_advisory_unlock(STARTUP_LOCK)))


def alembic_config() -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    return cfg


def migrate(engine: Engine, revision: str = "head") -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, revision)


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def head_revision() -> str | None:
    """The newest revision this version of est-bot knows (what `migrate` upgrades to)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()
