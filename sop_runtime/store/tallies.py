"""Counts kept as the projections are written, in the same transaction (``tallies``): the
deviations by kind and the open steps by holder. They depend only on what was recorded, so
they are kept, not counted when read: the supervisor's first view reads a few rows whatever
the court's history.

A change is a new row (what, key, how many more or fewer), never an update of a shared row:
actions written at once (several group-commit batches on PostgreSQL, other processes) take
no lock on one another's counts, so they neither queue behind a busy count nor deadlock. A
count is the sum of its rows; :func:`compact` (run by the sweep) folds the rows into one
per count, deleting exactly the rows it sums, so changes committed meanwhile stay as they
are. ``sop rebuild`` writes the counts again with the projections; ``sop verify`` compares
them with the projected rows (:func:`counted`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from sqlalchemy import Connection, bindparam, delete, func, literal_column, select

from sop_runtime.store.rawexec import RawInsert
from sop_runtime.store.schema import deviations, open_steps, tallies

__all__ = ["DEVIATION_KIND", "NOBODY", "OPEN_HOLDER", "Tally", "bump", "compact", "counted",
           "kept", "read"]

DEVIATION_KIND = "deviation_kind"
OPEN_HOLDER = "open_holder"
NOBODY = ""  # the holder of a step nobody holds

Tally = Counter[tuple[str, str]]
"""Changes to the counts: (what, key) -> how many more (or fewer)."""

_t = tallies.c
_INSERT = RawInsert(tallies, ("what", "key", "n"))  # on every action: see store.rawexec
_READ = (select(_t.key, func.sum(_t.n)).where(_t.what == bindparam("what"))
         .group_by(_t.key))


def bump(conn: Connection, changes: Mapping[tuple[str, str], int]) -> None:
    """Add ``changes`` to the counts (one new row per count changed)."""
    rows = [{"what": what, "key": key, "n": n}
            for (what, key), n in sorted(changes.items()) if n]
    if rows:
        _INSERT.execute(conn, rows)


def read(conn: Connection, what: str) -> dict[str, int]:
    """The counts of ``what`` (DEVIATION_KIND, OPEN_HOLDER) that are not zero, by key."""
    return {r[0]: int(r[1]) for r in conn.execute(_READ, {"what": what}) if r[1]}


def kept(conn: Connection) -> dict[tuple[str, str], int]:
    """Every count not zero, as the table keeps it."""
    query = select(_t.what, _t.key, func.sum(_t.n)).group_by(_t.what, _t.key)
    return {(r[0], r[1]): int(r[2]) for r in conn.execute(query) if r[2]}


def compact(conn: Connection) -> int:
    """Fold the rows of each count into one (none for a count of zero); how many rows were
    folded. The rows deleted are the ones summed (``RETURNING``): a change committed while
    this runs is not seen by the delete and stays a row of its own."""
    if conn.execute(select(func.count()).select_from(tallies)).scalar_one() <= \
            2 * conn.execute(select(func.count()).select_from(
                select(_t.what, _t.key).distinct().subquery())).scalar_one():
        return 0  # already about one row per count
    sums: Tally = Counter()
    gone = 0
    for what, key, n in conn.execute(delete(tallies).returning(_t.what, _t.key, _t.n)):
        sums[(what, key)] += n
        gone += 1
    bump(conn, sums)
    return gone


def counted(conn: Connection) -> dict[tuple[str, str], int]:
    """The same counts taken from the projected rows (a scan of them: ``sop verify``'s
    check)."""
    d, o = deviations.c, open_steps.c
    out: dict[tuple[str, str], int] = {}
    for kind, n in conn.execute(select(d.kind, func.count()).group_by(d.kind)):
        out[(DEVIATION_KIND, kind)] = int(n)
    steps = select(o.case_id, o.node, o.attempt, o.assignee).distinct().subquery()
    holder = func.coalesce(steps.c.assignee, literal_column("''"))  # NOBODY
    for who, n in conn.execute(select(holder, func.count()).group_by(holder)):
        out[(OPEN_HOLDER, who)] = int(n)
    return out
