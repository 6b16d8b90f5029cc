"""Cases the court can name and find: the applicant's name and the register number (nomor
perkara) on each case's row, the words of its parties' names in ``case_names``, and the
indexes the case search reads (register number; start time alone, within an SOP, within a
status). An older database's register numbers (a step's output ``nomor_perkara``) are
written from its log here; its cases name no parties yet.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-04
"""

from __future__ import annotations

import json

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | None = None
depends_on: str | None = None

NAME = 200
REGISTER = 60
WORD = 60


def upgrade() -> None:
    with op.batch_alter_table("cases") as batch:
        batch.add_column(sa.Column("applicant", sa.String(NAME), nullable=True))
        batch.add_column(sa.Column("register_number", sa.String(REGISTER), nullable=True))
    op.create_index("ix_cases_register_number", "cases", ["register_number"])
    op.create_index("ix_cases_started_at", "cases", ["started_at"])
    op.create_index("ix_cases_sop_started", "cases", ["sop_id", "started_at"])
    op.create_index("ix_cases_status_started", "cases", ["status", "started_at"])
    op.create_table(
        "case_names",
        sa.Column("word", sa.String(WORD).with_variant(sa.String(WORD, collation="C"),
                                                       "postgresql"), nullable=False),
        sa.Column("case_id", sa.String(40), nullable=False),
        sa.PrimaryKeyConstraint("word", "case_id", name="pk_case_names"),
    )
    op.create_index("ix_case_names_case_id", "case_names", ["case_id"])
    _register_numbers_from_the_log()


def _register_numbers_from_the_log() -> None:
    conn = op.get_bind()
    found: dict[str, str] = {}
    rows = conn.execute(sa.text(
        "SELECT case_id, payload FROM events WHERE type IN ('case_started', 'step_completed') "
        "AND payload LIKE '%nomor_perkara%' ORDER BY case_id, seq"))
    for case_id, payload in rows:
        data = json.loads(payload)
        number = (data.get("outputs") or {}).get("nomor_perkara") or (
            data.get("fields") or {}).get("nomor_perkara")
        if number:
            found[case_id] = number
    update = sa.text("UPDATE cases SET register_number = :n WHERE case_id = :c")
    for case_id, number in found.items():
        conn.execute(update, {"n": number[:REGISTER], "c": case_id})


def downgrade() -> None:
    op.drop_index("ix_case_names_case_id", table_name="case_names")
    op.drop_table("case_names")
    op.drop_index("ix_cases_status_started", table_name="cases")
    op.drop_index("ix_cases_sop_started", table_name="cases")
    op.drop_index("ix_cases_started_at", table_name="cases")
    op.drop_index("ix_cases_register_number", table_name="cases")
    with op.batch_alter_table("cases") as batch:
        batch.drop_column("register_number")
        batch.drop_column("applicant")
