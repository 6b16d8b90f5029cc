"""Finding and listing cases: what a person types (a register number, an internal id, a
party's name, or the parts of the search form) read into a filter on the indexes, and one
page of the cases found. Cases of a confidential SOP the reader may not read are never among
them; those shown that are confidential are journaled as read through a list."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sop_runtime.engine.parties import looks_like_register_number
from sop_runtime.engine.state import CaseStatus
from sop_runtime.errors import SopRuntimeError
from sop_runtime.i18n import tr
from sop_runtime.service import catalog
from sop_runtime.service.confidential import Reader, hidden_sops, record_listed
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.casefinder import CaseFilter
from sop_runtime.store.casefinder import find_cases as _find
from sop_runtime.store.workflows import list_sops
from sop_runtime.wording import day_text

PER_PAGE = 25
MAX_PER_PAGE = 100
MAX_PAGE = 10_000
_CASE_ID = re.compile(r"^[A-Za-z0-9]+-\d{4}(?:-\d{1,7})?$")
_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class CaseSearch:
    """A search as asked: ``q`` is the one box (a register number, an internal id or a
    name, told apart by their shapes); the rest are the form's parts. Dates are the court's
    days, both included."""

    q: str | None = None
    nomor: str | None = None    # register number, or its beginning
    kode: str | None = None     # internal id (SNN-2026-00001), or its beginning
    nama: str | None = None     # words that begin the words of some party's name
    sop: str | None = None
    status: str | None = None
    dari: date | None = None
    sampai: date | None = None
    page: int = 1
    per_page: int = PER_PAGE


@dataclass(frozen=True)
class FoundCase:
    case_id: str
    sop_id: str
    sop_name: str
    status: str
    started_at: datetime
    ended_at: datetime | None
    applicant: str | None
    register_number: str | None


@dataclass(frozen=True)
class SearchResult:
    cases: tuple[FoundCase, ...]
    page: int
    per_page: int
    more: bool  # another page follows

    @property
    def exact(self) -> FoundCase | None:
        """The one case found, when the first page holds exactly one."""
        return self.cases[0] if len(self.cases) == 1 and self.page == 1 else None


class BadSearch(SopRuntimeError):
    """A search that cannot be asked as given (a word too short, an unknown status...)."""


def _words(text: str) -> tuple[str, ...]:
    """The words of a name asked for (letters and digits; one letter alone, as the O of
    O'Neil, is left out), or BadSearch when none is left."""
    found = tuple(w[:60] for w in _WORD.findall(text.casefold()))
    words = tuple(w for w in found if len(w) >= 2)
    short = [w for w in found if len(w) < 2]
    if short and not words:
        raise BadSearch(tr("Nama dicari dari awal katanya: tulis paling sedikit 2 huruf per "
                           "kata ('{w}' terlalu pendek)", "A name is found by the beginning of "
                           "its words: write at least 2 letters a word ('{w}' is too short)",
                           w=short[0]))
    return words[:5]


def read_box(text: str) -> dict[str, str]:
    """What the one search box holds, by its shape: a register number (``nomor``), an
    internal id (``kode``), or a name (``nama``)."""
    q = " ".join(text.split())
    if not q:
        return {}
    if "/" in q and (looks_like_register_number(q) or re.match(r"^\d+(?: K| PK)?/", q)):
        return {"nomor": q}
    if _CASE_ID.match(q):
        return {"kode": q.upper()}
    return {"nama": q}


def _filter(rt: Runtime, search: CaseSearch, hidden: frozenset[str]) -> CaseFilter:
    parts = {"nomor": search.nomor, "kode": search.kode, "nama": search.nama}
    for key, value in read_box(search.q or "").items():
        parts[key] = parts[key] or value
    if search.status and search.status not in {s.value for s in CaseStatus}:
        raise BadSearch(tr("Status '{s}' tidak dikenal; pilih: {all}", "Unknown status '{s}'; "
                           "choose: {all}", s=search.status,
                           all=", ".join(s.value for s in CaseStatus)))
    if search.dari and search.sampai and search.sampai < search.dari:
        raise BadSearch(tr("Tanggal 'sampai' ({b}) sebelum tanggal 'dari' ({a})",
                           "The date 'to' ({b}) is before the date 'from' ({a})",
                           a=day_text(search.dari), b=day_text(search.sampai)))
    with rt.engine.connect() as conn:
        tz = catalog.court(rt, conn)[1].tz
    start = (datetime.combine(search.dari, time(), tz) if search.dari else None)
    stop = (datetime.combine(search.sampai + timedelta(days=1), time(), tz)
            if search.sampai else None)
    return CaseFilter(
        register_number=" ".join(parts["nomor"].split()) if parts["nomor"] else None,
        case_id=parts["kode"].strip().upper() if parts["kode"] else None,
        words=_words(parts["nama"]) if parts["nama"] else (),
        sop=search.sop or None, status=search.status or None, started_from=start,
        started_before=stop, hidden_sops=hidden)


def find_cases(rt: Runtime, reader: Reader, search: CaseSearch) -> SearchResult:
    """One page of the cases ``search`` finds that ``reader`` may see, newest first."""
    if not 1 <= search.page <= MAX_PAGE:
        raise BadSearch(tr("Halaman {p} tidak ada (1-{n})", "There is no page {p} (1-{n})",
                           p=search.page, n=MAX_PAGE))
    per_page = max(1, min(search.per_page, MAX_PER_PAGE))
    hidden = hidden_sops(rt, reader)
    wanted = _filter(rt, search, hidden)
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        rows, more = _find(conn, wanted, limit=per_page, offset=(search.page - 1) * per_page)
        names: dict[str, str] = {}
        for row in rows:
            if row.version not in names:
                try:
                    names[row.version] = catalog.workflow(rt, conn, row.version).nama
                except SopRuntimeError:
                    names[row.version] = row.sop_id
    found = tuple(FoundCase(
        case_id=r.case_id, sop_id=r.sop_id, sop_name=names[r.version], status=r.status,
        started_at=r.started_at, ended_at=r.ended_at, applicant=r.applicant,
        register_number=r.register_number) for r in rows)
    record_listed(rt, reader, {(c.case_id, c.sop_id) for c in found}, "pencarian")
    return SearchResult(found, search.page, per_page, more)


def sop_choices(rt: Runtime) -> list[tuple[str, str]]:
    """(id, name) of the SOPs a search may narrow to."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        out = [(entry.sop_id, entry.nama) for entry in list_sops(conn)]
    return sorted(out, key=lambda pair: pair[1])
