"""rounds.charts_owed: a Thursday draft whose charts, drawn by a chart worker, are not queued yet

Set in the transaction that queues the draft's text, cleared in the one that queues its charts: a process that
stops in between leaves it set, and the next start (or tick) draws them again. Rounds stored before this revision
owe nothing.

Revision ID: 0008
Revises: 0007
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # A plain ALTER TABLE … ADD COLUMN, on SQLite too: a batch would copy `rounds`, which other tables point at.
    op.add_column("rounds", sa.Column("charts_owed", sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade() -> None:
    with op.batch_alter_table("rounds", schema=None) as batch_op:
        batch_op.drop_column("charts_owed")
