"""The poster of a service's standar pelayanan, from the command line (``sop poster``) and
the public page (``/layanan/{sop}/poster.pdf``): A4, one page where the letters stay
readable, the seven components, no staff name, and a QR code that an independent reader
decodes to the service's public page at the court's public address."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from pypdf import PdfReader

from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.app import create_app
from tests.e2e.cli import sop
from tests.qrread import read_pdf
from tests.web.test_public_access import staff_words
from tests.web.test_public_services import LIB, PUBLISHED

MM = 72 / 25.4
HEADINGS = ("PERSYARATAN", "WAKTU PELAYANAN", "BIAYA", "HASIL LAYANAN", "PROSEDUR",
            "PENGADUAN")


def _text(pdf: Path) -> str:
    return " ".join(" ".join(p.extract_text().split()) for p in PdfReader(pdf).pages)


def test_the_poster_from_the_command_line(demo_copy: Path, tmp_path: Path) -> None:
    env = {"SOP_DATABASE_URL": f"sqlite:///{demo_copy}"}
    poster = tmp_path / "poster.pdf"
    done = sop("poster", "salinan-putusan", "-o", poster, "--alamat",
               "https://ptsp.pn-sanana.go.id/", env=env)
    assert done.returncode == 0, done.stderr
    assert "ditulis ke" in done.stdout
    pages = PdfReader(poster).pages
    assert len(pages) == 1
    assert round(float(pages[0].mediabox.width) / MM) == 210
    assert round(float(pages[0].mediabox.height) / MM) == 297
    text = _text(poster)
    for heading in HEADINGS:
        assert heading in text, heading
    assert "Permohonan Salinan Putusan" in text and "14 hari kerja" in text
    assert "Rp500" in text and "PP Nomor 5 Tahun 2019" in text
    assert not [w for w in staff_words() if w in text]
    assert read_pdf(poster) == ["https://ptsp.pn-sanana.go.id/layanan/salinan-putusan"]

    missing = tmp_path / "tidak.pdf"
    refused = sop("poster", "penerimaan-perkara-pidana", "-o", missing, env=env)
    assert refused.returncode == 2 and "tidak ada" in refused.stderr
    assert not missing.exists()


@pytest.fixture(scope="module")
def web(tmp_path_factory: pytest.TempPathFactory, demo_day: Path) -> TestClient:
    from tests.conftest import copy_database

    db = copy_database(demo_day, tmp_path_factory.mktemp("poster") / "sop.db")
    return TestClient(create_app(Runtime(make_engine(f"sqlite:///{db}"))),
                      base_url="https://ptsp.contoh.go.id")


def test_the_poster_of_the_page_points_to_the_page(web: TestClient, tmp_path: Path) -> None:
    page = web.get("/layanan/legalisasi-waarmerking").text
    assert 'href="/layanan/legalisasi-waarmerking/poster.pdf"' in page
    answer = web.get("/layanan/legalisasi-waarmerking/poster.pdf")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["content-disposition"] == \
        'inline; filename="poster-legalisasi-waarmerking.pdf"'
    poster = tmp_path / "poster.pdf"
    poster.write_bytes(answer.content)
    assert read_pdf(poster) == ["https://ptsp.contoh.go.id/layanan/legalisasi-waarmerking"]
    assert web.get("/layanan/standar-pelayanan-ptsp/poster.pdf").status_code == 404


def test_every_poster_fits_where_its_letters_stay_readable(web: TestClient,
                                                          tmp_path: Path) -> None:
    """One page, but for the longest procedures, which go on over a second sheet."""
    for sop_id in PUBLISHED:
        poster = tmp_path / f"{sop_id}.pdf"
        poster.write_bytes(web.get(f"/layanan/{sop_id}/poster.pdf").content)
        pages = len(PdfReader(poster).pages)
        steps = len(LIB.workflows[sop_id].nodes)
        assert pages == 1 or (pages == 2 and steps >= 12), (sop_id, pages, steps)
