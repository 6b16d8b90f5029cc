"""Finding cases: the staff's search page (``/perkara``: register number, service number, a
party's name, SOP, status, start dates; paged), and the look-up boxes of the supervisor's
and the auditor's pages, which open the one case found or list the several."""

from __future__ import annotations

from datetime import date
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sop_runtime.engine.state import CaseStatus
from sop_runtime.i18n import tr
from sop_runtime.service.access import Permission
from sop_runtime.service.search import BadSearch, CaseSearch, SearchResult, find_cases, sop_choices
from sop_runtime.web.deps import Caller, Rt, signed_in
from sop_runtime.web.render import page

router = APIRouter()

Viewer = Annotated[Caller, signed_in(Permission.VIEW_CASE)]
LONGEST = 120


def _day(text: str, what: tuple[str, str]) -> date | None:
    if not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise BadSearch(tr("{w}: '{t}' bukan tanggal", "{w}: '{t}' is not a date",
                           w=tr(*what), t=text.strip()[:20])) from None


def _short(text: str, what: tuple[str, str]) -> str | None:
    value = " ".join(text.split())
    if len(value) > LONGEST:
        raise BadSearch(tr("{w} terlalu panjang (paling banyak {n} karakter)",
                           "{w} is too long (at most {n} characters)", w=tr(*what),
                           n=LONGEST))
    return value or None


def statuses() -> list[tuple[str, str]]:
    words = {CaseStatus.ACTIVE: ("aktif", "active"), CaseStatus.COMPLETED: ("selesai", "done"),
             CaseStatus.CANCELLED: ("dibatalkan", "cancelled"),
             CaseStatus.REFUSED: ("ditolak saat dimulai", "refused at its start")}
    return [(s.value, tr(*words[s])) for s in CaseStatus]


@router.get("/perkara", response_class=HTMLResponse)
def search_page(request: Request, rt: Rt, caller: Viewer, q: str = "", nomor: str = "",
                nama: str = "", sop: str = "", status: str = "", dari: str = "",
                sampai: str = "", halaman: int = 1) -> HTMLResponse:
    asked = {"q": q, "nomor": nomor, "nama": nama, "sop": sop, "status": status,
             "dari": dari, "sampai": sampai}
    found: SearchResult | None = None
    problem = None
    code = 200
    try:
        search = CaseSearch(
            q=_short(q, ("Pencarian", "The search")), nomor=_short(nomor, ("Nomor perkara",
                                                                          "Register number")),
            nama=_short(nama, ("Nama pihak", "A party's name")), sop=_short(sop, ("SOP", "SOP")),
            status=_short(status, ("Status", "Status")),
            dari=_day(dari, ("Dimulai sejak", "Started from")),
            sampai=_day(sampai, ("Dimulai sampai", "Started until")), page=halaman)
        found = find_cases(rt, caller.reader, search)
    except BadSearch as exc:
        problem, code = str(exc), 422
    return _listing(request, rt, caller, found, asked, problem, code, target="/perkara/",
                    title=tr("Cari perkara", "Find cases"))


def _listing(request: Request, rt: Rt, caller: Caller, found: SearchResult | None,
             asked: dict[str, str], problem: str | None, code: int, *, target: str,
             title: str) -> HTMLResponse:
    kept = {k: v for k, v in asked.items() if v}

    def page_link(n: int) -> str:
        return "/perkara?" + urlencode({**kept, "halaman": n})

    box = "/perkara" if target == "/perkara/" else target.rstrip("/")
    return page(request, "find.html", caller=caller, title=title, status=code, found=found,
                asked=asked, problem=problem, sops=sop_choices(rt), statuses=statuses(),
                target=target, page_link=page_link, form_action=box,
                box_name="q" if box == "/perkara" else "perkara")


def look_up(request: Request, rt: Rt, caller: Caller, text: str, *, target: str,
            title: str) -> Response:
    """The look-up box of a page: the one case found opens at ``target``; several, or none,
    are listed (a person is never answered with raw data)."""
    asked = {"q": text}
    try:
        value = _short(text, ("Nomor perkara atau nomor layanan",
                              "Register number or service number"))
        if value is None:
            raise BadSearch(tr("Tulis nomor perkara, nomor layanan atau nama pihak",
                               "Write a register number, a service number or a party's name"))
        found = find_cases(rt, caller.reader, CaseSearch(q=value))
    except BadSearch as exc:
        return _listing(request, rt, caller, None, asked, str(exc), 422, target=target,
                        title=title)
    if found.exact is not None:
        return RedirectResponse(f"{target}{found.exact.case_id}", status_code=303)
    return _listing(request, rt, caller, found, asked, None, 200, target=target, title=title)
