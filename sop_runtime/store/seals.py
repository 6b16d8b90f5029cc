"""Stored seals. A seal of kind ``log`` is a head of the log-ordered tree
(:mod:`sop_runtime.store.logtree`): its size and root. One of kind ``heads`` (made before
migration 0015) is a Merkle root over every case's newest event at the time, with the heads
it covers in ``seal_leaves`` (so a removed case or a truncated log is found, and an
inclusion proof can be given for any case)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, and_, case, func, insert, literal, select

from sop_runtime.store.chain import JOURNAL_MARK
from sop_runtime.store.schema import events, journal, seal_leaves, seals

Head = tuple[str, int, str]  # (case_id, seq, hash) of a case's newest event


@dataclass(frozen=True, slots=True)
class SealRow:
    id: int
    sealed_at: datetime
    sealed_by: str
    size: int            # leaves: case heads and court journal heads
    root: str
    note: str | None
    journals: int = 0    # of a heads seal's leaves, court journals' heads
    kind: str = "log"    # log | heads
    events_through: int = 0   # a log seal: the newest events.id and journal.id it took
    journal_through: int = 0
    court: str | None = None      # a signed head (audit.signing): the court it names,
    signature: str | None = None  # its Ed25519 signature (base64)
    signed_with: str | None = None  # and the id of the key that made it

    @property
    def signed(self) -> bool:
        return self.signature is not None

    @property
    def cases(self) -> int:
        return self.size - self.journals


def save_log_seal(conn: Connection, *, sealed_at: datetime, sealed_by: str, size: int,
                  root: str, events_through: int, journal_through: int,
                  note: str | None = None, court: str | None = None,
                  signature: str | None = None, signed_with: str | None = None) -> int:
    seal_id: int = conn.execute(insert(seals).values(
        sealed_at=sealed_at, sealed_by=sealed_by, size=size, root=root, note=note, kind="log",
        events_through=events_through, journal_through=journal_through, court=court,
        signature=signature, signed_with=signed_with)
        .returning(seals.c.id)).scalar_one()
    return seal_id


def newest_log_seal(conn: Connection) -> SealRow | None:
    found = newest_log_seals(conn)
    return found[0] if found else None


def list_seals(conn: Connection) -> list[SealRow]:
    return _seals(conn, None)


def newest_log_seals(conn: Connection, *, signed: bool = False, limit: int = 1,
                     seal_id: int | None = None) -> list[SealRow]:
    """The newest ``limit`` log seals (only signed ones with ``signed``; only seal
    ``seal_id`` when given), newest first: read by the index, whatever the seals' number."""
    query = select(seals.c.id).where(seals.c.kind == "log")
    if signed:
        query = query.where(seals.c.signature.is_not(None))
    if seal_id is not None:
        query = query.where(seals.c.id == seal_id)
    return _seals(conn, query.order_by(seals.c.id.desc()).limit(limit))[::-1]


def count_signed(conn: Connection) -> int:
    return int(conn.execute(select(func.count()).select_from(seals)
                            .where(seals.c.signature.is_not(None))).scalar_one())


def _seals(conn: Connection, ids: Any) -> list[SealRow]:
    s, sl = seals.c, seal_leaves.c
    journals = (select(func.count()).where(sl.seal_id == s.id,
                                           sl.case_id.startswith(JOURNAL_MARK))
                .scalar_subquery())
    kept = (s.kind == "heads", journals)
    query = select(s.id, s.sealed_at, s.sealed_by, s.size, s.root, s.note,
                   case(kept, else_=literal(0)), s.kind,
                   func.coalesce(s.events_through, 0), func.coalesce(s.journal_through, 0),
                   s.court, s.signature, s.signed_with)
    if ids is not None:
        query = query.where(s.id.in_(ids))
    return [SealRow(*r) for r in conn.execute(query.order_by(s.id))]


def leaves(conn: Connection, seal_id: int) -> list[Head]:
    sl = seal_leaves.c
    return [(r[0], r[1], r[2]) for r in conn.execute(
        select(sl.case_id, sl.seq, sl.hash).where(sl.seal_id == seal_id)
        .order_by(sl.position))]


def case_leaves(conn: Connection, case_id: str) -> list[tuple[int, int, str]]:
    """Every seal's leaf for ``case_id``: (seal id, sealed seq, sealed hash), oldest seal
    first."""
    sl = seal_leaves.c
    return [(r[0], r[1], r[2]) for r in conn.execute(
        select(sl.seal_id, sl.seq, sl.hash).where(sl.case_id == case_id)
        .order_by(sl.seal_id))]


def unmatched_leaves(conn: Connection, seal_id: int, limit: int = 1
                     ) -> list[tuple[Head, str | None]]:
    """Sealed heads the log no longer holds as sealed: (head, the hash the log has at
    that place or None when the event is gone), in leaf order."""
    sl, j = seal_leaves.c, journal.c
    now_hash = func.coalesce(events.c.hash, j.hash)
    query = (select(sl.case_id, sl.seq, sl.hash, now_hash)
             .select_from(seal_leaves.outerjoin(
                 events, and_(events.c.case_id == sl.case_id, events.c.seq == sl.seq))
                 .outerjoin(journal, and_(literal(JOURNAL_MARK) + j.log == sl.case_id,
                                          j.seq == sl.seq)))
             .where(sl.seal_id == seal_id)
             .where(now_hash.is_(None) | (now_hash != sl.hash))
             .order_by(sl.position).limit(limit))
    return [((r[0], r[1], r[2]), r[3]) for r in conn.execute(query)]
