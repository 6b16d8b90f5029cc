"""Outcomes by event time: what a sweep noticed is corrected by facts entered after it.

A timer fired by a sweep is withdrawn when a back-dated act shows its step was done in time;
an overdue or service-standard flag the sweep recorded is withdrawn when the step was done,
the case finished, or the limit extended before the moment it was flagged for. Nothing is
deleted: the corrections are events. And an act is judged on the case as it stood when it
happened, so a timer that ran out before it has fired whether or not a sweep ran."""

from __future__ import annotations

import pytest

from sop_runtime.engine import (
    CompleteStep,
    DeviationKind,
    ExtendStep,
    StaleAction,
    StartCase,
    StepStatus,
    Sweep,
)
from sop_runtime.engine.events import (
    DeviationFlagged,
    DeviationWithdrawn,
    TimerWithdrawn,
)
from tests.unit.enginekit import Case, chain, needed, ok, summary, wit
from tests.unit.test_engine_decide_time import sisa_panjar_waiting


def test_a_timer_fired_too_early_is_withdrawn_by_the_back_dated_act() -> None:
    c = sisa_panjar_waiting(wit(2026, 12, 1, 9, 30))
    c.at(wit(2027, 6, 7, 8)).do(Sweep())  # the timer ran out on 2/6/2027 16:30
    assert c.state.current("11").is_open  # type: ignore[union-attr]
    # the panjar was in fact collected on 1 June, entered a week later from the register
    done = wit(2027, 6, 1, 10)
    events = c.at(wit(2027, 6, 7, 9)).do(CompleteStep(
        actor="siti.kasir", node="9", at=done, values=needed(c.wf, c.state, "9"),
        reason="dicatat dari buku kas"))
    assert summary(events)[:3] == [("timer_withdrawn", "9", 1), ("step_withdrawn", "11", 1),
                                   ("step_completed", "9", 1)]
    withdrawn = events[0]
    assert isinstance(withdrawn, TimerWithdrawn)
    assert (withdrawn.occurred_at, withdrawn.actor) == (done, None)
    assert withdrawn.due == wit(2027, 6, 2, 16, 30)
    assert c.state.current("9").status is StepStatus.DONE  # type: ignore[union-attr]
    assert c.state.current("11").status is StepStatus.WITHDRAWN  # type: ignore[union-attr]
    assert [s.node for s in c.state.open_steps] == ["10"]  # the normal flow goes on
    assert c.state.current("10").activated_at == done  # type: ignore[union-attr]


def test_a_timer_branch_already_worked_on_is_not_undone_by_an_entry() -> None:
    wf = chain({"kegiatan": "Menunggu pemohon melengkapi berkas", "pelaksana": "petugas_ptsp",
                "lanjut": 5, "jika_lewat_waktu": {"setelah": "2 hari", "ke": 3}},
               {"kegiatan": "Mencatat permohonan gugur", "pelaksana": "panitera"},
               {"kegiatan": "Memberitahukan pemohon", "pelaksana": "petugas_ptsp"})
    c = Case(wf, now=wit(2026, 12, 1, 9))
    c.do(StartCase(actor="rina.ptsp"))
    ok(c, "1", "rina.ptsp")
    c.at(wit(2026, 12, 7, 9)).do(Sweep())
    ok(c, "3", "bambang.panitera")  # the late branch is worked on
    with pytest.raises(StaleAction) as caught:
        c.later(minutes=5).do(CompleteStep(actor="rina.ptsp", node="2",
                                           at=wit(2026, 12, 2, 10)))
    assert caught.value.code == "timer_branch_worked"
    assert c.state.current("2").status is StepStatus.EXPIRED  # type: ignore[union-attr]


def _limited() -> Case:
    wf = chain({"kegiatan": "Meneliti berkas", "pelaksana": "panitera",
                "mutu_baku": {"waktu": "1 hari kerja"}, "perpanjangan": "1 hari kerja"},
               standar_pelayanan={"waktu_pelayanan": "2 hari kerja"})
    c = Case(wf, now=wit(2026, 12, 1, 9))
    c.do(StartCase(actor="rina.ptsp"))
    ok(c, "1", "rina.ptsp")
    return c


