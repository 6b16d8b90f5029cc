"""decide: time. Deadlines on the court's calendar (working minutes, working days, calendar
days, anchors to an earlier step or a date in the case, across weekends, Idul Fitri and
Christmas), overdue steps flagged once per deadline, the service standard, timer branches,
extensions, late entries, and times that cannot be."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import pytest

from sop_runtime.definition.models import Penegakan
from sop_runtime.engine import (
    CaseStatus,
    ClaimStep,
    CommandRejected,
    CompleteStep,
    DeviationFlagged,
    DeviationKind,
    Event,
    ExtendStep,
    ReopenStep,
    SkipStep,
    StartCase,
    StepActivated,
    StepExtended,
    StepStatus,
    Sweep,
    TimerFired,
)
from sop_runtime.engine.events import LatenessSettled, utc_iso
from tests.unit.enginekit import (
    Case,
    calendar,
    chain,
    court,
    needed,
    refused,
    summary,
    wit,
    workflow,
)

CATAT, TOLAK = Penegakan.CATAT, Penegakan.TOLAK


def ok(c: Case, node: str, actor: str, decision: str | None = None,
       **values: str) -> list[Event]:
    events = c.do(CompleteStep(actor=actor, node=node, decision=decision,
                               values={**needed(c.wf, c.state, node), **values}))
    return list(events)


def due_of(c: Case, node: str) -> datetime | None:
    step = c.state.current(node)
    assert step is not None
    return step.due_at


# -- deadlines on the calendar ------------------------------------------------------------

@pytest.mark.parametrize(("start", "due"), [
    (wit(2026, 12, 1, 9), wit(2026, 12, 1, 9, 20)),         # plain office time
    (wit(2026, 12, 7, 16, 25), wit(2026, 12, 8, 8, 15)),     # past closing: next morning
    (wit(2026, 12, 4, 11, 50), wit(2026, 12, 4, 13, 40)),    # Friday break 12:00-13:30
    (wit(2026, 12, 5, 10), wit(2026, 12, 7, 8, 20)),         # Saturday: from Monday's opening
    (wit(2026, 3, 17, 14, 50), wit(2026, 3, 25, 8, 10)),     # Ramadhan close 15:00, then
])                                                           # Nyepi + Idul Fitri off to 24/3
def test_a_working_minutes_limit_counts_office_time_from_activation(
        start: datetime, due: datetime) -> None:
    c = Case(workflow("pendaftaran-gugatan-ptsp", CATAT), now=start)
    events = c.do(StartCase(actor="rina.ptsp"))
    act = events[-1]
    assert isinstance(act, StepActivated) and act.due_at == due  # ± 20 menit
    assert due_of(c, "1") == due


def sisa_panjar_to_step_8(now: datetime, minutasi: str, mode: Penegakan = CATAT) -> Case:
    c = Case(workflow("pengembalian-sisa-panjar", mode), now=now)
    c.do(StartCase(actor="andi.hakim"))
    ok(c, "1", "andi.hakim", tanggal_minutasi=minutasi)
    for node, actor, decision in [("2", "arif.pp", None), ("3", "siti.kasir", None),
                                  ("4", "bambang.panitera", None), ("5", "siti.kasir", "Tidak"),
                                  ("6", "siti.kasir", "Tidak hadir atau tidak diambil")]:
        ok(c, node, actor, decision)
    return c


@pytest.mark.parametrize(("minutasi", "now", "due"), [
    # 5 hari kerja since Friday 13 March 2026: 16, 17, then Nyepi (18-19) and Idul Fitri with
    # its cuti bersama (20-24) are off: 25, 26, 27 -> Friday 27 March at close of office
    ("2026-03-13", wit(2026, 3, 16, 9), wit(2026, 3, 27, 16, 30)),
    # since Monday 21 December: 22, 23, (24 cuti bersama, 25 Natal, weekend) 28, 29, 30
    ("2026-12-21", wit(2026, 12, 22, 9), wit(2026, 12, 30, 16, 30)),
    # an ordinary week: the start day does not count
    ("2026-12-01", wit(2026, 12, 1, 9), wit(2026, 12, 8, 16, 30)),
])
def test_a_limit_anchored_to_a_date_in_the_case(minutasi: str, now: datetime,
                                                  due: datetime) -> None:
    c = sisa_panjar_to_step_8(now, minutasi)
    assert c.state.fields == {"tanggal_minutasi": minutasi}
    assert due_of(c, "8") == due
    assert calendar().holiday_name(datetime(2026, 3, 20).date()) is not None


def test_an_anchor_date_not_entered_falls_back_to_activation() -> None:
    c = Case(workflow("pengembalian-sisa-panjar", CATAT), now=wit(2026, 12, 1, 9))
    c.do(StartCase(actor="andi.hakim"))
    for node, actor, decision in [("1", "andi.hakim", None), ("2", "arif.pp", None),
                                  ("3", "siti.kasir", None), ("4", "bambang.panitera", None),
                                  ("5", "siti.kasir", "Tidak")]:
        ok(c, node, actor, decision)
    c.at(wit(2026, 12, 2, 10))
    ok(c, "6", "siti.kasir", "Tidak hadir atau tidak diambil")
    assert due_of(c, "8") == wit(2026, 12, 9, 16, 30)


def test_a_date_entered_at_the_start_anchors_too() -> None:
    c = Case(workflow("pengembalian-sisa-panjar", CATAT), now=wit(2026, 12, 1, 9))
    c.do(StartCase(actor="andi.hakim", fields={"tanggal_minutasi": "2026-11-30"}))
    for node, actor, decision in [("1", "andi.hakim", None), ("2", "arif.pp", None),
                                  ("3", "siti.kasir", None), ("4", "bambang.panitera", None),
                                  ("5", "siti.kasir", "Tidak"),
                                  ("6", "siti.kasir", "Tidak hadir atau tidak diambil")]:
        ok(c, node, actor, decision)
    assert due_of(c, "8") == wit(2026, 12, 7, 16, 30)


def pengaduan(now: datetime) -> Case:
    c = Case(workflow("pengaduan-siwas", CATAT), now=now)
    c.do(StartCase(actor="dewi.pengaduan"))
    return c


def test_limits_anchored_to_an_earlier_step_count_from_its_completion() -> None:
    c = pengaduan(wit(2026, 12, 18, 9))  # a Friday
    c.at(wit(2026, 12, 18, 10))
    ok(c, "1", "dewi.pengaduan")
    c.at(wit(2026, 12, 21, 9))
    ok(c, "2", "ridwan.panmudhkm")
    ok(c, "3", "hendra.kpn", "Diteruskan ke Mahkamah Agung")
    # 7 hari kerja since step 1 (Friday 18/12): 21, 22, 23, (24-27 off) 28, 29, 30, 31
    assert due_of(c, "5") == wit(2026, 12, 31, 16, 30)
    ok(c, "5", "ridwan.panmudhkm")
    # 1 hari (calendar) since step 1: Saturday 19/12, rolled forward to Monday 21/12 - past
    assert due_of(c, "6") == wit(2026, 12, 21, 16, 30)


def test_a_calendar_day_limit_rolls_forward_over_the_weekend() -> None:
    c = pengaduan(wit(2026, 12, 4, 9))  # Friday
    c.at(wit(2026, 12, 4, 10))
    ok(c, "1", "dewi.pengaduan")
    ok(c, "2", "ridwan.panmudhkm")
    ok(c, "3", "sri.wkpn", "Diteruskan ke Pengadilan Tinggi")
    ok(c, "4", "ridwan.panmudhkm")
    assert due_of(c, "6") == wit(2026, 12, 7, 16, 30)


def test_the_pidana_chain_of_anchored_working_days() -> None:
    c = Case(workflow("penerimaan-perkara-pidana", CATAT), now=wit(2026, 12, 23, 14))
    c.do(StartCase(actor="yuliana.panmudpid"))
    ok(c, "1", "yuliana.panmudpid")
    ok(c, "2", "yuliana.panmudpid", "Lengkap")
    # 1 hari kerja since step 1 on Wednesday 23/12: the next working day is Monday 28/12
    assert due_of(c, "3") == wit(2026, 12, 28, 16, 30)
    c.at(wit(2026, 12, 28, 9))
    ok(c, "3", "yuliana.panmudpid")
    ok(c, "4", "hendra.kpn")
    assert due_of(c, "5") == wit(2026, 12, 29, 16, 30)


# -- overdue --------------------------------------------------------------------------------

def gugatan(now: datetime, mode: Penegakan = CATAT) -> Case:
    c = Case(workflow("pendaftaran-gugatan-ptsp", mode), now=now)
    c.do(StartCase(actor="rina.ptsp"))
    return c


@pytest.mark.parametrize("mode", [CATAT, TOLAK])
def test_the_sweep_flags_an_overdue_step_once_per_deadline(mode: Penegakan) -> None:
    c = gugatan(wit(2026, 12, 1, 9), mode)
    assert c.at(wit(2026, 12, 1, 9, 20)).do(Sweep()) == []  # due at 09:20, not after it
    events = c.at(wit(2026, 12, 1, 9, 30)).do(Sweep())
    assert summary(events) == [("deviation_flagged", "overdue", "1", 1)]
    flag = events[0]
    assert isinstance(flag, DeviationFlagged) and flag.rule == "mutu_baku.waktu"
    assert (flag.occurred_at, flag.recorded_at, flag.actor) == (
        wit(2026, 12, 1, 9, 20), wit(2026, 12, 1, 9, 30), None)
    assert flag.evidence == {"batas": "2026-12-01T00:20:00.000000+00:00",
                             "terlambat": "10", "satuan": "menit_kerja",
                             "terlambat_detik": "600"}
    assert c.state.current("1").overdue_flagged == wit(2026, 12, 1, 9, 20)  # type: ignore[union-attr]
    # an hour later only the service standard (60 menit) is newly missed
    assert summary(c.later(hours=1).do(Sweep())) == [
        ("deviation_flagged", "service_overdue", None, None)]
    later = c.state
    assert c.do(Sweep()) == [] and c.state == later
    # completing it late does not flag it again
    events = ok(c, "1", "rina.ptsp")
    assert [s for s in summary(events) if s[0] == "deviation_flagged"] == []


def test_a_step_opened_after_its_anchored_deadline_is_overdue_from_its_opening() -> None:
    c = sisa_panjar_to_step_8(wit(2026, 12, 14, 9), "2026-12-01")
    step8 = c.state.current("8")
    assert step8 is not None and step8.due_at == wit(2026, 12, 8, 16, 30)
    events = c.later(minutes=1).do(Sweep())
    assert summary(events) == [("deviation_flagged", "overdue", "8", 1)]
    flag = events[0]
    assert isinstance(flag, DeviationFlagged)
    assert flag.occurred_at == step8.activated_at  # not 8/12, before the step existed
    assert flag.evidence["batas"] == utc_iso(wit(2026, 12, 8, 16, 30))


def test_the_sweep_reports_working_time_late_not_wall_time() -> None:
    c = gugatan(wit(2026, 12, 4, 16, 20))  # Friday: due Monday 08:10 (10 min Fri + 10 Mon)
    assert due_of(c, "1") == wit(2026, 12, 7, 8, 10)
    events = c.at(wit(2026, 12, 7, 9, 10)).do(Sweep())
    flag = events[0]
    assert isinstance(flag, DeviationFlagged)
    assert flag.evidence["terlambat_detik"] == str(3600)


def test_completing_late_flags_overdue_by_the_completer() -> None:
    c = gugatan(wit(2026, 12, 1, 9))
    c.at(wit(2026, 12, 1, 9, 45))
    events = ok(c, "1", "rina.ptsp")
    assert summary(events) == [("deviation_flagged", "overdue", "1", 1),
                               ("step_completed", "1", 1), ("step_activated", "2", 1)]
    flag = events[0]
    assert isinstance(flag, DeviationFlagged)
    assert (flag.actor, flag.occurred_at) == ("rina.ptsp", wit(2026, 12, 1, 9, 45))
    assert flag.evidence["terlambat_detik"] == "1500"


def test_completing_on_time_with_a_backdated_entry_is_not_overdue() -> None:
    c = gugatan(wit(2026, 12, 1, 9))
    c.at(wit(2026, 12, 1, 11))
    events = c.do(CompleteStep(actor="rina.ptsp", node="1", at=wit(2026, 12, 1, 9, 15),
                               values=needed(c.wf, c.state, "1")))
    assert summary(events) == [("step_completed", "1", 1), ("step_activated", "2", 1)]
    assert events[0].occurred_at == wit(2026, 12, 1, 9, 15)
    assert events[0].recorded_at == wit(2026, 12, 1, 11)


def test_a_reopened_step_is_a_new_attempt_with_its_own_overdue() -> None:
    c = gugatan(wit(2026, 12, 1, 9))
    c.at(wit(2026, 12, 1, 9, 30)).do(Sweep())
    ok(c, "1", "rina.ptsp")
    c.do(ReopenStep(actor="bambang.panitera", node="1", reason="ceklist salah"))
    assert due_of(c, "1") == wit(2026, 12, 1, 9, 50)
    events = c.at(wit(2026, 12, 1, 10, 30)).do(Sweep())
    assert ("deviation_flagged", "overdue", "1", 2) in summary(events)


def test_a_step_done_early_past_its_anchored_deadline_is_overdue() -> None:
    c = Case(workflow("pengembalian-sisa-panjar", CATAT), now=wit(2026, 12, 14, 9))
    c.do(StartCase(actor="andi.hakim", fields={"tanggal_minutasi": "2026-12-01"}))
    events = c.do(CompleteStep(actor="bambang.panitera", node="8",
                               values=needed(c.wf, c.state, "8")))
    assert summary(events) == [("deviation_flagged", "out_of_order", "8", 1),
                               ("step_activated", "8", 1),
                               ("deviation_flagged", "overdue", "8", 1),
                               ("step_completed", "8", 1), ("step_activated", "9", 1)]
    act = events[1]
    assert isinstance(act, StepActivated) and act.due_at == wit(2026, 12, 8, 16, 30)


# -- the service standard -------------------------------------------------------------------

def test_service_overdue_is_flagged_once_by_the_sweep() -> None:
    c = gugatan(wit(2026, 12, 1, 9))
    assert c.state.service_due == wit(2026, 12, 1, 10)
    ok(c, "1", "rina.ptsp")
    events = c.at(wit(2026, 12, 1, 10, 5)).do(Sweep())
    assert summary(events) == [("deviation_flagged", "service_overdue", None, None)]
    flag, flag_seq = events[0], c.state.seq
    assert isinstance(flag, DeviationFlagged) and flag.rule == "waktu_pelayanan"
    assert (flag.occurred_at, flag.actor) == (wit(2026, 12, 1, 10), None)
    assert flag.evidence == {"batas": "2026-12-01T01:00:00.000000+00:00",
                             "terlambat": "5", "satuan": "menit_kerja",
                             "terlambat_detik": "300"}
    assert c.state.service_overdue_flagged
    assert c.later(days=1).do(Sweep()) == []
    ok(c, "2", "ahmad.panmudpdt", "Tidak lengkap")
    events = ok(c, "8", "rina.ptsp")
    # not flagged again: the sweep's flag gets the final lateness, a day and more later
    assert summary(events) == [("step_completed", "8", 1), ("lateness_settled",),
                               ("case_completed",)]
    settled = events[1]
    assert isinstance(settled, LatenessSettled) and settled.seq == flag_seq
    assert settled.evidence["batas"] == flag.evidence["batas"]
    assert int(settled.evidence["terlambat"]) > 5 * 60


def test_service_overdue_is_flagged_when_the_case_ends_late() -> None:
    c = gugatan(wit(2026, 12, 1, 9))
    ok(c, "1", "rina.ptsp")
    ok(c, "2", "ahmad.panmudpdt", "Tidak lengkap")
    c.at(wit(2026, 12, 1, 10, 1))
    events = ok(c, "8", "rina.ptsp")
    assert summary(events) == [("step_completed", "8", 1),
                               ("deviation_flagged", "service_overdue", None, None),
                               ("case_completed",)]
    assert events[1].occurred_at == wit(2026, 12, 1, 10)


def test_a_calendar_day_service_standard_rolls_forward() -> None:
    c = Case(workflow("surat-keterangan-eraterang", CATAT), now=wit(2026, 12, 4, 10))  # Friday
    c.do(StartCase(actor="rina.ptsp"))
    assert c.state.service_due == wit(2026, 12, 7, 16, 30)  # 2 hari: Sunday -> Monday


def test_no_service_standard_no_service_due() -> None:
    c = Case(workflow("pengembalian-sisa-panjar", CATAT), now=wit(2026, 12, 1, 9))
    c.do(StartCase(actor="andi.hakim"))
    assert c.state.service_due is None
    assert c.later(days=400).do(Sweep()) == []


def test_a_service_standard_anchored_to_a_date_in_the_case() -> None:
    wf = chain({"kegiatan": "Menyiapkan salinan", "pelaksana": "petugas_ptsp"},
               isian=[{"id": "tanggal_putusan", "nama": "Tanggal putusan", "jenis": "tanggal"}],
               standar_pelayanan={"waktu_pelayanan": "14 hari kerja",
                                  "waktu_pelayanan_sejak": {"isian": "tanggal_putusan"}})
    c = Case(wf, now=wit(2026, 12, 14, 9))
    c.do(StartCase(actor="rina.ptsp", fields={"tanggal_putusan": "2026-12-01"}))
    # 14 hari kerja since 1/12: 2-4, 7-11, 14-18 (13), 21 -> Monday 21/12
    assert c.state.service_due == wit(2026, 12, 21, 16, 30)
    # entered after the standard had already run out: breached from the start
    late = Case(wf, now=wit(2026, 12, 28, 9))
    late.do(StartCase(actor="rina.ptsp", fields={"tanggal_putusan": "2026-12-01"}))
    flag = late.later(minutes=1).do(Sweep())[-1]
    assert isinstance(flag, DeviationFlagged) and flag.kind is DeviationKind.SERVICE_OVERDUE
    assert flag.occurred_at == wit(2026, 12, 28, 9)


# -- timers ------------------------------------------------------------------------------

def sisa_panjar_waiting(now: datetime) -> Case:
    c = sisa_panjar_to_step_8(now, "2026-12-01")
    c.later(minutes=30)
    ok(c, "8", "bambang.panitera")
    return c


def test_a_timer_fires_in_the_sweep_and_takes_the_timer_branch() -> None:
    c = sisa_panjar_waiting(wit(2026, 12, 1, 9, 30))
    step9 = c.state.current("9")
    assert step9 is not None and step9.status is StepStatus.ACTIVE
    # 6 bulan since step 8 (1/12/2026): 1/6/2027 is Hari Lahir Pancasila -> 2/6/2027
    assert step9.timer_due == wit(2027, 6, 2, 16, 30) and step9.due_at is None
    assert c.at(wit(2027, 6, 2, 16, 29)).do(Sweep()) == []
    events = c.at(wit(2027, 6, 3, 8)).do(Sweep())
    assert summary(events) == [("timer_fired", "9", 1), ("step_activated", "11", 1)]
    fired, act = events
    assert isinstance(fired, TimerFired) and fired.due == wit(2027, 6, 2, 16, 30)
    assert (fired.occurred_at, fired.recorded_at, fired.actor) == (
        wit(2027, 6, 2, 16, 30), wit(2027, 6, 3, 8), None)
    assert fired.next == ("11",)
    assert isinstance(act, StepActivated) and act.occurred_at == wit(2027, 6, 2, 16, 30)
    assert c.state.current("9").status is StepStatus.EXPIRED  # type: ignore[union-attr]
    assert c.do(Sweep()) == []
    events = ok(c, "11", "siti.kasir")
    assert summary(events) == [("step_completed", "11", 1), ("case_completed",)]
    assert c.state.end_node == "11"


@pytest.mark.parametrize("swept_first", [False, True])
def test_an_act_after_its_timer_ran_out_is_not_on_time_whether_or_not_swept(
        swept_first: bool) -> None:
    """The applicant comes for the remaining panjar after the 6 months ran out: the outcome
    is the timer's branch either way, whether a sweep noticed the timer before the act was
    entered or not; the act is refused (and recorded) in both."""
    c = sisa_panjar_waiting(wit(2026, 12, 1, 9, 30))
    late = wit(2027, 6, 3, 9)
    if swept_first:
        c.at(late).do(Sweep())
    values = needed(c.wf, c.state, "9")
    events = c.at(late).do(CompleteStep(actor="siti.kasir", node="9", values=values))
    refusal = refused(events)
    assert (refusal.code, refusal.detail["aturan"]) == ("overdue", "jika_lewat_waktu")
    assert refusal.detail["cabang"] == "11"
    if not swept_first:
        assert c.state.current("9").status is StepStatus.ACTIVE  # type: ignore[union-attr]
        c.at(late).do(Sweep())
    step9, step11 = c.state.current("9"), c.state.current("11")
    assert step9 is not None and step9.status is StepStatus.EXPIRED
    assert step11 is not None and step11.activated_at == wit(2027, 6, 2, 16, 30)


def test_a_timer_restarts_from_the_latest_completion_of_its_anchor_step() -> None:
    c = sisa_panjar_waiting(wit(2026, 12, 1, 9, 30))
    c.at(wit(2027, 6, 3, 8)).do(Sweep())
    c.later(minutes=5).do(ReopenStep(actor="bambang.panitera", node="8",
                                     reason="surat pemberitahuan tidak terkirim"))
    c.later(minutes=30)
    events = ok(c, "8", "bambang.panitera")
    act = events[-1]
    assert isinstance(act, StepActivated) and (act.node, act.attempt) == ("9", 2)
    # counted from the second notice (3/6/2027), not the first
    assert act.timer_due == wit(2027, 12, 3, 16, 30)
    assert c.later(days=1).do(Sweep()) == []


def test_two_timers_into_one_step_open_it_once() -> None:
    timer = {"setelah": "1 hari kerja", "ke": 6}
    wf = chain({"kegiatan": "Menunggu pembayaran", "pelaksana": "kasir", "jika_lewat_waktu": timer},
               {"kegiatan": "Memeriksa pembayaran", "pelaksana": "panitera"},
               {"kegiatan": "Menunggu tambahan", "pelaksana": "kasir", "jika_lewat_waktu": timer},
               {"kegiatan": "Mencatat tambahan", "pelaksana": "kasir"})
    c = Case(wf, now=wit(2026, 12, 1, 9))
    c.do(StartCase(actor="rina.ptsp"))
    ok(c, "1", "rina.ptsp")
    ok(c, "3", "bambang.panitera")  # done early: 2 and 4 are now both open, on timers
    assert {s.node for s in c.state.open_steps} == {"2", "4"}
    events = c.at(wit(2026, 12, 3, 9)).do(Sweep())
    assert summary(events) == [("timer_fired", "2", 1), ("step_activated", "6", 1),
                               ("timer_fired", "4", 1)]
    assert [s.node for s in c.state.open_steps] == ["6"]


# -- extensions ------------------------------------------------------------------------------

def extendable(mode: str = "catat") -> Case:
    wf = chain({"kegiatan": "Meneliti berkas", "pelaksana": "kasir",
                "mutu_baku": {"waktu": "2 hari kerja"}, "perpanjangan": "3 hari kerja"},
               {"kegiatan": "Menandatangani", "pelaksana": "panitera",
                "mutu_baku": {"waktu": "1 hari kerja"}},
               penegakan=mode)
    c = Case(wf, now=wit(2026, 12, 1, 9))
    c.do(StartCase(actor="rina.ptsp"))
    ok(c, "1", "rina.ptsp")
    return c


def test_an_extension_moves_the_deadline_once_and_needs_a_reason() -> None:
    c = extendable()
    assert due_of(c, "2") == wit(2026, 12, 3, 16, 30)
    with pytest.raises(CommandRejected) as exc:
        c.do(ExtendStep(actor="siti.kasir", node="2"))
    assert exc.value.code == "reason_required"
    with pytest.raises(CommandRejected) as exc:
        c.do(ExtendStep(actor="siti.kasir", node="2", reason="   "))
    assert exc.value.code == "reason_required"
    events = c.do(ExtendStep(actor="siti.kasir", node="2", reason="menunggu berkas asli"))
    assert summary(events) == [("step_extended", "2", 1)]
    ext = events[0]
    assert isinstance(ext, StepExtended)
    # 3 hari kerja more, counted from the old deadline (Thursday 3/12): 4, 7, 8
    assert ext.due_at == wit(2026, 12, 8, 16, 30) and ext.reason == "menunggu berkas asli"
    assert due_of(c, "2") == wit(2026, 12, 8, 16, 30)
    assert c.state.current("2").extensions == 1  # type: ignore[union-attr]
    with pytest.raises(CommandRejected) as exc:
        c.do(ExtendStep(actor="siti.kasir", node="2", reason="lagi"))
    assert exc.value.code == "already_extended"


def test_only_steps_the_sop_allows_may_be_extended() -> None:
    c = extendable()
    ok(c, "2", "siti.kasir")
    with pytest.raises(CommandRejected) as exc:
        c.do(ExtendStep(actor="bambang.panitera", node="3", reason="sibuk"))
    assert exc.value.code == "no_extension"
    with pytest.raises(CommandRejected) as exc:
        c.do(ExtendStep(actor="siti.kasir", node="2", reason="sibuk"))
    assert exc.value.code == "step_closed"


@pytest.mark.parametrize("mode", ["catat", "tolak"])
def test_an_extension_by_someone_else_is_refused_and_not_used_up(mode: str) -> None:
    """An extension is an act of authority: under either enforcement a try by someone not
    entitled is refused (and recorded), and the entitled officer may still use it."""
    c = extendable(mode)
    events = c.do(ExtendStep(actor="rina.ptsp", node="2", reason="membantu kasir"))
    r = refused(events)
    assert (r.command, r.code) == ("extend", "wrong_actor")
    assert due_of(c, "2") == wit(2026, 12, 3, 16, 30)
    assert summary(c.do(ExtendStep(actor="siti.kasir", node="2", reason="berkas asli"))) == [
        ("step_extended", "2", 1)]
    # a supervisor may extend a step they do not hold
    c2 = extendable(mode)
    assert summary(c2.do(ExtendStep(actor="bambang.panitera", node="2",
                                    reason="disposisi"))) == [("step_extended", "2", 1)]


def test_after_an_extension_the_new_deadline_can_be_missed_too() -> None:
    c = extendable()
    assert summary(c.at(wit(2026, 12, 4, 9)).do(Sweep())) == [
        ("deviation_flagged", "overdue", "2", 1)]
    c.do(ExtendStep(actor="siti.kasir", node="2", reason="terlambat, diperpanjang"))
    assert c.do(Sweep()) == []
    events = c.at(wit(2026, 12, 9, 9)).do(Sweep())
    assert summary(events) == [("deviation_flagged", "overdue", "2", 1)]
    assert events[0].occurred_at == wit(2026, 12, 8, 16, 30)


# -- late entries and impossible times ------------------------------------------------------

def with_entry_limit(now: datetime) -> Case:
    c = gugatan(now)
    c.entry_limit = court().batas_pencatatan
    return c


@pytest.mark.parametrize(("done", "recorded", "late"), [
    (wit(2026, 12, 1, 9, 10), wit(2026, 12, 2, 16, 30), False),   # by close of next day
    (wit(2026, 12, 1, 9, 10), wit(2026, 12, 3, 8, 0), True),
    (wit(2026, 12, 4, 9, 10), wit(2026, 12, 7, 16, 0), False),    # Friday -> Monday
    # before Nyepi and Idul Fitri: the next working day is Wednesday 25 March
    (wit(2026, 3, 17, 9, 10), wit(2026, 3, 25, 16, 0), False),
    (wit(2026, 3, 17, 9, 10), wit(2026, 3, 26, 8, 0), True),
])
def test_an_entry_later_than_batas_pencatatan_is_flagged(done: datetime, recorded: datetime,
                                                          late: bool) -> None:
    c = with_entry_limit(done - timedelta(minutes=10))
    c.at(recorded)
    events = c.do(CompleteStep(actor="rina.ptsp", node="1", at=done,
                               reason="dicatat dari register manual",
                               values=needed(c.wf, c.state, "1")))
    flags = [e for e in events if isinstance(e, DeviationFlagged)]
    if not late:
        assert flags == []
        return
    assert summary(flags) == [("deviation_flagged", "late_entry", "1", 1)]
    flag = flags[0]
    assert flag.rule == "batas_pencatatan" and flag.reason == "dicatat dari register manual"
    assert (flag.occurred_at, flag.recorded_at) == (done, recorded)
    assert flag.evidence == {"terjadi": utc_iso(done), "dicatat": utc_iso(recorded),
                             "batas": "1 hari kerja"}


def test_a_late_entry_is_flagged_not_refused_under_tolak() -> None:
    c = gugatan(wit(2026, 12, 1, 9), TOLAK)
    c.entry_limit = court().batas_pencatatan
    c.at(wit(2026, 12, 10, 9))
    events = c.do(CompleteStep(actor="rina.ptsp", node="1", at=wit(2026, 12, 1, 9, 10),
                               values=needed(c.wf, c.state, "1")))
    assert summary(events) == [("deviation_flagged", "late_entry", "1", 1),
                               ("step_completed", "1", 1), ("step_activated", "2", 1)]


def test_a_case_started_late_is_flagged() -> None:
    c = Case(workflow("pengaduan-siwas", CATAT), now=wit(2026, 11, 23, 13),
             entry_limit=court().batas_pencatatan)
    events = c.do(StartCase(actor="dewi.pengaduan", at=wit(2026, 11, 19, 10, 30),
                            reason="SIWAS gangguan"))
    assert summary(events) == [("case_started",),
                               ("deviation_flagged", "late_entry", None, None),
                               ("step_activated", "1", 1)]
    assert c.state.started_at == wit(2026, 11, 19, 10, 30)


def test_a_claim_or_a_supervisors_action_entered_late_is_flagged_too() -> None:
    c = with_entry_limit(wit(2026, 12, 1, 9))
    c.at(wit(2026, 12, 10, 9))
    events = c.do(ClaimStep(actor="rina.ptsp", node="1", at=wit(2026, 12, 1, 9, 5)))
    assert summary(events) == [("step_claimed", "1", 1),
                               ("deviation_flagged", "late_entry", "1", 1)]
    events = c.do(SkipStep(actor="bambang.panitera", node="1", at=wit(2026, 12, 1, 9, 30),
                           reason="berkas diperiksa di loket lain"))
    assert ("deviation_flagged", "late_entry", "1", 1) in summary(events)


def test_a_refused_late_claim_records_only_the_refusal() -> None:
    c = gugatan(wit(2026, 12, 1, 9), TOLAK)
    c.entry_limit = court().batas_pencatatan
    c.at(wit(2026, 12, 10, 9))
    events = c.do(ClaimStep(actor="siti.kasir", node="1", at=wit(2026, 12, 1, 9, 5)))
    assert [e.TYPE for e in events] == ["action_refused"]


def test_without_an_entry_limit_nothing_is_late() -> None:
    c = gugatan(wit(2026, 12, 1, 9))
    c.at(wit(2026, 12, 10, 9))
    events = c.do(CompleteStep(actor="rina.ptsp", node="1", at=wit(2026, 12, 1, 9, 10),
                               values=needed(c.wf, c.state, "1")))
    assert [e for e in events if isinstance(e, DeviationFlagged)] == []


def test_a_time_in_the_future_is_rejected() -> None:
    c = gugatan(wit(2026, 12, 1, 9))
    with pytest.raises(CommandRejected) as exc:
        c.do(CompleteStep(actor="rina.ptsp", node="1", at=wit(2026, 12, 1, 9, 1)))
    assert exc.value.code == "future_time"
    assert "1 Desember 2026 pukul 09.01 WIT" in str(exc.value)
    assert "1 Desember 2026 pukul 09.00 WIT" in str(exc.value)
    with pytest.raises(CommandRejected):
        Case(c.wf, now=wit(2026, 12, 1, 9)).do(StartCase(actor="rina.ptsp",
                                                           at=wit(2026, 12, 2, 9)))


def test_a_time_without_a_zone_is_rejected() -> None:
    c = gugatan(wit(2026, 12, 1, 9))
    with pytest.raises(CommandRejected) as exc:
        c.do(CompleteStep(actor="rina.ptsp", node="1", at=datetime(2026, 12, 1, 9)))
    assert exc.value.code == "naive_time"


@pytest.mark.parametrize("cmd", [
    CompleteStep(actor="ahmad.panmudpdt", node="2", at=wit(2026, 12, 1, 9, 5)),
    ClaimStep(actor="ahmad.panmudpdt", node="2", at=wit(2026, 12, 1, 9, 5)),
    ExtendStep(actor="bambang.panitera", node="2", at=wit(2026, 12, 1, 9, 5), reason="x"),
])
def test_a_time_before_the_step_was_active_is_rejected(cmd: object) -> None:
    c = gugatan(wit(2026, 12, 1, 9))
    c.at(wit(2026, 12, 1, 9, 10))
    ok(c, "1", "rina.ptsp")
    c.later(minutes=10)
    with pytest.raises(CommandRejected) as exc:
        c.do(cmd)  # type: ignore[arg-type]
    assert exc.value.code == "before_activation"
    assert "pukul 09.05 WIT" in str(exc.value) and "pukul 09.10 WIT" in str(exc.value)


def test_a_step_done_early_cannot_be_dated_before_the_case_started() -> None:
    c = gugatan(wit(2026, 12, 1, 9))
    c.later(hours=1)
    with pytest.raises(CommandRejected) as exc:
        c.do(CompleteStep(actor="rina.ptsp", node="5", at=wit(2026, 12, 1, 8),
                          values=needed(c.wf, c.state, "5")))
    assert exc.value.code == "before_activation"


def test_a_cancelled_case_has_no_open_steps_and_sweeps_do_nothing() -> None:
    c = gugatan(wit(2026, 12, 1, 9))
    from sop_runtime.engine import CancelCase
    c.do(CancelCase(actor="bambang.panitera", reason="gugatan dicabut"))
    assert c.state.status is CaseStatus.CANCELLED and c.state.open_steps == ()
    assert c.later(days=3).do(Sweep()) == []


def test_a_partys_late_act_is_the_partys_lateness_not_the_recorders() -> None:
    """A payment the applicant makes two working days late, recorded by the clerk: the
    lateness names the party, and the clerk only as its recorder; the same step late by a
    clerk's own hand names the clerk."""
    wf = chain({"kegiatan": "Membayar panjar di bank", "pelaksana": "pemohon",
                "dicatat_oleh": ["petugas_ptsp"],
                "mutu_baku": {"waktu": "1 hari kerja", "output": ["Bukti setoran"]}},
               {"kegiatan": "Meneliti berkas", "pelaksana": "petugas_ptsp",
                "mutu_baku": {"waktu": "1 hari kerja"}})
    c = Case(wf, now=wit(2026, 12, 1, 9))  # a Tuesday
    c.do(StartCase(actor="rina.ptsp"))
    c.do(CompleteStep(actor="rina.ptsp", node="1"))
    # due Wednesday 2/12 09:00; paid on Friday 4/12 10:00, entered then
    events = c.at(wit(2026, 12, 4, 10)).do(CompleteStep(
        actor="rina.ptsp", node="2", values={"bukti_setoran": "BRI 118"}))
    [late] = [e for e in events if isinstance(e, DeviationFlagged)
              and e.kind is DeviationKind.OVERDUE]
    assert late.actor is None and late.occurred_at == wit(2026, 12, 4, 10)
    assert (late.evidence["pihak"], late.evidence["dicatat_oleh"]) == ("pemohon", "rina.ptsp")
    assert (late.evidence["satuan"], late.evidence["terlambat"]) == ("hari_kerja", "2")
    events = c.at(wit(2026, 12, 8, 10)).do(CompleteStep(actor="rina.ptsp", node="3"))
    [own] = [e for e in events if isinstance(e, DeviationFlagged)
             and e.kind is DeviationKind.OVERDUE]
    assert own.actor == "rina.ptsp" and "pihak" not in own.evidence


