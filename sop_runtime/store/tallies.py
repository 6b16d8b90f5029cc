"""Counts kept as the projections are written, in the same transaction (``tallies``): the
deviations by kind and the open steps by holder. They depend only on what was recorded, so
they are kept, not counted when read: the supervisor's first view reads a few rows whatever
the court's history.

An action's changes are summed first (a :class:`Tally` handed to the projection writers)
and written at once, each count one upsert, in the order of their keys: on PostgreSQL a
count's row stays locked until the commit, so two actions in flight wait on one another
only when they change the same count, and, taking the rows in one order, never in a
circle. ``sop rebuild`` writes them again with the projections; ``sop verify`` compares
them with the projected rows (:func:`counted`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Connection, bindparam, func, literal_column, select
from sqlalchemy.dialects import postgresql, sqlite

from sop_runtime.store.schema import deviations, open_steps, tallies

__all__ = ["DEVIATION_KIND", "NOBODY", "OPEN_HOLDER", "Tally", "bump", "counted", "read"]

DEVIATION_KIND = "deviation_kind"
OPEN_HOLDER = "open_holder"
NOBODY = ""  # the holder of a step nobody holds

Tally = Counter[tuple[str, str]]
"""Changes to the counts: (what, key) -> how many more (or fewer)."""

_UPSERT: dict[str, Any] = {}


def _upsert(dialect: str) -> Any:
    if dialect not in _UPSERT:
        make = postgresql.insert if dialect == "postgresql" else sqlite.insert
        stmt = make(tallies)
        _UPSERT[dialect] = stmt.on_conflict_do_update(
            index_elements=[tallies.c.what, tallies.c.key],
            set_={"n": tallies.c.n + stmt.excluded.n})
    return _UPSERT[dialect]


def bump(conn: Connection, changes: Mapping[tuple[str, str], int]) -> None:
    """Add ``changes`` to the counts, in the order of their keys."""
    rows = [{"what": what, "key": key, "n": n}
            for (what, key), n in sorted(changes.items()) if n]
    if rows:
        stmt = _upsert(conn.dialect.name)
        for row in rows:  # one at a time, in order: the rows are locked in that order
            conn.execute(stmt, row)


_READ = select(tallies.c.key, tallies.c.n).where(tallies.c.what == bindparam("what"),
                                                   tallies.c.n != 0)


def read(conn: Connection, what: str) -> dict[str, int]:
    """The counts of ``what`` (DEVIATION_KIND, OPEN_HOLDER) that are not zero, by key."""
    return {r[0]: int(r[1]) for r in conn.execute(_READ, {"what": what})}


def kept(conn: Connection) -> dict[tuple[str, str], int]:
    """Every count not zero, as the table keeps it."""
    return {(r[0], r[1]): int(r[2]) for r in conn.execute(
        select(tallies.c.what, tallies.c.key, tallies.c.n).where(tallies.c.n != 0))}


def counted(conn: Connection) -> dict[tuple[str, str], int]:
    """The same counts taken from the projected rows (a scan of them: ``sop verify``'s
    check, a migration's first filling)."""
    d, o = deviations.c, open_steps.c
    out: dict[tuple[str, str], int] = {}
    for kind, n in conn.execute(select(d.kind, func.count()).group_by(d.kind)):
        out[(DEVIATION_KIND, kind)] = int(n)
    steps = select(o.case_id, o.node, o.attempt, o.assignee).distinct().subquery()
    holder = func.coalesce(steps.c.assignee, literal_column("''"))  # NOBODY
    for who, n in conn.execute(select(holder, func.count()).group_by(holder)):
        out[(OPEN_HOLDER, who)] = int(n)
    return out
