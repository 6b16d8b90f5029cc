"""The API on the SOP library: the SOPs in force (their official documents, rendered as the
flowchart, the SOP sheet or Mermaid)."""

from __future__ import annotations

from enum import StrEnum

from fastapi import APIRouter
from fastapi.responses import Response

from sop_runtime.compiler.workflow import Workflow
from sop_runtime.service.library import SopEntry, current, in_force, sop_names
from sop_runtime.service.revisions import VersionView
from sop_runtime.service.runtime import Runtime
from sop_runtime.web.api.common import ApiLibrary, Responses, SopId
from sop_runtime.web.api.schemas import SopDetail, SopSummary, SopVersion
from sop_runtime.web.deps import Rt

TAG = "pustaka SOP / SOP library"
UNKNOWN: Responses = {404: {"description": "SOP tidak dikenal / unknown SOP"}}


class RenderFormat(StrEnum):
    svg = "svg"
    html = "html"
    mermaid = "mermaid"


MEDIA = {RenderFormat.svg: "image/svg+xml", RenderFormat.html: "text/html",
         RenderFormat.mermaid: "text/plain"}


def _summary(wf: Workflow, entry: SopEntry) -> dict[str, object]:
    return {"id": wf.sop_id, "nomor": wf.document.identitas.nomor, "nama": wf.nama,
            "versi": wf.version, "langkah": len(wf.nodes), "pelaksana": [r.id for r in wf.roles],
            "waktu_pelayanan": wf.service_limit.text if wf.service_limit else None,
            "berkas": entry.file}


def _current(rt: Runtime, sop_id: str) -> tuple[Workflow, SopEntry]:
    return current(rt, sop_id)  # 404 with the SOPs known


def router() -> APIRouter:
    api = APIRouter(tags=[TAG])

    @api.get("/sops", summary="Pustaka SOP / the SOP library")
    def sops(rt: Rt, caller: ApiLibrary) -> list[SopSummary]:
        """SOP yang berlaku (versi terkini), menurut nomornya / the SOPs in force (their
        current versions), by number."""
        found = in_force(rt)
        found.sort(key=lambda pair: (pair[0].document.identitas.nomor, pair[0].sop_id))
        return [SopSummary.model_validate(_summary(wf, entry)) for wf, entry in found]

    @api.get("/sops/{sop_id}", summary="Satu SOP / one SOP", responses=UNKNOWN)
    def sop(sop_id: SopId, rt: Rt, caller: ApiLibrary) -> SopDetail:
        """Dokumen resmi SOP versi terkini: identitas, standar pelayanan, pelaksana dan tabel
        prosedur / the SOP's current official document: identity, service standard,
        performers and procedure table."""
        wf, entry = _current(rt, sop_id)
        return SopDetail.model_validate(
            {**_summary(wf, entry),
             "dokumen": wf.document.model_dump(mode="json", exclude_none=True)})

    @api.get("/sops/{sop_id}/render/{fmt}",
             summary="Diagram alir, lembar SOP atau Mermaid / flowchart, SOP sheet or Mermaid",
             response_class=Response,
             responses={**UNKNOWN, 200: {"content": {"image/svg+xml": {}, "text/html": {},
                                                     "text/plain": {}},
                                         "description": "SVG, HTML atau Mermaid"}})
    def render(sop_id: SopId, fmt: RenderFormat, rt: Rt, caller: ApiLibrary) -> Response:
        """Diagram alir dengan lajur pelaksana (SVG), lembar SOP siap cetak (HTML) atau
        Mermaid / the swim-lane flowchart (SVG), the printable SOP sheet (HTML) or Mermaid."""
        wf, _ = _current(rt, sop_id)
        if fmt is RenderFormat.svg:
            from sop_runtime.compiler.render.svg import render_svg

            text = render_svg(wf)
        elif fmt is RenderFormat.html:
            from sop_runtime.compiler.render.sheet import render_html
            from sop_runtime.service.letterhead import kop

            text = render_html(wf, kop(rt), sop_names(rt))
        else:
            from sop_runtime.compiler.render.mermaid import render_mermaid

            text = render_mermaid(wf)
        return Response(text, media_type=f"{MEDIA[fmt]}; charset=utf-8")

    @api.get("/sops/{sop_id}/versions", summary="Versi SOP / an SOP's versions",
             responses=UNKNOWN)
    def versions(sop_id: SopId, rt: Rt, caller: ApiLibrary) -> list[SopVersion]:
        """Setiap versi tersimpan dan statusnya (berlaku, akan berlaku, draf, tidak berlaku) /
        every stored version and where it stands."""
        from sop_runtime.service import revisions

        return [_version(v) for v in revisions.versions(rt, sop_id)]

    @api.post("/sops/{sop_id}/versions/{version}/approve",
              summary="Sahkan revisi / approve a revision", responses=UNKNOWN)
    def approve(sop_id: SopId, version: str, rt: Rt, caller: ApiLibrary) -> SopVersion:
        """Pengesahan draf oleh Ketua (atau Plh/Plt-nya), dicatat di jurnal definisi; berlaku
        untuk permohonan baru mulai tanggal efektifnya / the Ketua's approval of a draft,
        journalled; new requests use it from its tanggal efektif."""
        from sop_runtime.service import revisions

        return _version(revisions.approve(rt, sop_id, version, by=caller.username))

    return api


def _version(v: VersionView) -> SopVersion:
    return SopVersion(version=v.version, status=str(v.status), nomor=v.nomor,
                      nomor_revisi=v.nomor_revisi, tanggal_revisi=v.tanggal_revisi,
                      tanggal_efektif=v.tanggal_efektif, approved_by=v.approved_by,
                      approved_at=v.approved_at, acting=v.acting,
                      in_force_from=v.in_force_from)
