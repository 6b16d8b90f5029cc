"""The sweep's candidates on partial indexes: the open steps not yet recorded overdue by
their deadline, the steps with a timer by when it runs out, the running cases whose breach
of the service standard is not yet recorded by their service standard's end. The sweep
reads a range of what is due by now; the rows already recorded and the finished cases are
not in these indexes at all.

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0014"
down_revision: str | None = "0013"
branch_labels: str | None = None
depends_on: str | None = None

_steps = sa.table("open_steps", sa.column("overdue_flagged", sa.Boolean),
                  sa.column("timer_due"))
_cases = sa.table("cases", sa.column("ended_at"), sa.column("service_due"),
                  sa.column("service_overdue_flagged", sa.Boolean))


def _partial(name: str, table: str, column: str, where: sa.ColumnElement[bool]) -> None:
    op.create_index(name, table, [column], sqlite_where=where, postgresql_where=where)


def upgrade() -> None:
    unflagged = _steps.c.overdue_flagged == sa.false()
    _partial("ix_open_steps_unflagged_due", "open_steps", "due_at", unflagged)
    _partial("ix_open_steps_timer", "open_steps", "timer_due", _steps.c.timer_due.is_not(None))
    _partial("ix_cases_service_due", "cases", "service_due", sa.and_(
        _cases.c.ended_at.is_(None), _cases.c.service_overdue_flagged == sa.false(),
        _cases.c.service_due.is_not(None)))
    op.drop_index("ix_open_steps_sweep", table_name="open_steps")
    op.drop_index("ix_open_steps_timer_due", table_name="open_steps")
    op.drop_index("ix_cases_sweep", table_name="cases")


def downgrade() -> None:
    op.create_index("ix_cases_sweep", "cases",
                    ["ended_at", "service_overdue_flagged", "service_due"])
    op.create_index("ix_open_steps_timer_due", "open_steps", ["timer_due"])
    op.create_index("ix_open_steps_sweep", "open_steps", ["overdue_flagged", "due_at"])
    op.drop_index("ix_cases_service_due", table_name="cases")
    op.drop_index("ix_open_steps_timer", table_name="open_steps")
    op.drop_index("ix_open_steps_unflagged_due", table_name="open_steps")
