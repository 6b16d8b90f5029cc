"""A printout is a function of its content: the same page made at two moments gives the same
bytes (the fonts embedded in it are not stamped with the time they were subset)."""

from __future__ import annotations

import itertools

import pytest

from sop_runtime.audit.pdf import html_to_pdf

pytest.importorskip("weasyprint")

PAGE = """<!doctype html><html lang="id"><head><meta charset="utf-8">
<style>@page { size: A5 } body { font-family: serif }</style></head>
<body><h1>Tanda terima</h1><p>Permohonan surat keterangan diterima.</p></body></html>"""


def test_the_same_page_made_later_is_the_same_pdf(monkeypatch: pytest.MonkeyPatch) -> None:
    from fontTools.misc import timeTools

    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    clock = itertools.count(1_800_000_000, 3600)  # an hour passes at each reading
    monkeypatch.setattr(timeTools.time, "time", lambda: float(next(clock)))
    first = html_to_pdf(PAGE)
    assert first.startswith(b"%PDF")
    assert html_to_pdf(PAGE) == first
