"""Counts kept as the projections are written (``tallies``): the deviations by kind and the
open steps by holder, so the supervisor's first view reads a few rows rather than counting
the court's history. A change is a row of its own (no lock shared between writers); filled
here from the projected rows, one row per count.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0016"
down_revision: str | None = "0015"
branch_labels: str | None = None
depends_on: str | None = None

ID = 64


def upgrade() -> None:
    op.create_table(
        "tallies",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  primary_key=True, autoincrement=True),
        sa.Column("what", sa.String(20), nullable=False),
        sa.Column("key", sa.String(ID), nullable=False),
        sa.Column("n", sa.BigInteger(), nullable=False),
    )
    op.create_index("ix_tallies_what_key", "tallies", ["what", "key"])
    op.execute("INSERT INTO tallies (what, key, n) SELECT 'deviation_kind', kind, COUNT(*) "
               "FROM deviations GROUP BY kind")
    op.execute("INSERT INTO tallies (what, key, n) SELECT 'open_holder', holder, COUNT(*) "
               "FROM (SELECT DISTINCT case_id, node, attempt, COALESCE(assignee, '') AS "
               "holder FROM open_steps) AS steps GROUP BY holder")


def downgrade() -> None:
    op.drop_table("tallies")
