"""The auditor's pages, "Audit": the log's verification (hash chains and seals) on demand,
the seals and a form to make one (supervisors), exports of the log (CSV, JSON lines, XES)
as downloads, the accountability reports (per period, per case; HTML or PDF) as their own
printable documents, and the list of deviations with filters.

Examiners (Hakim Pengawas Bidang) read everything here; only supervisors seal.
"""

from __future__ import annotations

import io
import tempfile
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date, datetime, time, timedelta
from typing import IO, Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response, StreamingResponse

from sop_runtime.engine.deviation_text import deviation_label, outcome_label
from sop_runtime.engine.events import DeviationKind
from sop_runtime.i18n import tr
from sop_runtime.isotime import year_problem
from sop_runtime.service import evidence, library, seals, views
from sop_runtime.service.access import Permission
from sop_runtime.service.ready import court_zone
from sop_runtime.service.runtime import Runtime
from sop_runtime.web import flash
from sop_runtime.web.deps import ApiError, Caller, Rt, signed_in
from sop_runtime.web.forms import checked
from sop_runtime.web.pages.cases import CaseId
from sop_runtime.web.pages.library import standalone
from sop_runtime.web.pages.supervise import text_field
from sop_runtime.web.render import page
from sop_runtime.wording import day_text, moment_text

router = APIRouter()

Auditor = Annotated[Caller, signed_in(Permission.AUDIT)]
Checking = Annotated[Caller, checked(Permission.AUDIT)]
Sealing = Annotated[Caller, checked(Permission.SUPERVISE)]
AsFormat = Annotated[str, Query(alias="format")]  # html (default) | pdf

DEVIATIONS_SHOWN = 100
FORMATS = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8",
           "xes": "application/xml; charset=utf-8"}


def _today(rt: Runtime) -> date:
    return rt.now().astimezone(court_zone(rt)).date()


def _audit_page(request: Request, rt: Runtime, caller: Caller, **found: Any) -> HTMLResponse:
    sops = [(s.sop_id, s.nama) for s in library.sops(rt)]
    today = _today(rt)
    return page(request, "audit.html", caller=caller, title=tr("Audit", "Audit"),
                seals=list(reversed(seals.seals_list(rt))), sops=sops,
                month_start=today.replace(day=1).isoformat(), today=today.isoformat(),
                kinds=[(k.value, deviation_label(k.value)) for k in DeviationKind], **found)


@router.get("/audit", response_class=HTMLResponse)
def audit(request: Request, rt: Rt, caller: Auditor) -> HTMLResponse:
    return _audit_page(request, rt, caller)


@router.post("/audit/verifikasi", response_class=HTMLResponse)
def verify(request: Request, rt: Rt, caller: Checking,
           menyeluruh: Annotated[str, Form()] = "") -> HTMLResponse:
    """Check what changed since the last seal (``menyeluruh``: the whole log) — hash
    chains, the projections against the log, the stored SOP versions and the seals — now;
    the page shows the outcome (a read, so it is answered directly rather than
    redirected)."""
    from sop_runtime.service import integrity

    found = integrity.verify(rt, full=bool(menyeluruh))
    return _audit_page(request, rt, caller, verified=found, checked_at=rt.now(),
                       scope=integrity.scope_text(found, tr(
                           "Untuk memeriksa semuanya, centang «Seluruh log» lalu periksa lagi.",
                           "To check everything, tick «The whole log» and check again.")))


@router.post("/audit/segel")
def seal(request: Request, rt: Rt, caller: Sealing,
         catatan: Annotated[str, Form()] = "") -> RedirectResponse:
    note = text_field(catatan, what=("Catatan", "The note"), required=False, longest=500)
    made = seals.seal(rt, caller.username, note=note or None)
    return flash.redirect(request, caller, "/audit", tr(
        "Segel #{n} dibuat pada {t}; mengikat {c} entri log.",
        "Seal #{n} made at {t}; it binds {c} log entries.", n=made.id, c=made.size,
        t=moment_text(made.sealed_at, court_zone(rt))))


# -- exports ------------------------------------------------------------------------------

def _known_case(rt: Runtime, case_id: str) -> str:
    if not library.case_exists(rt, case_id):
        raise ApiError(404, tr("Perkara '{c}' tidak ada", "No case '{c}'", c=case_id))
    return case_id


