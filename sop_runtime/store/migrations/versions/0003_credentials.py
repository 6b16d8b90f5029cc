"""Credentials: users' password hashes (argon2) and API tokens (their SHA-256 only).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | None = None
depends_on: str | None = None

ID = 64
HASH = 64


def upgrade() -> None:
    op.create_table(
        "passwords",
        sa.Column("username", sa.String(ID), nullable=False),
        sa.Column("hash", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["username"], ["users.username"],
                                name="fk_passwords_username_users"),
        sa.PrimaryKeyConstraint("username", name="pk_passwords"),
    )
    op.create_table(
        "api_tokens",
        sa.Column("digest", sa.String(HASH), nullable=False),
        sa.Column("username", sa.String(ID), nullable=False),
        sa.Column("label", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["username"], ["users.username"],
                                name="fk_api_tokens_username_users"),
        sa.PrimaryKeyConstraint("digest", name="pk_api_tokens"),
    )
    op.create_index("ix_api_tokens_username", "api_tokens", ["username"])


def downgrade() -> None:
    op.drop_table("api_tokens")
    op.drop_table("passwords")
