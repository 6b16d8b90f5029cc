"""The applicant's receipt from the command line: ``sop start --tanda-terima`` (A5, or the
80 mm roll with ``--struk``) and ``sop tanda-terima`` (the code reissued, the old one
stopped, the case's history saying who); the QR code on the demo's receipt decodes, read by
an independent reader, to the tracking address whose code opens the request."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from pypdf import PdfReader

from sop_runtime.demo.day import RECEIPT
from sop_runtime.service import tracking
from sop_runtime.service.runtime import Runtime
from sop_runtime.service.tracking import TrackingRefused
from tests.e2e.court import Court, new_court

MM = 72 / 25.4  # PDF points per millimetre


def needs_pdftoppm() -> None:
    """Skip the test (before it changes anything) where pdftoppm cannot turn a page into a
    picture; ``make test`` installs it where it can."""
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")


def qr_text(pdf: Path) -> str:
    """What the one QR code on the PDF's first page says (pdftoppm, then zxing-cpp)."""
    import zxingcpp
    from PIL import Image

    needs_pdftoppm()
    subprocess.run(["pdftoppm", "-png", "-r", "150", "-f", "1", "-l", "1", str(pdf),
                    str(pdf.with_suffix(""))], check=True)
    [png] = pdf.parent.glob(pdf.stem + "*.png")
    [found] = zxingcpp.read_barcodes(Image.open(png))
    text: str = found.text
    return text


def number_and_code(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    assert parts.path == "/lacak" and parts.query == ""  # the code only after the '#'
    fragment = parse_qs(parts.fragment)
    return fragment["nomor"][0], fragment["kode"][0]


def opens(db: Path, number: str, code: str) -> str:
    rt = Runtime.open(f"sqlite:///{db}")
    try:
        return tracking.open_request(rt, number, code, address="10.0.0.1")
    finally:
        rt.engine.dispose()


def test_the_demo_receipt_is_a5_and_its_qr_opens_the_request(demo_day: Path,
                                                              tmp_path: Path) -> None:
    receipt = tmp_path / RECEIPT
    shutil.copy(demo_day.parent / RECEIPT, receipt)
    page = PdfReader(receipt).pages[0]
    assert round(float(page.mediabox.width) / MM) == 148
    assert round(float(page.mediabox.height) / MM) == 210
    text = " ".join(page.extract_text().split())
    number, code = number_and_code(qr_text(receipt))
    assert f"Nomor permohonan {number}" in text and code in text
    assert "Perkiraan selesai 26 November 2026 pukul" in text
    assert "Fatma" not in text and "example.id" not in text  # no party's details
    assert opens(demo_day, number, code) == number


def test_a_receipt_on_the_roll_and_one_printed_again(tmp_path: Path) -> None:
    court: Court = new_court(tmp_path)
    roll = court.root / "struk.pdf"
    started = court.ok("start", "taksiran-panjar-skum", "--as", "rina.ptsp",
                       "--tanda-terima", roll, "--struk")
    case = started.stdout.strip()
    first = started.stderr.split("(hanya ditampilkan sekali): ")[1].split()[0]
    page = PdfReader(roll).pages[0]
    assert round(float(page.mediabox.width) / MM) == 80
    assert 100 < float(page.mediabox.height) / MM < 300  # cut to its content
    assert "Membayar panjar biaya perkara" in page.extract_text()
    assert number_and_code(qr_text(roll)) == (case, first)

    again = court.root / "lagi.pdf"
    out = court.ok("tanda-terima", case, "--as", "rina.ptsp", again)
    assert "kode sebelumnya tidak berlaku lagi" in out.stdout
    number, second = number_and_code(qr_text(again))
    assert (number, second != first) == (case, True)
    assert "diterbitkan ulang" in PdfReader(again).pages[0].extract_text()
    db = court.root / "sop.db"
    with pytest.raises(TrackingRefused):
        opens(db, case, first)
    assert opens(db, case, second) == case
    history = court.ok("case", case).stdout
    assert "Kode lacak diterbitkan ulang" in history and second not in history

    refused = court.fails(4, "tanda-terima", case, "--as", "joko.jurusita",
                          court.root / "bukan.pdf")
    assert "Ditolak" in refused.stderr and not (court.root / "bukan.pdf").exists()
    assert opens(db, case, second) == case
