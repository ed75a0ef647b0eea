"""The unit of work's session, made only when something asks for the ORM, over a connection the unit holds itself.

A button press runs about eight statements, all Core, most of them prepared (storage/repositories/prepared.py),
and uses no ORM object. A SQLAlchemy `Session` for each press (its transaction object, the connection it asks the
engine for through it, its commit and its close) cost it about as much CPU as those statements. So the unit of work
holds one connection and its transaction itself (`connection`: checked out, and begun — BEGIN IMMEDIATE on SQLite —
at the first statement, as the session did), and the session is made only when a repository uses the ORM (`add`,
`get`, `scalars`, …): bound to that connection, in the same transaction. Its `commit` flushes and ends only the
session's part ("rollback_only"); the unit commits the connection. What the repositories see is the same: one
transaction per unit, the ORM's pending changes flushed before every Core statement.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine
from sqlalchemy.exc import PendingRollbackError
from sqlalchemy.orm import Session, sessionmaker


class UnitSession:
    """Stands in for the unit of work's `Session`: every attribute of a session is the real one's, made at the first
    use; `core_connection` is what a Core statement runs on without making it."""

    __slots__ = ("_conn", "_engine", "_factory", "_session", "driver")

    def __init__(self, factory: sessionmaker[Session]) -> None:
        self._factory = factory
        engine = factory.kw.get("bind")
        if not isinstance(engine, Engine):
            raise TypeError("the unit of work's session factory must be bound to an engine")
        self._engine = engine
        self._conn: Connection | None = None
        self._session: Session | None = None
        #: The driver's connection under `_conn`, for the prepared statements (asked of SQLAlchemy once, not per
        #: statement); None until the first statement.
        self.driver: Any = None

    @property
    def made(self) -> Session | None:
        """The session if something has asked for it."""
        return self._session

    def get_bind(self) -> Engine:
        return self._engine

    def core_connection(self) -> Connection:
        """The unit's connection in its transaction, after what the session (if any) holds is flushed."""
        s = self._session
        if s is not None and (s.new or s.dirty or s.deleted):
            s.flush()
        conn = self._conn
        if conn is None or conn.closed or conn.invalidated:
            if conn is not None:
                if conn.invalidated and conn.in_transaction():
                    # lost within the unit's transaction (a disconnect): what it wrote is gone, and a new
                    # connection would commit only what comes after; the unit must roll back first
                    raise PendingRollbackError(
                        "the unit of work's connection was lost in its transaction; roll back first"
                    )
                self.close()  # lost between transactions: let go of it and of the session bound to it
            conn = self._conn = self._engine.connect()
            self.driver = None
        if not conn.in_transaction():
            conn.begin()
        if self.driver is None:
            self.driver = conn.connection.driver_connection
        return conn

    def session(self) -> Session:
        s = self._session
        if s is None:
            conn = self.core_connection()
            s = self._session = self._factory(bind=conn, join_transaction_mode="rollback_only")
        return s

    def __getattr__(self, name: str) -> Any:
        return getattr(self.session(), name)

    def commit(self) -> None:
        if self._session is not None:
            self._session.commit()  # flushes; the connection's transaction is the unit's to commit
        conn = self._conn
        if conn is not None and conn.in_transaction():
            conn.commit()

    def rollback(self) -> None:
        try:
            if self._session is not None:
                self._session.rollback()
        finally:
            conn = self._conn
            if conn is not None and conn.in_transaction():
                conn.rollback()

    def close(self) -> None:
        """Roll back what was not committed and give the connection back."""
        session, conn = self._session, self._conn
        self._session = self._conn = self.driver = None
        try:
            if session is not None:
                session.close()
        finally:
            if conn is not None:
                conn.close()