def granted_by(oleh: list[str] | None = None, scope: str = "langkah") -> Case:
    """Step 2 (kasir, 2 hari kerja) may be extended by 3 hari kerja by ``oleh``, extending
    ``scope``; the service standard is 5 hari kerja."""
    extension: dict[str, Any] = {"batas": "3 hari kerja", "memperpanjang": scope}
    if oleh:
        extension["oleh"] = oleh
    wf = chain({"kegiatan": "Meneliti berkas", "pelaksana": "kasir",
                "mutu_baku": {"waktu": "2 hari kerja"}, "perpanjangan": extension},
               {"kegiatan": "Menandatangani", "pelaksana": "panitera",
                "mutu_baku": {"waktu": "1 hari kerja"}},
               standar_pelayanan={"waktu_pelayanan": "5 hari kerja"})
    c = Case(wf, now=wit(2026, 12, 1, 9))
    c.do(StartCase(actor="rina.ptsp"))
    return c


def test_only_the_role_the_sop_names_may_grant_an_extension() -> None:
    c = granted_by(["panitera"])
    ok(c, "1", "rina.ptsp")
    for who in ("siti.kasir", "sri.wkpn"):  # the step's own holder, a supervisor: not named
        refusal = refused(c.do(ExtendStep(actor=who, node="2", reason="permintaan")))
        assert refusal.code == "wrong_actor"
    assert due_of(c, "2") == wit(2026, 12, 3, 16, 30)
    events = c.do(ExtendStep(actor="bambang.panitera", node="2", reason="disposisi"))
    assert summary(events) == [("step_extended", "2", 1)]
    assert due_of(c, "2") == wit(2026, 12, 8, 16, 30)


