"""The read queries behind the supervision, library and audit pages: overdue steps counted
by SOP, step, role and holder, open steps counted by age and holder, deviations by kind,
the cases' versions and an SOP's stored versions.

Counting is done by the database (GROUP BY with COUNT and MIN), so a court with a hundred
thousand open steps sends back a few hundred rows, not the steps.

``open_steps`` keeps one row per role that may act on a step; a step counts once. Every row
of a step carries the same facts but the role, so a step is counted on its row of the first
role (:func:`one_row_per_step`). Only steps of a node that several roles may act on have
more than one row; the caller names those nodes (from the stored workflow versions), and
only their rows are checked against the step's other rows.

The holder of a step is who claimed it, else who it is assigned to (claiming also assigns:
:mod:`sop_runtime.engine.state`); a step nobody holds has none.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

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
from sqlalchemy.sql.elements import ColumnClause, Label

from sop_runtime.store.schema import cases, deviations, open_steps, sops, workflows

__all__ = ["AgeCount", "LateGroup", "RoleCount", "VersionRow", "case_versions",
           "deviation_kinds", "late_by_role", "late_groups", "one_row_per_step", "open_counts",
           "sop_versions"]

_o = open_steps.c

IN_TIME, OVERDUE, NO_LIMIT = "in_time", "overdue", "no_limit"


def one_row_per_step(shared: Collection[tuple[str, str]] = (),
                     unknown: Collection[str] = ()) -> ColumnElement[bool]:
    """A condition true on exactly one row of each open step: the row of its first role
    (in the database's order of role ids).

    ``shared``: the (SOP id, node) pairs that more than one role may act on in some stored
    version; ``unknown``: SOPs with a version whose nodes are not known (every node of
    theirs is checked). Rows of other nodes are a step's only row and pass unchecked."""
    suspects: list[ColumnElement[bool]] = []
    if shared:
        suspects.append(tuple_(_o.sop_id, _o.node).in_(sorted(shared)))
    if unknown:
        suspects.append(_o.sop_id.in_(sorted(unknown)))
    if not suspects:
        return true()
    other = open_steps.alias("other_role")
    earlier_role = exists().where(other.c.case_id == _o.case_id, other.c.node == _o.node,
                                  other.c.attempt == _o.attempt, other.c.role < _o.role)
    return not_(and_(or_(*suspects), earlier_role))


def _holder() -> ColumnElement[str | None]:
    return func.coalesce(_o.claimed_by, _o.assignee)


def _named(*labelled: Label[Any]) -> list[ColumnClause[Any]]:
    """GROUP BY a result column's name rather than its expression again (an expression
    repeated with its own parameters is computed twice per row)."""
    return [column(c.name) for c in labelled]


@dataclass(frozen=True, slots=True)
class LateGroup:
    """Overdue steps of one SOP node held by one person (or nobody)."""

    sop_id: str
    node: str
    kegiatan: str
    holder: str | None
    steps: int
    oldest_due: datetime


def late_groups(conn: Connection, now: datetime, lead: ColumnElement[bool]) -> list[LateGroup]:
    """Steps past their deadline at ``now``, counted by (SOP, node, holder) with the
    earliest deadline of each; ``lead`` is :func:`one_row_per_step`."""
    holder = _holder().label("holder")
    query = (select(_o.sop_id, _o.node, func.max(_o.kegiatan), holder, func.count(),
                    func.min(_o.due_at))
             .where(_o.due_at < now, lead)
             .group_by(_o.sop_id, _o.node, *_named(holder)))
    return [LateGroup(r[0], r[1], r[2], r[3], r[4], r[5]) for r in conn.execute(query)]


@dataclass(frozen=True, slots=True)
class RoleCount:
    role: str
    steps: int
    oldest_due: datetime


def late_by_role(conn: Connection, now: datetime) -> list[RoleCount]:
    """Overdue steps by each role that may act on them (a step of two roles counts under
    both; a role has one row per step)."""
    query = (select(_o.role, func.count(), func.min(_o.due_at))
             .where(_o.due_at < now).group_by(_o.role))
    return [RoleCount(r[0], r[1], r[2]) for r in conn.execute(query)]


@dataclass(frozen=True, slots=True)
class AgeCount:
    """Open steps of one age bucket, one deadline status and one holder."""

    bucket: int          # 0: younger than the first boundary; i: older than boundary i
    status: str          # IN_TIME | OVERDUE | NO_LIMIT
    holder: str | None
    steps: int


def open_counts(conn: Connection, now: datetime, boundaries: Sequence[datetime],
                lead: ColumnElement[bool]) -> list[AgeCount]:
    """Every open step counted by age, deadline status at ``now`` and holder.

    ``boundaries`` are instants, newest first: a step activated at or before
    ``boundaries[i]`` (and after ``boundaries[i + 1]``) is in bucket ``i + 1``."""
    older = [(_o.activated_at <= b, i) for i, b in reversed(list(enumerate(boundaries, 1)))]
    # grouped by the labels: the expressions are computed once per row
    bucket = (case(*older, else_=0) if older else literal(0)).label("bucket")
    status = case((_o.due_at.is_(None), NO_LIMIT), (_o.due_at < now, OVERDUE),
                  else_=IN_TIME).label("status")
    holder = _holder().label("holder")
    query = (select(bucket, status, holder, func.count()).where(lead)
             .group_by(*_named(bucket, status, holder)))
    return [AgeCount(r[0], r[1], r[2], r[3]) for r in conn.execute(query)]


def deviation_kinds(conn: Connection) -> list[tuple[str, int]]:
    """Every deviation recorded, counted by kind (most first)."""
    d = deviations.c
    count = func.count()
    query = select(d.kind, count).group_by(d.kind).order_by(count.desc(), d.kind)
    return [(r[0], r[1]) for r in conn.execute(query)]


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
