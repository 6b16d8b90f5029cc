"""The limit on failed sign-ins, kept in the store so that every web process over one database
counts the same tries: one row per counted key (the SHA-256 of an address and username pair,
of a username, or of an address), its count, when the next try may be checked and when the
count starts afresh.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | None = None
depends_on: str | None = None

HASH = 64


def upgrade() -> None:
    op.create_table(
        "sign_in_limits",
        sa.Column("key", sa.String(HASH), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("retry_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_sign_in_limits"),
    )
    op.create_index("ix_sign_in_limits_expires_at", "sign_in_limits", ["expires_at"])


def downgrade() -> None:
    op.drop_table("sign_in_limits")
