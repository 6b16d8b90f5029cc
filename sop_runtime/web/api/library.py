"""The API on the SOP library: the SOPs in force (their official documents, rendered as the
flowchart, the SOP sheet or Mermaid)."""

from __future__ import annotations

from enum import StrEnum

from fastapi import APIRouter
from fastapi.responses import Response

from sop_runtime.compiler.workflow import Workflow
from sop_runtime.service.library import SopEntry, current, in_force, sop_names
from sop_runtime.service.runtime import Runtime
from sop_runtime.web.api.common import ApiLibrary, Responses, SopId
from sop_runtime.web.api.schemas import SopDetail, SopSummary
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

    return api
