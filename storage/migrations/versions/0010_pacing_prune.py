"""est_pacing_prune_v1: the daily housekeeping forgets windows and holds not used for a day

`est_pacing_v1` (revision 0009) gets a row for every chat, group and channel the bot ever wrote to, and nothing
removed them. `est_pacing_prune_v1(idle)` deletes the rows whose last turn (`turns`' last element) and whose hold
(`held_until`) are both more than `idle` seconds ago, at least an hour (no window is longer than a minute, and a
platform's "retry after" is minutes at most), and answers how many went. storage/pacing.py's
`SharedLimiter.prune` calls it from the daily retention job (bot/usecases/privacy.py), with a day.

It is `SECURITY DEFINER` (it runs with the rights of the role that migrated): the running role needs only SELECT,
INSERT and UPDATE on the table, as before, not DELETE. Its `search_path` is the one of the migration, so a caller
cannot put a table of its own in its place.

A prune never breaks a turn taken at the same moment: `est_pace_v1` locks its rows `FOR UPDATE` before it reads
them, so the DELETE either waits and, under READ COMMITTED, checks the row again (now used: kept), or goes first,
and `est_pace_v1` finds the row gone and inserts it anew.

PostgreSQL only, as 0009: on SQLite, one process paces in memory (bot/ratelimit.py's `RateLimiter.prune`).

Revision ID: 0010
Revises: 0009
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

PRUNE = """
CREATE FUNCTION est_pacing_prune_v1(idle float8) RETURNS integer
LANGUAGE sql SECURITY DEFINER SET search_path FROM CURRENT AS $$
    WITH gone AS (
        DELETE FROM est_pacing_v1 p
         WHERE greatest(coalesce(p.turns[cardinality(p.turns)], 0), p.held_until)
               < extract(epoch FROM clock_timestamp()) - greatest(idle, 3600)
        RETURNING 1
    )
    SELECT count(*)::integer FROM gone
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return  # SQLite: one process, pacing in memory (bot/ratelimit.py)
    op.execute(PRUNE)


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP FUNCTION IF EXISTS est_pacing_prune_v1(float8)")
