"""The public site's view of the court: its face (name, contacts, way to complain; never a
person), the address its QR codes point to, and what it publishes without a ``ptsp``."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from sop_runtime.service import publicsite, services_offered, setup
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from tests.conftest import DEFINITIONS
from tests.qrread import read_svg


@pytest.fixture(scope="module")
def published(tmp_path_factory: pytest.TempPathFactory) -> Runtime:
    """The court of definitions/ whose court file names its public address, and neither
    its PTSP's desks nor a fee table of its services."""
    folder = tmp_path_factory.mktemp("published") / "definitions"
    shutil.copytree(DEFINITIONS, folder)
    court = folder / "court.yaml"
    text = court.read_text(encoding="utf-8")
    assert "\npublikasi:" not in text
    text = text[:text.index("\nptsp:\n")] + text[text.index("\nperan:\n"):]
    text = text.replace("tarif_layanan: tarif/layanan.yaml\n", "")
    court.write_text(text + "\npublikasi:\n  alamat_web: https://ptsp.pn-sanana.go.id/\n",
                     encoding="utf-8")
    rt = Runtime(make_engine(f"sqlite:///{folder.parent / 'sop.db'}"))
    setup.init(rt, folder)
    return rt


@pytest.fixture(scope="module")
def plain(tmp_path_factory: pytest.TempPathFactory, demo_day: Path) -> Runtime:
    from tests.conftest import copy_database

    db = copy_database(demo_day, tmp_path_factory.mktemp("plain") / "sop.db")
    return Runtime(make_engine(f"sqlite:///{db}"))


def test_the_court_files_address_comes_first(published: Runtime) -> None:
    for asked in (None, "http://10.0.0.5:8000/", "https://evil.example"):
        assert publicsite.public_address(published, asked) == "https://ptsp.pn-sanana.go.id"
    assert publicsite.public_url(published, "http://x", "/layanan") == \
        "https://ptsp.pn-sanana.go.id/layanan"


@pytest.mark.parametrize(("asked", "expected"), [
    ("http://10.0.0.5:8000/", "http://10.0.0.5:8000"),
    ("https://ptsp.example/sop/", "https://ptsp.example/sop"),  # mounted under a prefix
    (None, publicsite.LOCAL_ADDRESS),
    ("", publicsite.LOCAL_ADDRESS),
    ("ftp://x.example/", publicsite.LOCAL_ADDRESS),
    ("not an address", publicsite.LOCAL_ADDRESS)])
def test_else_the_address_asked_on_else_the_local_one(plain: Runtime, asked: str | None,
                                                      expected: str) -> None:
    assert publicsite.public_address(plain, asked) == expected


def test_a_path_is_a_site_path(plain: Runtime) -> None:
    with pytest.raises(ValueError, match="starts with '/'"):
        publicsite.public_url(plain, None, "layanan")


def test_the_qr_code_points_to_the_public_page(published: Runtime) -> None:
    url, svg = publicsite.public_qr(published, "http://10.0.0.5", "/layanan/tambah-panjar")
    assert url == "https://ptsp.pn-sanana.go.id/layanan/tambah-panjar"
    assert read_svg(svg) == [url]


def test_the_face_names_the_court_not_its_staff(plain: Runtime) -> None:
    face = publicsite.face(plain)
    assert face.court == "Pengadilan Negeri Sanana" and face.has_logo
    assert face.address == "Sanana, Kepulauan Sula, Maluku Utara"
    assert face.phone is None and face.email is None  # the court file gives none
    assert "siwas.mahkamahagung.go.id" in face.complaint and "Meja Pengaduan" in face.complaint
    assert "Perma Nomor 9 Tahun 2016" in face.complaint_basis


def test_without_desks_every_service_standard_is_one_group(published: Runtime) -> None:
    groups = services_offered.offered(published)
    assert [g.name for g in groups] == ["Layanan pengadilan"]
    listed = [s.sop_id for s in groups[0].services]
    assert "standar-pelayanan-ptsp" in listed and "penerimaan-perkara-pidana" not in listed
    assert [s.name for s in groups[0].services] == sorted(s.name for s in groups[0].services)
    # no fee table: the SOP's own words, and that the court's table has no figure
    fees = services_offered.published(published, "legalisasi-waarmerking").fees
    assert fees.kind == "tidak_tercantum" and fees.sop_text is not None
    assert "PP 5/2019" in fees.sop_text
