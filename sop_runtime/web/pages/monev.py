"""The monitoring and evaluation page (``/monev``), for supervisors and auditors: one SOP over
a period, its figures per step on the page, and the printable report and the two official
forms (HTML to print, or PDF) to download. Linked from "Audit", beside the period report."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, Response

from sop_runtime.audit.monev_figures import MonevFigures
from sop_runtime.i18n import tr
from sop_runtime.service import library
from sop_runtime.service.access import Permission
from sop_runtime.service.ready import court_zone
from sop_runtime.service.runtime import Runtime
from sop_runtime.web.deps import Caller, Rt, signed_in
from sop_runtime.web.pages.audit import _printed, _today, whole_days
from sop_runtime.web.pages.supervise import text_field
from sop_runtime.web.render import page

router = APIRouter()

Auditor = Annotated[Caller, signed_in(Permission.AUDIT)]
AsFormat = Annotated[str, Query(alias="format")]  # html (default) | pdf


def _asked(rt: Runtime, caller: Caller, sop: str, dari: str, sampai: str, versi: str
           ) -> MonevFigures:
    """The figures the query names (422 on an impossible date or period, 404 on an unknown
    SOP or version)."""
    from sop_runtime.service.monev import monev_figures

    _, _, start, end = whole_days(rt, dari, sampai)
    chosen = text_field(sop, what=("SOP", "The SOP"), longest=64)
    version = text_field(versi, what=("Versi", "The version"), required=False, longest=64)
    return monev_figures(rt, chosen, start, end, version=version or None,
                         reader=caller.reader)


@router.get("/monev", response_class=HTMLResponse)
def monev(request: Request, rt: Rt, caller: Auditor, sop: str = "", dari: str = "",
          sampai: str = "", versi: str = "") -> HTMLResponse:
    """The form; with an SOP asked, its figures and the documents to download."""
    today = _today(rt)
    chosen = sop.strip()
    found = _asked(rt, caller, chosen, dari, sampai, versi) if chosen else None
    context: dict[str, Any] = {}
    if found is not None:
        from sop_runtime.service.monev import monev_context

        context["ctx"] = monev_context(rt, found)
        context["query"] = request.url.query
    return page(request, "monev.html", caller=caller,
                title=tr("Monitoring dan evaluasi SOP", "Monitoring and evaluation of SOPs"),
                sops=[(s.sop_id, s.nama) for s in library.sops(rt)], sop=chosen,
                dari=dari or today.replace(month=1, day=1).isoformat(),
                sampai=sampai or today.isoformat(), versi=versi.strip(), f=found, **context)


def _document(rt: Runtime, caller: Caller, what: str, sop: str, dari: str, sampai: str,
              versi: str, output: str) -> Response:
    """The report (``laporan``), the monitoring form (``monitoring``) or the evaluation
    form (``evaluasi``), as a page to print or a PDF."""
    from sop_runtime.service.monev import monev_pages

    found = _asked(rt, caller, sop, dari, sampai, versi)
    pages = monev_pages(rt, found)
    html = {"laporan": pages.report, "monitoring": pages.monitoring,
            "evaluasi": pages.evaluation}[what]
    zone = court_zone(rt)
    name = "-".join((f"monev-{what}", found.sop_id, found.start.astimezone(zone).date()
                     .isoformat(), (found.end.astimezone(zone) - timedelta(days=1)).date()
                     .isoformat()))
    return _printed(html, output.strip().lower(), name)


@router.get("/monev/laporan")
def report(rt: Rt, caller: Auditor, sop: str = "", dari: str = "", sampai: str = "",
           versi: str = "", output: AsFormat = "") -> Response:
    return _document(rt, caller, "laporan", sop, dari, sampai, versi, output)


@router.get("/monev/monitoring")
def monitoring(rt: Rt, caller: Auditor, sop: str = "", dari: str = "", sampai: str = "",
               versi: str = "", output: AsFormat = "") -> Response:
    return _document(rt, caller, "monitoring", sop, dari, sampai, versi, output)


@router.get("/monev/evaluasi")
def evaluation(rt: Rt, caller: Auditor, sop: str = "", dari: str = "", sampai: str = "",
               versi: str = "", output: AsFormat = "") -> Response:
    return _document(rt, caller, "evaluasi", sop, dari, sampai, versi, output)
