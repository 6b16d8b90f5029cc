"""Projections: the read models kept in the same transaction as the append.

``cases`` (one row per case: status, head of its log), ``open_steps`` (one row per role
that may act on an open step: the worklist joins on role) and ``deviations``. They are
derived from the log and can be cleared and rebuilt from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Literal

import orjson
from sqlalchemy import Connection, bindparam, delete, insert, update

from sop_runtime.store.schema import cases, deviations, open_steps

Outcome = Literal["dicatat", "ditolak"]
"""A deviation recorded and accepted (``dicatat``) or an attempt refused (``ditolak``)."""


@dataclass(frozen=True, slots=True)
class CaseRow:
    case_id: str
    sop_id: str
    version: str
    status: str
    started_at: datetime
    started_by: str | None
    last_seq: int
    head_hash: str
    updated_at: datetime
    ended_at: datetime | None = None
    service_due: datetime | None = None
    service_overdue_flagged: bool = False  # the breach of service_due is recorded
    fields: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class OpenStepRow:
    case_id: str
    node: str
    attempt: int
    role: str
    sop_id: str
    kegiatan: str
    activated_at: datetime
    due_at: datetime | None = None
    assignee: str | None = None
    claimed_by: str | None = None
    timer_due: datetime | None = None
    overdue_flagged: bool = False  # the current due_at is recorded as breached


@dataclass(frozen=True, slots=True)
class DeviationRow:
    case_id: str
    seq: int
    kind: str
    outcome: Outcome
    occurred_at: datetime
    recorded_at: datetime
    rule: str
    node: str | None = None
    attempt: int | None = None
    actor: str | None = None
    reason: str | None = None
    evidence: Mapping[str, Any] = field(default_factory=dict)


def _json(value: Mapping[str, Any]) -> str:
    return orjson.dumps(dict(value), option=orjson.OPT_SORT_KEYS).decode()


# built once: the statements are compiled once and cached
_UPDATE_CASE = update(cases).where(cases.c.case_id == bindparam("key"))
_INSERT_CASE = insert(cases)
_DELETE_STEPS = delete(open_steps).where(open_steps.c.case_id == bindparam("key"))
_INSERT_STEPS = insert(open_steps)
_CASE_FIELDS = tuple(f for f in CaseRow.__dataclass_fields__)
_STEP_FIELDS = tuple(f for f in OpenStepRow.__dataclass_fields__)


def save_case(conn: Connection, case: CaseRow, steps: Iterable[OpenStepRow]) -> None:
    """Write ``case``'s row (insert or replace) and replace its open steps with ``steps``."""
    values = {name: getattr(case, name) for name in _CASE_FIELDS}
    values["fields"] = _json(case.fields)
    rows = [{name: getattr(s, name) for name in _STEP_FIELDS} for s in steps]
    if any(r["case_id"] != case.case_id for r in rows):
        raise ValueError(f"open steps of another case given for {case.case_id}")
    if not conn.execute(_UPDATE_CASE, {**values, "key": case.case_id}).rowcount:
        conn.execute(_INSERT_CASE, values)
    conn.execute(_DELETE_STEPS, {"key": case.case_id})
    if rows:
        conn.execute(_INSERT_STEPS, rows)


def add_deviations(conn: Connection, rows: Iterable[DeviationRow]) -> None:
    values = []
    for row in rows:
        value = asdict(row)
        value["evidence"] = _json(row.evidence)
        values.append(value)
    if values:
        conn.execute(insert(deviations), values)


def clear_projections(conn: Connection) -> None:
    """Empty every projection (before rebuilding them from the log)."""
    for table in (open_steps, deviations, cases):
        conn.execute(delete(table))
