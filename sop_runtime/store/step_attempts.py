"""The ``step_attempts`` projection: one row per step attempt (engine.attempts), written with
the append, read by the monitoring and evaluation report, rebuilt from the log.

:func:`fill_from_log` writes every row from the events alone (the migration that adds the
table calls it, so an older database reads the same as one that kept it from the start).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select

from sop_runtime.engine.attempts import StepAttempt, attempt_rows
from sop_runtime.store.rawexec import Raw, RawInsert
from sop_runtime.store.schema import cases, deviations, step_attempts

COLUMNS = tuple(f.name for f in fields(StepAttempt))
_a = step_attempts.c
# written on every action: through the DB-API cursor (store.rawexec)
_INSERT = RawInsert(step_attempts, COLUMNS)
_DELETE_ONE = Raw(delete(step_attempts).where(
    _a.case_id == bindparam("k_case"), _a.node == bindparam("k_node"),
    _a.attempt == bindparam("k_attempt")))
_READ = select(*(_a[name] for name in COLUMNS))


def save_attempts(conn: Connection, rows: Sequence[StepAttempt]) -> None:
    """Write ``rows``, replacing the stored rows of the same attempts."""
    if not rows:
        return
    _DELETE_ONE.executemany(conn, [{"k_case": r.case_id, "k_node": r.node,
                                    "k_attempt": r.attempt} for r in rows])
    # the fields are flat values: getattr, not dataclasses.astuple (a deep copy of each)
    _INSERT.execute(conn, [{name: getattr(r, name) for name in COLUMNS} for r in rows])


def remove_attempts(conn: Connection, case_id: str, keys: Iterable[tuple[str, int]]) -> None:
    """Delete the rows of ``case_id``'s attempts ``keys`` (node, attempt)."""
    params = [{"k_case": case_id, "k_node": node, "k_attempt": attempt} for node, attempt in keys]
    if params:
        _DELETE_ONE.executemany(conn, params)


def clear_attempts(conn: Connection) -> None:
    conn.execute(delete(step_attempts))


def attempts_of(conn: Connection, case_ids: Sequence[str]) -> dict[str, list[StepAttempt]]:
    """The stored rows of ``case_ids``, by case, in (node, attempt) order."""
    found: dict[str, list[StepAttempt]] = {}
    if not case_ids:
        return found
    query = _READ.where(_a.case_id.in_(list(case_ids))).order_by(_a.case_id, _a.node,
                                                                  _a.attempt)
    for row in conn.execute(query):
        found.setdefault(row[0], []).append(StepAttempt(*row))
    return found


REPORT_COLUMNS = ("version", "node", "attempt", "role", "status", "completed_by", "due_at",
                  "late", "work_seconds", "wait_seconds", "handle_seconds", "limit_unit")


def for_report(conn: Connection, sop_id: str, start: datetime, end: datetime,
               versions: Iterable[str] | None = None) -> list[tuple[Any, ...]]:
    """The attempts of ``sop_id`` activated in [``start``, ``end``) (of ``versions`` when
    given), as tuples of :data:`REPORT_COLUMNS`."""
    query = select(*(_a[name] for name in REPORT_COLUMNS)).where(
        _a.sop_id == sop_id, _a.activated_at >= start, _a.activated_at < end)
    if versions is not None:
        query = query.where(_a.version.in_(list(versions)))
    return [tuple(row) for row in conn.execute(query)]


def service_for_report(conn: Connection, sop_id: str, start: datetime, end: datetime,
                       versions: Iterable[str] | None = None
                       ) -> list[tuple[str, str, datetime | None, datetime | None]]:
    """(version, status, ended_at, service_due) of the cases of ``sop_id`` started in
    [``start``, ``end``)."""
    c = cases.c
    query = select(c.version, c.status, c.ended_at, c.service_due).where(
        c.sop_id == sop_id, c.started_at >= start, c.started_at < end)
    if versions is not None:
        query = query.where(c.version.in_(list(versions)))
    return [(r[0], r[1], r[2], r[3]) for r in conn.execute(query)]


def deviations_for_report(conn: Connection, sop_id: str, start: datetime, end: datetime
                          ) -> list[tuple[str, str | None, str]]:
    """(version, node, kind) of the standing deviations of ``sop_id``'s cases that happened
    in [``start``, ``end``)."""
    c, d = cases.c, deviations.c
    query = (select(c.version, d.node, d.kind).join(cases, c.case_id == d.case_id)
             .where(c.sop_id == sop_id, d.occurred_at >= start, d.occurred_at < end))
    return [(r[0], r[1], r[2]) for r in conn.execute(query)]


def fill_from_log(conn: Connection, court_source: str | None) -> int:
    """Write the rows of every case from its events (the table empty before); the number of
    rows written. ``court_source`` is the stored court file (its calendar measures the
    durations); a database without one has no cases to fill."""
    from sop_runtime.compiler.library import compile_source
    from sop_runtime.definition.court import CourtFile
    from sop_runtime.definition.loader import validate_as
    from sop_runtime.definition.yamlsource import load_yaml
    from sop_runtime.engine import fold, from_record
    from sop_runtime.store.events import load as load_events
    from sop_runtime.store.scan import case_ids
    from sop_runtime.store.workflows import list_sops, workflow_source
    from sop_runtime.worktime import CourtCalendar

    if court_source is None:
        return 0
    calendar = CourtCalendar.from_court(
        validate_as(load_yaml(court_source, "court.yaml"), CourtFile).model)
    known = {row.sop_id for row in list_sops(conn)}
    compiled: dict[str, Any] = {}
    written = 0
    for case_id in list(case_ids(conn)):
        stored = load_events(conn, case_id)
        state = fold(case_id, [from_record(s.type, s.version, s.payload,
                                           occurred_at=s.occurred_at,
                                           recorded_at=s.recorded_at, actor=s.actor)
                               for s in stored])
        if not state.steps:
            continue
        versions = {s.version or state.version for s in state.steps}
        for version in versions - compiled.keys():
            source = workflow_source(conn, version)
            compiled[version] = None if source is None else compile_source(
                source, f"{version[:12]}.yaml", known_sops=known).workflow
        if any(compiled[v] is None for v in versions):
            continue
        rows = attempt_rows(state, lambda v: compiled[v], calendar)
        save_attempts(conn, rows)
        written += len(rows)
    return written
