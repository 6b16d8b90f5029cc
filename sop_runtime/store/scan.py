"""Walking the whole log: every case that has events."""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy import Connection, select

from sop_runtime.store.schema import events


def case_ids(conn: Connection) -> Iterator[str]:
    """Every case id in the log, in order."""
    query = select(events.c.case_id).distinct().order_by(events.c.case_id)
    for (case_id,) in conn.execute(query):
        yield case_id
