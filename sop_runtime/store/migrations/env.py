"""Alembic environment: runs on the connection :func:`sop_runtime.store.migrate.migrate`
hands over in ``config.attributes["connection"]`` (no alembic.ini, no URL here)."""

from __future__ import annotations

from alembic import context
from sqlalchemy import Connection

from sop_runtime.store.schema import metadata


def run() -> None:
    connection = context.config.attributes.get("connection")
    if not isinstance(connection, Connection):
        raise RuntimeError("sop-runtime migrations run through sop_runtime.store.migrate()")
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,  # SQLite alters tables by copying them
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


run()
