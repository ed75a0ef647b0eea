"""Statements of the answer path run on the driver's cursor, compiled once per database dialect.

A button press runs about eight statements, and SQLAlchemy's work around each one (the compiled cache's key, the
execution context, the result's metadata, the session's connection) cost several times what SQLite itself spends
on it (docs/PERFORMANCE.md, answer handling). A `Prepared` statement is compiled by SQLAlchemy once per dialect;
each run then only converts the parameters with the statement's own bind processors (datetimes and JSON on SQLite,
the JSON wrapper on psycopg), calls the driver's `execute` or `executemany` on the unit of work's connection (in its
transaction: the session's connection, begun as SQLAlchemy begins it) and converts the rows with the columns' own
result processors. Errors are SQLAlchemy's (`DBAPIError.instance`), as for any other statement.

Only statements built once at import, without expanding (IN-list) parameters, are prepared; everything else runs
through `Connection.execute` as before.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Connection
from sqlalchemy.engine import Dialect
from sqlalchemy.exc import DBAPIError, MultipleResultsFound, NoResultFound
from sqlalchemy.sql import ClauseElement

Processor = Callable[[Any], Any] | None
S = TypeVar("S", bound=ClauseElement)


@dataclass(frozen=True)
class _Compiled:
    sql: str
    positional: bool
    names: tuple[str, ...]  # the statement's parameters, in the order the driver takes them (or by name)
    # per parameter: the caller's key (None for a fixed value: a literal compared against, as `review ==
    # "approved"`), the fixed value as the driver takes it, and the bind processor for the caller's value
    plan: tuple[tuple[str | None, Any, Processor], ...]
    row: Any  # a namedtuple class over the result's columns, or None
    types: tuple[Any, ...]  # the result columns' types


class Prepared:
    """A Core statement built once (module level), run on the driver's cursor; `run` answers a `Rows`."""

    def __init__(self, statement: ClauseElement) -> None:
        self.statement = statement
        self._by_dialect: dict[str, _Compiled] = {}
        self._described: dict[tuple[str, ...], Any] = {}  # a text statement's rows, by the columns it answered
        self._results: dict[str, tuple[Processor, ...]] = {}  # the result columns' processors, per dialect

    def compiled(self, dialect: Dialect) -> _Compiled:
        found = self._by_dialect.get(dialect.name)
        if found is None:
            found = self._by_dialect[dialect.name] = _compile(self.statement, dialect)
        return found

    def run(self, conn: Connection, params: Mapping[str, Any] | Sequence[Mapping[str, Any]], raw: Any = None) -> Rows:
        """`raw`: `conn`'s driver connection, if the caller has it at hand."""
        dialect = conn.dialect
        c = self.compiled(dialect)
        many = type(params) is not dict and not isinstance(params, Mapping)
        args = [_args(c, p) for p in params] if many else _args(c, params)  # type: ignore[arg-type]
        if raw is None:
            raw = conn.connection.driver_connection
            assert raw is not None
        cursor = raw.cursor()
        try:
            if many:
                cursor.executemany(c.sql, args)
            else:
                cursor.execute(c.sql, args)
            described = cursor.description
            fetched = cursor.fetchall() if described is not None else []
            rowcount = cursor.rowcount
        except dialect.loaded_dbapi.Error as exc:
            invalidated = dialect.is_disconnect(exc, raw, cursor)
            if invalidated:
                conn.invalidate(exc)
            raise DBAPIError.instance(
                c.sql, args, exc, dialect.loaded_dbapi.Error, connection_invalidated=invalidated, dialect=dialect
            ) from exc
        finally:
            cursor.close()
        if not fetched:
            return Rows([], rowcount)
        if c.row is None:  # text with RETURNING: its columns are known from the driver only
            names = tuple(d[0] for d in described)
            row: Any = self._described.get(names)
            if row is None:
                row = self._described[names] = namedtuple("Row", names, rename=True)
            return Rows([row._make(r) for r in fetched], rowcount)
        processors = self._results.get(dialect.name)
        if processors is None:  # as the driver describes the columns (PostgreSQL's numeric types differ by type)
            processors = self._results[dialect.name] = tuple(
                t._cached_result_processor(dialect, d[1])  # noqa: SLF001 (the type's own, as SQLAlchemy uses it)
                for t, d in zip(c.types, described, strict=True)
            )
        return Rows(_rows(c, processors, fetched), rowcount)


_PREPARED: dict[int, Prepared] = {}


def prepare(statement: S) -> S:
    """Mark a statement built once at import as one to run on the driver's cursor (`SqlRepository._core`); returns
    it unchanged, so that it can still be used, and built upon, as any statement."""
    _PREPARED[id(statement)] = Prepared(statement)
    return statement


def prepared(statement: object) -> Prepared | None:
    """The prepared form of a statement marked by `prepare` (kept alive by it, so its id is never reused)."""
    return _PREPARED.get(id(statement))


def _compile(statement: ClauseElement, dialect: Dialect) -> _Compiled:
    compiled: Any = statement.compile(dialect=dialect)
    if compiled.literal_execute_params or compiled.post_compile_params:
        raise ValueError("a statement with expanding parameters cannot be prepared")
    positional = bool(dialect.positional)
    names = tuple(compiled.positiontup) if positional else tuple(dict.fromkeys(compiled.bind_names.values()))
    processors = compiled._bind_processors  # noqa: SLF001 (the compiled statement's own, as SQLAlchemy uses them)
    plan: list[tuple[str | None, Any, Processor]] = []
    for name in names:
        bind, processor = compiled.binds[name], processors.get(name)
        if bind.required or bind.callable is not None:
            plan.append((bind.key, None, processor))
        else:
            plan.append((None, processor(bind.value) if processor is not None else bind.value, None))
    columns = compiled._result_columns  # noqa: SLF001
    row = namedtuple("Row", [col.keyname for col in columns], rename=True) if columns else None
    return _Compiled(
        compiled.string,
        positional,
        names,
        tuple(plan),
        row,
        tuple(col.type for col in columns),
    )


def _args(c: _Compiled, params: Mapping[str, Any]) -> Sequence[Any] | dict[str, Any]:
    values = [
        fixed if key is None else params[key] if process is None else process(params[key])
        for key, fixed, process in c.plan
    ]
    return values if c.positional else dict(zip(c.names, values, strict=True))


def _rows(c: _Compiled, processors: tuple[Processor, ...], fetched: list[Any]) -> list[Any]:
    make = c.row._make
    if not any(processors):
        return list(map(make, fetched))
    return [make([p(v) if p is not None else v for p, v in zip(processors, r, strict=True)]) for r in fetched]


class Rows:
    """What a prepared statement answered: its rows (namedtuples: by position and by column name), and how many
    rows it changed."""

    __slots__ = ("_rows", "rowcount")

    def __init__(self, rows: list[Any], rowcount: int) -> None:
        self._rows = rows
        self.rowcount = rowcount

    def __iter__(self) -> Iterator[Any]:
        return iter(self._rows)

    def all(self) -> list[Any]:
        return list(self._rows)

    def first(self) -> Any:
        return self._rows[0] if self._rows else None

    def one(self) -> Any:
        if not self._rows:
            raise NoResultFound("No row was found when one was required")
        if len(self._rows) > 1:
            raise MultipleResultsFound("Multiple rows were found when exactly one was required")
        return self._rows[0]

    def scalar(self) -> Any:
        return self._rows[0][0] if self._rows else None
