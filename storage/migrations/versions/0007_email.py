"""persons.channel, form_links: reporters by e-mail, with a personal link to the week's form

Revision ID: 0007
Revises: 0006
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.add_column(sa.Column("channel", sa.String(length=20), nullable=True))
    op.create_table(
        "form_links",
        sa.Column("person_id", sa.Integer(), nullable=False),
        sa.Column("round_id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["person_id"], ["persons.id"], name=op.f("fk_form_links_person_id_persons"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["round_id"], ["rounds.id"], name=op.f("fk_form_links_round_id_rounds"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("person_id", "round_id", name=op.f("pk_form_links")),
    )


def downgrade() -> None:
    op.drop_table("form_links")
    with op.batch_alter_table("persons", schema=None) as batch_op:
        batch_op.drop_column("channel")
