"""The applicants' tracking codes (kode lacak): one row per request, the SHA-256 of its
current code (never the code) and when it was issued. A credential table, like the web
sessions: not a projection of the log, which records only that a code was reissued.

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | None = None
depends_on: str | None = None

HASH = 64


def upgrade() -> None:
    op.create_table(
        "tracking_codes",
        sa.Column("case_id", sa.String(40), nullable=False),
        sa.Column("digest", sa.String(HASH), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name="pk_tracking_codes"),
    )


def downgrade() -> None:
    op.drop_table("tracking_codes")
