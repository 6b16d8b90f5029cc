"""``sop report case`` and the reports' PDF, as a user drives them on the demo court: the
terminal tables, ``--json``, the printable page, and the PDF read back by an independent
reader (pypdf)."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from tests.conftest import copy_database
from tests.e2e.court import Court

CASE = "SNN-2026-00001"  # the civil claim: filed, paid, numbered; two deviations
STEP_NAMES = ("Menerima berkas gugatan dan memeriksa kelengkapan sesuai ceklist",
              "Menghitung panjar biaya perkara dan membuat slip setoran",
              "Menyerahkan SKUM kepada penggugat sebagai bukti pendaftaran")


@pytest.fixture
def court(demo_day: Path, tmp_path: Path) -> Court:
    copy_database(demo_day, tmp_path / "sop.db")
    return Court(tmp_path, f"sqlite:///{tmp_path / 'sop.db'}")


def pdf_text(path: Path) -> tuple[int, str]:
    reader = PdfReader(path)
    text = " ".join(page.extract_text() or "" for page in reader.pages)
    return len(reader.pages), " ".join(text.split())


def test_the_case_report_in_the_terminal_and_as_json(court: Court) -> None:
    out = " ".join(court.ok("report", "case", CASE).stdout.split())
    for section in ("Langkah dan batas waktu", "Penyimpangan prosedur", "Siapa mengerjakan apa",
                    "Riwayat lengkap", "Belum ada segel yang mencakup"):
        assert section in out
    assert "atas nama Pemohon" in out and "Siti Aisyah Buamona" in out
    english = " ".join(court.ok("report", "case", CASE, "--lang", "en").stdout.split())
    assert "The whole timeline" in english and "on behalf of Pemohon" in english

    log = court.json("log", CASE)
    data = court.json("report", "case", CASE)
    assert set(data) >= {"case_id", "sop", "status", "service", "steps", "deviations", "people",
                         "timeline", "chain", "seal"}
    assert [(e["seq"], e["type"], e["by"]["username"]) for e in data["timeline"]] == [
        (e["seq"], e["type"], e["actor"]) for e in log]
    assert data["sop"]["id"] == "pendaftaran-gugatan-ptsp" and data["status"] == "selesai"
    assert data["service"]["met"] is False and data["service"]["late_seconds"] == 55 * 60
    assert [(d["kind"], d["outcome"]) for d in data["deviations"]] == [
        ("overdue", "dicatat"), ("service_overdue", "dicatat")]
    assert data["chain"] == {"ok": True, "events": 18, "message": None}
    assert data["seal"]["covered"] is False and data["seal"]["head"]["seq"] == 18

    made = court.json("seal", "create", "--as", "bambang.panitera")
    seal = court.json("report", "case", CASE)["seal"]
    assert seal["covered"] and seal["seal_id"] == made["seal_id"] and seal["root"] == made["root"]
    assert seal["proof_holds"] is True and seal["proof"]["root"] == made["root"]
    # the proof in the report is the one `sop seal check-proof` accepts without the database
    proof = court.root / "bukti.json"
    proof.write_text(json.dumps(seal["proof"]), encoding="utf-8")
    court.ok("seal", "check-proof", proof, "--root", made["root"])


def test_the_case_report_as_a_page_and_a_pdf(court: Court) -> None:
    made = court.json("seal", "create", "--as", "bambang.panitera")
    page, pdf = court.root / "perkara.html", court.root / "perkara.pdf"
    court.ok("report", "case", CASE, "--html", page, "--pdf", pdf)
    html = page.read_text(encoding="utf-8")
    for section in ("Laporan Pertanggungjawaban Perkara", "Pengadilan Negeri Sanana",
                    "Langkah dan batas waktu", "Penyimpangan prosedur", "Siapa mengerjakan apa",
                    "Riwayat lengkap", "Segel yang mencakup perkara ini: #1", made["root"],
                    "Hendra Wijaya Saputra", "NIP 19780415 200312 1 002"):
        assert section in html, section
    assert pdf.read_bytes().startswith(b"%PDF-")
    pages, text = pdf_text(pdf)
    assert pages >= 2
    assert CASE in text and made["root"] in text.replace(" ", "")
    for name in STEP_NAMES:
        assert name in text, name
    assert f"Halaman 1 dari {pages}" in text and "Hendra Wijaya Saputra" in text


def test_the_period_report_as_a_pdf_with_its_new_charts(court: Court) -> None:
    page, pdf = court.root / "laporan.html", court.root / "laporan.pdf"
    court.ok("report", "period", "--from", "2026-11-16", "--to", "2026-11-29",
             "--html", page, "--pdf", pdf)
    html = page.read_text(encoding="utf-8")
    assert "Umur langkah yang masih terbuka" in html and "Beban kerja per orang" in html
    assert html.count("<svg") == 4
    pages, text = pdf_text(pdf)
    assert "Laporan Pertanggungjawaban Pelaksanaan SOP" in text and f"dari {pages}" in text
    assert "16 November 2026 s.d. 29 November 2026" in text
    data = court.json("report", "period", "--from", "2026-11-16", "--to", "2026-11-29")
    assert set(data["aging"]) == {"<1", "1-2", "3-5", ">5"}
    # 8, step 1 of the banding, and the surat keterangan handed over on Wednesday
    assert data["load"]["fadli.ptsp"]["done"] == 10


def test_bad_input_gets_a_clear_message(court: Court) -> None:
    r = court.fails(2, "report", "case", "SNN-2026-99999")
    assert "Perkara 'SNN-2026-99999' tidak ada" in r.stderr
    blocker = court.root / "berkas.txt"
    blocker.write_text("bukan folder", encoding="utf-8")
    for option in ("--html", "--pdf"):
        r = court.fails(2, "report", "case", CASE, option, blocker / "laporan")
        assert "tidak dapat menulis" in r.stderr and "Traceback" not in r.stderr
    r = court.fails(2, "report", "period", "--from", "2026-11-16", "--to", "2026-11-29",
                    "--pdf", blocker / "x.pdf")
    assert "tidak dapat menulis" in r.stderr


@pytest.fixture
def no_pango(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """WeasyPrint imported afresh where the pango library cannot be loaded (its loader,
    cffi's ``dlopen``, fails for pango as it does where the library is not installed)."""
    if os.environ.get("SOP_TEST_SUBPROCESS"):
        pytest.skip("hides pango inside this test process only")
    import cffi

    real = cffi.FFI.dlopen

    def dlopen(self: cffi.FFI, name: Any, *args: Any) -> Any:
        if "pango" in str(name):
            raise OSError(f"cannot load library '{name}': {name}: cannot open shared object "
                          "file: No such file or directory")
        return real(self, name, *args)

    loaded = {m for m in sys.modules if m == "weasyprint" or m.startswith("weasyprint.")}
    for name in loaded:
        monkeypatch.delitem(sys.modules, name)
    monkeypatch.setattr(cffi.FFI, "dlopen", dlopen)
    yield
    for name in [m for m in sys.modules if m.startswith("weasyprint") and m not in loaded]:
        del sys.modules[name]  # what the failed import left behind


def test_without_pango_the_pdf_says_so_and_the_html_still_works(court: Court,
                                                                 no_pango: None) -> None:
    page, pdf = court.root / "perkara.html", court.root / "perkara.pdf"
    r = court.fails(1, "report", "case", CASE, "--html", page, "--pdf", pdf)
    assert "libpango-1.0-0" in r.stderr and "pango" in r.stderr and "--html" in r.stderr
    assert "WeasyPrint could not import" not in r.stdout + r.stderr  # its own hint is held back
    assert page.exists() and not pdf.exists()
    r = court.fails(1, "--lang", "en", "report", "case", CASE, "--pdf", pdf)
    assert "Cannot make the PDF: the system library libpango-1.0-0" in r.stderr
