"""``/survei``: the satisfaction survey for anyone holding a completed request's number and
tracking code: answered once (a second time refused in a sentence), not before the request
is completed, never with a wrong code, never with a field the form does not have."""

from __future__ import annotations

import html
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sop_runtime.audit import ikm
from sop_runtime.service import cases, survey
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.store.schema import survey_responses
from sop_runtime.web.app import create_app
from tests.clock import Clock
from tests.flows.kit import ROUTES
from tests.integration.service.conftest import copy_database

SITE = "https://testserver"
LEGALISATION = "legalisasi-waarmerking"
ANSWERS = dict(zip(ikm.KEYS, ("4", "3", "3", "2", "3", "3", "4", "3", "3"), strict=True))


def walked(rt: Runtime, clock: Clock, *, to_the_end: bool = True) -> tuple[str, str]:
    """A new legalisation request (its number and tracking code), completed or just
    started."""
    started = cases.start_case(rt, LEGALISATION, "rina.ptsp")
    assert started.tracking_code is not None
    for step in ROUTES[LEGALISATION] if to_the_end else ():
        clock.tick()
        cases.complete(rt, started.case_id, str(step["langkah"]), step["oleh"],
                       values=step.get("nilai", {}))
    return started.case_id, started.tracking_code


@pytest.fixture
def court(tmp_path: Path, demo_day: Path) -> dict[str, Any]:
    clock = Clock(datetime(2026, 12, 1, 1, 0, tzinfo=UTC))
    rt = Runtime(make_engine(f"sqlite:///{copy_database(demo_day, tmp_path / 'sop.db')}"),
                 clock)
    return {"rt": rt, "clock": clock,
            "web": TestClient(create_app(rt), base_url=SITE, headers={"Origin": SITE})}


DEMO_RESPONSES = 2  # the demo day's two paper questionnaires


def responses(rt: Runtime) -> int:
    """The responses besides the demo day's."""
    with rt.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(survey_responses))
                   .scalar_one()) - DEMO_RESPONSES


def text(answer: Any) -> str:
    return html.unescape(answer.text)


def test_a_completed_request_is_rated_once(court: dict[str, Any]) -> None:
    number, code = walked(court["rt"], court["clock"])
    web = court["web"]
    blank = web.get("/survei")
    assert blank.status_code == 200 and text(blank).count('type="radio"') == 36
    assert "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif" in text(blank)
    opened = web.post("/survei", data={"nomor": number.lower(), "kode": code})
    assert opened.status_code == 200
    page = text(opened)
    assert f'name="nomor" value="{number}"' in page and "Sangat sopan dan ramah" in page
    court["clock"].tick(hours=1)
    sent = web.post("/survei/kirim", data={"nomor": number, "kode": code, **ANSWERS,
                                           "saran": "Loket lebih cepat", "pekerjaan": "PNS"})
    assert sent.status_code == 200 and "data-sent" in sent.text
    assert responses(court["rt"]) == 1
    found = survey.results(court["rt"], court["clock"].now - timedelta(days=1),
                           court["clock"].now + timedelta(seconds=1))
    assert found.overall is not None and found.overall.unit == ikm.from_responses(
        [{k: int(v) for k, v in ANSWERS.items()}]).unit  # type: ignore[union-attr]
    again = web.post("/survei/kirim", data={"nomor": number, "kode": code, **ANSWERS})
    assert again.status_code == 409
    assert "Survei untuk permohonan ini sudah diisi" in text(again) and "data-closed" in again.text
    reopened = web.post("/survei", data={"nomor": number, "kode": code})
    assert reopened.status_code == 409 and "sudah diisi" in text(reopened)
    assert 'type="radio"' not in reopened.text
    assert responses(court["rt"]) == 1


def test_not_before_the_request_is_completed(court: dict[str, Any]) -> None:
    number, code = walked(court["rt"], court["clock"], to_the_end=False)
    page = court["web"].post("/survei", data={"nomor": number, "kode": code})
    assert page.status_code == 409 and "setelah permohonan Anda selesai" in text(page)
    sent = court["web"].post("/survei/kirim", data={"nomor": number, "kode": code, **ANSWERS})
    assert sent.status_code == 422 and "belum selesai" in text(sent)
    assert responses(court["rt"]) == 0


def test_a_wrong_code_opens_nothing(court: dict[str, Any]) -> None:
    number, code = walked(court["rt"], court["clock"])
    wrong = "A" * 16 if code != "A" * 16 else "B" * 16
    for path in ("/survei", "/survei/kirim"):
        page = court["web"].post(path, data={"nomor": number, "kode": wrong, **ANSWERS})
        assert page.status_code == 403
        assert "Nomor permohonan dan kode lacak tidak cocok" in text(page)
    unknown = court["web"].post("/survei/kirim", data={"nomor": "SNN-2026-99999",
                                                       "kode": code, **ANSWERS})
    assert unknown.status_code == 403 and text(unknown).count("tidak cocok") == 1
    assert responses(court["rt"]) == 0


@pytest.mark.parametrize(("forged", "said"), [
    ({"case_id": "SNN-2026-00001"}, "kolom 'case_id' tidak ada pada formulir ini"),
    ({"waktu": "5"}, "unsur 3 (Waktu penyelesaian): nilai '5' di luar 1-4"),
    ({"biaya": "-1"}, "unsur 4 (Biaya/tarif): nilai '-1' di luar 1-4"),
    ({"pendidikan": "S9"}, "Pendidikan: 'S9' bukan pilihan"),
])
def test_forged_fields_are_refused(court: dict[str, Any], forged: dict[str, str],
                                   said: str) -> None:
    number, code = walked(court["rt"], court["clock"])
    page = court["web"].post("/survei/kirim", data={"nomor": number, "kode": code, **ANSWERS,
                                                    **forged})
    assert page.status_code == 422 and said in text(page)
    assert responses(court["rt"]) == 0


def test_an_unanswered_question_is_named(court: dict[str, Any]) -> None:
    number, code = walked(court["rt"], court["clock"])
    partial = {k: v for k, v in ANSWERS.items() if k != "sarana"}
    page = court["web"].post("/survei/kirim", data={"nomor": number, "kode": code, **partial})
    assert page.status_code == 422
    assert "unsur 8 (Sarana dan prasarana) belum dijawab" in text(page)
    assert 'value="4" required checked' in page.text  # the answers given are kept
    assert responses(court["rt"]) == 0


def test_a_post_from_another_site_is_refused(court: dict[str, Any]) -> None:
    number, code = walked(court["rt"], court["clock"])
    page = court["web"].post("/survei/kirim", data={"nomor": number, "kode": code, **ANSWERS},
                             headers={"Origin": "https://evil.example"})
    assert page.status_code == 403 and responses(court["rt"]) == 0
