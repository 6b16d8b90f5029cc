"""Finding cases: by register number, internal id, a party's name, SOP, status and start
date, newest first, a page at a time, each filter on an index (``cases`` and
``case_names``)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Connection, Select, and_, select

from sop_runtime.store.projections import CaseRow
from sop_runtime.store.queries import _CASE, _case
from sop_runtime.store.schema import case_names, cases

_c = cases.c


@dataclass(frozen=True, slots=True)
class CaseFilter:
    """What a search asks for; every part given narrows it. ``register_number`` and
    ``case_id`` match from their beginning (``14/Pdt.G/2026`` finds ``14/Pdt.G/2026/PN
    Snn``); ``words``: each the beginning of a word of some party's name (folded to lower
    case); ``started_from`` / ``started_before``: the start's instants, the second
    excluded."""

    register_number: str | None = None
    case_id: str | None = None
    words: tuple[str, ...] = ()
    sop: str | None = None
    status: str | None = None
    started_from: datetime | None = None
    started_before: datetime | None = None
    hidden_sops: Collection[str] = ()  # confidential SOPs the reader may not see


def _after(prefix: str) -> str:
    """The least string after every string that begins with ``prefix`` (code point
    order)."""
    return prefix[:-1] + chr(ord(prefix[-1]) + 1)


def _query(f: CaseFilter) -> Select[tuple[object, ...]]:
    query = select(*_CASE)
    if f.register_number:
        query = query.where(_c.register_number >= f.register_number,
                            _c.register_number < _after(f.register_number))
    if f.case_id:
        query = query.where(_c.case_id >= f.case_id, _c.case_id < _after(f.case_id))
    for word in sorted(f.words, key=len, reverse=True):  # the longest narrows most
        named = select(case_names.c.case_id).where(
            and_(case_names.c.word >= word, case_names.c.word < _after(word)))
        query = query.where(_c.case_id.in_(named))
    if f.sop:
        query = query.where(_c.sop_id == f.sop)
    if f.status:
        query = query.where(_c.status == f.status)
    if f.started_from is not None:
        query = query.where(_c.started_at >= f.started_from)
    if f.started_before is not None:
        query = query.where(_c.started_at < f.started_before)
    if f.hidden_sops:
        query = query.where(_c.sop_id.not_in(sorted(f.hidden_sops)))
    return query


def find_cases(conn: Connection, f: CaseFilter, *, limit: int, offset: int = 0
               ) -> tuple[list[CaseRow], bool]:
    """One page of the cases ``f`` finds, newest start first, and whether more follow."""
    query = (_query(f).order_by(_c.started_at.desc(), _c.case_id.desc())
             .limit(limit + 1).offset(offset))
    rows = [_case(r) for r in conn.execute(query)]
    return rows[:limit], len(rows) > limit
