"""The overview's overdue counts and age buckets kept as the steps are written
(``tallies``): the open steps by the hour they were activated and their deadline's class,
the steps recorded overdue by (SOP, node, assignee) and by (role, SOP). Their keys join ids,
so the key column widens; two partial indexes hold the steps recorded overdue. Filled here
from the projected open steps.

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-06
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | None = None
depends_on: str | None = None

ID = 64
SEP = "\x1f"

_steps = sa.table("open_steps", sa.column("case_id"), sa.column("node"),
                  sa.column("attempt"), sa.column("role"), sa.column("sop_id"),
                  sa.column("assignee"), sa.column("activated_at"), sa.column("due_at"),
                  sa.column("overdue_flagged", sa.Boolean))
_tallies = sa.table("tallies", sa.column("what"), sa.column("key"), sa.column("n"))


def _instant(value: object) -> datetime:
    """A stored instant as an aware UTC datetime (SQLite keeps naive UTC ISO text)."""
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    assert isinstance(value, datetime)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _fill() -> None:
    """The counts as sop_runtime.store.tallies.steps_changed keeps them, as of this
    revision."""
    s = _steps.c
    counts: Counter[tuple[str, str]] = Counter()
    seen: set[tuple[str, str, int]] = set()
    rows = op.get_bind().execute(sa.select(s.case_id, s.node, s.attempt, s.role, s.sop_id,
                                           s.assignee, s.activated_at, s.due_at,
                                           s.overdue_flagged))
    for case_id, node, attempt, role, sop_id, assignee, activated, due, flagged in rows:
        timed = due is not None
        if flagged and timed:
            counts[("late_role", SEP.join((role, sop_id)))] += 1
        if (case_id, node, attempt) in seen:
            continue
        seen.add((case_id, node, attempt))
        cls = "n" if not timed else "f" if flagged else "d"
        counts[("open_age", f"{_instant(activated):%Y-%m-%dT%H}|{cls}")] += 1
        if cls == "f":
            counts[("late_step", SEP.join((sop_id, node, assignee or "")))] += 1
    if counts:
        op.bulk_insert(_tallies, [{"what": w, "key": k, "n": n}
                                  for (w, k), n in sorted(counts.items())])


def upgrade() -> None:
    with op.batch_alter_table("tallies") as batch:
        batch.alter_column("key", type_=sa.String(3 * ID + 8), existing_nullable=False)
    flagged = _steps.c.overdue_flagged == sa.true()
    op.create_index("ix_open_steps_flagged_due", "open_steps", ["due_at"],
                    sqlite_where=flagged, postgresql_where=flagged)
    op.create_index("ix_open_steps_flagged_group", "open_steps",
                    ["sop_id", "node", "assignee", "due_at"],
                    sqlite_where=flagged, postgresql_where=flagged)
    _fill()


def downgrade() -> None:
    op.execute("DELETE FROM tallies WHERE what IN ('open_age', 'late_step', 'late_role')")
    op.drop_index("ix_open_steps_flagged_group", table_name="open_steps")
    op.drop_index("ix_open_steps_flagged_due", table_name="open_steps")
    with op.batch_alter_table("tallies") as batch:
        batch.alter_column("key", type_=sa.String(ID), existing_nullable=False)
