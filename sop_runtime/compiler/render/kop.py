"""The court's letterhead (kop surat) on every printed document: its logo on the left, the
lines centred (Mahkamah Agung Republik Indonesia, the Direktorat Jenderal, the Pengadilan
Tinggi, the Pengadilan Negeri), the address and contacts, and a double rule under it, as
Indonesian court letters look. The template piece is ``templates/_kop.html``; the reports
(``audit/templates/_frame.html``) and the SOP sheet (``templates/sheet.html``) include it.

The logo is the court's own file (``logo`` in the court file); it travels inside the page as
a ``data:`` URI, so a report stays one self-contained file.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass

from sop_runtime.definition.court import Pengadilan
from sop_runtime.i18n import tr

LOGO_MAX_BYTES = 512 * 1024
"""The largest logo file taken (a letterhead's emblem is a few kilobytes)."""


@dataclass(frozen=True, slots=True)
class Kop:
    """What the letterhead shows: ``above`` the court's name (from the top), the court, its
    address, its contacts (``Telepon ...``, ``Surel ...``, ``Laman ...``: one line, each
    unbroken) and the logo as a ``data:`` URI (None: no logo)."""

    above: tuple[str, ...]
    court: str
    address: str | None = None
    contact: tuple[str, ...] = ()
    logo: str | None = None


def kop_of(court: Pengadilan, logo: bytes | None = None) -> Kop:
    """The letterhead of ``court``, with the bytes of its logo file when there is one."""
    contact = tuple(x for x in (
        tr("Telepon {v}", "Telephone {v}", v=court.telepon) if court.telepon else None,
        tr("Surel {v}", "E-mail {v}", v=court.email) if court.email else None,
        tr("Laman {v}", "Website {v}", v=court.website) if court.website else None) if x)
    return Kop(above=tuple(court.kop_lines()), court=court.nama, address=court.alamat,
               contact=contact,
               logo=logo_uri(logo) if logo is not None else None)


def logo_type(data: bytes) -> str | None:
    """The media type of a logo file by its content (PNG, JPEG or SVG), None otherwise."""
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    head = data[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<?xml", b"<svg", b"<!--")) and b"<svg" in data[:4096].lower():
        return "image/svg+xml"
    return None


def logo_uri(data: bytes) -> str | None:
    """``data`` as a ``data:`` URI for an ``<img>``, None when it is no logo we take."""
    kind = logo_type(data)
    if kind is None or len(data) > LOGO_MAX_BYTES:
        return None
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"
