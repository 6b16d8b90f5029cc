"""Printing an applicant's receipt (tanda terima) from the case page: the store keeps only a
tracking code's digest, so printing reissues the code. The clerk is asked first (the old
code stops working); the confirmed post records the reissue on the case's log and answers
the receipt's PDF, for the browser to show and print.

Right after a start on the web, the case's pages hold the code the start gave for five
minutes (a signed, HttpOnly cookie scoped to the case's path: :data:`.cases.FRESH_CODE`), and
the page prints the receipt with it, nothing reissued; a code that is no longer current is
refused (409)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response

from sop_runtime.audit.receipt import Size
from sop_runtime.i18n import tr
from sop_runtime.service import receipt, views
from sop_runtime.service.access import Permission
from sop_runtime.web.deps import Caller, Rt
from sop_runtime.web.forms import checked
from sop_runtime.web.pages.cases import CaseId
from sop_runtime.web.public.frame import asked_base
from sop_runtime.web.render import page

router = APIRouter()

Worker = Annotated[Caller, checked(Permission.WORK)]
Text = Annotated[str, Form(max_length=20)]
CONFIRMED = "ya"
SIZES = {"a5": ("A5", "A5"), "struk": ("struk 80 mm", "80 mm roll")}


@router.post("/perkara/{case_id}/tanda-terima", response_model=None)
def print_receipt(request: Request, rt: Rt, case_id: CaseId, caller: Worker,
                  kertas: Text = "a5", konfirmasi: Text = "",
                  kode: Annotated[str, Form(max_length=64)] = "") -> Response:
    size: Size = "struk" if kertas == "struk" else "a5"
    if kode:  # the code the start just gave: printed as it is, nothing reissued
        views.case(rt, case_id, reader=caller.reader)  # the caller may see the case
        return _pdf(case_id, receipt.current_receipt(rt, case_id, kode, size=size,
                                                     asked_base=asked_base(request)))
    if konfirmasi != CONFIRMED:
        view = views.case(rt, case_id, reader=caller.reader)
        back = f"/perkara/{case_id}"
        return page(request, "confirm.html", caller=caller, title=tr(
            "Cetak tanda terima dengan kode lacak baru?",
            "Print the receipt with a new tracking code?"),
            what=tr("Permohonan {c} mendapat kode lacak baru, dicetak pada tanda terima ({k}). "
                    "Kode lama pada tanda terima sebelumnya tidak berlaku lagi.",
                    "Request {c} gets a new tracking code, printed on the receipt ({k}). "
                    "The old code on the earlier receipt stops working.",
                    c=case_id, k=tr(*SIZES[size])),
            hint=tr("Pengadilan hanya menyimpan sidik kode lacak, bukan kodenya, sehingga "
                    "mencetak ulang berarti menerbitkan kode baru. Penerbitan ulang dicatat "
                    "pada riwayat perkara (siapa dan kapan).",
                    "The court keeps only a digest of a tracking code, not the code, so "
                    "printing again means issuing a new code. The reissue is recorded in the "
                    "case's history (who and when)."),
            refused=False, action=f"/perkara/{case_id}/tanda-terima",
            fields={"kertas": size}, yes=tr("Ya, terbitkan dan cetak", "Yes, issue and print"),
            back=back, no=tr("Batal", "Cancel"), case_id=case_id,
            sop_name=view.workflow.nama, here=back)
    _, pdf = receipt.reissue_receipt(rt, case_id, caller.username, size=size,
                                     asked_base=asked_base(request))
    return _pdf(case_id, pdf)


def _pdf(case_id: str, pdf: bytes) -> Response:
    name = f"tanda-terima-{case_id}.pdf"
    return Response(pdf, media_type="application/pdf", headers={
        "Content-Disposition": f'inline; filename="{name}"', "Cache-Control": "no-store"})