def _chunks(stream: IO[bytes]) -> Iterator[bytes]:
    with stream:
        while block := stream.read(1 << 16):
            yield block


@router.get("/audit/ekspor/{fmt}")
def export(rt: Rt, fmt: str, caller: Auditor, perkara: str = "") -> Response:
    """The log (of one case with ``?perkara=``) as a download: CSV, JSON lines or XES."""
    from sop_runtime.service.export import Format
    from sop_runtime.service.export import export as write

    if fmt not in FORMATS:
        raise ApiError(404, tr("Format ekspor '{f}' tidak dikenal (csv, jsonl, xes)",
                               "Unknown export format '{f}' (csv, jsonl, xes)", f=fmt))
    case_id = perkara.strip() or None
    if case_id is not None:
        _known_case(rt, case_id)
    with ExitStack() as stack:  # a big log is spooled to disk, not held in memory
        spool = stack.enter_context(tempfile.TemporaryFile())
        text = io.TextIOWrapper(spool, encoding="utf-8", newline="")
        write(rt, Format(fmt), text, case=case_id, reader=caller.reader)
        text.flush()
        text.detach()
        spool.seek(0)
        stack.pop_all()  # the answer's body closes it once sent
    name = "-".join(p for p in ("log-sop", case_id, _today(rt).isoformat()) if p)
    return StreamingResponse(_chunks(spool), media_type=FORMATS[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}.{fmt}"'})


# -- reports ------------------------------------------------------------------------------

def _day(value: str, what: tuple[str, str]) -> date:
    text = text_field(value, what=what, longest=10)
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ApiError(422, tr("{w} '{v}' bukan tanggal yang mungkin (tulis YYYY-MM-DD)",
                               "{w} '{v}' is not a possible date (write YYYY-MM-DD)",
                               w=tr(*what), v=text)) from None
    problem = year_problem(day)
    if problem is not None:
        raise ApiError(422, tr("{w} '{v}': {why}", "{w} '{v}': {why}", w=tr(*what), v=text,
                               why=problem))
    return day


def _printed(html: str, fmt: str, name: str) -> Response:
    """A report as its own page, or as a PDF download with ``fmt`` "pdf"."""
    if fmt in ("", "html"):
        return standalone(html, "text/html; charset=utf-8", filename=f"{name}.html")
    if fmt != "pdf":
        raise ApiError(422, tr("Format laporan '{f}' tidak dikenal (html, pdf)",
                               "Unknown report format '{f}' (html, pdf)", f=fmt))
    from sop_runtime.audit.pdf import PdfUnavailable, html_to_pdf

    try:
        data = html_to_pdf(html)
    except PdfUnavailable as exc:
        raise ApiError(503, str(exc)) from None
    return standalone(data, "application/pdf", filename=f"{name}.pdf", download=True)


def whole_days(rt: Runtime, dari: str, sampai: str) -> tuple[date, date, datetime, datetime]:
    """The dates ``dari`` and ``sampai`` (422 when impossible, or the end before the start),
    and the period they span as instants: from the start of the first day to the end of the
    last, in the court's time."""
    first = _day(dari, ("Tanggal awal", "The start date"))
    last = _day(sampai, ("Tanggal akhir", "The end date"))
    if last < first:
        raise ApiError(422, tr("Tanggal akhir {b} sebelum tanggal awal {a}",
                               "The end date {b} is before the start date {a}",
                               a=day_text(first), b=day_text(last)))
    zone = court_zone(rt)
    return (first, last, datetime.combine(first, time(0, 0), tzinfo=zone),
            datetime.combine(last + timedelta(days=1), time(0, 0), tzinfo=zone))


@router.get("/audit/laporan")
def period_report(rt: Rt, caller: Auditor, dari: str = "", sampai: str = "", sop: str = "",
                  output: AsFormat = "") -> Response:
    """The period report for cases started from ``dari`` to ``sampai`` (both whole days in
    the court's time), of one SOP with ``sop``."""
    from sop_runtime.service.period import period_html

    first, last, start, end = whole_days(rt, dari, sampai)
    chosen = sop.strip() or None
    if chosen is not None and not library.is_sop(rt, chosen):
        raise ApiError(404, tr("SOP '{s}' tidak dikenal", "Unknown SOP '{s}'", s=chosen))
    html = period_html(rt, start, end, sop=chosen, reader=caller.reader)
    name = "-".join(p for p in ("laporan-periode", chosen, first.isoformat(),
                                last.isoformat()) if p)
    return _printed(html, output.strip().lower(), name)


@router.get("/audit/perkara")
def find_case(request: Request, rt: Rt, caller: Auditor, perkara: str = "") -> Response:
    """The case report's box: the one case found opens, several are listed."""
    from sop_runtime.web.pages.find import look_up

    return look_up(request, rt, caller, perkara, target="/audit/perkara/",
                   title=tr("Laporan perkara: pilih perkara", "Case report: choose the case"))


@router.get("/audit/perkara/{case_id}")
def case_report(rt: Rt, case_id: CaseId, caller: Auditor, output: AsFormat = "") -> Response:
    """One case's accountability report: timeline, who, deviations, time limits, seal."""
    from sop_runtime.service.casereport import case_html
    from sop_runtime.service.casereport import case_report as report_of

    html = case_html(rt, report_of(rt, case_id, reader=caller.reader))
    return _printed(html, output.strip().lower(), f"laporan-perkara-{case_id}")


# -- deviations -----------------------------------------------------------------------------

@router.get("/audit/penyimpangan", response_class=HTMLResponse)
def deviations(request: Request, rt: Rt, caller: Auditor, jenis: str = "",
               perkara: str = "", lanjut: str = "") -> HTMLResponse:
    kind = jenis.strip() or None
    known = {k.value for k in DeviationKind}
    if kind is not None and kind not in known:
        raise ApiError(422, tr("Jenis penyimpangan '{k}' tidak dikenal; yang ada: {all}",
                               "Unknown deviation kind '{k}'; known: {all}", k=kind,
                               all=", ".join(sorted(known))))
    case_id = text_field(perkara, what=("Nomor layanan", "The service number"), required=False,
                         longest=40) or None
    found = views.deviation_page(rt, reader=caller.reader, case=case_id, kind=kind,
                                 per_page=DEVIATIONS_SHOWN, cursor=lanjut.strip() or None)
    rows = list(found.rows)
    kept = {k: v for k, v in (("jenis", kind), ("perkara", case_id)) if v}
    first = "/audit/penyimpangan" + ("?" + urlencode(kept) if kept else "")
    after = (None if found.next is None
             else "/audit/penyimpangan?" + urlencode({**kept, "lanjut": found.next}))
    withheld = (views.withheld_deviations(rt, caller.reader, kind=kind) if case_id is None
                else 0)
    return page(request, "audit_deviations.html", caller=caller,
                title=tr("Penyimpangan prosedur", "Procedural deviations"),
                rows=evidence.explain(rt, rows),
                named=views.identities(rt, {d.case_id for d in rows}),
                withheld=withheld,
                kind=kind, case_id=case_id, label=deviation_label,
                later=bool(lanjut.strip()), first_page=first, next_page=after,
                outcome=outcome_label,
                kinds=[(k.value, deviation_label(k.value)) for k in DeviationKind])


SUGGESTIONS_SHOWN = 500


@router.get("/audit/survei", response_class=HTMLResponse)
def survey_results(request: Request, rt: Rt, caller: Auditor, dari: str = "",
                   sampai: str = "") -> HTMLResponse:
    """The Survei Kepuasan Masyarakat of the days ``dari`` to ``sampai``: the IKM per
    service and per unsur, the respondents' profile (as the regulation's reports count it),
    and their suggestions (staff only: they may name people; never with the request)."""
    from sop_runtime.audit import ikm
    from sop_runtime.service import survey

    first, last, start, end = whole_days(rt, dari, sampai)
    return page(request, "audit_survey.html", caller=caller,
                title=tr("Survei Kepuasan Masyarakat", "Public satisfaction survey"),
                first=first, last=last, found=survey.results(rt, start, end),
                said=survey.suggestions(rt, start, end, limit=SUGGESTIONS_SHOWN),
                shown=SUGGESTIONS_SHOWN, number=ikm.number_text, rounded=ikm.rounded,
                profile=ikm.PROFILE, tz=court_zone(rt))

