"""The stored log-ordered tree of the seals (``log_leaves``, ``log_nodes``; the tree itself
is :mod:`sop_runtime.audit.logtree`): positioning the entries appended since the last
seal, reading leaves and nodes, and comparing the sealed leaves with the log.

**Finding what was appended, in O(new).** A seal remembers the newest ``events.id`` and
``journal.id`` it positioned; the next takes the rows with higher ids. That is only right
if no row with a lower id can still commit afterwards:

- SQLite serialises writers (``BEGIN IMMEDIATE``): ids commit in order.
- PostgreSQL hands out ids from a sequence when a row is inserted, and transactions commit
  in any order: a writer that took id 41 may commit after one that took 42. So the sealing
  transaction first takes ``LOCK TABLE events, journal IN SHARE ROW EXCLUSIVE MODE``
  (:func:`hold_writers`). It conflicts with the ROW EXCLUSIVE lock every insert holds to
  its commit, so it waits for every writer in flight, and it blocks new ones until the seal
  commits (the seal's own work is O(new)). Every id handed out before the lock is then
  committed or rolled back, and every later one is higher than any the seal sees. The
  mode conflicts with itself too, so two seals never position the same entries. Writers
  take journal and case-log locks in their own order, so waiting for both tables can
  deadlock with one of them; PostgreSQL then aborts one side and the seal is tried again
  (:func:`is_deadlock`).
"""

from __future__ import annotations

import heapq
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

from sqlalchemy import (
    Connection,
    String,
    and_,
    cast,
    func,
    insert,
    literal,
    select,
    text,
)
from sqlalchemy.exc import DBAPIError

from sop_runtime.store.chain import JOURNAL_MARK
from sop_runtime.store.schema import events, journal, log_leaves, log_nodes

Leaf = tuple[str, int, str]  # (case id or "@journal", seq, hash)

INSERT_BATCH = 5000
ANALYZE_AFTER = 10_000  # leaves positioned at once after which PostgreSQL's statistics are
                        # taken again


@dataclass(frozen=True, slots=True)
class Appended:
    """The entries appended since the last seal, in the order they are positioned."""

    leaves: list[Leaf]
    events_through: int
    journal_through: int


def hold_writers(conn: Connection) -> None:
    """Wait for every writer in flight and hold new ones off until this transaction ends
    (PostgreSQL; SQLite's write transaction already does). See the module docstring."""
    if conn.dialect.name != "sqlite":
        conn.execute(text("LOCK TABLE events, journal IN SHARE ROW EXCLUSIVE MODE"))


def is_deadlock(exc: BaseException) -> bool:
    """Whether PostgreSQL aborted the transaction to break a deadlock (SQLSTATE 40P01)."""
    orig = getattr(exc, "orig", None)
    return isinstance(exc, DBAPIError) and getattr(orig, "sqlstate", None) == "40P01"


def appended(conn: Connection, events_through: int, journal_through: int) -> Appended:
    """The case events and journal entries with ids above the last seal's, each table in id
    (commit) order, the two interleaved by the time they were recorded."""
    e, j = events.c, journal.c
    # the instants as the database writes them (ISO text on SQLite, the session's
    # timestamptz text on PostgreSQL): ordered alike, with no datetime made per row
    found_events = conn.execute(select(e.id, cast(e.recorded_at, String), e.case_id, e.seq,
                                       e.hash)
                                .where(e.id > events_through).order_by(e.id)).all()
    found_journal = conn.execute(select(j.id, cast(j.recorded_at, String),
                                        literal(JOURNAL_MARK) + j.log, j.seq, j.hash)
                                 .where(j.id > journal_through).order_by(j.id)).all()

    def when(row: Sequence[object]) -> str:
        return str(row[1])

    merged = heapq.merge(found_events, found_journal, key=when)
    return Appended([(r[2], r[3], r[4]) for r in merged],
                    found_events[-1][0] if found_events else events_through,
                    found_journal[-1][0] if found_journal else journal_through)


