"""The platforms' limits for the whole bot on PostgreSQL: one pacing state shared by every `est-bot run`.

Each window is a row of `est_pacing`: the earliest moment (`next_at`, the server's clock, epoch seconds) the next
message that counts against it may go. A message takes a turn with one call of `est_pace(...)`, one round trip
in autocommit: the function locks the message's rows (in key order, so two callers never deadlock), takes the
latest of their `next_at`, and either

- answers "later" without taking anything, when this address's own windows (a chat, a channel) or a hold of the
  platform are further off than the caller's patience: the Dispatcher reschedules that row and sends another; or
- takes the turn at t = max(now, every next_at), moves each window's `next_at` to t + its spacing, and answers
  how long to sleep until t.

The spacing is the window's `seconds / calls` times `MARGIN`: messages go evenly, never in a burst, so any
`seconds` hold at most `calls / MARGIN` of them; the 20 % margin absorbs the time between the turn and the
request's arrival at the platform (a thread hop, a busy machine), which differs from one process to another.
A hold (`hold`, a 429's retry_after) is a row of its own that every turn of that platform reads.

The table is UNLOGGED (no write-ahead log: a crash of the server empties it, which only forgets waits of a
second or so) and made at first use; its rows are few (one per platform window and per address).
Why this and not leases of budget or one sending process: docs/ARCHITECTURE.md, "Pacing for the whole bot".
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, Row, TextClause, text
from sqlalchemy.exc import DBAPIError

from bot.ports.pacing import PATIENCE, Later, Window

MARGIN = 1.2
#: The advisory lock key that makes the table and the function once, whoever starts first: "ESTBOT" and 2.
SETUP_LOCK = 0x4553_5442_4F54_0002

SETUP = """
CREATE UNLOGGED TABLE IF NOT EXISTS est_pacing (key text PRIMARY KEY, next_at double precision NOT NULL);
CREATE OR REPLACE FUNCTION est_pace(keys text[], gaps float8[], own boolean[], hold_key text, patience float8,
                                    OUT at float8, OUT wait float8, OUT later boolean, OUT everyone boolean)
LANGUAGE plpgsql AS $$
DECLARE
    now_ float8 := extract(epoch FROM clock_timestamp());
    every_key text[] := keys || hold_key;
    found int;
    t_own float8;
    t_all float8;
    t_hold float8;
    t float8;
BEGIN
    SELECT count(*) INTO found FROM (SELECT 1 FROM est_pacing WHERE key = ANY(every_key) ORDER BY key FOR UPDATE) s;
    IF found < cardinality(every_key) THEN
        INSERT INTO est_pacing (key, next_at) SELECT k, 0 FROM unnest(every_key) k ORDER BY k ON CONFLICT DO NOTHING;
        PERFORM 1 FROM est_pacing WHERE key = ANY(every_key) ORDER BY key FOR UPDATE;
    END IF;
    SELECT max(p.next_at) FILTER (WHERE w.o), max(p.next_at) FILTER (WHERE NOT w.o) INTO t_own, t_all
      FROM est_pacing p JOIN unnest(keys, own) AS w(k, o) ON p.key = w.k;
    SELECT p.next_at INTO t_hold FROM est_pacing p WHERE p.key = hold_key;
    IF t_hold - now_ > patience THEN
        at := t_hold; wait := t_hold - now_; later := true; everyone := true; RETURN;
    END IF;
    IF t_own - now_ > patience THEN
        at := t_own; wait := t_own - now_; later := true; everyone := false; RETURN;
    END IF;
    t := greatest(now_, t_own, t_all, t_hold);
    UPDATE est_pacing p SET next_at = t + w.g FROM unnest(keys, gaps) AS w(k, g) WHERE p.key = w.k;
    at := t; wait := t - now_; later := false; everyone := false;
END $$;
"""

PACE = text("SELECT at, wait, later, everyone FROM est_pace(:keys, :gaps, :own, :hold, :patience)")
HOLD = text(
    "INSERT INTO est_pacing (key, next_at) VALUES (:key, extract(epoch FROM clock_timestamp()) + :seconds) "
    "ON CONFLICT (key) DO UPDATE SET next_at = greatest(est_pacing.next_at, excluded.next_at) RETURNING next_at"
)


def setup(engine: Engine) -> None:
    """Make the table and the function (again: `CREATE OR REPLACE` brings an older function up to date)."""
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": SETUP_LOCK})
        conn.exec_driver_sql(SETUP)


@dataclass(frozen=True)
class Turn:
    """A turn: taken at `at` (the server's epoch seconds), `wait` seconds from the asking; or, with `later`,
    refused until then (`everyone`: the platform is held)."""

    at: float
    wait: float
    later: bool = False
    everyone: bool = False


def spacing(window: Window, margin: float = MARGIN) -> float:
    return window.seconds / max(1, window.calls) * margin


class SharedLimiter:
    """The `Limiter` port on PostgreSQL; one autocommit connection per sending thread, made when first needed
    (and the table and function with it, so building one needs no database yet)."""

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
        self._ready = False
        self._setup_lock = threading.Lock()

    def _conn(self) -> Connection:
        if not self._ready:
            with self._setup_lock:
                if not self._ready:
                    setup(self.engine)
                    self._ready = True
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
        row = self._execute(
            PACE,
            {
                "keys": keys,
                "gaps": [spacing(limits[k], self.margin) for k in keys],
                "own": [limits[k].own for k in keys],
                "hold": f"hold:{platform}",
                "patience": min(1e12, self.patience if patience is None else patience),
            },
        )
        assert row is not None
        return Turn(float(row[0]), max(0.0, float(row[1])), bool(row[2]), bool(row[3]))

    def acquire(self, platform: str, limits: dict[str, Window], patience: float | None = None) -> float:
        turn = self.turn(platform, limits, patience)
        if turn.later:
            raise Later(turn.wait, turn.everyone)
        if turn.wait > 0:
            self.sleep(turn.wait)
        return turn.wait

    def hold(self, platform: str, seconds: float) -> None:
        self._execute(HOLD, {"key": f"hold:{platform}", "seconds": seconds})

    def close(self) -> None:
        """Close this thread's connection (the others close with the engine)."""
        conn: Connection | None = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None
