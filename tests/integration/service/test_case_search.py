"""Cases the court can name and find: parties and register numbers projected on each case
(and rebuilt, and verified), and the search over them, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import update

from sop_runtime.engine import CommandRejected
from sop_runtime.service import cases as service
from sop_runtime.service.confidential import Reader, operator
from sop_runtime.service.integrity import check_projections
from sop_runtime.service.rebuild import rebuild
from sop_runtime.service.runtime import Runtime
from sop_runtime.service.search import BadSearch, CaseSearch, find_cases
from sop_runtime.store.schema import case_names, cases
from tests.clock import Clock

PENGGUGAT = {"sebutan": "Penggugat", "nama": "Budi Santoso", "nik": "8202011234560001"}
TERGUGAT = {"sebutan": "Tergugat", "nama": "PT Maju Jaya"}
RINA = Reader("rina.ptsp", "halaman")


def _gugatan(rt: Runtime, name: str, number: str | None = None) -> str:
    out = service.start_case(rt, "pendaftaran-gugatan-ptsp", "rina.ptsp", parties=[
        {**PENGGUGAT, "nama": name}, TERGUGAT])
    if number:
        service.record_register_number(rt, out.case_id, "rina.ptsp", number)
    return out.case_id


def _ids(rt: Runtime, reader: Reader = RINA, **asked: object) -> list[str]:
    return [c.case_id for c in find_cases(rt, reader, CaseSearch(**asked)).cases]  # type: ignore[arg-type]


def test_found_by_register_number_id_and_name(court: Runtime, clock: Clock) -> None:
    first = _gugatan(court, "Budi Santoso", "14/Pdt.G/2026/PN Snn")
    clock.tick(minutes=5)
    second = _gugatan(court, "Ani Lestari", "15/Pdt.G/2026/PN Snn")
    clock.tick(minutes=5)
    third = service.start_case(court, "salinan-putusan", "rina.ptsp", parties=[
        {"sebutan": "Pemohon", "nama": "Budi Hartono"}]).case_id
    assert _ids(court, q="14/Pdt.G/2026/PN Snn") == [first]
    assert _ids(court, q="14/Pdt.G/2026/PN  Snn") == [first]  # spaces as typed
    assert _ids(court, nomor="1") == [second, first]         # from its beginning
    assert _ids(court, q=first.lower()) == [first]
    assert _ids(court, q="budi") == [third, first]           # newest first
    assert _ids(court, q="BUDI sant") == [first]             # every word, any case
    assert _ids(court, nama="lestari") == [second]           # any word of the name
    assert _ids(court, nama="maju") == [second, first]       # any party
    assert _ids(court, q="budi", sop="salinan-putusan") == [third]
    assert _ids(court, status="selesai") == []
    today = date(2026, 12, 1)
    assert _ids(court, dari=today, sampai=today) == [third, second, first]
    assert _ids(court, sampai=today - timedelta(days=1)) == []
    found = find_cases(court, RINA, CaseSearch(q="ani")).cases[0]
    assert (found.applicant, found.register_number) == ("Ani Lestari", "15/Pdt.G/2026/PN Snn")
    assert found.sop_name.startswith("Pendaftaran Gugatan")


def test_pages_follow_one_another(court: Runtime, clock: Clock) -> None:
    made = []
    for i in range(5):
        made.append(_gugatan(court, f"Pihak Nomor{i}"))
        clock.tick(minutes=1)
    first = find_cases(court, RINA, CaseSearch(nama="pihak", per_page=2))
    second = find_cases(court, RINA, CaseSearch(nama="pihak", per_page=2, page=2))
    last = find_cases(court, RINA, CaseSearch(nama="pihak", per_page=2, page=3))
    assert (first.more, second.more, last.more) == (True, True, False)
    assert [c.case_id for r in (first, second, last) for c in r.cases] == made[::-1]


@pytest.mark.parametrize(("asked", "words"), [
    ({"q": "b"}, "paling sedikit 2 huruf"),
    ({"status": "hilang"}, "Status 'hilang' tidak dikenal"),
    ({"dari": date(2026, 12, 2), "sampai": date(2026, 12, 1)}, "sebelum tanggal 'dari'"),
    ({"page": 0}, "Halaman 0 tidak ada"),
])
def test_a_search_that_cannot_be_asked_says_why(court: Runtime, asked: dict[str, object],
                                                words: str) -> None:
    with pytest.raises(BadSearch, match=words):
        find_cases(court, RINA, CaseSearch(**asked))  # type: ignore[arg-type]


def test_confidential_cases_are_not_found_by_those_who_may_not_read_them(
        court: Runtime) -> None:
    complaint = service.start_case(court, "pengaduan-siwas", "rina.ptsp", parties=[
        {"sebutan": "Pelapor", "nama": "Rahasia Pelapor"}]).case_id
    assert _ids(court, Reader("siti.kasir", "halaman"), q="rahasia") == []
    assert _ids(court, Reader("siti.kasir", "halaman"), q=complaint) == []
    assert _ids(court, operator(), q="rahasia") == [complaint]


def test_projection_rebuilt_and_verified_with_names_and_numbers(court: Runtime) -> None:
    case_id = _gugatan(court, "Budi Santoso", "14/Pdt.G/2026/PN Snn")
    service.record_parties(court, case_id, "rina.ptsp", [
        {**PENGGUGAT, "nama": "Budi Santosa"}, TERGUGAT], reason="salah ketik nama")
    assert _ids(court, q="santosa") == [case_id] and _ids(court, q="santoso") == []
    with court.engine.connect() as conn:
        assert not check_projections(court, conn).findings.total
    with court.engine.begin() as conn:
        conn.execute(update(cases).values(register_number="99/Pdt.G/2026/PN Snn",
                                          applicant="Orang Lain"))
        conn.execute(case_names.delete().where(case_names.c.word == "santosa"))
    with court.engine.connect() as conn:
        found = [d.message for d in check_projections(court, conn).findings.shown]
    assert any("nomor perkara" in f and "99/Pdt.G/2026/PN Snn" in f for f in found), found
    assert any("pemohon" in f and "Orang Lain" in f for f in found), found
    assert any("kata nama" in f for f in found), found
    rebuild(court)
    with court.engine.connect() as conn:
        assert not check_projections(court, conn).findings.total
    assert _ids(court, q="14/Pdt.G/2026/PN Snn") == [case_id]


def test_bad_parties_leave_no_case(court: Runtime) -> None:
    with pytest.raises(CommandRejected, match="NIK harus 16 angka"):
        service.start_case(court, "pendaftaran-gugatan-ptsp", "rina.ptsp", parties=[
            {**PENGGUGAT, "nik": "123"}, TERGUGAT])
    assert _ids(court, operator()) == []


def test_a_step_that_issues_the_number_names_the_case_and_0008_finds_it_again(
        court: Runtime) -> None:
    from alembic import command

    from sop_runtime.store.migrate import alembic_config, migrate
    from tests.flows.kit import ROUTES

    route = ROUTES["penerimaan-perkara-pidana"]
    case_id = service.start_case(court, "penerimaan-perkara-pidana", route[0]["oleh"]).case_id
    for step in route[:3]:
        service.complete(court, case_id, str(step["langkah"]), step["oleh"],
                         values=step.get("nilai", {}), decision=step.get("keputusan"))
    assert _ids(court, operator(), q="45/Pid.B/2026/PN Snn") == [case_id]
    config = alembic_config()
    with court.engine.begin() as conn:  # an older database: before the columns existed
        config.attributes["connection"] = conn
        command.downgrade(config, "0007")
    migrate(court.engine)
    assert _ids(court, operator(), q="45/Pid.B/2026/PN Snn") == [case_id]


def test_many_names_found_walking_the_newest_as_the_few_are(
        court: Runtime, clock: Clock, monkeypatch: pytest.MonkeyPatch) -> None:
    """Words that find many cases are checked case by case walking the newest; the same
    cases, in the same order and pages, as when the few found are read by their keys (a
    word typed that begins two words of one name counts the case once)."""
    from sop_runtime.store import casefinder

    for name in ("Budi Budiman Umar", "Budi Hasan", "Ani Budiarti Umasugi", "Umar Budi"):
        _gugatan(court, name)
        clock.tick(minutes=1)
    service.start_case(court, "pengaduan-siwas", "rina.ptsp", parties=[
        {"sebutan": "Pelapor", "nama": "Budi Umar"}])
    asks = [{"q": "bu um"}, {"q": "bud"}, {"nama": "um bu", "per_page": 1, "page": 2},
            {"q": "budi hasan maju"}, {"q": "bu um", "per_page": 2, "page": 2}]
    few = [_ids(court, **a) for a in asks]
    monkeypatch.setattr(casefinder, "COMMON", 1)
    assert [_ids(court, **a) for a in asks] == few
    assert [len(ids) for ids in few] == [3, 4, 1, 1, 1]
