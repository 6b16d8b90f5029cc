"""The event log: append with optimistic concurrency, load, head.

A case's events are numbered 1, 2, 3... (``seq``) and chained by hash. ``append`` takes the
seq and hash the caller last saw: if another transaction appended in between, the unique
(case_id, seq) key refuses the insert and :class:`ConcurrencyConflict` is raised; nothing
is written (the caller's transaction is rolled back by its owner).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import Connection, bindparam, exc, select

from sop_runtime.store.chain import chain_hashes
from sop_runtime.store.errors import ConcurrencyConflict, is_conflict
from sop_runtime.store.rawexec import RawInsert
from sop_runtime.store.schema import events

Record = tuple[str, int, dict[str, Any], datetime, datetime, str | None]
"""(type, version, payload, occurred_at, recorded_at, actor): one event to append."""


@dataclass(frozen=True, slots=True)
class StoredEvent:
    case_id: str
    seq: int
    type: str
    version: int
    occurred_at: datetime
    recorded_at: datetime
    actor: str | None
    payload: dict[str, Any]
    prev_hash: str
    hash: str


def append(conn: Connection, case_id: str, after_seq: int, after_hash: str,
           records: Sequence[Record], *, savepoint: bool = True) -> list[StoredEvent]:
    """Append ``records`` to ``case_id`` after the event (``after_seq``, ``after_hash``);
    ``(0, GENESIS)`` for a new case. Raises :class:`ConcurrencyConflict` if another
    transaction got there first; inside a savepoint, so the caller's transaction stays
    usable after a conflict (``savepoint=False`` when the caller rolls back on any error
    anyway, saving two statements)."""
    if not records:
        return []
    from sop_runtime.compiler.canonical import canonical_json  # heavy: see chain.event_hash
    from sop_runtime.engine.events import utc_iso

    rows: list[dict[str, Any]] = []
    for i, (type_, version, payload, occurred_at, recorded_at, actor) in enumerate(records):
        for instant in (occurred_at, recorded_at):
            if instant.tzinfo is None or instant.utcoffset() is None:
                raise ValueError(f"naive datetime {instant.isoformat()}: an instant needs a "
                                 "time zone")
        rows.append({
            "case_id": case_id, "seq": after_seq + 1 + i, "type": type_, "version": version,
            "occurred_at": occurred_at, "recorded_at": recorded_at, "actor": actor,
            "payload": canonical_json(payload).decode(),
        })
    hashes = chain_hashes(case_id, after_hash, (
        (r["seq"], r["type"], r["version"], utc_iso(r["occurred_at"]),
         utc_iso(r["recorded_at"]), r["actor"], r["payload"]) for r in rows))
    prev = after_hash
    for row, hash_ in zip(rows, hashes, strict=True):
        row["prev_hash"], row["hash"] = prev, hash_
        prev = hash_
    try:
        if savepoint:
            with conn.begin_nested():
                _INSERT.execute(conn, rows)
        else:
            _INSERT.execute(conn, rows)
    except (exc.IntegrityError, exc.OperationalError) as error:
        if is_conflict(error):
            raise ConcurrencyConflict(case_id) from error
        raise
    return [_stored(r) for r in rows]


# one multi-row INSERT, not a driver executemany: psycopg runs that in pipeline mode, where
# a conflict can abort the pipeline and log a stray warning on stderr beside the clear answer
_INSERT = RawInsert(events, ("case_id", "seq", "type", "version", "occurred_at",
                             "recorded_at", "actor", "payload", "prev_hash", "hash"))


def _stored(row: dict[str, Any]) -> StoredEvent:
    return StoredEvent(row["case_id"], row["seq"], row["type"], row["version"],
                       row["occurred_at"], row["recorded_at"], row["actor"],
                       orjson.loads(row["payload"]), row["prev_hash"], row["hash"])


COLUMNS = (events.c.case_id, events.c.seq, events.c.type, events.c.version,
            events.c.occurred_at, events.c.recorded_at, events.c.actor, events.c.payload,
            events.c.prev_hash, events.c.hash)


_LOAD = (select(*COLUMNS).where(events.c.case_id == bindparam("case"))
         .order_by(events.c.seq))  # built once


def load(conn: Connection, case_id: str) -> list[StoredEvent]:
    """The events of ``case_id`` in order (empty if there are none)."""
    result = conn.execute(_LOAD, {"case": case_id})
    return [StoredEvent(r[0], r[1], r[2], r[3], r[4], r[5], r[6], orjson.loads(r[7]), r[8],
                        r[9]) for r in result]


_HEAD = (select(events.c.seq, events.c.hash).where(events.c.case_id == bindparam("case"))
         .order_by(events.c.seq.desc()).limit(1))  # built once


def head(conn: Connection, case_id: str) -> tuple[int, str] | None:
    """(seq, hash) of the newest event of ``case_id``, or None if it has none."""
    row = conn.execute(_HEAD, {"case": case_id}).first()
    return None if row is None else (row[0], row[1])