def test_an_overdue_flag_the_sweep_made_is_withdrawn_when_the_step_was_done_in_time() -> None:
    c = _limited()
    [flag] = [e for e in c.at(wit(2026, 12, 3, 8)).do(Sweep()) if isinstance(e, DeviationFlagged)]
    assert flag.kind is DeviationKind.OVERDUE and c.state.deviations == 1
    flagged_at = c.state.seq  # the flag is the sweep's last event
    events = c.later(minutes=5).do(CompleteStep(actor="bambang.panitera", node="2",
                                                at=wit(2026, 12, 2, 15)))
    [withdrawal] = [e for e in events if isinstance(e, DeviationWithdrawn)]
    assert (withdrawal.seq, withdrawal.kind, withdrawal.node) == (flagged_at, "overdue", "2")
    assert not [e for e in events if isinstance(e, DeviationFlagged)
                and e.kind is not DeviationKind.LATE_ENTRY]
    assert c.state.deviations == 0


def test_an_overdue_flag_stands_when_the_step_was_done_late_after_all() -> None:
    c = _limited()
    c.at(wit(2026, 12, 3, 8)).do(Sweep())
    events = c.later(minutes=5).do(CompleteStep(actor="bambang.panitera", node="2",
                                                at=wit(2026, 12, 3, 7)))
    assert not [e for e in events if isinstance(e, DeviationWithdrawn | DeviationFlagged)]
    assert c.state.deviations == 1


def test_the_service_breach_is_withdrawn_when_the_case_finished_in_time() -> None:
    c = _limited()
    ok(c, "2", "bambang.panitera")
    c.at(wit(2026, 12, 7, 8)).do(Sweep())  # 2 hari kerja ran out on 3/12 16:30
    assert c.state.service_overdue_flagged
    events = c.later(minutes=5).do(CompleteStep(actor="rina.ptsp", node="3",
                                                at=wit(2026, 12, 3, 11)))
    [withdrawal] = [e for e in events if isinstance(e, DeviationWithdrawn)]
    assert withdrawal.kind is DeviationKind.SERVICE_OVERDUE
    assert not c.state.service_overdue_flagged and c.state.deviations == 0
    assert summary(events)[-1] == ("case_completed",)


def test_an_extension_granted_in_time_withdraws_the_overdue_flag() -> None:
    c = _limited()
    c.at(wit(2026, 12, 3, 8)).do(Sweep())
    events = c.later(minutes=5).do(ExtendStep(actor="bambang.panitera", node="2",
                                              at=wit(2026, 12, 2, 14), reason="berkas tebal"))
    assert [type(e).__name__ for e in events][:2] == ["StepExtended", "DeviationWithdrawn"]
    assert c.state.current("2").due_at == wit(2026, 12, 3, 16, 30)  # type: ignore[union-attr]
    assert c.state.deviations == 0
    # now past the extended limit: flagged anew, for the new due time
    [again] = [e for e in c.at(wit(2026, 12, 4, 8)).do(Sweep())
               if isinstance(e, DeviationFlagged) and e.kind is DeviationKind.OVERDUE]
    assert again.occurred_at == wit(2026, 12, 3, 16, 30)


def test_an_act_on_the_timer_branch_needs_no_sweep_first() -> None:
    """The applicant's panjar went to the state after 6 months; the kasir records it the
    next week without any sweep having run: the timer fires at its own moment first."""
    c = sisa_panjar_waiting(wit(2026, 12, 1, 9, 30))
    c.at(wit(2027, 6, 7, 9))
    assert c.state.current("11") is None
    events = c.do(CompleteStep(actor="siti.kasir", node="11",
                               values={"bukti_setor_sisa_panjar_ke_kas_negara": "NTPN 1234"}))
    assert summary(events)[:3] == [("timer_fired", "9", 1), ("step_activated", "11", 1),
                                   ("step_completed", "11", 1)]
    assert events[0].occurred_at == wit(2027, 6, 2, 16, 30)
