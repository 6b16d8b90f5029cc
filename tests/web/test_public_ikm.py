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
from sqlalchemy import select

from sop_runtime.audit import ikm
from sop_runtime.engine import CaseStatus
from sop_runtime.service import survey
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.store.schema import cases
from sop_runtime.web.app import create_app
from sop_runtime.web.deps import ApiError
from sop_runtime.web.public.ikm import period
from tests.integration.service.conftest import copy_database

NOW = datetime(2026, 12, 2, 2, 0, tzinfo=UTC)  # 11.00 WIT
WIT = ZoneInfo("Asia/Jayapura")


@pytest.fixture(scope="module")
def court(tmp_path_factory: pytest.TempPathFactory, demo_day: Path) -> dict[str, Any]:
    db = copy_database(demo_day, tmp_path_factory.mktemp("ikm") / "sop.db")
    rt = Runtime(make_engine(f"sqlite:///{db}"), lambda: NOW)
    with rt.engine.connect() as conn:
        done = list(conn.execute(select(cases.c.case_id).where(
            cases.c.status == CaseStatus.COMPLETED).order_by(cases.c.case_id)).scalars())
    survey.submit(rt, done[0], dict(zip(ikm.KEYS, (4, 3, 3, 2, 3, 3, 4, 3, 3), strict=True)),
                  saran="Petugas loket bernama Rina kurang ramah")
    survey.submit(rt, done[1], dict(zip(ikm.KEYS, (3, 3, 2, 2, 3, 4, 4, 3, 2), strict=True)))
    return {"rt": rt, "done": done, "web": TestClient(create_app(rt),
                                                      base_url="https://testserver")}


def test_anyone_reads_the_results_of_the_year(court: dict[str, Any]) -> None:
    page = court["web"].get("/layanan/ikm")
    assert page.status_code == 200
    text = page.text
    assert "Tahun 2026" in text and "75,00" in text and "Kurang Baik" in text
    assert 'data-mutu="C"' in text and "dari 2 responden" in text
    assert "Biaya/tarif" in text and "2,00" in text  # biaya's NRR: (2 + 2) / 2
    assert "Rina" not in text and "kurang ramah" not in text
    assert all(case not in text for case in court["done"])
    assert '<option value="2026-T4">Triwulan IV 2026</option>' in text
    assert '<option value="2026" selected>Tahun 2026</option>' in text


def test_a_quarter_a_semester_or_days(court: dict[str, Any]) -> None:
    web = court["web"]
    assert "75,00" in web.get("/layanan/ikm?periode=2026-T4").text
    empty = web.get("/layanan/ikm?periode=2026-S1").text
    assert "Semester I Tahun 2026" in empty and "Belum ada responden" in empty
    days = web.get("/layanan/ikm?dari=2026-12-01&sampai=2026-12-02").text
    assert "1 Desember 2026 – 2 Desember 2026" in days and "75,00" in days
    english = TestClient(web.app, base_url="https://testserver", cookies={"sop_bahasa": "en"}
                         ).get("/layanan/ikm?periode=2026-T4").text
    assert "Quarter IV of 2026" in english and "75.00" in english and "Not good" in english


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
    assert data["respondents"] == 2 and data["overall"]["ikm_unit"] == 75.0
    assert data["overall"]["mutu"] == "C" and data["overall"]["kinerja"] == "Kurang Baik"
    assert len(data["services"]) == 2 and "Nomor 14 Tahun 2017" in data["regulation"]
    assert "kurang ramah" not in str(data) and "Rina" not in str(data)
    assert all(case not in str(data) for case in court["done"])


def test_the_default_period_is_this_year() -> None:
    asked = period(WIT, datetime(2026, 12, 2).date())
    assert (asked.start, asked.end) == (datetime(2026, 1, 1, tzinfo=WIT),
                                        datetime(2027, 1, 1, tzinfo=WIT))
    with pytest.raises(ApiError):
        period(WIT, datetime(2026, 12, 2).date(), periode="2026-S3")
