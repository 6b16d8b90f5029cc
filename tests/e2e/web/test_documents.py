"""Documents in a real browser: the complaints desk attaches a scanned PDF at a complaint's
step, the Ketua (a supervisor who reads complaints) downloads it from the case page, and the
Panitera (a supervisor the complaint SOP does not name) is refused with who may read it and
why."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from sop_runtime.service import cases
from tests.e2e.web.conftest import Court, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

Shot = Callable[[Page, str], Path]


def scanned_pdf() -> bytes:
    """A one-page PDF such as a scanner writes (its text drawn on the page)."""
    text = b"BT /F1 18 Tf 72 720 Td (Bukti pendukung pengaduan - pindaian) Tj ET"
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>",
               b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R "
               b"/Resources << /Font << /F1 5 0 R >> >> >>",
               b"<< /Length %d >>\nstream\n" % len(text) + text + b"\nendstream",
               b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for n, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % n + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, xref)
    return bytes(out)


def test_a_scanned_pdf_is_uploaded_downloaded_by_a_supervisor_and_refused_to_others(
        page: Page, court: Court, shot: Shot, tmp_path: Path) -> None:
    out = cases.start_case(court.rt, "pengaduan-siwas", "dewi.pengaduan")
    case_id, node = out.case_id, out.state.open_steps[0].node
    scan = tmp_path / "bukti-pengaduan.pdf"
    scan.write_bytes(scanned_pdf())

    sign_in(page, "dewi.pengaduan")
    page.goto(f"/perkara/{case_id}/langkah/{node}")
    page.get_by_role("textbox", name="Surat atau uraian pengaduan").fill(
        "Surat pengaduan tertulis")
    page.get_by_role("textbox", name="Identitas pelapor dan terlapor").fill("Terlampir")
    page.get_by_label("Berkas pindaian: Bukti pendukung").set_input_files(scan)
    page.get_by_role("textbox", name="Pengaduan tercatat dalam register pengaduan").fill(
        "REG-PGD-2026-07")
    shot(page, "dokumen-unggah")
    page.get_by_role("button", name="Selesaikan langkah").click()
    expect(page).to_have_url(re.compile(rf"/perkara/{case_id}$"))
    documents = page.get_by_role("region", name=re.compile("Dokumen"))
    expect(documents).to_contain_text("bukti-pengaduan.pdf")
    expect(documents).to_contain_text("PDF")
    page.get_by_role("button", name="Keluar").click()

    sign_in(page, "hendra.kpn")  # Ketua: a supervisor, and a pelaksana of the complaint SOP
    page.goto(f"/perkara/{case_id}")
    link = page.get_by_role("link", name="bukti-pengaduan.pdf")
    expect(link).to_be_visible()
    shot(page, "dokumen-perkara")
    with page.expect_download() as wait:
        link.click()
    download = wait.value
    assert download.suggested_filename == "bukti-pengaduan.pdf"
    assert Path(download.path()).read_bytes() == scan.read_bytes()
    href = link.get_attribute("href")
    assert href is not None and re.fullmatch(rf"/perkara/{case_id}/dokumen/[0-9a-f]{{64}}", href)
    page.get_by_role("button", name="Keluar").click()

    sign_in(page, "bambang.panitera")  # a supervisor, but not a reader of complaints
    answer = page.goto(href)
    assert answer is not None and answer.status == 403
    refusal = page.get_by_role("alert")
    expect(refusal).to_contain_text("perkara rahasia")
    expect(refusal).to_contain_text("Hakim Pengawas Bidang")
    expect(refusal).to_contain_text("Ketua Pengadilan Negeri")
    expect(refusal).to_contain_text("Perma Nomor 9 Tahun 2016")
    shot(page, "dokumen-ditolak")
