"""Pengesahan of SOP versions: ``sop_approvals`` holds each approval in order (who, when,
the day the version comes into force). An older database's versions made current (the
``definisi`` journal's ``sop_version_current`` entries, or the ``sops`` table where no
journal was kept yet) become approvals without an approver: in force as they were loaded.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-05
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | None = None
depends_on: str | None = None

ID = 64
HASH = 64


def upgrade() -> None:
    op.create_table(
        "sop_approvals",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("sop_id", sa.String(ID), nullable=False),
        sa.Column("version", sa.String(HASH), nullable=False),
        sa.Column("approved_by", sa.String(ID), nullable=True),
        sa.Column("approved_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("effective_on", sa.Date(), nullable=True),
        sa.Column("acting", sa.String(ID), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_sop_approvals"),
        sa.ForeignKeyConstraint(["version"], ["workflows.version"],
                                name="fk_sop_approvals_version"),
    )
    op.create_index("ix_sop_approvals_sop_id", "sop_approvals", ["sop_id", "id"])
    conn = op.get_bind()
    made_current = [json.loads(payload) for (payload,) in conn.execute(sa.text(
        "SELECT payload FROM journal WHERE log = 'definisi' AND type = 'sop_version_current' "
        "ORDER BY seq"))]
    if not made_current:  # no journal yet: ``sop init`` journals the sops table as it is
        made_current = [{"sop_id": s, "version": v} for s, v in conn.execute(sa.text(
            "SELECT sop_id, current_version FROM sops ORDER BY sop_id"))]
    table = sa.table("sop_approvals", sa.column("sop_id"), sa.column("version"))
    if made_current:
        conn.execute(sa.insert(table), [{"sop_id": p["sop_id"], "version": p["version"]}
                                        for p in made_current])


def downgrade() -> None:
    op.drop_index("ix_sop_approvals_sop_id", table_name="sop_approvals")
    op.drop_table("sop_approvals")
