"""``/transparansi``: the court's signed log heads as anyone may keep them. The newest signed
head in words and as a QR code (its exact JSON), the signed heads before it, and where a
witness polls (``/api/saksi``): whoever keeps a head today can show tomorrow that the log was
rewritten, however the database was changed. Nothing of a case and nobody's name: a head is
a size, a root, a time and the court's signature."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from sop_runtime.audit.qr import qr_text_svg
from sop_runtime.i18n import tr
from sop_runtime.service import witness
from sop_runtime.service.ready import court_zone
from sop_runtime.web.deps import Rt
from sop_runtime.web.public.frame import public_page
from sop_runtime.wording import moment_text

__all__ = ["router"]

router = APIRouter()
SHOWN = 30  # the signed heads listed under the newest


@router.get("/transparansi", response_class=HTMLResponse)
def heads_page(request: Request, rt: Rt) -> HTMLResponse:
    tz = court_zone(rt)
    signed, total = witness.signed_heads(rt, SHOWN + 1)
    newest = signed[0] if signed else None
    return public_page(
        request, "public_seals.html",
        title=tr("Segel log pelayanan", "Seals of the service log"),
        newest=newest, lines=newest.lines(tz) if newest else [],
        qr=qr_text_svg(newest.compact(), title=tr(
            "Kepala log bertanda tangan (JSON)", "The signed log head (JSON)"))
        if newest else None,
        earlier=[(h, moment_text(h.head.sealed_at, tz)) for h in signed[1:SHOWN + 1]],
        more=max(0, total - len(signed)))
