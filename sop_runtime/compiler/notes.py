"""Authoring notes kept apart from the official text.

An SOP's official text (a step's ``keterangan``, a timer's note) is what a clerk reads on the
step's form and what the printed sheet carries. Where a rule was found, what the source leaves
out and why a choice was made belong in ``catatan_penyusun`` instead, read on the library page
by whoever maintains the SOPs. :func:`authoring_note` tells when an official text reads like
such a note (the compiler warns with W207).
"""

from __future__ import annotations

import re

from sop_runtime.i18n import tr

_URL = re.compile(r"https?://", re.IGNORECASE)
_SOURCE = re.compile(
    r"\bsumber\b|\bteks terpotong\b|\bterpotong pada\b|\bnaskah tidak diambil\b"
    r"|\btidak (?:di)?sebut(?:kan)?\b|\btidak menyebut\b|\btidak diuraikan\b"
    r"|\bsebagai model\b|\bdikutip\b", re.IGNORECASE)
# another court named by its short name (PN Bantul, PA Buntok, SIPPN PT Semarang) or in full
_COURT = re.compile(
    r"\b(?:SIPPN\s+)?(?:PN|PA|PT|PTA|PTUN|PTTUN|PTUN|Pengadilan (?:Negeri|Agama|Tinggi))"
    r"\s+((?:Kab\.\s+|Kota\s+)?[A-Z][\w.-]*)")


def authoring_note(text: str | None, own_court: str = "") -> str | None:
    """Why ``text`` reads like an authoring note rather than official text (None: it does
    not); ``own_court`` is the court the SOP is for (its own name is official text)."""
    if not text:
        return None
    if _URL.search(text):
        return tr("memuat alamat web", "holds a web address")
    found = _SOURCE.search(text)
    if found:
        return tr("menyebut sumber ('{w}')", "speaks of the source ('{w}')", w=found.group(0))
    own = own_court.split()[-1].lower() if own_court.split() else ""
    for m in _COURT.finditer(text):
        name = m.group(1).split()[-1].rstrip(".")
        if name.lower() != own:
            return tr("menyebut pengadilan lain ('{w}')", "names another court ('{w}')",
                      w=m.group(0))
    return None
