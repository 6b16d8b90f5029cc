"""The applicant's contact for notices, kept apart from the log so that it can be erased
(UU 27/2022 tentang Pelindungan Data Pribadi), and the notices due to applicants, one row per
(case, step attempt) so that each is sent once. The log records only that consent was given,
the kind of channel, and what was sent.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | None = None
depends_on: str | None = None

ID = 64


def instant() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "applicant_contacts",
        sa.Column("case_id", sa.String(40), nullable=False),
        sa.Column("channel", sa.String(12), nullable=False),
        sa.Column("address", sa.String(320), nullable=False),
        sa.Column("given_at", instant(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name="pk_applicant_contacts"),
    )
    op.create_table(
        "applicant_notices",
        sa.Column("case_id", sa.String(40), nullable=False),
        sa.Column("node", sa.String(ID), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(12), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("due_at", instant(), nullable=False),
        sa.Column("tries", sa.Integer(), nullable=False),
        sa.Column("claimed_at", instant(), nullable=True),
        sa.PrimaryKeyConstraint("case_id", "node", "attempt", name="pk_applicant_notices"),
    )
    op.create_index("ix_applicant_notices_status_due", "applicant_notices",
                    ["status", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_applicant_notices_status_due", table_name="applicant_notices")
    op.drop_table("applicant_notices")
    op.drop_table("applicant_contacts")
