"""The log-ordered tree of the seals: every entry of the record (case events, court journal
entries) gets a position in append order when a seal takes it, and the tree's complete
subtrees are kept, so a seal costs what was appended since the last one and a proof
O(log n) reads.

The seals made before (every case's newest event, leaves in ``seal_leaves``) stay as they
were, of kind ``heads``, and are checked as before; the first seal after the upgrade
positions the whole log once.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0015"
down_revision: str | None = "0014"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("seals") as batch:
        batch.add_column(sa.Column("kind", sa.String(8), nullable=False,
                                   server_default="heads"))
        batch.add_column(sa.Column("events_through", sa.BigInteger(), nullable=True))
        batch.add_column(sa.Column("journal_through", sa.BigInteger(), nullable=True))
    op.create_table(
        "log_leaves",
        sa.Column("position", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  autoincrement=False, nullable=False),
        sa.Column("case_id", sa.String(40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("position", name="pk_log_leaves"),
        sa.UniqueConstraint("case_id", "seq", name="uq_log_leaves_case_id_seq"),
    )
    op.create_table(
        "log_nodes",
        sa.Column("level", sa.Integer(), nullable=False),
        sa.Column("idx", sa.BigInteger(), nullable=False),
        sa.Column("hash", sa.String(64), nullable=False),
        sa.PrimaryKeyConstraint("level", "idx", name="pk_log_nodes"),
    )


def downgrade() -> None:
    op.drop_table("log_nodes")
    op.drop_table("log_leaves")
    with op.batch_alter_table("seals") as batch:
        batch.drop_column("journal_through")
        batch.drop_column("events_through")
        batch.drop_column("kind")
