"""The court's own journals: append-only, hash-chained logs beside the cases' logs.

``direktori`` records who may act (roles, staff, who holds which role, Plh/Plt, passwords
and API tokens set or revoked), ``definisi`` the definitions in force (the court file, each
SOP version loaded and made current), ``akses`` every read of a confidential case,
``data_pribadi`` the erasures of applicants' contacts (how many, never whose). An entry
is chained exactly like a case's event (:func:`sop_runtime.store.chain.chain_hashes`), under
the chain id ``@<journal>``; the seals take every journal entry too.

Appends to one journal are serialised (SQLite: the caller's :func:`begin_write` holds the
write lock; PostgreSQL: a transaction-scoped advisory lock per journal, taken in one order),
so the chain's order is the commit order and two writers never race for the same seq.
"""

from __future__ import annotations

import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import orjson
from sqlalchemy import Connection, bindparam, insert, select, text

from sop_runtime.store.chain import GENESIS, chain_hashes, journal_chain
from sop_runtime.store.schema import journal

Journal = Literal["direktori", "definisi", "akses", "data_pribadi"]
JOURNALS: tuple[Journal, ...] = ("direktori", "definisi", "akses", "data_pribadi")

Entry = tuple[str, dict[str, Any]]
"""(type, payload): one entry to append (schema version 1)."""


@dataclass(frozen=True, slots=True)
class StoredEntry:
    log: str
    seq: int
    type: str
    version: int
    occurred_at: datetime
    recorded_at: datetime
    actor: str | None
    payload: dict[str, Any]
    prev_hash: str
    hash: str


# the order every writer takes the journals' locks in: the busiest first, so an append to
# it takes one lock
_LOCK_ORDER: tuple[Journal, ...] = ("akses", "data_pribadi", "definisi", "direktori")


def _lock(conn: Connection, log: Journal) -> None:
    """PostgreSQL: hold ``log``'s advisory lock to the end of the transaction. The locks are
    taken in one order (:data:`_LOCK_ORDER`): appending to a journal first takes the locks of
    those before it, so two transactions that append to several journals (``sop init``:
    definitions, then the directory) cannot each wait for the other. The key names the
    schema too: courts kept in schemas of one database do not wait on each other."""
    if conn.dialect.name != "postgresql":
        return
    # the schema the engine's connections work in (read once, when it first connected)
    schema = conn.dialect.default_schema_name
    for name in _LOCK_ORDER[: _LOCK_ORDER.index(log) + 1]:
        conn.execute(text("SELECT pg_advisory_xact_lock(:k)"),
                     {"k": zlib.crc32(f"sop-journal:{schema}:{name}".encode())})


_HEAD = (select(journal.c.seq, journal.c.hash).where(journal.c.log == bindparam("log"))
         .order_by(journal.c.seq.desc()).limit(1))


def head(conn: Connection, log: str) -> tuple[int, str] | None:
    """(seq, hash) of the journal's newest entry, or None when it is empty."""
    row = conn.execute(_HEAD, {"log": log}).first()
    return None if row is None else (row[0], row[1])


def append(conn: Connection, log: Journal, entries: Sequence[Entry], *, at: datetime,
           actor: str | None, recorded_at: datetime | None = None) -> list[StoredEntry]:
    """Append ``entries`` (which happened ``at``, by ``actor``) to the journal ``log``, in
    the caller's writing transaction."""
    if not entries:
        return []
    from sop_runtime.compiler.canonical import canonical_json  # heavy: see chain.event_hash
    from sop_runtime.engine.events import utc_iso

    for instant in (at, recorded_at or at):
        if instant.tzinfo is None or instant.utcoffset() is None:
            raise ValueError(f"naive datetime {instant.isoformat()}: an instant needs a zone")
    _lock(conn, log)
    seq, prev = head(conn, log) or (0, GENESIS)
    recorded = recorded_at or at
    rows: list[dict[str, Any]] = [
        {"log": log, "seq": seq + 1 + i, "type": type_, "version": 1, "occurred_at": at,
         "recorded_at": recorded, "actor": actor, "payload": canonical_json(payload).decode()}
        for i, (type_, payload) in enumerate(entries)]
    hashes = chain_hashes(journal_chain(log), prev, (
        (r["seq"], r["type"], r["version"], utc_iso(at), utc_iso(recorded), actor, r["payload"])
        for r in rows))
    for row, hash_ in zip(rows, hashes, strict=True):
        row["prev_hash"], row["hash"] = prev, hash_
        prev = hash_
    conn.execute(insert(journal), rows)
    return [_stored(r) for r in rows]


def _stored(r: dict[str, Any]) -> StoredEntry:
    return StoredEntry(r["log"], r["seq"], r["type"], r["version"], r["occurred_at"],
                       r["recorded_at"], r["actor"], orjson.loads(r["payload"]),
                       r["prev_hash"], r["hash"])


_COLUMNS = (journal.c.log, journal.c.seq, journal.c.type, journal.c.version,
            journal.c.occurred_at, journal.c.recorded_at, journal.c.actor, journal.c.payload,
            journal.c.prev_hash, journal.c.hash)


def load(conn: Connection, log: str) -> list[StoredEntry]:
    """The journal's entries in order."""
    rows = conn.execute(select(*_COLUMNS).where(journal.c.log == log)
                        .order_by(journal.c.seq))
    return [StoredEntry(r[0], r[1], r[2], r[3], r[4], r[5], r[6], orjson.loads(r[7]), r[8],
                        r[9]) for r in rows]
