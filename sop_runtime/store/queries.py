"""The read side: worklists, overdue steps, deviations and cases.

``open_steps`` holds one row per role that may act on a step; the step queries group those
rows into one :class:`OpenStep` with its roles gathered, so a step with several roles is
listed once and a ``limit`` counts steps.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import ColumnElement, Connection, and_, func, or_, select, tuple_

from sop_runtime.store.projections import CaseRow, DeviationRow
from sop_runtime.store.schema import cases as cases_table
from sop_runtime.store.schema import deviations as deviations_table
from sop_runtime.store.schema import open_steps

ROLE_SEP = ","


@dataclass(frozen=True, slots=True)
class OpenStep:
    """An open step of a case, with the roles that may act on it."""

    case_id: str
    node: str
    attempt: int
    roles: tuple[str, ...]
    sop_id: str
    kegiatan: str
    activated_at: datetime
    due_at: datetime | None
    assignee: str | None
    claimed_by: str | None


_o = open_steps.c
_KEY = (_o.case_id, _o.node, _o.attempt)
_DUE = func.min(_o.due_at)
_ACTIVATED = func.min(_o.activated_at)
# the columns but role are the same on every role row of a step
_STEP = (*_KEY, func.aggregate_strings(_o.role, ROLE_SEP), func.min(_o.sop_id),
         func.min(_o.kegiatan), _ACTIVATED, _DUE, func.min(_o.assignee),
         func.min(_o.claimed_by))


def _step(row: Sequence[Any]) -> OpenStep:
    return OpenStep(row[0], row[1], row[2], tuple(sorted(row[3].split(ROLE_SEP))), row[4],
                    row[5], row[6], row[7], row[8], row[9])


def _steps(conn: Connection, where: ColumnElement[bool], order: tuple[Any, ...],
           limit: int | None) -> list[OpenStep]:
    query = select(*_STEP).where(where).group_by(*_KEY).order_by(*order, *_KEY)
    if limit is not None:
        query = query.limit(limit)
    return [_step(r) for r in conn.execute(query)]


def worklist(conn: Connection, roles: Collection[str], username: str,
             limit: int = 200) -> list[OpenStep]:
    """The open steps ``username`` may take: those of one of ``roles`` not assigned to
    someone else, and those assigned to ``username``; soonest due first (no deadline last),
    then oldest. A step's ``roles`` are the ones through which it is listed."""
    mine: ColumnElement[bool] = _o.assignee == username
    if roles:
        mine = or_(mine, and_(_o.role.in_(sorted(roles)), _o.assignee.is_(None)))
    return _steps(conn, mine, (_DUE.is_(None), _DUE, _ACTIVATED), limit)


def overdue(conn: Connection, now: datetime, role: str | None = None, sop: str | None = None,
            limit: int | None = None) -> list[OpenStep]:
    """Open steps whose deadline is before ``now``, most overdue first; ``role`` keeps the
    steps that role may act on (each still listed with all its roles); ``sop`` keeps one
    SOP's steps."""
    where: ColumnElement[bool] = _o.due_at < now
    if role is not None:
        keyed = (select(*_KEY).where(_o.role == role, _o.due_at < now))
        where = and_(where, tuple_(*_KEY).in_(keyed))
    if sop is not None:
        where = and_(where, _o.sop_id == sop)
    return _steps(conn, where, (_DUE,), limit)


def deviations(conn: Connection, case: str | None = None, kind: str | None = None,
               limit: int | None = None) -> list[DeviationRow]:
    """Deviations, newest first (by when they happened)."""
    d = deviations_table.c
    query = select(d.case_id, d.seq, d.kind, d.outcome, d.occurred_at, d.recorded_at, d.rule,
                   d.node, d.attempt, d.actor, d.reason, d.evidence)
    if case is not None:
        query = query.where(d.case_id == case)
    if kind is not None:
        query = query.where(d.kind == kind)
    query = query.order_by(d.occurred_at.desc(), d.id.desc())
    if limit is not None:
        query = query.limit(limit)
    return [DeviationRow(r[0], r[1], r[2], r[3], r[4], r[5], r[6], node=r[7], attempt=r[8],
                         actor=r[9], reason=r[10], evidence=orjson.loads(r[11]))
            for r in conn.execute(query)]


_CASE = tuple(cases_table.c[name] for name in (
    "case_id", "sop_id", "version", "status", "started_at", "started_by", "last_seq",
    "head_hash", "updated_at", "ended_at", "service_due", "service_overdue_flagged", "fields"))


def _case(row: Sequence[Any]) -> CaseRow:
    return CaseRow(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8],
                   ended_at=row[9], service_due=row[10], service_overdue_flagged=row[11],
                   fields=orjson.loads(row[12]))


def case_row(conn: Connection, case_id: str) -> CaseRow | None:
    row = conn.execute(select(*_CASE).where(cases_table.c.case_id == case_id)).first()
    return None if row is None else _case(row)


def cases(conn: Connection, sop: str | None = None, status: str | None = None
          ) -> list[CaseRow]:
    """Cases, by case id; ``sop`` and ``status`` narrow the list."""
    query = select(*_CASE)
    if sop is not None:
        query = query.where(cases_table.c.sop_id == sop)
    if status is not None:
        query = query.where(cases_table.c.status == status)
    return [_case(r) for r in conn.execute(query.order_by(cases_table.c.case_id))]


def sweep_candidates(conn: Connection, now: datetime) -> list[str]:
    """Cases on which time alone has caused something to record by ``now``: a step past its
    deadline not yet recorded as overdue, a step timer that has run out, an open case past
    its service standard not yet recorded as breached. By case id."""
    c = cases_table.c
    steps = select(_o.case_id).where(or_(and_(_o.overdue_flagged.is_(False), _o.due_at < now),
                                         _o.timer_due <= now))
    late = select(c.case_id).where(c.ended_at.is_(None), c.service_overdue_flagged.is_(False),
                                   c.service_due < now)
    found = set(conn.execute(steps).scalars()) | set(conn.execute(late).scalars())
    return sorted(found)
