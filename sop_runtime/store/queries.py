"""The read side: worklists, overdue steps, deviations and cases.

``open_steps`` holds one row per role that may act on a step; the step queries read role
rows in index order (a step's rows adjacent) and fold them into one :class:`OpenStep` with
its roles gathered, so a step with several roles is listed once and a ``limit`` counts
steps, while the database walks the ``due_at`` indexes and stops early.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import orjson
from sqlalchemy import (
    ColumnElement,
    Connection,
    Select,
    and_,
    func,
    literal,
    or_,
    select,
    tuple_,
)

from sop_runtime.store.projections import CaseRow, DeviationRow
from sop_runtime.store.schema import CASE_UNBREACHED, STEP_TIMED, STEP_UNFLAGGED, open_steps
from sop_runtime.store.schema import cases as cases_table
from sop_runtime.store.schema import deviations as deviations_table


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
_ROW = (_o.case_id, _o.node, _o.attempt, _o.role, _o.sop_id, _o.kegiatan, _o.activated_at,
        _o.due_at, _o.assignee, _o.claimed_by)


def _fold(rows: Sequence[Sequence[Any]]) -> list[OpenStep]:
    """Steps from role rows in which the rows of one step are adjacent."""
    out: list[OpenStep] = []
    i, n = 0, len(rows)
    while i < n:
        row = rows[i]
        j = i + 1
        while j < n and rows[j][2] == row[2] and rows[j][1] == row[1] \
                and rows[j][0] == row[0]:
            j += 1
        roles = (row[3],) if j == i + 1 else tuple(sorted(r[3] for r in rows[i:j]))
        out.append(OpenStep(row[0], row[1], row[2], roles, row[4], row[5], row[6], row[7],
                            row[8], row[9]))
        i = j
    return out


def _steps(conn: Connection, query: Select[Any], limit: int | None) -> list[OpenStep]:
    """Run ``query`` (role rows ordered so that a step's rows are adjacent) and fold the
    rows into at most ``limit`` steps. With a limit, rows are fetched in pages of about
    two per step (most steps have one or two roles) so the database can stop early."""
    if limit is None:
        return _fold(conn.execute(query).all())
    rows_limit = max(limit * 2, 16)
    while True:
        rows = conn.execute(query.limit(rows_limit)).all()
        steps = _fold(rows)
        if len(rows) < rows_limit:
            return steps[:limit]
        steps.pop()  # the last step may be cut short of some of its roles
        if len(steps) >= limit:
            return steps[:limit]
        rows_limit *= 4


TaskKey = tuple[datetime | None, datetime, str, str, int]
"""A step's place in the worklist's order: (due_at, activated_at, case_id, node, attempt)."""


def worklist(conn: Connection, roles: Collection[str], username: str,
             limit: int = 200, after: TaskKey | None = None) -> list[OpenStep]:
    """The open steps ``username`` may take: those of one of ``roles`` not assigned to
    someone else, and those assigned to ``username``; soonest due first (no deadline last),
    then oldest. A step's ``roles`` are the ones through which it is listed.

    Each role (and the user's own assignments) is read separately along its index, at most
    ``limit`` rows each, and the lists merged: one OR over every role would sort all the
    roles' rows for the first page. Steps without a deadline are read only when those with
    one do not fill the page. ``after``: only the steps after that place (the last step of
    the page before), each role read from there along its index."""
    def first(where: ColumnElement[bool], *, dated: bool) -> list[Any]:
        due = _o.due_at.is_not(None) if dated else _o.due_at.is_(None)
        order = ((_o.due_at,) if dated else ()) + (_o.activated_at, _o.case_id, _o.node,
                                                    _o.attempt)
        seek: list[ColumnElement[bool]] = []
        if after is not None and (dated or after[0] is None):
            key = after if dated else after[1:]
            seek = [order[0] >= key[0], tuple_(*order) > tuple_(
                *(literal(v, type_=c.type) for v, c in zip(key, order, strict=True)))]
        return list(conn.execute(select(*_ROW).where(where, due, *seek).order_by(
            *order).limit(limit)))

    branches: list[ColumnElement[bool]] = [_o.assignee == username]
    branches += [and_(_o.role == role, _o.assignee.is_(None)) for role in sorted(roles)]
    steps: dict[tuple[str, str, int], list[Any]] = {}
    # past the steps with a deadline: only those without one remain
    for dated in (True, False) if after is None or after[0] is not None else (False,):
        for where in branches:
            for row in first(where, dated=dated):
                steps.setdefault((row[0], row[1], row[2]), []).append(row)
        if len(steps) >= limit:
            break
    found = [OpenStep(r[0], r[1], r[2], tuple(sorted({x[3] for x in rows})), r[4], r[5], r[6],
                      r[7], r[8], r[9]) for rows in steps.values() for r in rows[:1]]
    found.sort(key=lambda s: (s.due_at is None, s.due_at or s.activated_at, s.activated_at,
                              s.case_id, s.node, s.attempt))
    return found[:limit]


StepKey = tuple[datetime, str, str, int]
"""A step's place in the overdue order: (due_at, case_id, node, attempt)."""


def _after(key: StepKey | None) -> list[ColumnElement[bool]]:
    """The steps after ``key`` in the overdue order: the first condition alone is the
    deadline index's range, the second breaks the ties."""
    if key is None:
        return []
    columns = (_o.due_at, _o.case_id, _o.node, _o.attempt)
    return [_o.due_at >= key[0], tuple_(*columns) > tuple_(
        *(literal(v, type_=c.type) for v, c in zip(key, columns, strict=True)))]


def overdue(conn: Connection, now: datetime, role: str | None = None, sop: str | None = None,
            limit: int | None = None, hide: Collection[str] = (),
            after: StepKey | None = None) -> list[OpenStep]:
    """Open steps whose deadline is before ``now``, most overdue first; ``role`` keeps the
    steps that role may act on (each still listed with all its roles); ``sop`` keeps one
    SOP's steps; none of the SOPs in ``hide``; only those after ``after`` (the place of the
    last step of the page before) when given: a seek on the deadline index, not an OFFSET."""
    if role is None:
        query = select(*_ROW).where(_o.due_at < now, *_after(after))
        if sop is not None:
            query = query.where(_o.sop_id == sop)
        if hide:
            query = query.where(_o.sop_id.not_in(sorted(hide)))
        query = query.order_by(_o.due_at, _o.case_id, _o.node, _o.attempt, _o.role)
        return _steps(conn, query, limit)
    # the role's rows (index role, due_at; one per step) pick the steps, which then get
    # all their role rows
    m = open_steps.c
    picked = (select(m.case_id, m.node, m.attempt, m.due_at)
              .where(m.role == role, m.due_at < now, *_after(after)))
    if sop is not None:
        picked = picked.where(m.sop_id == sop)
    if hide:
        picked = picked.where(m.sop_id.not_in(sorted(hide)))
    picked = picked.order_by(m.due_at, m.case_id, m.node, m.attempt)
    if limit is not None:
        picked = picked.limit(limit)
    k = picked.subquery("k")
    query = (select(*_ROW).select_from(k).join(open_steps, and_(
        _o.case_id == k.c.case_id, _o.node == k.c.node, _o.attempt == k.c.attempt))
        .order_by(k.c.due_at, k.c.case_id, k.c.node, k.c.attempt, _o.role))
    return _steps(conn, query, None)


def open_now(conn: Connection, sop: str | None = None) -> list[OpenStep]:
    """Every open step (of one SOP with ``sop``), oldest first."""
    query = select(*_ROW)
    if sop is not None:
        query = query.where(_o.sop_id == sop)
    query = query.order_by(_o.activated_at, _o.case_id, _o.node, _o.attempt, _o.role)
    return _steps(conn, query, None)


def deviations(conn: Connection, case: str | None = None, kind: str | None = None,
               limit: int | None = None, hide: Collection[str] = ()) -> list[DeviationRow]:
    """Deviations, newest first (by when they happened); none of the cases of the SOPs in
    ``hide``."""
    query = _deviations_in_order(case, kind, hide)
    if limit is not None:
        query = query.limit(limit)
    return [row for _, row in _deviation_rows(conn, query)]


def deviation_page(conn: Connection, *, limit: int, after: tuple[datetime, int] | None = None,
                   case: str | None = None, kind: str | None = None,
                   hide: Collection[str] = ()) -> list[tuple[int, DeviationRow]]:
    """At most ``limit`` deviations (each with its row id, the tie-break of its place in the
    order), newest first by when they happened, then by id; those after ``after`` (the
    (occurred_at, id) of the last row of the page before) when given. A seek on the
    occurred_at index, not an OFFSET: a page deep in a million rows costs what the first
    does, and only the page's rows are fetched."""
    d = deviations_table.c
    query = _deviations_in_order(case, kind, hide)
    if after is not None:
        when, last = after
        # the first condition alone is the index's range; the second breaks the ties
        query = query.where(d.occurred_at <= when,
                            or_(d.occurred_at < when, d.id < last))
    return _deviation_rows(conn, query.limit(limit))


def _deviations_in_order(case: str | None, kind: str | None,
                         hide: Collection[str]) -> Select[Any]:
    """The deviations (with their row ids) of ``case`` and ``kind`` when given, none of the
    SOPs in ``hide``, newest first, then by id."""
    d = deviations_table.c
    query = select(d.id, d.case_id, d.seq, d.kind, d.outcome, d.occurred_at, d.recorded_at,
                   d.rule, d.node, d.attempt, d.actor, d.reason, d.evidence)
    if hide:
        hidden = select(cases_table.c.case_id).where(cases_table.c.sop_id.in_(sorted(hide)))
        query = query.where(d.case_id.not_in(hidden))
    if case is not None:
        query = query.where(d.case_id == case)
    if kind is not None:
        query = query.where(d.kind == kind)
    return query.order_by(d.occurred_at.desc(), d.id.desc())


def _deviation_rows(conn: Connection, query: Select[Any]) -> list[tuple[int, DeviationRow]]:
    return [(r[0], DeviationRow(r[1], r[2], r[3], r[4], r[5], r[6], r[7], node=r[8],
                                attempt=r[9], actor=r[10], reason=r[11],
                                evidence=orjson.loads(r[12])))
            for r in conn.execute(query)]


IN_CHUNK = 500  # keys asked in one IN list


def case_sops(conn: Connection, case_ids: Collection[str]) -> dict[str, str]:
    """The SOP of each of ``case_ids`` (by the ``cases`` row)."""
    c = cases_table.c
    wanted = sorted(case_ids)
    out: dict[str, str] = {}
    for i in range(0, len(wanted), IN_CHUNK):  # within SQLite's and the drivers' limits
        out.update((r[0], r[1]) for r in conn.execute(select(c.case_id, c.sop_id).where(
            c.case_id.in_(wanted[i:i + IN_CHUNK]))))
    return out


def deviations_of(conn: Connection, sops: Collection[str], kind: str | None = None) -> int:
    """How many deviations belong to cases of ``sops`` (of ``kind``, if given)."""
    d = deviations_table.c
    query = select(func.count()).select_from(deviations_table).where(d.case_id.in_(
        select(cases_table.c.case_id).where(cases_table.c.sop_id.in_(sorted(sops)))))
    if kind is not None:
        query = query.where(d.kind == kind)
    return int(conn.execute(query).scalar() or 0)


_CASE = tuple(cases_table.c[name] for name in (
    "case_id", "sop_id", "version", "status", "started_at", "started_by", "last_seq",
    "head_hash", "updated_at", "ended_at", "service_due", "service_overdue_flagged", "fields",
    "applicant", "register_number"))


def _case(row: Sequence[Any]) -> CaseRow:
    return CaseRow(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8],
                   ended_at=row[9], service_due=row[10], service_overdue_flagged=row[11],
                   fields=orjson.loads(row[12]), applicant=row[13], register_number=row[14])


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


def sweep_queries(now: datetime) -> tuple[Select[Any], ...]:
    """What :func:`sweep_candidates` asks, one range per partial index: the steps past their
    deadline not yet recorded overdue, the timers run out, the open cases past their service
    standard not yet recorded as breached (each repeats its index's condition,
    :data:`~sop_runtime.store.schema.STEP_UNFLAGGED` and the others)."""
    c = cases_table.c
    return (select(_o.case_id).where(STEP_UNFLAGGED, _o.due_at < now),
            select(_o.case_id).where(STEP_TIMED, _o.timer_due <= now),
            select(c.case_id).where(CASE_UNBREACHED, c.service_due < now))


def sweep_candidates(conn: Connection, now: datetime) -> list[str]:
    """Cases on which time alone has caused something to record by ``now``: a step past its
    deadline not yet recorded as overdue, a step timer that has run out, an open case past
    its service standard not yet recorded as breached. By case id.

    Read on indexes that hold only what may still fall due (:func:`sweep_queries`), so the
    cost follows what the sweep has to record, not the open work nor the court's history."""
    found: set[str] = set()
    for query in sweep_queries(now):
        found.update(conn.execute(query).scalars())
    return sorted(found)


def identities(conn: Connection, ids: Collection[str]) -> dict[str, tuple[str | None, str | None]]:
    """(applicant, register number) of each of the cases ``ids`` (read on their key)."""
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    c = cases_table.c
    rows = conn.execute(select(c.case_id, c.applicant, c.register_number)
                        .where(c.case_id.in_(wanted)))
    return {r[0]: (r[1], r[2]) for r in rows}
