"""Every attempt of every step, with its durations measured as its limit counts them: the
``step_attempts`` projection the monitoring and evaluation report reads. An older database's
rows are written here from its log (its events, its stored definitions and court file).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | None = None
depends_on: str | None = None

ID = 64
HASH = 64
COURT_KEY = "court_file"


def instant() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "step_attempts",
        sa.Column("case_id", sa.String(40), nullable=False),
        sa.Column("node", sa.String(ID), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("sop_id", sa.String(ID), nullable=False),
        sa.Column("version", sa.String(HASH), nullable=False),
        sa.Column("role", sa.String(ID), nullable=True),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("activated_at", instant(), nullable=False),
        sa.Column("claimed_at", instant(), nullable=True),
        sa.Column("completed_at", instant(), nullable=True),
        sa.Column("completed_by", sa.String(ID), nullable=True),
        sa.Column("due_at", instant(), nullable=True),
        sa.Column("limit_unit", sa.String(12), nullable=True),
        sa.Column("late", sa.Boolean(), nullable=True),
        sa.Column("work_seconds", sa.BigInteger(), nullable=True),
        sa.Column("wait_seconds", sa.BigInteger(), nullable=True),
        sa.Column("handle_seconds", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("case_id", "node", "attempt", name="pk_step_attempts"),
    )
    op.create_index("ix_step_attempts_sop_activated", "step_attempts",
                    ["sop_id", "activated_at"])
    _rows_from_the_log()


def _rows_from_the_log() -> None:
    from sop_runtime.store.step_attempts import fill_from_log

    conn = op.get_bind()
    court = conn.execute(sa.text("SELECT value FROM settings WHERE key = :k"),
                         {"k": COURT_KEY}).scalar()
    fill_from_log(conn, court)


def downgrade() -> None:
    op.drop_index("ix_step_attempts_sop_activated", table_name="step_attempts")
    op.drop_table("step_attempts")