@pytest.mark.parametrize(("scope", "step_due", "service_due"), [
    ("langkah", wit(2026, 12, 8, 16, 30), wit(2026, 12, 8, 16, 30)),
    ("waktu_pelayanan", wit(2026, 12, 3, 16, 30), wit(2026, 12, 11, 16, 30)),
    ("keduanya", wit(2026, 12, 8, 16, 30), wit(2026, 12, 11, 16, 30)),
])
def test_an_extension_extends_what_the_sop_says(scope: str, step_due: datetime,
                                                service_due: datetime) -> None:
    c = granted_by(scope=scope)
    assert c.state.service_due == wit(2026, 12, 8, 16, 30)  # 5 hari kerja from Tuesday
    ok(c, "1", "rina.ptsp")
    c.do(ExtendStep(actor="siti.kasir", node="2", reason="pihak minta waktu"))
    assert due_of(c, "2") == step_due and c.state.service_due == service_due
    # an answer inside the extended service time is not a breach of it
    ok(c.at(wit(2026, 12, 9, 9)), "2", "siti.kasir")
    ok(c.at(wit(2026, 12, 10, 9)), "3", "bambang.panitera")
    flags = [e.kind for e in ok(c.at(wit(2026, 12, 10, 10)), "4", "rina.ptsp")
             if isinstance(e, DeviationFlagged)]
    assert (DeviationKind.SERVICE_OVERDUE in flags) is (scope == "langkah")


