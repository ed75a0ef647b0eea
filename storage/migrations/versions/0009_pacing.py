"""est_pacing_v1, est_pace_v1 and est_hold_v1: the platforms' limits for every `est-bot run` on one PostgreSQL

The pacing state storage/pacing.py's `SharedLimiter` uses (PostgreSQL only: on SQLite, one process paces in memory
and this revision does nothing).

The functions are named by version: a later change of their arguments or answer adds `est_pace_v2` in a revision
of its own, and a process of the older version keeps calling `est_pace_v1` until it stops (a rolling upgrade);
`CREATE OR REPLACE` cannot change a function's return type, and two versions replacing one function would each
break the other.

`est_pacing_v1` holds a row per window (a platform's, a chat's, a group's, a channel's) with the times of its last
`calls` turns (`turns`, the server's epoch seconds, oldest first), and a row per platform hold (`held_until`, a
429's retry_after). `est_pace_v1` takes a turn for a message in one call: it locks the message's rows in key order
(two callers never deadlock) and finds the earliest moment t at which every window still has room, the same rule
as bot/ratelimit.py's sliding windows: a window with fewer than `calls` turns has room now; a full one when its
oldest kept turn is `seconds` old. Turns of one window are taken in order (t is never before its latest turn).
The caller chooses each window's `calls` and `seconds` (storage/pacing.py's `shape`: one window of 1 call spaces
messages evenly).
Then either

- it answers "later" without taking anything, when the message's own windows (`own`: a chat, a channel) or the
  platform's hold are further off than `patience`: the Dispatcher reschedules that row and sends another; or
- it takes the turn at t (appends t to each window's turns, keeping the last `calls`) and answers how long to wait.

The table is UNLOGGED (no write-ahead log: a crash of the server empties it, which forgets waits of a minute at most).

Revision ID: 0009
Revises: 0008
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TABLE = """
CREATE UNLOGGED TABLE est_pacing_v1 (
    key text PRIMARY KEY,
    turns double precision[] NOT NULL DEFAULT '{}',
    held_until double precision NOT NULL DEFAULT 0
)
"""

PACE = """
CREATE FUNCTION est_pace_v1(keys text[], calls integer[], seconds float8[], own boolean[], hold_key text,
                            patience float8, OUT at float8, OUT wait float8, OUT later boolean, OUT everyone boolean)
LANGUAGE plpgsql AS $$
DECLARE
    now_ float8;
    every_key text[] := keys || hold_key;
    found int;
    t_own float8;
    t_all float8;
    t_hold float8;
    t float8;
BEGIN
    SELECT count(*) INTO found FROM (SELECT 1 FROM est_pacing_v1 WHERE key = ANY(every_key) ORDER BY key FOR UPDATE) s;
    IF found < cardinality(every_key) THEN
        INSERT INTO est_pacing_v1 (key) SELECT k FROM unnest(every_key) k ORDER BY k ON CONFLICT DO NOTHING;
        PERFORM 1 FROM est_pacing_v1 WHERE key = ANY(every_key) ORDER BY key FOR UPDATE;
    END IF;
    now_ := extract(epoch FROM clock_timestamp());  -- once the rows are ours: no turn is taken after it meanwhile
    -- Each window's earliest turn: after its latest turn, and once full, when its oldest kept turn is `seconds` old.
    SELECT max(d.due) FILTER (WHERE d.o), max(d.due) FILTER (WHERE NOT d.o) INTO t_own, t_all
      FROM (SELECT w.o,
                   greatest(coalesce(p.turns[cardinality(p.turns)], 0),
                            CASE WHEN cardinality(p.turns) >= w.c
                                 THEN p.turns[cardinality(p.turns) - w.c + 1] + w.s ELSE 0 END) AS due
              FROM est_pacing_v1 p JOIN unnest(keys, calls, seconds, own) AS w(k, c, s, o) ON p.key = w.k) d;
    SELECT p.held_until INTO t_hold FROM est_pacing_v1 p WHERE p.key = hold_key;
    IF t_hold - now_ > patience THEN
        at := t_hold; wait := t_hold - now_; later := true; everyone := true; RETURN;
    END IF;
    IF t_own - now_ > patience THEN
        at := t_own; wait := t_own - now_; later := true; everyone := false; RETURN;
    END IF;
    t := greatest(now_, t_own, t_all, t_hold);
    UPDATE est_pacing_v1 p SET turns = (p.turns || t)[greatest(1, cardinality(p.turns) + 2 - w.c):]
      FROM unnest(keys, calls) AS w(k, c) WHERE p.key = w.k;
    at := t; wait := t - now_; later := false; everyone := false;
END $$
"""

HOLD = """
CREATE FUNCTION est_hold_v1(hold_key text, seconds float8) RETURNS float8
LANGUAGE sql AS $$
    INSERT INTO est_pacing_v1 (key, held_until) VALUES (hold_key, extract(epoch FROM clock_timestamp()) + seconds)
    ON CONFLICT (key) DO UPDATE SET held_until = greatest(est_pacing_v1.held_until, excluded.held_until)
    RETURNING held_until
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite: one process, pacing in memory (bot/ratelimit.py)
    for statement in (TABLE, PACE, HOLD):
        op.execute(statement)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION IF EXISTS est_hold_v1(text, float8)")
    op.execute("DROP FUNCTION IF EXISTS est_pace_v1(text[], integer[], float8[], boolean[], text, float8)")
    op.execute("DROP TABLE IF EXISTS est_pacing_v1")
