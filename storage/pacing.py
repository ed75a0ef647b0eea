"""The platforms' limits for the whole bot on PostgreSQL: one pacing state shared by every `est-bot run`.

The state is the UNLOGGED table `est_pacing_v1` and the PL/pgSQL functions `est_pace_v1` and `est_hold_v1`, made by the
Alembic revision storage/migrations/versions/0009_pacing.py (which describes them), and `est_pacing_prune_v1` of
revision 0010, which the daily housekeeping calls (`SharedLimiter.prune`); this module only calls them. A database
error of a turn or a hold is said as the port's `LimiterUnavailable`, which the Dispatcher retries without counting
an attempt.
A message takes a turn with one call of `est_pace_v1`, one round trip in autocommit. One address's windows get the
same allowance as bot/ratelimit.py's `RateLimiter` in one process, sliding windows: 20 messages to a Telegram group
(at the chat's one a second), 3 to a Slack channel at once, the next when the oldest is the window's `seconds` old.
The platform's own windows, filled by every process together, are spaced evenly with a margin (`shape`). The
function either answers "later" without taking anything, when this address's own windows or a hold of the platform
are further off than the caller's patience, or takes the turn and answers how long to sleep.

The functions are named by version: a later change adds `est_pace_v2` in a revision of its own, and this module
calls the one its version knows (`PACE_FUNCTION`). `problem` says in one line when the database lacks them or the
role may not use them, for `est-bot run` and `doctor` to say at start rather than at the first send.
Why this and not leases of budget or one sending process: docs/ARCHITECTURE.md, "Pacing for the whole bot".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Row, TextClause, text
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from bot.ports.pacing import PATIENCE, Later, LimiterUnavailable, Window

#: How much wider than published the spacing of the platform's own windows is (Telegram's 30 a second, Slack's
#: workspace window, the mail rate). See `shape`.
MARGIN = 1.2
TABLE = "est_pacing_v1"  # made by revision 0009 on PostgreSQL, outside the models (storage/models.py)
PACE_FUNCTION = "est_pace_v1"
HOLD_FUNCTION = "est_hold_v1"
PRUNE_FUNCTION = "est_pacing_prune_v1"  # revision 0010: the daily housekeeping forgets idle windows
#: The functions' signatures as PostgreSQL names them (to_regprocedure), with the revision that makes each, for
#: `problem`.
SIGNATURES = (
    (f"{PACE_FUNCTION}(text[], integer[], double precision[], boolean[], text, double precision)", "0009"),
    (f"{HOLD_FUNCTION}(text, double precision)", "0009"),
    (f"{PRUNE_FUNCTION}(double precision)", "0010"),
)
#: Windows and holds unused this long are forgotten by the daily housekeeping (`SharedLimiter.prune`).
IDLE = 86_400.0

PACE = text(f"SELECT at, wait, later, everyone FROM {PACE_FUNCTION}(:keys, :calls, :seconds, :own, :hold, :patience)")
HOLD = text(f"SELECT {HOLD_FUNCTION}(:key, :seconds)")
PRUNE = text(f"SELECT {PRUNE_FUNCTION}(:idle)")
MIGRATE = "run `est-bot migrate` (after a backup)"


def problem(engine: Engine) -> str | None:
    """None when the pacing's functions are there and this role may use them; else one line saying what to do."""
    with engine.connect() as conn:
        for signature, revision in SIGNATURES:
            regproc = conn.execute(text("SELECT to_regprocedure(:s)"), {"s": signature}).scalar_one()
            if regproc is None:
                return (
                    f"the database has no {signature.partition('(')[0]} (the pacing every est-bot run on PostgreSQL "
                    f"shares, schema revision {revision}): {MIGRATE}"
                )
            if not conn.execute(text("SELECT has_function_privilege(:s, 'EXECUTE')"), {"s": signature}).scalar_one():
                return f"the database role may not execute {signature}: GRANT EXECUTE ON FUNCTION it to the role"
        if not conn.execute(
            text("SELECT has_table_privilege(:t, 'SELECT, INSERT, UPDATE')"), {"t": TABLE}
        ).scalar_one():
            return f"the database role may not write {TABLE}: GRANT SELECT, INSERT, UPDATE ON {TABLE} to the role"
    return None


@dataclass(frozen=True)
class Turn:
    """A turn: taken at `at` (the server's epoch seconds), `wait` seconds from the asking; or, with `later`,
    refused until then (`everyone`: the platform is held)."""

    at: float
    wait: float
    later: bool = False
    everyone: bool = False


