"""The tracking code on SQLite and PostgreSQL: given once at the start, kept only as a
digest, reissued by a clerk (the old one stops, the log says who and when), checked by
``open_request`` with one answer for every wrong pair and a limit per address."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import inspect, select

from sop_runtime.engine.events import TrackingCodeReissued
from sop_runtime.service import cases, rebuild, setup, standing, tracking, tracking_code
from sop_runtime.service.cases import Refused
from sop_runtime.service.runtime import Runtime
from sop_runtime.service.signin import TooManyTries
from sop_runtime.store import events as store_events
from sop_runtime.store.db import make_engine
from tests.clock import Clock
from tests.conftest import DEFINITIONS

SOP = "legalisasi-waarmerking"
CLERK = "rina.ptsp"
HOME, CAFE = "10.1.2.3", "10.9.9.9"


def started(rt: Runtime) -> tuple[str, str]:
    out = cases.start_case(rt, SOP, CLERK)
    assert out.tracking_code is not None
    return out.case_id, out.tracking_code


def refused(rt: Runtime, number: str, code: str, address: str = HOME) -> str:
    with pytest.raises(tracking.TrackingRefused) as caught:
        tracking.open_request(rt, number, code, address=address)
    return str(caught.value)


def test_the_code_opens_its_request_as_typed_on_a_phone(court: Runtime) -> None:
    case, code = started(court)
    assert len(code) == 16 and tracking_code.normalise(code) == code
    typed = tracking_code.shown(code).lower().replace("0", "o").replace("1", "l")
    assert tracking.open_request(court, f" {case.lower()} ", typed, address=HOME) == case


def test_every_wrong_pair_gets_the_same_answer(court: Runtime) -> None:
    case, code = started(court)
    other, other_code = started(court)
    answers = {
        refused(court, case, other_code),             # another request's code
        refused(court, "SNN-2026-99999", code),       # no such request
        refused(court, case, "not a code at all"),     # cannot be a code
        refused(court, case, code[:-1] + ("0" if code[-1] != "0" else "1")),
        refused(court, "", ""),
    }
    assert len(answers) == 1
    assert tracking.open_request(court, other, other_code, address=HOME) == other


def test_no_code_is_in_the_database_in_clear(court: Runtime) -> None:
    codes = [started(court)[1] for _ in range(3)]
    case, _ = started(court)
    codes.append(tracking.reissue(court, case, CLERK).tracking_code or "")
    forms = {f for c in codes for f in (c, tracking_code.shown(c), c.lower())}
    found = []
    with court.engine.connect() as conn:
        for table in inspect(conn).get_table_names():
            for row in conn.exec_driver_sql(f'SELECT * FROM "{table}"'):
                text = " ".join(str(v) for v in row)
                found += [(table, f) for f in forms if f in text]
    assert found == []


def test_a_reissued_code_stops_the_old_one_and_the_log_says_so(court: Runtime,
                                                               clock: Clock) -> None:
    case, old = started(court)
    clock.tick(minutes=30)
    out = tracking.reissue(court, case, CLERK)
    new = out.tracking_code
    assert new is not None and new != old
    [event] = out.events
    assert isinstance(event, TrackingCodeReissued) and event.actor == CLERK
    assert event.occurred_at == clock.now
    with court.engine.connect() as conn:
        stored = store_events.load(conn, case)[-1]
    assert (stored.type, stored.payload) == ("tracking_code_reissued", {})
    refused(court, case, old)
    assert tracking.open_request(court, case, new, address=HOME) == case


def test_only_the_courts_staff_reissue_and_a_refusal_keeps_the_code(court: Runtime) -> None:
    case, code = started(court)
    with pytest.raises(Refused):
        tracking.reissue(court, case, "joko.jurusita")
    assert tracking.open_request(court, case, code, address=HOME) == case


def test_the_limit_holds_per_address(court: Runtime, clock: Clock) -> None:
    case, code = started(court)
    for _ in range(tracking.ADDRESS.free):
        refused(court, case, "0000-0000-0000-0000")
    with pytest.raises(TooManyTries) as waiting:
        tracking.open_request(court, case, code, address=HOME)  # right, but not checked
    assert waiting.value.retry_after > 0
    assert tracking.open_request(court, case, code, address=CAFE) == case
    clock.tick(seconds=waiting.value.retry_after)
    assert tracking.open_request(court, case, code, address=HOME) == case


def test_rebuild_keeps_the_codes(court: Runtime) -> None:
    case, code = started(court)
    rebuild.rebuild(court)
    assert tracking.open_request(court, case, code, address=HOME) == case


def test_a_code_goes_with_the_start_in_one_transaction(court: Runtime,
                                                       clock: Clock) -> None:
    from sop_runtime.store.schema import tracking_codes

    case, _ = started(court)
    with court.engine.connect() as conn:
        rows = conn.execute(select(tracking_codes.c.case_id, tracking_codes.c.issued_at)).all()
    assert rows == [(case, clock.now)]
    clock.tick(hours=1)
    with pytest.raises(Refused):  # refused start (a blocking SOP): no code
        cases.start_case(court, "taksiran-panjar-skum", "joko.jurusita")
    with court.engine.connect() as conn:
        assert conn.execute(select(tracking_codes.c.case_id)).scalars().all() == [case]
    assert timedelta(hours=1) == clock.now - rows[0][1]


RECEIVED = {"surat_permohonan_legalisasi_waarmerking": "Permohonan CV Kie Raha",
            "surat_akta_di_bawah_tangan": "Perjanjian kerja sama 3 lembar",
            "permohonan_waarmerking_diterima": "Diterima pukul 09.15 oleh Rina"}


def test_the_standing_says_what_was_done_by_whom_in_plain_words(court: Runtime,
                                                                 clock: Clock) -> None:
    case, _ = started(court)
    clock.tick(minutes=15)
    cases.complete(court, case, "1", CLERK, values=RECEIVED)
    seen = standing.standing(court, case)
    assert [(d.what, d.by, d.when) for d in seen.done] == [(
        "Menerima surat permohonan legalisasi akta di bawah tangan (waarmerking) dari "
        "pemohon", "Petugas PTSP", "1 Desember 2026 pukul 10.15 WIT")]
    assert seen.in_hand == ("Meneliti kelengkapan surat permohonan waarmerking beserta "
                            "kelengkapannya (Panitera Muda Hukum)",)
    assert seen.state == "Sedang diproses" and not seen.finished
    assert seen.yours_now == () and len(seen.yours_later) == 1  # taking the legalised letter
    # legalisasi states no service time: the page says so instead of a date
    assert not seen.has_expected and "tidak menetapkan waktu penyelesaian" in seen.expected
    text = repr(seen)
    for private in ("Rina", "rina.ptsp", "Kie Raha", "09.15"):
        assert private not in text


def test_a_court_that_publishes_names_shows_them(store_url: str, tmp_path: Path,
                                                 clock: Clock) -> None:
    folder = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, folder)
    with (folder / "court.yaml").open("a", encoding="utf-8") as f:
        f.write("\npublikasi:\n  nama_petugas: true\n")
    rt = Runtime(make_engine(store_url), clock)
    setup.init(rt, folder)
    case, _ = started(rt)
    cases.complete(rt, case, "1", CLERK, values=RECEIVED)
    assert [d.by for d in standing.standing(rt, case).done] == [
        "Rina Marasabessy (Petugas PTSP)"]
    rt.engine.dispose()


def test_the_standing_tells_a_late_request_by_its_service_standard(court: Runtime,
                                                                   clock: Clock) -> None:
    case = cases.start_case(court, "taksiran-panjar-skum", "fadli.ptsp").case_id
    seen = standing.standing(court, case)
    assert seen.has_expected and seen.expected == "1 Desember 2026 pukul 11.00 WIT"
    assert seen.standard == "1 jam" and not seen.late
    assert seen.yours_later == ("Membayar panjar biaya perkara melalui bank (teller, ATM "
                                "atau m-banking)",)
    clock.tick(hours=2)
    assert standing.standing(court, case).late


def test_a_right_pair_leaves_no_counter_and_takes_no_failure_back(court: Runtime) -> None:
    from sop_runtime.store.schema import sign_in_limits

    case, code = started(court)

    def counters() -> list[int]:
        with court.engine.connect() as conn:
            return list(conn.execute(select(sign_in_limits.c.failures)).scalars())

    assert tracking.open_request(court, case, code, address=HOME) == case
    assert counters() == []
    refused(court, case, "0" * 16)
    assert tracking.open_request(court, case, code, address=HOME) == case
    assert counters() == [1]


def test_tracking_a_confidential_request_is_a_journaled_read(court: Runtime) -> None:
    from sop_runtime.service import journals

    def reads() -> list[tuple[str, str | None, dict[str, object]]]:
        return [(e.type, e.actor, dict(e.payload)) for e in journals.entries(court, "akses")]

    case, code = started(court)
    assert tracking.look_up(court, case, code, address=HOME).number == case
    assert reads() == []  # an ordinary request's reads are not journaled
    complaint = cases.start_case(court, "pengaduan-siwas", "dewi.pengaduan")
    assert complaint.tracking_code is not None
    seen = tracking.look_up(court, complaint.case_id, complaint.tracking_code, address=HOME)
    assert seen.number == complaint.case_id and "Dewi" not in repr(seen)
    assert reads() == [("case_read", "publik",
                        {"via": "lacak", "case_id": complaint.case_id})]


def test_the_store_verifies_after_codes_reissues_and_public_reads(court: Runtime,
                                                                   clock: Clock) -> None:
    from sop_runtime.service import integrity

    case, _ = started(court)
    complaint = cases.start_case(court, "pengaduan-siwas", "dewi.pengaduan")
    clock.tick(minutes=5)
    code = tracking.reissue(court, complaint.case_id, "dewi.pengaduan").tracking_code
    assert code is not None
    tracking.look_up(court, complaint.case_id, code, address=HOME)
    tracking.reissue(court, case, CLERK)
    found = integrity.verify(court, workers=1)
    assert found.ok, integrity.as_json(found)
