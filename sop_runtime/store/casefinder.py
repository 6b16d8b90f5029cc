"""Finding cases: by register number, internal id, a party's name, SOP, status and start
date, newest first, a page at a time, each filter on an index (``cases`` and
``case_names``)."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Connection, Select, and_, exists, intersect, select

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


COMMON = 2000
"""Names shared by this many cases or more are common: their cases are found walking the
newest first (one in a few hundred matches, so a page comes soon); rarer ones' cases are
read by their keys and sorted (a few thousand at most)."""


def _word(names: Any, w: str) -> ColumnElement[bool]:
    return and_(names.c.word >= w, names.c.word < _after(w))


def _named(words: tuple[str, ...], *, joined: bool = False) -> Select[tuple[str]]:
    """The cases some party's name of which has a word beginning with each of ``words``.
    ``joined`` (PostgreSQL): the words' entries joined on the case instead of intersected,
    which its planner hashes (the rarer word's entries) and probes with the other's, and
    stops once a limit is met; a case may come more than once (a word typed beginning two
    words of its names)."""
    if joined:
        first = case_names.alias("w0")
        query = select(first.c.case_id).where(_word(first, words[0]))
        for i, w in enumerate(words[1:], 1):
            other = case_names.alias(f"w{i}")
            query = query.join(other, other.c.case_id == first.c.case_id).where(
                _word(other, w))
        return query
    parts = [select(case_names.c.case_id).where(_word(case_names, w)) for w in words]
    if len(parts) == 1:
        return parts[0]
    both = intersect(*parts).subquery()
    return select(both.c.case_id)


def _has_words(words: tuple[str, ...]) -> ColumnElement[bool]:
    """Each of ``words`` begins a word of the case's names, checked case by case on
    ``case_names``'s case index (PostgreSQL walking the newest cases)."""
    checks = []
    for w in words:
        names = case_names.alias()
        checks.append(exists().where(names.c.case_id == _c.case_id, _word(names, w)))
    return and_(*checks)


def _query(f: CaseFilter, named: Collection[str] | None = None, *, hints: bool = True
           ) -> Select[tuple[object, ...]]:
    """The search; ``named``: the cases the words find, when they are few (None: many, or no
    words asked)."""
    query = select(*_CASE)
    if f.register_number:
        query = query.where(_c.register_number >= f.register_number,
                            _c.register_number < _after(f.register_number))
    if f.case_id:
        query = query.where(_c.case_id >= f.case_id, _c.case_id < _after(f.case_id))
    if named is not None:
        query = query.where(_c.case_id.in_(sorted(named)))
    elif f.words and hints:
        # many: the key wrapped (case_id || ''), so SQLite's planner walks the start time's
        # index and checks each case against the words' cases instead of sorting them all
        query = query.where(_c.case_id.concat("").in_(_named(f.words)))
    elif f.words:
        # many, on PostgreSQL: each case walked is checked word by word on its names' index
        # (hashing every case of the words first costs far more than a page of them)
        query = query.where(_has_words(f.words))
    # with the few cases the words find, those are read by their keys: the SOP and the status
    # wrapped (|| ''), so the planner does not walk an SOP's or a status's cases instead
    sop, status = ((_c.sop_id.concat(""), _c.status.concat("")) if named is not None and hints
                   else (_c.sop_id, _c.status))
    if f.sop:
        query = query.where(sop == f.sop)
    if f.status:
        query = query.where(status == f.status)
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
    sqlite = conn.dialect.name == "sqlite"
    named: list[str] | None = None
    if f.words:
        found = dict.fromkeys(str(k) for k in conn.execute(
            _named(f.words, joined=not sqlite).limit(COMMON)).scalars())
        named = list(found) if len(found) < COMMON else None
    # the hints are for SQLite's planner, which has no statistics; PostgreSQL's has them
    query = (_query(f, named, hints=sqlite)
             .order_by(_c.started_at.desc(), _c.case_id.desc())
             .limit(limit + 1).offset(offset))
    rows = [_case(r) for r in conn.execute(query)]
    return rows[:limit], len(rows) > limit
