"""Web sign-in sessions: the SHA-256 of each session's cookie, its user, its CSRF token and
when it ends (the store never holds the cookie itself).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | None = None
depends_on: str | None = None

ID = 64
HASH = 64


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("digest", sa.String(HASH), nullable=False),
        sa.Column("username", sa.String(ID), nullable=False),
        sa.Column("csrf", sa.String(HASH), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ended_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["username"], ["users.username"],
                                name="fk_web_sessions_username_users"),
        sa.PrimaryKeyConstraint("digest", name="pk_web_sessions"),
    )
    op.create_index("ix_web_sessions_username", "web_sessions", ["username"])


def downgrade() -> None:
    op.drop_table("web_sessions")
