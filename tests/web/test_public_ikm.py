"""``/layanan/ikm`` and ``/api/layanan/ikm``: the survey's results for anyone, by year,
semester, triwulan or days; never a suggestion or a request number; bad periods named."""

from __future__ import annotations

import html
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from sop_runtime.audit import ikm
from sop_runtime.service import cases, survey
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.app import create_app
from sop_runtime.web.deps import ApiError
from sop_runtime.web.public.ikm import period
from tests.flows.kit import ROUTES
from tests.integration.service.conftest import copy_database

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # 11.00 WIT
WIT = ZoneInfo("Asia/Jayapura")
LEGALISATION = "legalisasi-waarmerking"


@pytest.fixture(scope="module")
def court(tmp_path_factory: pytest.TempPathFactory, demo_day: Path) -> dict[str, Any]:
    """The demo court (its day's two answers: 31 and 28 points) and two more requests
    completed and answered on 2 December 2026 (28 and 26 points: 75,00 together)."""
    db = copy_database(demo_day, tmp_path_factory.mktemp("ikm") / "sop.db")
    rt = Runtime(make_engine(f"sqlite:///{db}"), lambda: NOW)
    done = []
    for values in ((4, 3, 3, 2, 3, 3, 4, 3, 3), (3, 3, 2, 2, 3, 4, 4, 3, 2)):
        case = cases.start_case(rt, LEGALISATION, "rina.ptsp").case_id
        for step in ROUTES[LEGALISATION]:
            cases.complete(rt, case, str(step["langkah"]), step["oleh"],
                           values=step.get("nilai", {}))
        survey.submit(rt, case, dict(zip(ikm.KEYS, values, strict=True)),
                      saran="Petugas loket bernama Rina kurang ramah")
        done.append(case)
    return {"rt": rt, "done": [*done, "SNN-2026-00001", "SNN-2026-00007"],
            "web": TestClient(create_app(rt), base_url="https://testserver")}


def test_anyone_reads_the_results_of_the_year(court: dict[str, Any]) -> None:
    page = court["web"].get("/layanan/ikm")
    assert page.status_code == 200
    text = page.text
    # (31 + 28 + 28 + 26) / 36 x 25 = 78,47
    assert "Tahun 2026" in text and "78,47" in text and "Baik" in text
    assert 'data-mutu="B"' in text and "dari 4 responden" in text
    assert "Biaya/tarif" in text and "2,50" in text  # biaya's NRR: (3 + 3 + 2 + 2) / 4
    assert "Rina" not in text and "kurang ramah" not in text and "Ruang tunggu" not in text
    assert all(case not in text for case in court["done"])
    assert '<option value="2026-T4">Triwulan IV 2026</option>' in text
    assert '<option value="2026" selected>Tahun 2026</option>' in text


def test_a_quarter_a_semester_or_days(court: dict[str, Any]) -> None:
    web = court["web"]
    assert "78,47" in web.get("/layanan/ikm?periode=2026-T4").text
    empty = web.get("/layanan/ikm?periode=2026-S1").text
    assert "Semester I Tahun 2026" in empty and "Belum ada responden" in empty
    days = web.get("/layanan/ikm?dari=2026-12-01&sampai=2026-12-02").text
    assert "1 Desember 2026 – 2 Desember 2026" in days and "75,00" in days
    english = TestClient(web.app, base_url="https://testserver", cookies={"sop_bahasa": "en"}
                         ).get("/layanan/ikm?periode=2026-T4").text
    assert "Quarter IV of 2026" in english and "78.47" in english and "Good" in english


@pytest.mark.parametrize(("query", "said"), [
    ("periode=2026-T5", "Periode '2026-T5' tidak dikenal"),
    ("periode=20x6", "Periode '20x6' tidak dikenal"),
    ("periode=1999", "Periode '1999' tidak dikenal"),
    ("dari=2026-13-01&sampai=2026-12-31", "dari '2026-13-01' bukan tanggal"),
    ("dari=2026-12-01", "Isi dari dan sampai"),
    ("dari=2026-12-31&sampai=2026-12-01", "sebelum tanggal dari"),
])
def test_a_bad_period_is_named(court: dict[str, Any], query: str, said: str) -> None:
    page = court["web"].get(f"/layanan/ikm?{query}")
    assert page.status_code == 422 and said in html.unescape(page.text)
    assert court["web"].get(f"/api/layanan/ikm?{query}").status_code == 422


def test_the_json_twin(court: dict[str, Any]) -> None:
    data = court["web"].get("/api/layanan/ikm?periode=2026-T4").json()
    assert data["period"] == "Triwulan IV Tahun 2026"
    assert (data["from"], data["to"]) == ("2026-10-01", "2026-12-31")
    assert data["respondents"] == 4 and data["overall"]["ikm_unit"] == 78.47
    assert data["overall"]["mutu"] == "B" and data["overall"]["kinerja"] == "Baik"
    assert len(data["services"]) == 3 and "Nomor 14 Tahun 2017" in data["regulation"]
    days = court["web"].get("/api/layanan/ikm?dari=2026-12-02&sampai=2026-12-02").json()
    assert days["respondents"] == 2 and days["overall"]["ikm_unit"] == 75.0
    assert "kurang ramah" not in str(data) and "Rina" not in str(data)
    assert all(case not in str(data) for case in court["done"])


def test_the_default_period_is_this_year() -> None:
    asked = period(WIT, datetime(2026, 12, 2).date())
    assert (asked.start, asked.end) == (datetime(2026, 1, 1, tzinfo=WIT),
                                        datetime(2027, 1, 1, tzinfo=WIT))
    with pytest.raises(ApiError):
        period(WIT, datetime(2026, 12, 2).date(), periode="2026-S3")
