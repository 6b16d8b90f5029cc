"""The event log as a stream of rows for exports: read-only, in (case, seq) order, fetched
in batches so memory stays flat however long the log is."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, or_, select

from sop_runtime.store.schema import cases, events

BATCH = 5000


@dataclass(frozen=True, slots=True)
class LogRow:
    case_id: str
    seq: int
    type: str
    version: int
    occurred_at: datetime
    recorded_at: datetime
    actor: str | None
    payload: str          # the stored canonical JSON text
    prev_hash: str
    hash: str
    sop_id: str | None    # None: the case row is missing (a broken log; verify says so)
    sop_version: str | None
    status: str | None


def log_rows(conn: Connection, *, case: str | None = None, batch: int = BATCH,
             hide: Collection[str] = ()) -> Iterator[LogRow]:
    """Every stored event (of ``case``, if given), with its case's SOP and version; none of
    the cases of the SOPs in ``hide``."""
    e, c = events.c, cases.c
    query = (select(e.case_id, e.seq, e.type, e.version, e.occurred_at, e.recorded_at,
                    e.actor, e.payload, e.prev_hash, e.hash, c.sop_id, c.version, c.status)
             .select_from(events.outerjoin(cases, c.case_id == e.case_id))
             .order_by(e.case_id, e.seq))
    if case is not None:
        query = query.where(e.case_id == case)
    if hide:
        query = query.where(or_(c.sop_id.is_(None), c.sop_id.not_in(sorted(hide))))
    result = conn.execution_options(yield_per=batch).execute(query)
    try:
        for part in result.partitions():
            for r in part:
                yield LogRow(*tuple(r))
    finally:
        result.close()
