"""The satisfaction survey on SQLite and PostgreSQL: one response per completed request, the
refusals with their reasons (nothing written), a clerk typing in a paper form, and the IKM
per service and period pooled over the services."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from sop_runtime.audit import ikm
from sop_runtime.errors import NotFoundError
from sop_runtime.i18n import set_lang
from sop_runtime.service import cases, survey
from sop_runtime.service.people import NotAllowed
from sop_runtime.service.runtime import Runtime
from sop_runtime.service.survey import SurveyRefused
from sop_runtime.store.schema import survey_responses
from tests.clock import Clock
from tests.flows.kit import ROUTES

LEGALISATION = "legalisasi-waarmerking"
WIT = ZoneInfo("Asia/Jayapura")


@pytest.fixture(autouse=True)
def indonesian() -> Iterator[None]:
    set_lang("id")
    yield
    set_lang(None)


def completed(rt: Runtime, clock: Clock, sop: str = LEGALISATION) -> str:
    """A new case of ``sop`` walked along its golden route to its end."""
    route = ROUTES[sop]
    case = cases.start_case(rt, sop, route[0]["oleh"]).case_id
    for step in route:
        clock.tick()
        cases.complete(rt, case, str(step["langkah"]), step["oleh"],
                       values=step.get("nilai", {}), decision=step.get("keputusan"))
    return case


def answers(*values: int) -> dict[str, int]:
    return dict(zip(ikm.KEYS, values, strict=True))


def stored(rt: Runtime) -> int:
    with rt.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(survey_responses)).scalar_one())


def test_a_completed_request_is_rated_once(court: Runtime, clock: Clock) -> None:
    case = completed(court, clock)
    assert survey.offer(court, case) == "open"
    clock.tick(hours=1)
    survey.submit(court, case, answers(4, 3, 3, 2, 3, 3, 4, 3, 3), saran="Antrean lebih tertib",
                  profile={"jenis_kelamin": "P", "pendidikan": "", "pekerjaan": "SWASTA"})
    assert survey.offer(court, case) == "answered"
    with pytest.raises(SurveyRefused, match="sudah diisi; setiap permohonan hanya dapat "
                                            "dinilai satu kali"):
        survey.submit(court, case, answers(*[1] * 9))
    assert stored(court) == 1
    with court.engine.connect() as conn:
        row = conn.execute(select(survey_responses)).one()
    assert (row.sop_id, row.cara, row.entered_by, row.pendidikan, row.jenis_kelamin) == (
        LEGALISATION, "daring", None, None, "P")
    assert row.completed_at < row.answered_at == clock.now


def test_requests_not_completed_are_refused(court: Runtime, clock: Clock) -> None:
    running = cases.start_case(court, LEGALISATION, "rina.ptsp").case_id
    assert survey.offer(court, running) == "not_completed"
    with pytest.raises(SurveyRefused, match="belum selesai"):
        survey.submit(court, running, answers(*[4] * 9))
    cancelled = cases.start_case(court, LEGALISATION, "rina.ptsp").case_id
    cases.cancel(court, cancelled, "bambang.panitera", reason="dicabut pemohon")
    assert survey.offer(court, cancelled) == "not_completed"
    with pytest.raises(SurveyRefused, match="dibatalkan"):
        survey.submit(court, cancelled, answers(*[4] * 9))
    with pytest.raises(NotFoundError):
        survey.submit(court, "SNN-2026-99999", answers(*[4] * 9))
    assert stored(court) == 0


def test_every_reason_is_told_and_nothing_is_written(court: Runtime, clock: Clock) -> None:
    case = completed(court, clock)
    with pytest.raises(SurveyRefused) as refused:
        survey.submit(court, case, {**answers(4, 3, 3, 2, 3, 3, 4, 3, 3), "waktu": 0,
                                    "umur": 3}, profile={"pekerjaan": "ASTRONOT"},
                      saran="x" * (ikm.SUGGESTION_MAX + 1))
    assert refused.value.reasons == (
        "'umur' bukan unsur survei; unsurnya: " + ", ".join(ikm.KEYS),
        "unsur 3 (Waktu penyelesaian): nilai 0 di luar 1-4",
        "Pekerjaan: 'ASTRONOT' bukan pilihan; pilihannya: PNS, TNI, POLRI, SWASTA, "
        "WIRAUSAHA, LAINNYA",
        f"saran terlalu panjang ({ikm.SUGGESTION_MAX + 1} karakter; paling banyak "
        f"{ikm.SUGGESTION_MAX})")
    with pytest.raises(SurveyRefused, match="karakter kendali"):
        survey.submit(court, case, answers(*[4] * 9), saran="baik\x00")
    assert stored(court) == 0


def test_a_clerk_types_in_a_paper_questionnaire(court: Runtime, clock: Clock) -> None:
    case = completed(court, clock)
    clock.tick(days=1)
    with pytest.raises(NotAllowed):
        survey.submit(court, case, answers(*[3] * 9), cara="kertas")
    with pytest.raises(NotFoundError, match="tidak dikenal"):
        survey.submit(court, case, answers(*[3] * 9), cara="kertas", entered_by="siapa.saja")
    with pytest.raises(SurveyRefused, match="sebelum permohonan selesai"):
        survey.submit(court, case, answers(*[3] * 9), cara="kertas", entered_by="rina.ptsp",
                      at=clock.now - timedelta(days=2))
    with pytest.raises(SurveyRefused, match="masa depan"):
        survey.submit(court, case, answers(*[3] * 9), cara="kertas", entered_by="rina.ptsp",
                      at=clock.now + timedelta(hours=1))
    survey.submit(court, case, answers(*[3] * 9), cara="kertas", entered_by="rina.ptsp",
                  at=clock.now - timedelta(hours=2))
    with court.engine.connect() as conn:
        row = conn.execute(select(survey_responses)).one()
    assert (row.cara, row.entered_by, row.answered_at) == ("kertas", "rina.ptsp",
                                                            clock.now - timedelta(hours=2))


def test_the_ikm_per_service_and_over_the_services(court: Runtime, clock: Clock) -> None:
    first, second = completed(court, clock), completed(court, clock)
    other = completed(court, clock, "salinan-putusan")
    start = clock.now
    survey.submit(court, first, answers(4, 3, 3, 2, 3, 3, 4, 3, 3))
    survey.submit(court, second, answers(3, 3, 2, 2, 3, 4, 4, 3, 2), saran="Ruang tunggu panas")
    survey.submit(court, other, answers(*[4] * 9))
    end = clock.now + timedelta(seconds=1)
    found = survey.results(court, start, end)
    assert [s.sop_id for s in found.services] == [LEGALISATION, "salinan-putusan"]  # by name
    legal = found.services[0].ikm
    assert (legal.respondents, legal.unit, legal.grade.mutu) == (2, Decimal("75.00"), "C")
    assert found.services[1].ikm.unit == Decimal("100.00")
    # pooled: (54 + 36) answers' worth over 27 answers: 90/27 x 25 = 83,33 (not (75+100)/2)
    assert found.overall is not None and found.respondents == 3
    assert (found.overall.unit, found.overall.grade.mutu) == (Decimal("83.33"), "B")
    assert survey.results(court, start, end, sop="salinan-putusan").respondents == 1
    assert survey.results(court, end, end + timedelta(days=1)).overall is None
    with pytest.raises(NotFoundError):
        survey.results(court, start, end, sop="tidak-ada")
    said = survey.suggestions(court, start, end)
    assert [(name, text) for name, _, text in said] == [
        (found.services[0].nama, "Ruang tunggu panas")]


def test_the_published_periods() -> None:
    assert survey.named_period("triwulan", 2026, 4, WIT) == (
        datetime(2026, 10, 1, tzinfo=WIT), datetime(2027, 1, 1, tzinfo=WIT))
    assert survey.named_period("semester", 2026, 1, WIT) == (
        datetime(2026, 1, 1, tzinfo=WIT), datetime(2026, 7, 1, tzinfo=WIT))
    assert survey.named_period("tahun", 2026, 1, WIT) == (
        datetime(2026, 1, 1, tzinfo=WIT), datetime(2027, 1, 1, tzinfo=WIT))
    with pytest.raises(ValueError):
        survey.named_period("triwulan", 2026, 5, WIT)


def test_two_answers_at_once_one_is_kept(court: Runtime, clock: Clock) -> None:
    """The unique key on the request holds whatever the race: exactly one response is
    written, the other is refused as a second response."""
    from concurrent.futures import ThreadPoolExecutor

    case = completed(court, clock)
    clock.tick()

    def send(value: int) -> str:
        try:
            survey.submit(court, case, answers(*[value] * 9))
        except SurveyRefused as exc:
            return "; ".join(exc.reasons)
        return "ok"

    with ThreadPoolExecutor(max_workers=2) as pool:
        outcomes = list(pool.map(send, (3, 4)))
    assert outcomes.count("ok") == 1
    assert "sudah diisi" in next(o for o in outcomes if o != "ok")
    assert stored(court) == 1
