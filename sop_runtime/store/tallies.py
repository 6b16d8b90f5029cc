"""Counts kept as the projections are written, in the same transaction (``tallies``): the
deviations by kind, the open steps by holder, and what the overview's overdue counts and
age buckets need (:func:`steps_changed`). They depend only on what was recorded, so
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
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, func, literal_column, select

from sop_runtime.store.rawexec import RawInsert
from sop_runtime.store.schema import deviations, open_steps, tallies

__all__ = ["DEVIATION_KIND", "FLAGGED", "LATE_ROLE", "LATE_STEP", "NOBODY", "NO_LIMIT",
           "OPEN_AGE", "OPEN_HOLDER", "TIMED", "Tally", "age_key", "bump", "compact",
           "counted", "hour", "joined", "kept", "read", "split", "steps_changed"]

DEVIATION_KIND = "deviation_kind"
OPEN_HOLDER = "open_holder"
NOBODY = ""  # the holder of a step nobody holds
# The open steps by the hour they were activated and their deadline's class (one per step):
# key "YYYY-MM-DDTHH|class", the hour in UTC.
OPEN_AGE = "open_age"
# The steps recorded overdue (class FLAGGED), one per step by (SOP, node, assignee), and
# one per row by (role, SOP).
LATE_STEP = "late_step"
LATE_ROLE = "late_role"
NO_LIMIT, FLAGGED, TIMED = "n", "f", "d"  # no deadline; recorded overdue; any other deadline
SEP = "\x1f"  # between the parts of a key (no id holds it)

Tally = Counter[tuple[str, str]]
"""Changes to the counts: (what, key) -> how many more (or fewer)."""

_t = tallies.c
_INSERT = RawInsert(tallies, ("what", "key", "n"))  # on every action: see store.rawexec
_READ = (select(_t.key, func.sum(_t.n)).where(_t.what == bindparam("what"))
         .group_by(_t.key))


def joined(*parts: str | None) -> str:
    return SEP.join(p or "" for p in parts)


def split(key: str) -> list[str]:
    return key.split(SEP)


def hour(moment: datetime | str) -> datetime:
    """The UTC hour ``moment`` falls in (an instant as SQLite keeps it: naive UTC ISO
    text, as a row returned through the DB-API cursor holds it)."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def age_key(activated: datetime | str, step_class: str) -> str:
    return f"{hour(activated):%Y-%m-%dT%H}|{step_class}"


def step_class(due_at: datetime | None, flagged: bool) -> str:
    return NO_LIMIT if due_at is None else FLAGGED if flagged else TIMED


def steps_changed(rows: Iterable[Mapping[Any, Any]], sign: int, change: Tally) -> None:
    """Add (``sign`` 1) or take away (-1) ``rows`` of ``open_steps`` (one case's) in the
    counts by activation hour and deadline class, and the steps recorded overdue: a step
    counts once (every row of a step carries the same facts but the role), a role once per
    row."""
    first: dict[tuple[object, object], Mapping[Any, Any]] = {}
    for r in rows:
        due, flagged = r["due_at"], bool(r["overdue_flagged"])
        if flagged and due is not None:
            change[(LATE_ROLE, joined(str(r["role"]), str(r["sop_id"])))] += sign
        first.setdefault((r["node"], r["attempt"]), r)
    for r in first.values():
        due = r["due_at"]
        cls = step_class(due, bool(r["overdue_flagged"]))
        change[(OPEN_AGE, age_key(r["activated_at"], cls))] += sign
        if cls == FLAGGED:
            change[(LATE_STEP, joined(str(r["sop_id"]), str(r["node"]),
                                      r["assignee"]))] += sign


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
    change: Tally = Counter()
    case_rows: list[Mapping[Any, Any]] = []
    last = None
    for r in conn.execute(select(o.case_id, o.node, o.attempt, o.role, o.sop_id, o.assignee,
                                 o.activated_at, o.due_at, o.overdue_flagged)
                          .order_by(o.case_id)).mappings():
        if r["case_id"] != last and case_rows:
            steps_changed(case_rows, 1, change)
            case_rows = []
        last = r["case_id"]
        case_rows.append(r)
    steps_changed(case_rows, 1, change)
    out.update((k, n) for k, n in change.items() if n)
    return out
