"""The receipt (tanda terima) an applicant takes home when a request starts: on A5 paper, or
on an 80 mm thermal roll (``struk``) as the PTSP desk's receipt printer prints it.

What it shows comes from :mod:`sop_runtime.service.receipt` (the request's standing as its
applicant may read it, the tracking code and the address it opens); here it is only laid out,
under the court's kop surat, with the code's QR code. The roll has no fixed length: the page
is laid out once on a long strip, then again cut to what the content needs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sop_runtime.audit.pdf import html_to_pdf, roll_to_pdf
from sop_runtime.audit.qr import qr_svg
from sop_runtime.compiler.render.kop import Kop
from sop_runtime.i18n import tr
from sop_runtime.templating import template

Size = Literal["a5", "struk"]

ROLL_WIDTH_MM = 80
ROLL_MARGIN_MM = 4
_LONG_ROLL_MM = 1200  # the strip laid out first; no receipt comes near it


@dataclass(frozen=True, slots=True)
class ReceiptText:
    """Everything the receipt says, in the reader's words (no id, no username)."""

    court: str
    number: str
    service: str
    started: str
    expected: str
    late: bool
    standard: str | None
    yours: tuple[str, ...]
    complaint: str
    code: str          # as printed: 7KQ2-M9XD-4TZC-R0HB
    url: str           # the tracking address the QR code opens
    lookup: str        # where to type number and code by hand (…/lacak)
    printed: str       # when this receipt was printed
    reissued: bool     # the code was reissued for this print (the earlier one stopped)


def html(receipt: ReceiptText, kop: Kop, size: Size, roll_mm: float | None = None) -> str:
    """The receipt page (``audit/templates/receipt.html``) in ``size``; ``roll_mm``: the
    roll's length (the long strip when None)."""
    return template("audit/templates/receipt.html").render(
        r=receipt, kop=kop, size=size, qr=qr_svg(receipt.url, title=tr(
            "Kode QR pelacakan", "Tracking QR code")),
        roll_width=ROLL_WIDTH_MM, roll_margin=ROLL_MARGIN_MM,
        roll_length=round(roll_mm or _LONG_ROLL_MM, 1))


def pdf(receipt: ReceiptText, kop: Kop, size: Size) -> bytes:
    """The receipt as a PDF: one A5 page, or one strip of the 80 mm roll."""
    if size == "a5":
        return html_to_pdf(html(receipt, kop, size))
    return roll_to_pdf(lambda length: html(receipt, kop, size, length), ROLL_MARGIN_MM)
