"""``/layanan``: the services the court offers, as its PTSP desk groups them."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from sop_runtime.i18n import tr
from sop_runtime.service import services_offered
from sop_runtime.web.deps import Rt
from sop_runtime.web.public.frame import public_page

router = APIRouter()


@router.get("/layanan", response_class=HTMLResponse)
def services(request: Request, rt: Rt) -> HTMLResponse:
    return public_page(request, "public_services.html", title=tr("Layanan", "Services"),
                       groups=services_offered.offered(rt))
