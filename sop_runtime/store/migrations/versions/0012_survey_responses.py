"""The Survei Kepuasan Masyarakat: ``survey_responses`` holds one response per completed
request (the nine unsur of Permenpan-RB 14/2017, each 1-4, the suggestion, the optional
profile), apart from the log. An older database has no responses: the table starts empty.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | None = None
depends_on: str | None = None

ID = 64
HASH = 64
UNSUR = ("persyaratan", "prosedur", "waktu", "biaya", "produk", "kompetensi", "perilaku",
         "sarana", "pengaduan")


def upgrade() -> None:
    op.create_table(
        "survey_responses",
        sa.Column("case_id", sa.String(40), nullable=False),
        sa.Column("sop_id", sa.String(ID), nullable=False),
        sa.Column("version", sa.String(HASH), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=False),
        *(sa.Column(key, sa.Integer(), nullable=False) for key in UNSUR),
        sa.Column("saran", sa.Text(), nullable=True),
        sa.Column("jenis_kelamin", sa.String(1), nullable=True),
        sa.Column("pendidikan", sa.String(10), nullable=True),
        sa.Column("pekerjaan", sa.String(20), nullable=True),
        sa.Column("cara", sa.String(10), nullable=False),
        sa.Column("entered_by", sa.String(ID), nullable=True),
        sa.PrimaryKeyConstraint("case_id", name="pk_survey_responses"),
        *(sa.CheckConstraint(f"{key} BETWEEN 1 AND 4", name=f"ck_survey_responses_{key}")
          for key in UNSUR),
        sa.CheckConstraint("cara IN ('daring', 'kertas')", name="ck_survey_responses_cara"),
    )
    op.create_index("ix_survey_responses_answered_at", "survey_responses", ["answered_at"])
    op.create_index("ix_survey_responses_sop_answered", "survey_responses",
                    ["sop_id", "answered_at"])


def downgrade() -> None:
    op.drop_index("ix_survey_responses_sop_answered", table_name="survey_responses")
    op.drop_index("ix_survey_responses_answered_at", table_name="survey_responses")
    op.drop_table("survey_responses")
