"""`est-bot migrate --to postgresql://…`: every table of the configured database copied to an empty PostgreSQL
database, migrated to the same revision, in one transaction, in batches, parents before children; then the
sequences set past the copied ids and the rows counted on both sides."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import Connection, Engine, Integer, Table, func, inspect, select, text

from storage.backup import has_data
from storage.migrate import current_revision, migrate
from storage.models import Base
from storage.pacing import TABLE as PACING_TABLE

#: Rows read and written at a time.
BATCH = 1000


class TransferError(Exception):
    """One line for the person who runs est-bot; `code` is the exit status."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Copied:
    table: str
    rows: int


def copy_database(
    source: Engine, target: Engine, *, batch: int = BATCH, progress: Callable[[Copied], None] | None = None
) -> list[Copied]:
    """Copy every table from `source` (migrated to head first) to `target` (an empty PostgreSQL database, migrated
    here). All of it or nothing: the target's writes are one transaction."""
    if target.dialect.name != "postgresql":
        raise TransferError("--to: name a PostgreSQL database (postgresql://user@host:5432/estbot)", 2)
    if has_data(target):
        raise TransferError(
            "the PostgreSQL database already holds data; name a new, empty database (e.g. createdb estbot_new)", 1
        )
    migrate(source)
    migrate(target)
    head = current_revision(source)
    if current_revision(target) != head:
        raise TransferError(f"the two databases are at different revisions after migrating (source {head})", 1)
    tables = [t for t in Base.metadata.sorted_tables if t.name != "alembic_version"]
    known = {t.name for t in tables} | {"alembic_version", PACING_TABLE}  # waits: nothing to copy
    extra = sorted(set(inspect(source).get_table_names()) - known)
    if extra:
        raise TransferError(f"the database holds tables est-bot does not know ({', '.join(extra)}); nothing copied", 1)
    done: list[Copied] = []
    with source.connect() as src, target.begin() as dst:
        # one read transaction on the source: a consistent picture even if something writes meanwhile
        src.execute(text("SELECT 1"))
        for table in tables:
            rows = _copy_table(src, dst, table, batch)
            copied = Copied(table.name, rows)
            done.append(copied)
            if progress is not None:
                progress(copied)
        _fix_sequences(dst, tables)
        for table in tables:
            here = dst.execute(select(func.count()).select_from(table)).scalar_one()
            there = src.execute(select(func.count()).select_from(table)).scalar_one()
            if here != there:
                raise TransferError(f"table {table.name}: {there} rows in the source, {here} copied; nothing kept", 1)
    return done


def _copy_table(src: Connection, dst: Connection, table: Table, batch: int) -> int:
    order = list(table.primary_key.columns) or list(table.columns)
    result = src.execution_options(stream_results=True).execute(select(table).order_by(*order))
    total = 0
    while True:
        chunk = result.fetchmany(batch)
        if not chunk:
            break
        dst.execute(
            table.insert(), [{c.key: value for c, value in zip(table.columns, row, strict=True)} for row in chunk]
        )
        total += len(chunk)
    return total


def _fix_sequences(dst: Connection, tables: list[Table]) -> None:
    for table in tables:
        pk = list(table.primary_key.columns)
        if len(pk) != 1 or not isinstance(pk[0].type, Integer) or pk[0].foreign_keys:
            continue
        col = pk[0].name
        seq = dst.execute(text("SELECT pg_get_serial_sequence(:t, :c)"), {"t": table.name, "c": col}).scalar()
        if seq is None:
            continue
        top = dst.execute(select(func.max(table.c[col]))).scalar()
        if top is None:
            dst.execute(text("SELECT setval(CAST(:s AS regclass), 1, false)"), {"s": seq})
        else:
            dst.execute(text("SELECT setval(CAST(:s AS regclass), :v, true)"), {"s": seq, "v": int(top)})
