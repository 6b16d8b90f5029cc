"""Projections: the read models kept in the same transaction as the append.

``cases`` (one row per case: status, head of its log), ``open_steps`` (one row per role
that may act on an open step: the worklist joins on role) and ``deviations``. They are
derived from the log and can be cleared and rebuilt from it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Literal

import orjson
from sqlalchemy import Connection, bindparam, delete, func, insert, select, update

from sop_runtime.store import tallies as counts
from sop_runtime.store.errors import ConcurrencyConflict
from sop_runtime.store.rawexec import Raw, RawInsert
from sop_runtime.store.schema import (
    case_names,
    cases,
    deviations,
    events,
    open_steps,
    settings,
    step_attempts,
    tallies,
)

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
    applicant: str | None = None        # the name the case is known by (its first party)
    register_number: str | None = None  # nomor perkara
    # the words of its parties' names, as searched (``case_names``; not a column here)
    names: tuple[str, ...] = ()


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


# built once. The statements sent on every action go through the DB-API cursor
# (store.rawexec); those of rarer changes through Connection.execute
_CASE_FIELDS = tuple(f for f in CaseRow.__dataclass_fields__ if f != "names")
_STEP_FIELDS = tuple(f for f in OpenStepRow.__dataclass_fields__)
_DEVIATION_FIELDS = tuple(f for f in DeviationRow.__dataclass_fields__)
_UPDATE_CASE_CORE = update(cases).where(cases.c.case_id == bindparam("key"))
_UPDATE_CASE_AFTER_CORE = _UPDATE_CASE_CORE.where(cases.c.head_hash == bindparam("after"))
_UPDATE_CASE = Raw(_UPDATE_CASE_CORE, (*_CASE_FIELDS, "key"))
_UPDATE_CASE_AFTER = Raw(_UPDATE_CASE_AFTER_CORE, (*_CASE_FIELDS, "key", "after"))
_UPDATE_CASE_HOLDING = Raw(_UPDATE_CASE_AFTER_CORE.where(func.coalesce(
    select(settings.c.value).where(settings.c.key == bindparam("setting")).scalar_subquery(),
    "") == bindparam("held")), (*_CASE_FIELDS, "key", "after", "setting", "held"))
_INSERT_CASE = Raw(insert(cases), _CASE_FIELDS)
_GONE_FIELDS = ("node", "attempt", "assignee", "role", "sop_id", "activated_at", "due_at",
                "overdue_flagged")
_DELETE_STEPS = Raw(delete(open_steps).where(open_steps.c.case_id == bindparam("key"))
                    .returning(*(open_steps.c[f] for f in _GONE_FIELDS)))
_INSERT_STEPS = RawInsert(open_steps, _STEP_FIELDS)
_DELETE_NAMES = delete(case_names).where(case_names.c.case_id == bindparam("key"))
_READ_NAMES = select(case_names.c.word).where(case_names.c.case_id == bindparam("key"))
_INSERT_NAMES = RawInsert(case_names, ("word", "case_id"))
_INSERT_DEVIATIONS = RawInsert(deviations, _DEVIATION_FIELDS)
_DELETE_DEVIATIONS = delete(deviations).where(
    deviations.c.case_id == bindparam("key"),
    deviations.c.seq.in_(bindparam("seqs", expanding=True))).returning(deviations.c.kind)
_READ_DEVIATION = select(deviations.c.id, deviations.c.evidence).where(
    deviations.c.case_id == bindparam("key"), deviations.c.seq == bindparam("seq"))
_UPDATE_EVIDENCE = update(deviations).where(deviations.c.id == bindparam("key"))


def save_case(conn: Connection, case: CaseRow, steps: Iterable[OpenStepRow], *,
              names_changed: bool = False, after: str | None = None,
              setting: tuple[str, str] | None = None,
              tally: counts.Tally | None = None) -> None:
    """Write ``case``'s row (insert or replace) and replace its open steps with ``steps``;
    the words of its names are written with a new row, or replaced when ``names_changed``.
    The kept counts of the open steps change by what was replaced: added to ``tally``, or written
    at once without it (:mod:`sop_runtime.store.tallies`).
    ``after``: the head hash the row must hold (an existing case whose new events were
    chained after it); another raises :class:`ConcurrencyConflict` (nothing is written),
    as does, with ``after``, a ``setting`` (key, value) that no longer holds that value."""
    values = {name: getattr(case, name) for name in _CASE_FIELDS}
    values["fields"] = _json(case.fields)
    rows = [{name: getattr(s, name) for name in _STEP_FIELDS} for s in steps]
    if any(r["case_id"] != case.case_id for r in rows):
        raise ValueError(f"open steps of another case given for {case.case_id}")
    if after is not None:
        checked = {**values, "key": case.case_id, "after": after}
        if setting is not None:
            checked["setting"], checked["held"] = setting
        if not (_UPDATE_CASE_AFTER if setting is None else _UPDATE_CASE_HOLDING).execute(
                conn, checked):
            raise ConcurrencyConflict(case.case_id)
        inserted = False
    else:
        inserted = not _UPDATE_CASE.execute(conn, {**values, "key": case.case_id})
        if inserted:
            _INSERT_CASE.execute(conn, values)
    if names_changed and not inserted:
        conn.execute(_DELETE_NAMES, {"key": case.case_id})
    if case.names and (inserted or names_changed):
        _INSERT_NAMES.execute(conn, [{"word": w, "case_id": case.case_id}
                                     for w in case.names])
    change = counts.Tally() if tally is None else tally
    # as the driver gives them: instants as SQLite's text or PostgreSQL's (store.tallies.hour)
    gone = [dict(zip(_GONE_FIELDS, r, strict=True))
            for r in _DELETE_STEPS.rows(conn, {"key": case.case_id})]
    for _, _, holder in {(r["node"], r["attempt"], r["assignee"]) for r in gone}:
        change[(counts.OPEN_HOLDER, holder or counts.NOBODY)] -= 1
    counts.steps_changed(gone, -1, change)
    if rows:
        _INSERT_STEPS.execute(conn, rows)
        for _, _, holder in {(r["node"], r["attempt"], r["assignee"]) for r in rows}:
            change[(counts.OPEN_HOLDER, holder or counts.NOBODY)] += 1
        counts.steps_changed(rows, 1, change)
    if tally is None:
        counts.bump(conn, change)


def names_of(conn: Connection, case_id: str) -> tuple[str, ...]:
    """The words of ``case_id``'s parties' names as ``case_names`` holds them, sorted."""
    return tuple(sorted(conn.execute(_READ_NAMES, {"key": case_id}).scalars()))


def add_deviations(conn: Connection, rows: Iterable[DeviationRow], *,
                   tally: counts.Tally | None = None) -> None:
    """Write the deviation rows; their counts by kind grow in ``tally`` (written at once
    without it)."""
    values = []
    change = counts.Tally() if tally is None else tally
    for row in rows:
        # getattr, not asdict (a deep copy of the evidence, replaced at once)
        value = {name: getattr(row, name) for name in _DEVIATION_FIELDS}
        value["evidence"] = _json(row.evidence)
        values.append(value)
        change[(counts.DEVIATION_KIND, row.kind)] += 1
    if values:
        _INSERT_DEVIATIONS.execute(conn, values)
    if tally is None:
        counts.bump(conn, change)


def withdraw_deviations(conn: Connection, case_id: str, seqs: Iterable[int], *,
                        tally: counts.Tally | None = None) -> None:
    """Take the flags at ``seqs`` of ``case_id``'s log off the standing deviations (the log
    keeps them, and their withdrawal); their counts by kind shrink in ``tally`` (written at
    once without it)."""
    wanted = sorted(seqs)
    if wanted:
        change = counts.Tally() if tally is None else tally
        for (kind,) in conn.execute(_DELETE_DEVIATIONS, {"key": case_id, "seqs": wanted}):
            change[(counts.DEVIATION_KIND, kind)] -= 1
        if tally is None:
            counts.bump(conn, change)


def settle_deviations(conn: Connection, case_id: str,
                      settled: Mapping[int, Mapping[str, str]]) -> None:
    """Write the final lateness into the flags at the keys of ``settled`` (their evidence
    merged with it)."""
    for seq, final in settled.items():
        row = conn.execute(_READ_DEVIATION, {"key": case_id, "seq": seq}).first()
        if row is not None:
            merged = {**orjson.loads(row.evidence), **final}
            conn.execute(_UPDATE_EVIDENCE, {"key": row.id, "evidence": _json(merged)})


def clear_projections(conn: Connection) -> None:
    """Empty every projection (before rebuilding them from the log)."""
    for table in (open_steps, deviations, step_attempts, case_names, cases, tallies):
        conn.execute(delete(table))


# -- reading them back, to compare with the fold of the log (``sop verify``) -------------

@dataclass(frozen=True, slots=True)
class StoredProjections:
    """The projected rows of some cases, as the tables hold them."""

    cases: dict[str, CaseRow]
    open_steps: dict[str, list[OpenStepRow]]
    deviations: dict[str, list[DeviationRow]]


_c, _o, _d = cases.c, open_steps.c, deviations.c
_READ_CASES = select(*(_c[name] for name in _CASE_FIELDS)).where(
    _c.case_id.in_(bindparam("ids", expanding=True)))
_READ_STEPS = select(*(_o[name] for name in _STEP_FIELDS)).where(
    _o.case_id.in_(bindparam("ids", expanding=True)))
_READ_DEVIATIONS = select(*(_d[name] for name in _DEVIATION_FIELDS)).where(
    _d.case_id.in_(bindparam("ids", expanding=True))).order_by(_d.case_id, _d.seq, _d.id)


def stored_for(conn: Connection, ids: Sequence[str]) -> StoredProjections:
    """The ``cases``, ``open_steps`` and ``deviations`` rows of the cases ``ids``."""
    found = StoredProjections({}, {}, {})
    if not ids:
        return found
    params = {"ids": list(ids)}
    for row in conn.execute(_READ_CASES, params):
        value = dict(zip(_CASE_FIELDS, row, strict=True))
        value["fields"] = orjson.loads(value["fields"])
        found.cases[value["case_id"]] = CaseRow(**value)
    words: dict[str, list[str]] = {}
    for word, case_id in conn.execute(select(case_names.c.word, case_names.c.case_id).where(
            case_names.c.case_id.in_(list(ids)))):
        words.setdefault(case_id, []).append(word)
    for case_id, found_words in words.items():
        if case_id in found.cases:
            found.cases[case_id] = replace(found.cases[case_id],
                                           names=tuple(sorted(found_words)))
    for row in conn.execute(_READ_STEPS, params):
        step = OpenStepRow(**dict(zip(_STEP_FIELDS, row, strict=True)))
        found.open_steps.setdefault(step.case_id, []).append(step)
    for row in conn.execute(_READ_DEVIATIONS, params):
        value = dict(zip(_DEVIATION_FIELDS, row, strict=True))
        value["evidence"] = orjson.loads(value["evidence"])
        found.deviations.setdefault(value["case_id"], []).append(DeviationRow(**value))
    return found


def orphans(conn: Connection, first: str | None = None, stop: str | None = None
            ) -> list[tuple[str, str]]:
    """(table, case id) of ``open_steps`` and ``deviations`` rows whose case has no event at
    all, for case ids in [``first``, ``stop``) (either end open when None)."""
    out: list[tuple[str, str]] = []
    for name, table in (("open_steps", open_steps), ("deviations", deviations)):
        has_log = select(events.c.id).where(events.c.case_id == table.c.case_id).exists()
        query = select(table.c.case_id).distinct().where(~has_log)
        if first is not None:
            query = query.where(table.c.case_id >= first)
        if stop is not None:
            query = query.where(table.c.case_id < stop)
        out.extend((name, case_id) for case_id in conn.execute(query.order_by(table.c.case_id))
                   .scalars())
    return out
