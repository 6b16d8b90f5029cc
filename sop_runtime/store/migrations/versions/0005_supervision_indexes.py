"""Indexes for the supervisor's overview: the overdue steps' groups read from the deadline
index alone (it now carries the SOP, the node, the assignee and the role), and the open steps' age
counted along an index of activation times; a person's assignments in deadline order.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

from __future__ import annotations

from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    op.drop_index("ix_open_steps_due_at", table_name="open_steps")
    op.create_index("ix_open_steps_due_cover", "open_steps",
                    ["due_at", "sop_id", "node", "assignee", "role"])
    op.create_index("ix_open_steps_activated", "open_steps", ["activated_at", "due_at"])
    # a person's own assignments read in deadline order (the worklist)
    op.drop_index("ix_open_steps_assignee", table_name="open_steps")
    op.create_index("ix_open_steps_assignee_due", "open_steps", ["assignee", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_open_steps_assignee_due", table_name="open_steps")
    op.create_index("ix_open_steps_assignee", "open_steps", ["assignee"])
    op.drop_index("ix_open_steps_activated", table_name="open_steps")
    op.drop_index("ix_open_steps_due_cover", table_name="open_steps")
    op.create_index("ix_open_steps_due_at", "open_steps", ["due_at"])
