"""The SOP library, "Pustaka SOP": every SOP with its number, name and current version; one
SOP's page (its identity, the official flowchart, every stored version); any version's
official sheet (Sekma 002/2012) as its own printable document, and its flowchart as an SVG
image.

Older versions are compiled again from their stored source, so the sheet of the version a
case is pinned to can always be shown. The sheet and the flowchart carry their own styles
inline; they are served as standalone documents with a policy that allows those styles and
nothing else (:data:`DOCUMENT_CSP`), and are linked or shown as an image, never framed (the
app forbids framing).
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from sop_runtime.compiler.workflow import Workflow
from sop_runtime.errors import NotFoundError
from sop_runtime.i18n import tr
from sop_runtime.service import catalog, letterhead, revisions
from sop_runtime.service import library as lib
from sop_runtime.service.access import Permission
from sop_runtime.service.library import VersionRow
from sop_runtime.service.runtime import Runtime
from sop_runtime.web import flash
from sop_runtime.web.deps import ApiError, Caller, Rt, signed_in
from sop_runtime.web.forms import checked
from sop_runtime.web.render import page, person_name
from sop_runtime.wording import day_text

router = APIRouter()

Reader = Annotated[Caller, signed_in(Permission.LIBRARY)]
Approving = Annotated[Caller, checked(Permission.LIBRARY)]

DOCUMENT_CSP = ("default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
                "frame-ancestors 'none'; base-uri 'none'; form-action 'none'")
"""For a standalone document of ours (a sheet, a report, a drawing): its own inline styles
and data: images, nothing else."""

_HEX = re.compile(r"^[0-9a-f]{8,64}$")


def standalone(body: str | bytes, media_type: str, *, filename: str | None = None,
               download: bool = False) -> Response:
    """A document served as itself, under :data:`DOCUMENT_CSP`; ``filename`` names it
    (``download``: saved rather than shown)."""
    response = Response(body, media_type=media_type)
    response.headers["Content-Security-Policy"] = DOCUMENT_CSP
    if filename is not None:
        disposition = "attachment" if download else "inline"
        response.headers["Content-Disposition"] = f'{disposition}; filename="{filename}"'
    return response


def _pick(rt: Runtime, sop_id: str, version: str | None) -> tuple[Workflow, VersionRow,
                                                                   list[VersionRow]]:
    """The SOP's workflow at ``version`` (its full hash or an unambiguous prefix of at least
    8 characters; None: the current one), that version's row and all the SOP's versions."""
    versions = lib.versions(rt, sop_id)
    if version is None:  # the version in force now (not a revision approved for later)
        now = next((s.version for s in revisions.versions(rt, sop_id)
                    if s.status is revisions.Status.IN_FORCE), None)
        chosen = [v for v in versions if v.version == now] or versions[:1]
    else:
        wanted = version.lower()
        chosen = [v for v in versions if _HEX.match(wanted) and v.version.startswith(wanted)]
        if len(chosen) != 1:
            raise NotFoundError(tr("SOP '{s}' tidak mempunyai versi '{v}'",
                                   "SOP '{s}' has no version '{v}'", s=sop_id, v=version))
    row = chosen[0]
    with rt.engine.connect() as conn:
        wf = catalog.workflow(rt, conn, row.version)
    return wf, row, versions


@router.get("/logo-pengadilan")
def court_logo(rt: Rt) -> Response:
    """The court's own logo (the court file's ``logo``), for the head of every page; open to
    all, as the sign-in page carries it too."""
    found = letterhead.logo(rt)
    if found is None:
        raise NotFoundError(tr("Pengadilan ini tidak memasang logo",
                               "This court has no logo"))
    kind, data = found
    response = standalone(data, kind)
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


@router.get("/sop", response_class=HTMLResponse)
def library(request: Request, rt: Rt, caller: Reader) -> HTMLResponse:
    entries = [{"sop": sop, "nomor": nomor} for sop, nomor in lib.numbered(rt)]
    return page(request, "library.html", caller=caller, title=tr("Pustaka SOP", "SOP library"),
                entries=entries)


def _sop_page(request: Request, rt: Runtime, caller: Caller, sop_id: str,
              version: str | None) -> HTMLResponse:
    wf, row, versions = _pick(rt, sop_id, version)
    standing = {v.version: v for v in revisions.versions(rt, sop_id)}
    return page(request, "library_sop.html", caller=caller,
                title=f"{wf.document.identitas.nomor} · {wf.nama}", wf=wf, row=row,
                versions=versions, ident=wf.document.identitas, standing=standing,
                shown=standing[row.version],
                me=person_name(rt, caller.username),
                may_approve=standing[row.version].status is revisions.Status.DRAFT
                and revisions.can_approve(rt, caller.username))


@router.get("/sop/{sop_id}", response_class=HTMLResponse)
def sop_page(request: Request, rt: Rt, sop_id: str, caller: Reader) -> HTMLResponse:
    return _sop_page(request, rt, caller, sop_id, None)


@router.post("/sop/{sop_id}/versi/{version}/sahkan")
def approve(request: Request, rt: Rt, sop_id: str, version: str,
            caller: Approving, setuju: Annotated[str, Form()] = "") -> RedirectResponse:
    """The pengesahan of a draft by the Ketua (the service says who may): recorded, and the
    version applies to new requests from its tanggal efektif."""
    if setuju != "ya":
        raise ApiError(422, tr("Centang pernyataan pengesahan terlebih dahulu",
                               "Tick the statement of approval first"))
    done = revisions.approve(rt, sop_id, version, by=caller.username)
    assert done.in_force_from is not None
    return flash.redirect(request, caller, f"/sop/{sop_id}/versi/{done.version}", tr(
        "Versi {v} disahkan; perkara baru memakainya mulai {d}. Perkara yang sudah berjalan "
        "tetap pada versinya.", "Version {v} approved; new cases use it from {d}. Running "
        "cases keep their version.", v=done.short, d=day_text(done.in_force_from)))


@router.get("/sop/{sop_id}/versi/{version}", response_class=HTMLResponse)
def version_page(request: Request, rt: Rt, sop_id: str, version: str,
                 caller: Reader) -> HTMLResponse:
    return _sop_page(request, rt, caller, sop_id, version)


@router.get("/sop/{sop_id}/beda", response_class=HTMLResponse)
def difference(request: Request, rt: Rt, sop_id: str, caller: Reader,
               lama: str | None = None, baru: str | None = None) -> HTMLResponse:
    """What changed between two stored versions (default: the one before the current and
    the current one): the table in the official terms and both flowcharts, marked."""
    from sop_runtime.compiler.diff import diff_workflows
    from sop_runtime.web.flowchart import classed_flowchart

    versions = lib.versions(rt, sop_id)
    current = next((v for v in versions if v.current), versions[0])
    older = next((v for v in versions if v.version != current.version), current)
    new_wf, new_row, _ = _pick(rt, sop_id, baru or current.version)
    old_wf, old_row, _ = _pick(rt, sop_id, lama or older.version)
    found = diff_workflows(old_wf, new_wf)
    return page(request, "library_diff.html", caller=caller,
                title=tr("Perubahan {n}", "Changes of {n}", n=new_wf.nama), d=found,
                old_wf=old_wf, new_wf=new_wf, old_row=old_row, new_row=new_row,
                versions=versions,
                old_marks=sorted(found.old_marks().items(), key=lambda m: int(m[0])),
                new_marks=sorted(found.new_marks().items(), key=lambda m: int(m[0])),
                old_chart=classed_flowchart(old_wf, found.old_marks()),
                new_chart=classed_flowchart(new_wf, found.new_marks()))


@router.get("/sop/{sop_id}/versi/{version}/lembar")
def sheet(rt: Rt, sop_id: str, version: str, caller: Reader) -> Response:
    """The official SOP sheet of that version, as its own printable page."""
    from sop_runtime.compiler.render.sheet import render_html

    wf, row, _ = _pick(rt, sop_id, version)
    return standalone(render_html(wf, letterhead.kop(rt), lib.sop_names(rt)),
                      "text/html; charset=utf-8",
                      filename=f"sop-{wf.sop_id}-{row.version[:12]}.html")


@router.get("/sop/{sop_id}/versi/{version}/bagan.svg")
def flowchart(rt: Rt, sop_id: str, version: str, caller: Reader) -> Response:
    """The official flowchart of that version (swim lanes, five symbols) as an SVG."""
    from sop_runtime.compiler.render.svg import render_svg

    wf, row, _ = _pick(rt, sop_id, version)
    return standalone(render_svg(wf), "image/svg+xml; charset=utf-8",
                      filename=f"bagan-{wf.sop_id}-{row.version[:12]}.svg")
