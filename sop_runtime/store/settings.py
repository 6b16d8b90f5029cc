"""Installation settings: named text values (e.g. the court file the office runs under)."""

from __future__ import annotations

from sqlalchemy import Connection, bindparam, insert, select, update

from sop_runtime.store.schema import settings


def put(conn: Connection, key: str, value: str) -> None:
    """Set ``key`` to ``value`` (insert or replace)."""
    if not conn.execute(update(settings).where(settings.c.key == key)
                        .values(value=value)).rowcount:
        conn.execute(insert(settings).values(key=key, value=value))


_GET = select(settings.c.value).where(settings.c.key == bindparam("key"))  # built once


def get(conn: Connection, key: str) -> str | None:
    return conn.execute(_GET, {"key": key}).scalar()
