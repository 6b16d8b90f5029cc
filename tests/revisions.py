"""Making a definition's YAML text a revision: the identity block's revision fields, as a
court fills them in when it revises an SOP."""

from __future__ import annotations

import re


def as_revision(text: str, nomor: int = 1, revisi: str = "2026-11-20",
                efektif: str | None = None) -> str:
    """``text`` with ``nomor_revisi`` and ``tanggal_revisi`` set after ``tanggal_pembuatan``,
    and ``tanggal_efektif`` set to ``efektif`` (default: the revision's date)."""
    found = re.search(r"^(\s+)tanggal_pembuatan: .*$", text, re.MULTILINE)
    assert found is not None, "no tanggal_pembuatan in the identity block"
    indent = found.group(1)
    text = re.sub(r"^\s+(nomor_revisi|tanggal_revisi): .*\n", "", text, flags=re.MULTILINE)
    found = re.search(r"^(\s+)tanggal_pembuatan: .*$", text, re.MULTILINE)
    assert found is not None
    at = found.end()
    text = (text[:at] + f"\n{indent}nomor_revisi: {nomor}\n{indent}tanggal_revisi: {revisi}"
            + text[at:])
    text = re.sub(r"^(\s+)tanggal_efektif: .*$", rf"\g<1>tanggal_efektif: {efektif or revisi}",
                  text, count=1, flags=re.MULTILINE)
    return text