def save(conn: Connection, start: int, leaves: Sequence[Leaf],
         nodes: dict[tuple[int, int], bytes]) -> None:
    """Store ``leaves`` at positions from ``start`` and the ``nodes`` they complete."""
    rows = [{"position": start + i, "case_id": c, "seq": s, "hash": h}
            for i, (c, s, h) in enumerate(leaves)]
    for lo in range(0, len(rows), INSERT_BATCH):
        conn.execute(insert(log_leaves), rows[lo:lo + INSERT_BATCH])
    made = [{"level": lv, "idx": i, "hash": h.hex()} for (lv, i), h in nodes.items()]
    for lo in range(0, len(made), INSERT_BATCH):
        conn.execute(insert(log_nodes), made[lo:lo + INSERT_BATCH])
    if conn.dialect.name != "sqlite" and len(rows) >= ANALYZE_AFTER:
        # PostgreSQL plans from statistics: after the first seal fills the tables, a
        # range of positions read without them can be planned as a scan of the table
        conn.execute(text("ANALYZE log_leaves"))
        conn.execute(text("ANALYZE log_nodes"))


def leaves(conn: Connection, lo: int, hi: int) -> list[Leaf]:
    c = log_leaves.c
    return [(r[0], r[1], r[2]) for r in conn.execute(
        select(c.case_id, c.seq, c.hash).where(c.position >= lo, c.position < hi)
        .order_by(c.position))]


def nodes(conn: Connection, keys: Sequence[tuple[int, int]]) -> dict[tuple[int, int], str]:
    """The stored nodes among ``keys``. Read as ``level IN (...) AND idx IN (...)``, a few
    primary-key lookups each (an OR of pairs is a scan of the table on SQLite), and the
    extra pairs that also match are left out."""
    c = log_nodes.c
    wanted = set(keys)
    out: dict[tuple[int, int], str] = {}
    for lo in range(0, len(keys), 200):
        part = keys[lo:lo + 200]
        for level, idx, hash_ in conn.execute(select(c.level, c.idx, c.hash).where(
                c.level.in_({k[0] for k in part}), c.idx.in_({k[1] for k in part}))):
            if (level, idx) in wanted:
                out[(level, idx)] = hash_
    return out


def beyond(conn: Connection, size: int) -> bool:
    """Whether leaves are stored past position ``size`` (no seal took them)."""
    return conn.execute(select(log_leaves.c.position).where(log_leaves.c.position >= size)
                        .order_by(log_leaves.c.position).limit(1)).first() is not None


def case_leaves(conn: Connection, case_id: str) -> list[tuple[int, int, str]]:
    """The positioned entries of one case (or ``@journal``): (position, seq, hash) in seq
    order."""
    c = log_leaves.c
    return [(r[0], r[1], r[2]) for r in conn.execute(
        select(c.position, c.seq, c.hash).where(c.case_id == case_id).order_by(c.seq))]


def newest_positioned(conn: Connection, case_ids: Sequence[str], below: int
                      ) -> dict[str, tuple[int, int, str]]:
    """Each case's (or ``@journal``'s) newest entry among the first ``below`` positions:
    case -> (position, seq, hash)."""
    c = log_leaves.c
    out: dict[str, tuple[int, int, str]] = {}
    for lo in range(0, len(case_ids), 500):
        part = list(case_ids[lo:lo + 500])
        newest = (select(c.case_id, func.max(c.seq).label("seq"))
                  .where(c.case_id.in_(part), c.position < below).group_by(c.case_id)
                  .subquery())
        out.update({r[0]: (r[1], r[2], r[3]) for r in conn.execute(
            select(c.case_id, c.position, c.seq, c.hash).join(
                newest, and_(c.case_id == newest.c.case_id, c.seq == newest.c.seq)))})
    return out


def touched_since(conn: Connection, events_through: int) -> tuple[list[str], int]:
    """The cases with events above id ``events_through`` (in case id order), and how many
    such events there are: O(events since)."""
    # counted here, not by GROUP BY: SQLite would read the (case_id, seq) index of the whole
    # log to group, instead of the range of ids
    found = Counter(conn.execute(select(events.c.case_id)
                                 .where(events.c.id > events_through)).scalars())
    return sorted(found), sum(found.values())


