"""``/layanan``: the services the court offers, as its PTSP desk groups them, and each
one's standar pelayanan in its seven components; the same as JSON under ``/api/layanan``
(no token: public)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from sop_runtime.i18n import tr
from sop_runtime.service import poster, services_offered
from sop_runtime.web.deps import Rt
from sop_runtime.web.public.frame import asked_base, public_page

router = APIRouter()
api = APIRouter(prefix="/api", tags=["layanan publik / public services"])

SopId = Annotated[str, Path(max_length=80, pattern=r"^[a-z0-9][a-z0-9_-]*$")]


@router.get("/layanan", response_class=HTMLResponse)
def services(request: Request, rt: Rt) -> HTMLResponse:
    return public_page(request, "public_services.html", title=tr("Layanan", "Services"),
                       groups=services_offered.offered(rt))


@router.get("/layanan/{sop_id}", response_class=HTMLResponse)
def service(request: Request, rt: Rt, sop_id: SopId) -> HTMLResponse:
    found = services_offered.published(rt, sop_id)
    return public_page(request, "public_service.html", title=found.name, s=found)


@router.get("/layanan/{sop_id}/poster.pdf")
def service_poster(request: Request, rt: Rt, sop_id: SopId) -> Response:
    """The service's poster (A4 PDF) with a QR code to its page."""
    data = poster.poster_pdf(rt, sop_id, asked_base(request))
    return Response(data, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="poster-{sop_id}.pdf"'})


@api.get("/layanan", summary="Layanan yang diterbitkan / published services")
def services_json(rt: Rt) -> list[dict[str, Any]]:
    """Every published service, by PTSP desk."""
    return [asdict(group) for group in services_offered.offered(rt)]


@api.get("/layanan/{sop_id}", summary="Standar pelayanan satu layanan / one service's "
         "standard")
def service_json(rt: Rt, sop_id: SopId) -> dict[str, Any]:
    """One service's standar pelayanan: persyaratan, sarana dan prasarana, produk,
    prosedur, waktu, biaya, pengaduan."""
    return asdict(services_offered.published(rt, sop_id))
