"""The tracking code on SQLite and PostgreSQL: given once at the start, kept only as a
digest, reissued by a clerk (the old one stops, the log says who and when), checked by
``open_request`` with one answer for every wrong pair and a limit per address."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import inspect, select

from sop_runtime.engine.events import TrackingCodeReissued
from sop_runtime.service import cases, rebuild, tracking, tracking_code
from sop_runtime.service.cases import Refused
from sop_runtime.service.runtime import Runtime
from sop_runtime.service.signin import TooManyTries
from sop_runtime.store import events as store_events
from tests.clock import Clock

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