def event_hashes(conn: Connection, wanted: Sequence[tuple[str, int]]
                 ) -> dict[tuple[str, int], str]:
    """The log's hash of each (case, seq) in ``wanted`` that it holds (read case by case on
    the (case_id, seq) key: these are cases whose logs are read whole anyway)."""
    e = events.c
    asked = set(wanted)
    out: dict[tuple[str, int], str] = {}
    ids = sorted({c for c, _ in wanted})
    for lo in range(0, len(ids), 500):
        for case_id, seq, hash_ in conn.execute(select(e.case_id, e.seq, e.hash).where(
                e.case_id.in_(ids[lo:lo + 500]))):
            if (case_id, seq) in asked:
                out[(case_id, seq)] = hash_
    return out


def stream(conn: Connection, size: int, batch: int = 20000) -> Iterator[list[Leaf]]:
    """The first ``size`` leaves in position order, in batches."""
    lo = 0
    while lo < size:
        hi = min(lo + batch, size)
        rows = leaves(conn, lo, hi)
        if not rows:
            return
        yield rows
        lo += len(rows)


def all_nodes(conn: Connection) -> dict[tuple[int, int], str]:
    c = log_nodes.c
    return {(r[0], r[1]): r[2] for r in conn.execute(select(c.level, c.idx, c.hash))}


def positions(conn: Connection) -> int:
    """How many leaves are stored, and whether they are numbered 0..n-1 (-1 if not)."""
    c = log_leaves.c
    count, top = conn.execute(select(func.count(), func.max(c.position))).one()
    return count if (top is None and count == 0) or top == count - 1 else -1


def first_unmatched(conn: Connection, size: int) -> tuple[int, Leaf, str | None] | None:
    """The first of the first ``size`` leaves the log no longer holds as positioned:
    (position, leaf, the hash the log has at that place or None when the entry is gone)."""
    c, e, j = log_leaves.c, events.c, journal.c
    found: list[tuple[int, Leaf, str | None]] = []
    for joined, now_hash, where in (
            (log_leaves.outerjoin(events, and_(e.case_id == c.case_id, e.seq == c.seq)),
             e.hash, ~c.case_id.startswith(JOURNAL_MARK)),
            (log_leaves.outerjoin(journal, and_(j.log == func.substr(c.case_id, 2),
                                                j.seq == c.seq)),
             j.hash, c.case_id.startswith(JOURNAL_MARK))):
        row = conn.execute(
            select(c.position, c.case_id, c.seq, c.hash, now_hash).select_from(joined)
            .where(where, c.position < size, now_hash.is_(None) | (now_hash != c.hash))
            .order_by(c.position).limit(1)).first()
        if row is not None:
            found.append((row[0], (row[1], row[2], row[3]), row[4]))
    return min(found) if found else None


def first_unpositioned(conn: Connection, events_through: int, journal_through: int
                       ) -> tuple[int, str, int] | None:
    """An entry inside the sealed range of ids that no seal positioned (it was slipped in
    after the seal, with an old id): (id, case or ``@journal``, seq)."""
    c, e, j = log_leaves.c, events.c, journal.c
    leafed = select(c.position).where(c.case_id == e.case_id, c.seq == e.seq).exists()
    row = conn.execute(select(e.id, e.case_id, e.seq).where(e.id <= events_through, ~leafed)
                       .order_by(e.id).limit(1)).first()
    if row is not None:
        return row[0], row[1], row[2]
    chain = literal(JOURNAL_MARK) + j.log
    leafed = select(c.position).where(c.case_id == chain, c.seq == j.seq).exists()
    row = conn.execute(select(j.id, chain, j.seq).where(j.id <= journal_through, ~leafed)
                       .order_by(j.id).limit(1)).first()
    return None if row is None else (row[0], row[1], row[2])
