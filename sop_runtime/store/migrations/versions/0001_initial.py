"""The initial schema: definitions, settings, directory, the event log and its projections.

Revision ID: 0001
Revises:
Create Date: 2026-11-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | None = None
depends_on: str | None = None

ID = 64
HASH = 64


def instant() -> sa.DateTime:
    return sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "workflows",
        sa.Column("version", sa.String(HASH), nullable=False),
        sa.Column("sop_id", sa.String(ID), nullable=False),
        sa.Column("nama", sa.Text(), nullable=False),
        sa.Column("source", sa.Text(), nullable=False),
        sa.Column("file", sa.String(500), nullable=False),
        sa.Column("loaded_at", instant(), nullable=False),
        sa.PrimaryKeyConstraint("version", name="pk_workflows"),
    )
    op.create_table(
        "sops",
        sa.Column("sop_id", sa.String(ID), nullable=False),
        sa.Column("current_version", sa.String(HASH), nullable=False),
        sa.ForeignKeyConstraint(["current_version"], ["workflows.version"],
                                name="fk_sops_current_version"),
        sa.PrimaryKeyConstraint("sop_id", name="pk_sops"),
    )
    op.create_table(
        "settings",
        sa.Column("key", sa.String(ID), nullable=False),
        sa.Column("value", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_settings"),
    )
    op.create_table(
        "roles",
        sa.Column("id", sa.String(ID), nullable=False),
        sa.Column("nama", sa.Text(), nullable=False),
        sa.Column("publik", sa.Boolean(), nullable=False),
        sa.Column("sistem", sa.Boolean(), nullable=False),
        sa.Column("pengawas", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_roles"),
    )
    op.create_table(
        "users",
        sa.Column("username", sa.String(ID), nullable=False),
        sa.Column("nama", sa.Text(), nullable=False),
        sa.Column("nip", sa.String(32), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("username", name="pk_users"),
    )
    op.create_table(
        "user_roles",
        sa.Column("username", sa.String(ID), nullable=False),
        sa.Column("role", sa.String(ID), nullable=False),
        sa.ForeignKeyConstraint(["username"], ["users.username"], name="fk_user_roles_username"),
        sa.ForeignKeyConstraint(["role"], ["roles.id"], name="fk_user_roles_role"),
        sa.PrimaryKeyConstraint("username", "role", name="pk_user_roles"),
    )
    op.create_table(
        "delegations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("delegate", sa.String(ID), nullable=False),
        sa.Column("role", sa.String(ID), nullable=False),
        sa.Column("holder", sa.String(ID), nullable=True),
        sa.Column("kind", sa.String(3), nullable=False),
        sa.Column("start", instant(), nullable=False),
        sa.Column("end", instant(), nullable=False),
        sa.Column("reference", sa.Text(), nullable=True),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("created_by", sa.String(ID), nullable=False),
        sa.Column("created_at", instant(), nullable=False),
        sa.CheckConstraint("kind IN ('plh', 'plt')", name="ck_delegations_kind"),
        sa.CheckConstraint('"start" < "end"', name="ck_delegations_period"),
        sa.ForeignKeyConstraint(["delegate"], ["users.username"],
                                name="fk_delegations_delegate"),
        sa.ForeignKeyConstraint(["role"], ["roles.id"], name="fk_delegations_role"),
        sa.PrimaryKeyConstraint("id", name="pk_delegations"),
    )
    op.create_table(
        "case_counters",
        sa.Column("prefix", sa.String(ID), nullable=False),
        sa.Column("last", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("prefix", name="pk_case_counters"),
    )
    op.create_table(
        "events",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("type", sa.String(40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("occurred_at", instant(), nullable=False),
        sa.Column("recorded_at", instant(), nullable=False),
        sa.Column("actor", sa.String(ID), nullable=True),
        sa.Column("payload", sa.Text(), nullable=False),
        sa.Column("prev_hash", sa.String(HASH), nullable=False),
        sa.Column("hash", sa.String(HASH), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_events"),
        sa.UniqueConstraint("case_id", "seq", name="uq_events_case_seq"),
    )
    op.create_index("ix_events_type", "events", ["type"])
    op.create_table(
        "cases",
        sa.Column("case_id", sa.String(40), nullable=False),
        sa.Column("sop_id", sa.String(ID), nullable=False),
        sa.Column("version", sa.String(HASH), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("started_at", instant(), nullable=False),
        sa.Column("started_by", sa.String(ID), nullable=True),
        sa.Column("ended_at", instant(), nullable=True),
        sa.Column("service_due", instant(), nullable=True),
        sa.Column("service_overdue_flagged", sa.Boolean(), nullable=False),
        sa.Column("fields", sa.Text(), nullable=False),
        sa.Column("last_seq", sa.Integer(), nullable=False),
        sa.Column("head_hash", sa.String(HASH), nullable=False),
        sa.Column("updated_at", instant(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", name="pk_cases"),
    )
    op.create_index("ix_cases_sop_status", "cases", ["sop_id", "status"])
    op.create_index("ix_cases_sweep", "cases",
                    ["ended_at", "service_overdue_flagged", "service_due"])
    op.create_table(
        "open_steps",
        sa.Column("case_id", sa.String(40), nullable=False),
        sa.Column("node", sa.String(ID), nullable=False),
        sa.Column("attempt", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(ID), nullable=False),
        sa.Column("sop_id", sa.String(ID), nullable=False),
        sa.Column("kegiatan", sa.Text(), nullable=False),
        sa.Column("assignee", sa.String(ID), nullable=True),
        sa.Column("claimed_by", sa.String(ID), nullable=True),
        sa.Column("activated_at", instant(), nullable=False),
        sa.Column("due_at", instant(), nullable=True),
        sa.Column("timer_due", instant(), nullable=True),
        sa.Column("overdue_flagged", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("case_id", "node", "attempt", "role", name="pk_open_steps"),
    )
    op.create_index("ix_open_steps_due_at", "open_steps", ["due_at"])
    op.create_index("ix_open_steps_sweep", "open_steps", ["overdue_flagged", "due_at"])
    op.create_index("ix_open_steps_timer_due", "open_steps", ["timer_due"])
    op.create_index("ix_open_steps_role_due", "open_steps", ["role", "due_at"])
    op.create_index("ix_open_steps_assignee", "open_steps", ["assignee"])
    op.create_table(
        "deviations",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("case_id", sa.String(40), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(40), nullable=False),
        sa.Column("outcome", sa.String(10), nullable=False),
        sa.Column("node", sa.String(ID), nullable=True),
        sa.Column("attempt", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(ID), nullable=True),
        sa.Column("occurred_at", instant(), nullable=False),
        sa.Column("recorded_at", instant(), nullable=False),
        sa.Column("rule", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.CheckConstraint("outcome IN ('dicatat', 'ditolak')", name="ck_deviations_outcome"),
        sa.PrimaryKeyConstraint("id", name="pk_deviations"),
    )
    op.create_index("ix_deviations_case_id", "deviations", ["case_id"])
    op.create_index("ix_deviations_kind", "deviations", ["kind"])
    op.create_index("ix_deviations_occurred_at", "deviations", ["occurred_at"])


def downgrade() -> None:
    for table in ("deviations", "open_steps", "cases", "events", "case_counters",
                  "delegations", "user_roles", "users", "roles", "settings", "sops",
                  "workflows"):
        op.drop_table(table)
