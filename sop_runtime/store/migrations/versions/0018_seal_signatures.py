"""A seal's signed tree head: the court's name as the head states it, the head's Ed25519
signature (base64) and the id of the key that made it (the key itself is never stored).
Seals made before, or without a key, stay unsigned.

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0018"
down_revision: str | None = "0017"
branch_labels: str | None = None
depends_on: str | None = None


def upgrade() -> None:
    with op.batch_alter_table("seals") as batch:
        batch.add_column(sa.Column("court", sa.Text(), nullable=True))
        batch.add_column(sa.Column("signature", sa.Text(), nullable=True))
        batch.add_column(sa.Column("signed_with", sa.String(16), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("seals") as batch:
        batch.drop_column("signed_with")
        batch.drop_column("signature")
        batch.drop_column("court")
