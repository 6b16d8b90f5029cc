"""Stored seals: each a Merkle root over every case's newest event at the time, with the
heads it covers (so a removed case or a truncated log is found, and an inclusion proof can
be given for any case)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, and_, func, insert, literal, select

from sop_runtime.store.chain import JOURNAL_MARK
from sop_runtime.store.journal import heads as journal_heads
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
    journals: int = 0    # of the leaves, court journals' heads

    @property
    def cases(self) -> int:
        return self.size - self.journals


def current_heads(conn: Connection) -> list[Head]:
    """Every case's newest event, from the log itself, and every court journal's newest
    entry (as ``@journal``), in id order."""
    newest = (select(events.c.case_id, func.max(events.c.seq).label("seq"))
              .group_by(events.c.case_id).subquery())
    query = (select(events.c.case_id, events.c.seq, events.c.hash)
             .join(newest, and_(events.c.case_id == newest.c.case_id,
                                events.c.seq == newest.c.seq))
             .order_by(events.c.case_id))
    found = [(r[0], r[1], r[2]) for r in conn.execute(query)]
    return sorted(found + journal_heads(conn))


def save_seal(conn: Connection, *, sealed_at: datetime, sealed_by: str, root: str,
              heads: Sequence[Head], note: str | None = None) -> int:
    seal_id: int = conn.execute(insert(seals).values(
        sealed_at=sealed_at, sealed_by=sealed_by, size=len(heads), root=root, note=note)
        .returning(seals.c.id)).scalar_one()
    if heads:
        conn.execute(insert(seal_leaves), [
            {"seal_id": seal_id, "position": i, "case_id": c, "seq": s, "hash": h}
            for i, (c, s, h) in enumerate(heads)])
    return seal_id


def list_seals(conn: Connection) -> list[SealRow]:
    s, sl = seals.c, seal_leaves.c
    journals = (select(func.count()).where(sl.seal_id == s.id,
                                           sl.case_id.startswith(JOURNAL_MARK))
                .scalar_subquery())
    return [SealRow(*r) for r in conn.execute(
        select(s.id, s.sealed_at, s.sealed_by, s.size, s.root, s.note, journals)
        .order_by(s.id))]


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