def test_a_step_not_open_yet_may_be_extended_ahead() -> None:
    c = granted_by()
    events = c.do(ExtendStep(actor="siti.kasir", node="2", reason="berkas asli menyusul"))
    assert summary(events) == [("step_extended", "2", 0)]
    assert c.state.current("2") is None and "2" in c.state.granted_extensions
    with pytest.raises(CommandRejected) as exc:
        c.do(ExtendStep(actor="siti.kasir", node="2", reason="lagi"))
    assert exc.value.code == "already_extended"
    ok(c, "1", "rina.ptsp")  # step 2 opens with its limit and the extension: 2 + 3 hari kerja
    assert due_of(c, "2") == wit(2026, 12, 8, 16, 30)
    assert c.state.current("2").extensions == 1  # type: ignore[union-attr]
    assert not c.state.granted_extensions


@pytest.mark.parametrize(("waktu", "saluran", "late"), [
    ("2 hari", None, True),                                     # ends at the office's close
    ({"batas": "2 hari", "berakhir": "akhir_hari"}, None, False),
    ({"batas": "2 hari", "berakhir": "20:00"}, None, True),
    ({"batas": "2 hari", "berakhir": "21:00"}, None, False),
    # PN Sanana's court file: an electronic filing's last day ends at 23.59 (SK KMA 207/2023)
    ("2 hari", "elektronik", False),
    ({"batas": "2 hari", "berakhir": "tutup_kantor"}, "elektronik", True),
])
def test_a_filing_in_the_evening_of_the_last_day(waktu: Any, saluran: str | None,
                                                 late: bool) -> None:
    """A filing at 20:05 on the last day of a 2-day limit: late only if the day ended
    before it, and then late by the minutes that passed (never by zero)."""
    top: dict[str, Any] = {"saluran": saluran} if saluran else {}
    wf = chain({"kegiatan": "Menerima memori banding", "pelaksana": "petugas_ptsp",
                "mutu_baku": {"waktu": waktu}}, **top)
    c = Case(wf, now=wit(2026, 12, 1, 9))
    c.do(StartCase(actor="rina.ptsp"))
    ok(c, "1", "rina.ptsp")
    events = ok(c.at(wit(2026, 12, 3, 20, 5)), "2", "rina.ptsp")
    flags = [e for e in events if isinstance(e, DeviationFlagged)
             and e.kind is DeviationKind.OVERDUE]
    assert bool(flags) is late
    for flag in flags:
        assert flag.evidence["satuan"] == "menit" and int(flag.evidence["terlambat"]) > 0


