"""The receipt (tanda terima) of a request, with its tracking code: printed when the request
starts (the code the start gave), or printed again, which reissues the code (the store keeps
only a code's digest, so an earlier code cannot be printed again: the new one replaces it).

The tracking address in the QR code carries the number and the code after a ``#``
(``/lacak#nomor=...&kode=...``): a browser never sends what follows ``#`` to the server, so
the code reaches no server log and no ``Referer``; the tracking page's small script reads it
and sends the form.
"""

from __future__ import annotations

from datetime import datetime
from urllib.parse import urlencode

from sop_runtime.audit import receipt as printout
from sop_runtime.audit.receipt import ReceiptText, Size
from sop_runtime.service import catalog, tracking, tracking_code
from sop_runtime.service.letterhead import kop
from sop_runtime.service.publicsite import public_url
from sop_runtime.service.runtime import Runtime
from sop_runtime.service.standing import standing
from sop_runtime.wording import moment_text

__all__ = ["TRACKING_PATH", "current_receipt", "receipt_pdf", "reissue_receipt",
           "tracking_url"]

TRACKING_PATH = "/lacak"


def tracking_url(rt: Runtime, case_id: str, code: str, asked_base: str | None = None) -> str:
    """The address that opens the request's tracking page with its number and code."""
    fragment = urlencode({"nomor": case_id, "kode": tracking_code.shown(code)})
    return public_url(rt, asked_base, TRACKING_PATH) + "#" + fragment


def receipt_text(rt: Runtime, case_id: str, code: str, *, reissued: bool = False,
                 asked_base: str | None = None, at: datetime | None = None) -> ReceiptText:
    """What the receipt of ``case_id`` says, with ``code`` (its current tracking code)."""
    moment = at or rt.now()
    seen = standing(rt, case_id, moment)
    with rt.engine.connect() as conn:
        tz = catalog.court(rt, conn)[1].tz
    return ReceiptText(
        court=seen.court, number=seen.number, service=seen.service, started=seen.started,
        expected=seen.expected, late=seen.late, standard=seen.standard,
        yours=seen.yours_now + seen.yours_later, complaint=seen.complaint,
        code=tracking_code.shown(code), url=tracking_url(rt, case_id, code, asked_base),
        lookup=public_url(rt, asked_base, TRACKING_PATH), printed=moment_text(moment, tz),
        reissued=reissued)


def receipt_pdf(rt: Runtime, case_id: str, code: str, *, size: Size = "a5",
                reissued: bool = False, asked_base: str | None = None) -> bytes:
    """The receipt of ``case_id`` with ``code`` as a PDF (A5, or the 80 mm roll)."""
    text = receipt_text(rt, case_id, code, reissued=reissued, asked_base=asked_base)
    return printout.pdf(text, kop(rt), size)


def current_receipt(rt: Runtime, case_id: str, code: str, *, size: Size = "a5",
                    asked_base: str | None = None) -> bytes:
    """The receipt with ``code`` when it is still the request's current code (the one its
    start just gave and showed once): printed without issuing another. Raises
    :class:`~sop_runtime.service.tracking.CodeNotCurrent` when it is not."""
    if not tracking.is_current(rt, case_id, code):
        raise tracking.CodeNotCurrent(case_id)
    return receipt_pdf(rt, case_id, code, size=size, asked_base=asked_base)


def reissue_receipt(rt: Runtime, case_id: str, actor: str, *, size: Size = "a5",
                    asked_base: str | None = None) -> tuple[str, bytes]:
    """Reissue the request's tracking code (the old one stops working; recorded on its log)
    and print the receipt with the new one: (the new code, the PDF). The receipt is made
    first: a printout that fails leaves the old code working."""
    code = tracking_code.new_code()
    pdf = receipt_pdf(rt, case_id, code, size=size, reissued=True, asked_base=asked_base)
    tracking.reissue(rt, case_id, actor, code)
    return code, pdf
