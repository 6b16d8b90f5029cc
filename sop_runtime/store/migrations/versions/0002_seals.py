"""Seals: a Merkle root over every case's newest event, with the heads it covers.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | None = None
depends_on: str | None = None

ID = 64
HASH = 64


def upgrade() -> None:
    op.create_table(
        "seals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sealed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("sealed_by", sa.String(ID), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("root", sa.String(HASH), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_seals"),
    )
    op.create_table(
        "seal_leaves",
        sa.Column("seal_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("case_id", sa.String(40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("hash", sa.String(HASH), nullable=False),
        sa.ForeignKeyConstraint(["seal_id"], ["seals.id"], name="fk_seal_leaves_seal_id"),
        sa.PrimaryKeyConstraint("seal_id", "position", name="pk_seal_leaves"),
    )
    op.create_index("ix_seal_leaves_case_id", "seal_leaves", ["case_id"])


def downgrade() -> None:
    op.drop_table("seal_leaves")
    op.drop_table("seals")