def test_a_step_to_be_done_the_same_day() -> None:
    """"Pada hari itu juga": done the next morning it is a day late."""
    wf = chain({"kegiatan": "Menyampaikan relaas", "pelaksana": "petugas_ptsp",
                "mutu_baku": {"waktu": "pada hari itu juga"}})
    c = Case(wf, now=wit(2026, 12, 1, 9))
    c.do(StartCase(actor="rina.ptsp"))
    ok(c, "1", "rina.ptsp")
    assert due_of(c, "2") == wit(2026, 12, 1, 16, 30)
    events = ok(c.at(wit(2026, 12, 2, 9)), "2", "rina.ptsp")
    [late] = [e for e in events if isinstance(e, DeviationFlagged)
              and e.kind is DeviationKind.OVERDUE]
    assert (late.evidence["satuan"], late.evidence["terlambat"]) == ("hari", "1")


@pytest.mark.parametrize(("which", "expected"), [
    ("paling_akhir", wit(2026, 12, 21, 16, 30)),  # 14 hari from the notice of 7/12
    ("paling_awal", wit(2026, 12, 14, 16, 30)),   # 14 hari from the verdict of 30/11
])
def test_a_limit_counted_from_the_later_or_earlier_of_two_dates(which: str,
                                                                 expected: datetime) -> None:
    """A party's term from the verdict, or from its notice for a party who was absent:
    whichever came last (or first)."""
    wf = chain({"kegiatan": "Menerima pernyataan banding", "pelaksana": "petugas_ptsp",
                "mutu_baku": {"waktu": {"batas": "14 hari", "sejak": {which: [
                    {"isian": "tanggal_putusan"}, {"isian": "tanggal_pemberitahuan"}]}}}},
               isian=[{"id": "tanggal_putusan", "nama": "Tanggal putusan", "jenis": "tanggal"},
                      {"id": "tanggal_pemberitahuan", "nama": "Tanggal pemberitahuan putusan",
                       "jenis": "tanggal"}])
    c = Case(wf, now=wit(2026, 12, 8, 9))
    c.do(StartCase(actor="rina.ptsp", fields={"tanggal_putusan": "2026-11-30",
                                              "tanggal_pemberitahuan": "2026-12-07"}))
    ok(c, "1", "rina.ptsp")
    assert due_of(c, "2") == expected
    # one date not known yet: the term counts from the one that is
    c2 = Case(wf, now=wit(2026, 12, 8, 9))
    c2.do(StartCase(actor="rina.ptsp", fields={"tanggal_putusan": "2026-11-30"}))
    ok(c2, "1", "rina.ptsp")
    assert due_of(c2, "2") == wit(2026, 12, 14, 16, 30)
