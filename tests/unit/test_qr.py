"""The QR codes the public is handed decode, with an independent reader, to their address."""

from __future__ import annotations

import pytest

from sop_runtime.audit.qr import MAX_URL, qr_data_uri, qr_svg
from sop_runtime.errors import SopRuntimeError
from tests.qrread import read_svg


@pytest.mark.parametrize("url", [
    "http://127.0.0.1:8000/layanan/legalisasi-waarmerking",
    "https://ptsp.pn-sanana.go.id/lacak?nomor=SNN-2026-00001&kode=AbC-123_xyz",
    "https://x.id/" + "a" * 300])
def test_the_code_reads_back_as_its_address(url: str) -> None:
    svg = qr_svg(url, title="Kode QR")
    assert svg.startswith("<svg") and 'xmlns="http://www.w3.org/2000/svg"' in svg
    assert "<title>Kode QR</title>" in svg and "width=" not in svg.split(">", 1)[0]
    assert read_svg(svg) == [url]


def test_the_data_uri_carries_the_same_svg() -> None:
    import base64

    uri = qr_data_uri("https://x.id/a")
    assert uri.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(uri.split(",", 1)[1]).decode() == qr_svg("https://x.id/a")


@pytest.mark.parametrize("url", ["", "https://x.id/a b", "https://x.id/\n", "h" * (MAX_URL + 1)])
def test_no_code_for_what_is_no_address(url: str) -> None:
    with pytest.raises(SopRuntimeError, match="QR"):
        qr_svg(url)