def shape(window: Window, margin: float = MARGIN) -> Window:
    """The sliding window kept on PostgreSQL for `window`.

    One address's window (a chat, a group, a channel: `own`) as published, the same allowance as `RateLimiter`:
    its `calls` at once, the next when the oldest is `seconds` old (20 messages to a Telegram group at the chat's one
    a second, 3 to a Slack channel at once). The platform's own windows, which every process fills at once, evenly:
    one message per `seconds / calls` times `margin`. A turn is taken on the server's clock and the request reaches
    the platform later, by a different delay from each process and the longer the more requests go together. Kept
    as sliding windows, tests/e2e/test_pacing_pg.py met refusals: Telegram's 30 a second, without a margin, 1; Slack's
    workspace window (15 in 3 s there) 3 without a margin and 1 with 20 %. Spaced evenly with the 20 % margin they
    meet none (docs/ARCHITECTURE.md, "Pacing for the whole bot").
    """
    if window.own:
        return Window(max(1, window.calls), window.seconds, own=True)
    return Window(1, window.seconds / max(1, window.calls) * margin)


class SharedLimiter:
    """The `Limiter` port on PostgreSQL; one autocommit connection per sending thread, made when first needed
    (so building one needs no database yet)."""

    def __init__(
        self,
        engine: Engine,
        sleep: Callable[[float], None] = time.sleep,
        margin: float = MARGIN,
        patience: float = PATIENCE,
    ) -> None:
        self.engine = engine
        self.patience = patience
        self.sleep = sleep
        self.margin = margin
        self._local = threading.local()

    def _conn(self) -> Connection:
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is None or conn.closed or conn.invalidated:
            conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
            self._local.conn = conn
        return conn

    def _execute(self, statement: TextClause, params: dict[str, object]) -> Row[Any] | None:
        conn = self._conn()
        try:
            return conn.execute(statement, params).one_or_none()
        except DBAPIError:
            conn.invalidate()  # a dropped connection: the next turn opens another
            self._local.conn = None
            raise

    def turn(self, platform: str, limits: dict[str, Window], patience: float | None = None) -> Turn:
        """Ask for a turn (one round trip) without sleeping: taken at `at`, or refused (`later`) until `at`."""
        keys = list(limits)
        kept = [shape(limits[k], self.margin) for k in keys]
        row = self._execute(
            PACE,
            {
                "keys": keys,
                "calls": [w.calls for w in kept],
                "seconds": [w.seconds for w in kept],
                "own": [limits[k].own for k in keys],
                "hold": f"hold:{platform}",
                "patience": min(1e12, self.patience if patience is None else patience),
            },
        )
        assert row is not None
        return Turn(float(row[0]), max(0.0, float(row[1])), bool(row[2]), bool(row[3]))

    def acquire(self, platform: str, limits: dict[str, Window], patience: float | None = None) -> float:
        try:
            turn = self.turn(platform, limits, patience)
        except SQLAlchemyError as exc:  # the database briefly gone: no turn taken, nothing sent
            raise LimiterUnavailable(f"the pacing's database could not be asked: {_first_line(exc)}") from exc
        if turn.later:
            raise Later(turn.wait, turn.everyone)
        if turn.wait > 0:
            self.sleep(turn.wait)
        return turn.wait

    def hold(self, platform: str, seconds: float) -> None:
        try:
            self._execute(HOLD, {"key": f"hold:{platform}", "seconds": seconds})
        except SQLAlchemyError as exc:
            raise LimiterUnavailable(f"the pacing's database could not be told: {_first_line(exc)}") from exc

    def prune(self, idle_seconds: float = IDLE) -> int:
        """Delete the windows whose last turn, and the holds whose end, is more than `idle_seconds` ago (at least
        an hour: no window is longer than a minute); one call of `est_pacing_prune_v1`, which may delete where the
        running role may not."""
        row = self._execute(PRUNE, {"idle": idle_seconds})
        return int(row[0]) if row is not None else 0

    def close(self) -> None:
        """Close this thread's connection (the others close with the engine)."""
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None


def _first_line(exc: BaseException) -> str:
    """A database error's first line (SQLAlchemy adds the statement and a link on the lines after)."""
    return str(getattr(exc, "orig", None) or exc).strip().split("\n", 1)[0]
