"""The poster of a service's standar pelayanan (A4), as the PTSP desk hangs it: the court's
kop surat, the service's name, the seven components in letters read from a metre away, and
a QR code to the service's public page.

What it shows is a published service (:class:`sop_runtime.service.services_offered.
PublicService`, built by the service layer from the SOP in force and the court's fee
tables); here it is only laid out. The procedure runs in two columns across the page; the
letters are the largest with which the poster stays one page, down to a size still read at
the desk (the longest procedures go on over a second sheet)."""

from __future__ import annotations

from typing import Any

from sop_runtime.audit.pdf import fitting_pdf
from sop_runtime.audit.qr import qr_svg
from sop_runtime.compiler.render.kop import Kop
from sop_runtime.i18n import tr
from sop_runtime.templating import template

# the letters (points) of the poster's body and of its procedure, tried from the largest
# until the poster is one page; smaller would not be read at the desk, so the longest
# procedures go on over a second sheet (with the same foot and QR code)
SIZES = ((11.5, 11.0), (11.5, 10.0), (11.0, 9.5), (10.5, 9.0))


def html(service: Any, kop: Kop, url: str,
         sizes: tuple[float, float] = SIZES[0]) -> str:
    """The poster page of ``service`` (a published service) whose page is at ``url``, its
    body and its procedure in letters of ``sizes`` points."""
    return template("audit/templates/poster.html").render(
        s=service, kop=kop, url=url, body_pt=sizes[0], step_pt=sizes[1],
        qr=qr_svg(url, title=tr("Kode QR halaman layanan", "QR code of the service's page")))


def pdf(service: Any, kop: Kop, url: str) -> bytes:
    """The poster as an A4 PDF: one page where the letters can stay readable, its
    procedure as large as that allows."""
    return fitting_pdf(lambda sizes: html(service, kop, url, sizes), SIZES)
