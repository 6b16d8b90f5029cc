"""The read queries behind the supervision, library and audit pages: overdue steps counted
by SOP, step, role and holder, open steps counted by age and holder, deviations by kind,
the cases' versions and an SOP's stored versions.

Counting is done by the database (GROUP BY with COUNT and MIN), so a court with a hundred
thousand open steps sends back a few hundred rows, not the steps.

``open_steps`` keeps one row per role that may act on a step; a step counts once. Every row
of a step carries the same facts but the role, and only steps of a node that several roles
may act on have more than one row: the caller names those nodes (:class:`SharedNodes`, from
the stored workflow versions), and only their rows are checked against the step's other
rows. The overdue steps are counted on their first role's row (:func:`one_row_per_step`);
the open steps over every row, less the rows that repeat a step
(:func:`open_counts_scanned`).

The ``*_scanned`` counts read every open step (or every overdue one); the overview reads
the same counts from what is kept as the steps are written
(:mod:`sop_runtime.store.late_counts`), and they are the reference it is tested against.

The holder of a step is who claimed it, else who it is assigned to (claiming also assigns:
:mod:`sop_runtime.engine.state`); a step nobody holds has none.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import (
    ColumnElement,
    Connection,
    and_,
    case,
    column,
    exists,
    func,
    literal,
    not_,
    or_,
    select,
    true,
    tuple_,
)

from sop_runtime.store import tallies
from sop_runtime.store.schema import cases, open_steps, sops, workflows

__all__ = ["LateGroup", "OpenCounts", "RoleCount", "SharedNodes", "VersionRow", "case_versions",
           "deviation_kinds", "late_by_role_scanned", "late_groups_scanned",
           "one_row_per_step", "open_counts_scanned", "sop_versions"]

_o = open_steps.c

IN_TIME, OVERDUE, NO_LIMIT = "in_time", "overdue", "no_limit"


@dataclass(frozen=True, slots=True)
class SharedNodes:
    """Where a step can have more than one row: the nodes several roles may act on."""

    pairs: frozenset[tuple[str, str]] = frozenset()  # (SOP id, node), in some stored version
    roles: frozenset[str] = frozenset()              # every role that may act on those nodes
    unknown: frozenset[str] = frozenset()            # SOPs with a version that does not compile


def _suspects(shared: SharedNodes) -> ColumnElement[bool] | None:
    """Rows that may share their step with another row (None: no row can)."""
    found: list[ColumnElement[bool]] = []
    if shared.pairs:
        # the node first: most rows fail it on the deadline index alone
        found.append(and_(tuple_(_o.sop_id, _o.node).in_(sorted(shared.pairs)),
                          _o.role.in_(sorted(shared.roles))))
    if shared.unknown:
        found.append(_o.sop_id.in_(sorted(shared.unknown)))
    return or_(*found) if found else None


def _earlier_role() -> ColumnElement[bool]:
    other = open_steps.alias("other_role")
    return exists().where(other.c.case_id == _o.case_id, other.c.node == _o.node,
                          other.c.attempt == _o.attempt, other.c.role < _o.role)


def one_row_per_step(shared: SharedNodes) -> ColumnElement[bool]:
    """A condition true on exactly one row of each open step: the row of its first role
    (in the database's order of role ids). Only the rows of ``shared`` nodes are checked
    against their step's other rows."""
    suspects = _suspects(shared)
    return true() if suspects is None else not_(and_(suspects, _earlier_role()))


def _repeats(shared: SharedNodes) -> ColumnElement[bool] | None:
    """The rows that are not their step's first (None: there are none): counted over every
    row and then taken away, a step counts once, and only these few rows are looked up."""
    suspects = _suspects(shared)
    return None if suspects is None else and_(suspects, _earlier_role())


@dataclass(frozen=True, slots=True)
class LateGroup:
    """Overdue steps of one SOP node held by one person (or nobody)."""

    sop_id: str
    node: str
    holder: str | None
    steps: int
    oldest_due: datetime


def late_groups_scanned(conn: Connection, now: datetime,
                        lead: ColumnElement[bool]) -> list[LateGroup]:
    """Steps past their deadline at ``now``, counted by (SOP, node, holder) with the
    earliest deadline of each; ``lead`` is :func:`one_row_per_step`. Read from the deadline
    index alone (``ix_open_steps_due_cover``: the holder is the assignee, as a claim assigns
    too)."""
    query = (select(_o.sop_id, _o.node, _o.assignee, func.count(), func.min(_o.due_at))
             .where(_o.due_at < now, lead)
             .group_by(_o.sop_id, _o.node, _o.assignee))
    return [LateGroup(r[0], r[1], r[2], r[3], r[4]) for r in conn.execute(query)]


@dataclass(frozen=True, slots=True)
class RoleCount:
    role: str
    steps: int
    oldest_due: datetime


def late_by_role_scanned(conn: Connection, now: datetime,
                 hide: Collection[str] = ()) -> list[RoleCount]:
    """Overdue steps by each role that may act on them (a step of two roles counts under
    both; a role has one row per step), none of the SOPs in ``hide``."""
    query = select(_o.role, func.count(), func.min(_o.due_at)).where(_o.due_at < now)
    if hide:
        query = query.where(_o.sop_id.not_in(sorted(hide)))
    query = query.group_by(_o.role)
    return [RoleCount(r[0], r[1], r[2]) for r in conn.execute(query)]


@dataclass(frozen=True, slots=True)
class OpenCounts:
    """Every open step counted once: by (age bucket, deadline status) and by holder."""

    ages: dict[tuple[int, str], int]
    held: dict[str | None, int]      # None: held by nobody


def open_counts_scanned(conn: Connection, now: datetime, boundaries: Sequence[datetime],
                shared: SharedNodes) -> OpenCounts:
    """Every open step counted by (age bucket, deadline status at ``now``) and by holder.

    ``boundaries`` are instants, newest first: a step activated at or before
    ``boundaries[i]`` (and after ``boundaries[i + 1]``) is in bucket ``i + 1``; bucket 0
    holds the younger ones. Statuses: IN_TIME, OVERDUE, NO_LIMIT.

    Each count is taken over every row (ages: one range of ``ix_open_steps_activated`` per
    bucket), then the rows that repeat a step are taken away (looked up among the shared
    nodes' rows only). The holders' counts are kept as the steps are written
    (:mod:`sop_runtime.store.tallies`). A claim assigns the step to its claimant too
    (:mod:`sop_runtime.engine.state`), so the assignee is the holder."""
    older = [(_o.activated_at <= b, i) for i, b in reversed(list(enumerate(boundaries, 1)))]
    bucket = case(*older, else_=0) if older else literal(0)
    status = case((_o.due_at.is_(None), 2), (_o.due_at < now, 1), else_=0)
    # one integer per row, grouped by its name: computed once per row, one sort key
    code = (bucket * 3 + status).label("code")
    # one range of the activation index per bucket (the index carries the deadline too)
    edges: list[datetime | None] = [None, *boundaries, None]
    ages: dict[int, int] = defaultdict(int)
    for i in range(len(edges) - 1):
        newer, older_edge = edges[i], edges[i + 1]
        where = [c for c in (None if newer is None else _o.activated_at <= newer,
                             None if older_edge is None else _o.activated_at > older_edge)
                 if c is not None]
        status_code = (literal(i * 3) + status).label("code")
        for c, n in conn.execute(select(status_code, func.count()).where(*where)
                                 .group_by(column("code"))):
            ages[c] += n
    # kept as the steps are written (store.tallies): a step counts once already
    held: dict[str | None, int] = {(who or None): n for who, n in tallies.read(
        conn, tallies.OPEN_HOLDER).items()}
    repeats = _repeats(shared)
    if repeats is not None:
        query = select(code, func.count()).where(repeats).group_by(column("code"))
        for c, n in conn.execute(query):
            ages[c] -= n
    names = (IN_TIME, OVERDUE, NO_LIMIT)
    return OpenCounts({(c // 3, names[c % 3]): n for c, n in ages.items() if n},
                      {h: n for h, n in held.items() if n})


def deviation_kinds(conn: Connection) -> list[tuple[str, int]]:
    """Every deviation recorded, counted by kind (most first): the counts kept as they are
    recorded (:mod:`sop_runtime.store.tallies`), a few rows whatever the history."""
    kinds = tallies.read(conn, tallies.DEVIATION_KIND)
    return sorted(kinds.items(), key=lambda kv: (-kv[1], kv[0]))


def case_versions(conn: Connection, case_ids: Collection[str]) -> dict[str, str]:
    """The workflow version each of ``case_ids`` runs on."""
    if not case_ids:
        return {}
    c = cases.c
    rows = conn.execute(select(c.case_id, c.version).where(c.case_id.in_(sorted(case_ids))))
    return {r[0]: r[1] for r in rows}


@dataclass(frozen=True, slots=True)
class VersionRow:
    version: str
    sop_id: str
    nama: str
    file: str
    loaded_at: datetime
    current: bool


def sop_versions(conn: Connection, sop_id: str | None = None) -> list[VersionRow]:
    """The stored workflow versions (of ``sop_id``), newest loaded first."""
    w = workflows.c
    current = sops.c.current_version
    query = (select(w.version, w.sop_id, w.nama, w.file, w.loaded_at, current)
             .outerjoin(sops, current == w.version)
             .order_by(w.loaded_at.desc(), w.version))
    if sop_id is not None:
        query = query.where(w.sop_id == sop_id)
    return [VersionRow(r[0], r[1], r[2], r[3], r[4], r[5] is not None)
            for r in conn.execute(query)]
