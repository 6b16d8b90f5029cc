"""QR codes for what the public holds in hand (a poster at the PTSP desk, a receipt): an
address drawn as an SVG (segno, pure Python), to be embedded in a page or a printout.

Error correction level M (15% of the code may be damaged, a creased or smudged print still
reads) and the four-module quiet zone the standard asks for."""

from __future__ import annotations

import base64
import io

import segno

from sop_runtime.errors import SopRuntimeError
from sop_runtime.i18n import tr

MAX_URL = 500  # far above any page address; a QR code that long is too dense to scan


def qr_svg(url: str, *, title: str | None = None) -> str:
    """The QR code of ``url`` as an ``<svg>`` element (with its namespace, so it stands in
    HTML and in a PDF alike), scaling to the box it is put in (a ``viewBox``, no size)."""
    if not url or len(url) > MAX_URL or any(ch.isspace() for ch in url):
        raise SopRuntimeError(tr(
            "Alamat untuk kode QR tidak sah (kosong, berspasi, atau lebih dari {n} karakter)",
            "Invalid address for a QR code (empty, with spaces, or over {n} characters)",
            n=MAX_URL))
    return _svg(url, title)


def _svg(text: str, title: str | None) -> str:
    out = io.BytesIO()
    segno.make(text, error="m").save(out, kind="svg", scale=1, border=4, omitsize=True,
                                    xmldecl=False, svgns=True, nl=False, title=title,
                                    svgclass="qr", lineclass=None)
    return out.getvalue().decode("utf-8")


MAX_TEXT = 1000  # a signed tree head's JSON is about 330 characters


def qr_text_svg(text: str, *, title: str | None = None) -> str:
    """The QR code of a text that is not an address (a signed tree head's JSON on the
    Ketua's report), as :func:`qr_svg` draws it."""
    if not text or len(text) > MAX_TEXT:
        raise SopRuntimeError(tr("Teks untuk kode QR kosong atau lebih dari {n} karakter",
                                 "The text for a QR code is empty or over {n} characters",
                                 n=MAX_TEXT))
    return _svg(text, title)


def qr_data_uri(url: str) -> str:
    """The same QR code as a ``data:`` URI, for an ``<img src>``."""
    return "data:image/svg+xml;base64," + base64.b64encode(
        qr_svg(url).encode("utf-8")).decode("ascii")
