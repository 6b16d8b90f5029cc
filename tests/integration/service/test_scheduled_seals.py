"""Scheduled seals (issue 20): the orchestrator seals as the system account, only when the log
grew since the newest seal; at the close of the day only on a working day; two sealers at
once make one seal; no one else seals as the system, and no member of staff may be named
like it. The schedules come from the court's office hours, in its time zone."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Connection, Engine

from sop_runtime.definition.court import SYSTEM_ACCOUNT
from sop_runtime.definition.loader import load_court
from sop_runtime.errors import DefinitionError
from sop_runtime.service import cases, integrity, seals
from sop_runtime.service.people import NotAllowed
from sop_runtime.service.runtime import Runtime
from sop_runtime.service.seal_schedule import (
    Outcome,
    Reason,
    close_crons,
    scheduled_seal,
    seal_times,
)
from sop_runtime.store.db import begin_write
from sop_runtime.store.logtree import hold_writers
from sop_runtime.worktime import OfficeHours
from sop_runtime.worktime.office_hours import SpecialPeriod
from tests.clock import Clock
from tests.conftest import DEFINITIONS

HOURLY = "segel terjadwal (tiap jam)"


def _entries(rt: Runtime) -> int:
    with rt.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT (SELECT count(*) FROM events) "
                                        "+ (SELECT count(*) FROM journal)").scalar() or 0)


def test_the_system_seals_only_what_was_appended(court: Runtime, clock: Clock) -> None:
    first = seals.seal_on_schedule(court, note=HOURLY)
    assert first.seal is not None and first.previous is None
    assert (first.seal.sealed_by, first.seal.note) == (SYSTEM_ACCOUNT, HOURLY)
    assert first.added == first.seal.size == _entries(court)  # the court's set-up journal
    clock.tick(hours=1)
    idle = seals.seal_on_schedule(court, note=HOURLY)  # nothing appended: no empty seal
    assert idle.seal is None and idle.added == 0
    assert idle.previous is not None and idle.previous.id == first.seal.id
    assert [s.id for s in seals.seals_list(court)] == [first.seal.id]
    cases.start_case(court, "pendaftaran-gugatan-ptsp", "rina.ptsp")
    clock.tick(hours=1)
    later = seals.seal_on_schedule(court, note=HOURLY)
    assert later.seal is not None and later.previous is not None
    assert later.previous.id == first.seal.id
    assert later.added == _entries(court) - first.seal.size > 0
    assert later.seal.size == _entries(court) and later.seal.sealed_by == SYSTEM_ACCOUNT
    assert seals.check(court).ok and integrity.verify(court).ok


def test_no_one_seals_as_the_system(court: Runtime) -> None:
    with pytest.raises(NotAllowed, match="sistem"):
        seals.seal(court, SYSTEM_ACCOUNT)
    with pytest.raises(NotAllowed):
        seals.seal(court, "rina.ptsp")  # the supervisor check holds as it did
    assert seals.seals_list(court) == []
    made = seals.seal(court, "bambang.panitera", note="Laporan")
    assert made.sealed_by == "bambang.panitera"


def test_no_member_of_staff_is_named_like_the_system(tmp_path: Path) -> None:
    text = (DEFINITIONS / "court.yaml").read_text(encoding="utf-8")
    anchor = "pengguna:\n"
    assert anchor in text
    court_file = tmp_path / "court.yaml"
    court_file.write_text(text.replace(anchor, anchor + "  - {username: sistem, nama: Sistem, "
                                       "peran: [panitera]}\n", 1), encoding="utf-8")
    with pytest.raises(DefinitionError) as raised:
        load_court(court_file)
    found = [p.format() for p in raised.value.problems]
    assert any("'sistem' dicadangkan untuk akun sistem" in p for p in found), found


def test_the_close_of_day_seals_on_working_days_only(court: Runtime, clock: Clock) -> None:
    clock.now = datetime(2026, 12, 25, 7, 30, tzinfo=UTC)  # Christmas (Friday), 16:30 WIT
    off = scheduled_seal(court, Reason.CLOSE)
    assert off == Outcome(Reason.CLOSE, date(2026, 12, 25), None)
    assert seals.seals_list(court) == []
    hourly = scheduled_seal(court, Reason.HOURLY)  # the hourly seal goes on on a holiday
    assert hourly.sealed is not None and hourly.sealed.seal is not None
    assert hourly.sealed.seal.note == HOURLY
    cases.start_case(court, "pendaftaran-gugatan-ptsp", "rina.ptsp")
    clock.now = datetime(2026, 12, 28, 7, 30, tzinfo=UTC)  # Monday, 16:30 WIT
    closed = scheduled_seal(court, Reason.CLOSE)
    assert closed.sealed is not None and closed.sealed.seal is not None
    assert closed.sealed.seal.note == "segel penutupan hari kerja 28 Desember 2026"
    assert closed.sealed.seal.sealed_by == SYSTEM_ACCOUNT


def test_two_scheduled_seals_at_once_make_one_seal(court: Runtime,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """Both sealers are past everything they do before their write transaction while a
    writer holds the log; once it lets go, one seals and the other finds nothing new."""
    begun = threading.Semaphore(0)

    @contextmanager
    def counted(engine: Engine) -> Iterator[Connection]:
        begun.release()
        with begin_write(engine) as conn:
            yield conn

    monkeypatch.setattr(seals, "begin_write", counted)
    results: list[seals.Sealed] = []
    failures: list[BaseException] = []

    def sealer() -> None:
        try:
            results.append(seals.seal_on_schedule(court, note=HOURLY))
        except BaseException as exc:  # shown by the assertion below
            failures.append(exc)

    threads = [threading.Thread(target=sealer) for _ in range(2)]
    with begin_write(court.engine) as holder:  # a writer in flight holds the log
        hold_writers(holder)  # (SQLite: its BEGIN IMMEDIATE holds them already)
        for t in threads:
            t.start()
        for _ in threads:  # both are at their write transaction's start
            assert begun.acquire(timeout=120), "a sealer never began its transaction"
    for t in threads:
        t.join(120)
    assert not failures and len(results) == 2, failures
    made = [r for r in results if r.seal is not None]
    idle = [r for r in results if r.seal is None]
    assert len(made) == 1 and len(idle) == 1
    assert made[0].seal is not None and idle[0].previous is not None
    assert idle[0].previous.id == made[0].seal.id and made[0].seal.size == _entries(court)
    assert len(seals.seals_list(court)) == 1 and seals.check(court).ok


def test_the_close_of_day_comes_from_the_courts_office_hours(court: Runtime) -> None:
    found = seal_times(court)
    # definitions/court.yaml: Monday to Friday until 16:30 (Ramadhan closes earlier), WIT
    assert (found.timezone, found.hourly, found.close, found.close_derived) == (
        "Asia/Jayapura", "0 * * * *", ("30 16 * * 1-5",), True)
    given = seal_times(court, hourly="15 * * * *", close="0 17 * * 1-5")
    assert (given.hourly, given.close, given.close_derived) == (
        "15 * * * *", ("0 17 * * 1-5",), False)


def test_each_close_of_office_has_its_cron() -> None:
    def day(close: str) -> tuple[Any, ...]:
        h, m = map(int, close.split(":"))
        return ((time(8), time(h, m)),)

    week = (day("16:00"), day("16:00"), day("16:00"), day("16:00"), day("11:00"), (), ())
    assert close_crons(OfficeHours(week)) == ("0 11 * * 5", "0 16 * * 1-4")
    # a period that closes later on some weekday, and opens on a Saturday: the seal comes
    # after the latest close
    later = (day("17:30"), (), (), (), (), day("12:00"), ())
    hours = OfficeHours(week, (SpecialPeriod(date(2026, 3, 1), date(2026, 3, 31), "X", later),))
    assert close_crons(hours) == ("0 11 * * 5", "0 12 * * 6", "0 16 * * 2-4", "30 17 * * 1")
    sundays = (day("15:00"), (), (), (), (), (), day("15:00"))  # Sunday is cron's 0
    assert close_crons(OfficeHours(sundays)) == ("0 15 * * 0,1",)


def test_a_scheduled_seal_is_shown_as_the_systems_never_by_its_username(
        court: Runtime) -> None:
    from sop_runtime.audit.document import Names
    from sop_runtime.i18n import set_lang
    from sop_runtime.service.casereport import case_html, case_report
    from sop_runtime.service.confidential import operator

    case = cases.start_case(court, "pendaftaran-gugatan-ptsp", "rina.ptsp").case_id
    seals.seal_on_schedule(court, note=HOURLY)
    report = case_report(court, case, reader=operator())
    assert report.seal.seal is not None and report.seal.seal.sealed_by == SYSTEM_ACCOUNT
    assert report.seal.sealed_by == "Sistem"
    assert "oleh Sistem " in case_html(court, report)
    names = Names(users={"bambang.panitera": "Bambang Sutrisno"})
    assert names.user("bambang.panitera") == "Bambang Sutrisno"
    set_lang("en")
    try:
        assert names.user(SYSTEM_ACCOUNT) == "System"
    finally:
        set_lang(None)
