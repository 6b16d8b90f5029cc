"""/layanan and /layanan/{sop_id} (and their JSON twins) over the demo court: every
published service's page, in the seven components; only what the court publishes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sop_runtime.compiler.library import load_library
from sop_runtime.service import library
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.app import create_app
from tests.conftest import DEFINITIONS
from tests.integration.service.conftest import copy_database
from tests.web.hostile import NOW
from tests.web.test_public_access import staff_words

SITE = "https://testserver"
LIB = load_library([DEFINITIONS])
assert LIB.court is not None and LIB.court.model.ptsp is not None
DESKS = [(d.nama, list(d.layanan)) for d in LIB.court.model.ptsp.meja]
PUBLISHED = [sop for _, sops in DESKS for sop in sops]
COMPONENTS = ["persyaratan", "biaya", "waktu", "prosedur", "produk", "sarana", "pengaduan"]


@pytest.fixture(scope="module")
def court(tmp_path_factory: pytest.TempPathFactory, demo_day: Path) -> dict[str, Any]:
    db = copy_database(demo_day, tmp_path_factory.mktemp("layanan") / "sop.db")
    rt = Runtime(make_engine(f"sqlite:///{db}"), lambda: NOW)
    return {"rt": rt, "web": TestClient(create_app(rt), base_url=SITE)}


def test_the_services_as_the_desks_group_them(court: dict[str, Any]) -> None:
    page = court["web"].get("/layanan").text
    desks = re.findall(r'<h2 id="meja-\d+">([^<]+)</h2>', page)
    assert desks == [name for name, _ in DESKS]
    assert re.findall(r'data-sop="([^"]+)"', page) == PUBLISHED
    assert "penerimaan-perkara-pidana" not in page and "standar-pelayanan-ptsp" not in page
    listed = court["web"].get("/api/layanan").json()
    assert [g["name"] for g in listed] == [name for name, _ in DESKS]
    assert [[s["sop_id"] for s in g["services"]] for g in listed] == [s for _, s in DESKS]


@pytest.mark.parametrize("sop", PUBLISHED)
def test_each_service_in_its_seven_components(court: dict[str, Any], sop: str) -> None:
    answer = court["web"].get(f"/layanan/{sop}")
    assert answer.status_code == 200
    page = answer.text
    shown = re.findall(r'data-komponen="([a-z]+)"', page)
    wf = LIB.workflows[sop]
    want = [c for c in COMPONENTS if c != "sarana" or wf.document.standar_pelayanan
            .sarana_prasarana]  # type: ignore[union-attr]
    assert shown == want
    data = court["web"].get(f"/api/layanan/{sop}").json()
    assert data["name"] in page.replace("&amp;", "&")
    for requirement in data["requirements"]:
        assert requirement.replace("&", "&amp;") in page
    assert len(re.findall(r'<li value="\d+"', page)) == len(data["procedure"])
    assert data["time"]["text"] and data["fees"]["kind"] in (
        "baris", "panjar", "tanpa_biaya", "tidak_tercantum")


def _words_never_published(rt: Runtime) -> set[str]:
    """Authors' notes, versions (full and short) of the SOPs in force, and the staff."""
    words = set(staff_words())
    for wf, _ in library.in_force(rt):
        words |= {wf.version, wf.version[:12], *wf.document.catatan_penyusun,
                  *(note for node in wf.nodes for note in node.author_notes)}
    return {w for w in words if len(w) > 3}


@pytest.mark.parametrize("lang", ["id", "en"])
def test_no_page_publishes_a_name_a_note_or_a_version(court: dict[str, Any], lang: str) -> None:
    web = TestClient(court["web"].app, base_url=SITE, cookies={"sop_bahasa": lang})
    never = _words_never_published(court["rt"])
    for path in ["/layanan", "/api/layanan", *(f"/layanan/{s}" for s in PUBLISHED),
                 *(f"/api/layanan/{s}" for s in PUBLISHED)]:
        body = web.get(path, headers={"Accept-Language": lang}).text
        leaked = sorted(w for w in never if w in body)
        assert leaked == [], (path, leaked[:3])
        assert not re.search(r"\d{4}-\d{2}-\d{2}T|UTC", body), path


@pytest.mark.parametrize("sop", ["standar-pelayanan-ptsp", "penerimaan-perkara-pidana",
                                 "tidak-ada", "x" * 80])
def test_what_is_not_published_is_not_found(court: dict[str, Any], sop: str) -> None:
    page = court["web"].get(f"/layanan/{sop}")
    api = court["web"].get(f"/api/layanan/{sop}")
    assert page.status_code == api.status_code == 404
    assert api.json() == {"detail": f"Layanan '{sop}' tidak ada"}
    # in the public site's frame, back to its services (not the staff's front door)
    assert 'href="/static/public.css"' in page.text and 'href="/layanan">Lihat semua' in page.text
    assert "SIWAS" in page.text and "/masuk" not in page.text


def test_a_bad_address_is_answered_in_the_public_frame(court: dict[str, Any]) -> None:
    page = court["web"].get("/layanan/" + "x" * 81)
    assert page.status_code == 422 and 'href="/static/public.css"' in page.text


def test_a_service_page_in_english(court: dict[str, Any]) -> None:
    web = TestClient(court["web"].app, base_url=SITE, cookies={"sop_bahasa": "en"})
    page = web.get("/layanan/salinan-putusan").text
    for heading in ("Requirements", "Cost", "Service time", "Procedure", "What you receive",
                    "Complaints"):
        assert f">{heading}</h2>" in page
    assert "14 working days" in page and "Rp500" in page
