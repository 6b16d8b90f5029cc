"""Joint acts (``bersama``): each pelaksana acts, by different people; the step completes with
the last missing role's act."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from sop_runtime.compiler.library import compile_source
from sop_runtime.definition.models import Penegakan
from sop_runtime.engine import (
    ClaimStep,
    CommandRejected,
    CompleteStep,
    DeviationFlagged,
    DeviationKind,
    StartCase,
    StepCompleted,
    StepSigned,
    StepStatus,
    Sweep,
    from_record,
    to_record,
)
from sop_runtime.engine.actors import Delegation
from sop_runtime.engine.checks import Context
from sop_runtime.engine.decision import decide
from sop_runtime.engine.state import CaseState, apply
from tests.unit.enginekit import (
    T0,
    Case,
    calendar,
    chain,
    directory,
    inline_document,
    refused,
    summary,
)

BA = {"id": "berita_acara", "nama": "Berita acara", "jenis": "nomor"}


def joint_sop(**top: Any) -> Any:
    return chain({"kegiatan": "Menandatangani berita acara", "pelaksana": ["ketua", "panitera"],
                  "bersama": True,
                  "mutu_baku": {"waktu": "2 jam", "output": [BA]}}, **top)


def started(**top: Any) -> Case:
    c = Case(joint_sop(**top), now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    c.later(minutes=1).do(CompleteStep(actor="rina.ptsp", node="1"))
    return c


def test_first_officer_signs_and_the_step_stays_open() -> None:
    c = started()
    events = c.later(minutes=5).do(CompleteStep(actor="hendra.kpn", node="2",
                                                values={"berita_acara": "1/BA/2026"}))
    assert summary(events) == [("step_signed", "2", 1)]
    signed = events[0]
    assert isinstance(signed, StepSigned) and signed.role == "ketua"
    step = c.state.current("2")
    assert step is not None and step.is_open and dict(step.signed) == {"ketua": "hendra.kpn"}


def test_the_last_missing_role_completes_with_every_signers_values() -> None:
    c = started()
    c.later(minutes=5).do(CompleteStep(actor="hendra.kpn", node="2",
                                       values={"berita_acara": "1/BA/2026"}))
    events = c.later(minutes=5).do(CompleteStep(actor="bambang.panitera", node="2"))
    assert summary(events)[:2] == [("step_signed", "2", 1), ("step_completed", "2", 1)]
    done = events[1]
    assert isinstance(done, StepCompleted)
    assert dict(done.outputs) == {"berita_acara": "1/BA/2026"}  # required output given by one
    assert not [e for e in events if e.TYPE == "deviation_flagged"]
    step = c.state.current("2")
    assert step is not None and step.status is StepStatus.DONE
    assert dict(step.signed) == {"ketua": "hendra.kpn", "panitera": "bambang.panitera"}
    assert c.state.current("3") is not None  # the flow moved on


def test_required_output_checked_over_all_signers_at_completion() -> None:
    c = started()
    c.later(minutes=5).do(CompleteStep(actor="hendra.kpn", node="2"))  # no output: no flag yet
    assert c.state.deviations == 0
    events = c.later(minutes=5).do(CompleteStep(actor="bambang.panitera", node="2"))
    assert ("deviation_flagged", "missing_output", "2", 1) in summary(events)


def test_the_same_person_twice_is_refused_with_a_clear_message() -> None:
    c = started()
    c.later(minutes=5).do(CompleteStep(actor="hendra.kpn", node="2"))
    with pytest.raises(CommandRejected) as exc:
        c.later(minutes=1).do(CompleteStep(actor="hendra.kpn", node="2"))
    assert exc.value.code == "already_signed"
    assert "orang yang berbeda" in str(exc.value) and "Panitera" in str(exc.value)


def test_one_person_holding_both_roles_cannot_sign_for_the_second() -> None:
    both = directory(extra={"ganda": ["ketua", "panitera"]})
    c = Case(joint_sop(), now=T0, dir=both)
    c.do(StartCase(actor="rina.ptsp"))
    c.later(minutes=1).do(CompleteStep(actor="rina.ptsp", node="1"))
    first = c.later(minutes=1).do(CompleteStep(actor="ganda", node="2"))
    assert summary(first) == [("step_signed", "2", 1)]
    with pytest.raises(CommandRejected) as exc:
        c.later(minutes=1).do(CompleteStep(actor="ganda", node="2"))
    assert exc.value.code == "already_signed"


def test_a_holder_of_no_awaited_role_is_a_wrong_actor() -> None:
    c = started(penegakan="tolak")
    c.later(minutes=5).do(CompleteStep(actor="hendra.kpn", node="2"))
    # the Wakil Ketua holds neither; the Ketua's part is done already
    refusal = refused(c.later(minutes=1).do(CompleteStep(actor="sri.wkpn", node="2")))
    assert refusal.kind is DeviationKind.WRONG_ACTOR
    assert refusal.detail["pelaksana"] == "panitera"


def test_a_plh_delegate_signs_for_the_role_lent_and_says_so() -> None:
    plh = Delegation(delegate="sri.wkpn", role="ketua", start=T0, end=T0.replace(day=20))
    c = Case(joint_sop(), now=T0, dir=directory(plh))
    c.do(StartCase(actor="rina.ptsp"))
    c.later(minutes=1).do(CompleteStep(actor="rina.ptsp", node="1"))
    events = c.later(minutes=1).do(CompleteStep(actor="sri.wkpn", node="2"))
    signed = events[0]
    assert isinstance(signed, StepSigned) and signed.role == "ketua" and signed.as_delegate


def test_claimed_by_one_officer_the_other_may_still_act() -> None:
    c = started()
    c.later(minutes=1).do(ClaimStep(actor="hendra.kpn", node="2"))
    events = c.later(minutes=1).do(CompleteStep(actor="bambang.panitera", node="2"))
    assert summary(events) == [("step_signed", "2", 1)]


def test_lateness_counts_at_the_last_act_and_the_sweep_flags_it_while_open() -> None:
    c = started()
    c.later(minutes=30).do(CompleteStep(actor="hendra.kpn", node="2"))
    swept = c.later(hours=3).do(Sweep())
    assert ("deviation_flagged", "overdue", "2", 1) in summary(swept)
    c2 = started()
    first = c2.later(minutes=30).do(CompleteStep(actor="hendra.kpn", node="2",
                                                 values={"berita_acara": "1"}))
    assert not [e for e in first if e.TYPE == "deviation_flagged"]
    last = c2.later(hours=3).do(CompleteStep(actor="bambang.panitera", node="2"))
    assert ("deviation_flagged", "overdue", "2", 1) in summary(last)


def test_a_decision_is_given_with_the_last_act() -> None:
    wf = compile_source(yaml.safe_dump(inline_document([
        {"no": 1, "jenis": "mulai", "kegiatan": "Menerima", "pelaksana": "petugas_ptsp"},
        {"no": 2, "jenis": "keputusan", "kegiatan": "Memutuskan", "bersama": True,
         "pelaksana": ["ketua", "panitera"],
         "cabang": [{"label": "Ya", "ke": 3}, {"label": "Tidak", "ke": 3}]},
        {"no": 3, "jenis": "selesai", "kegiatan": "Selesai", "pelaksana": "petugas_ptsp"},
    ])), "uji.yaml").workflow
    assert wf is not None
    c = Case(wf, now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    c.later(minutes=1).do(CompleteStep(actor="rina.ptsp", node="1"))
    with pytest.raises(CommandRejected) as exc:
        c.later(minutes=1).do(CompleteStep(actor="hendra.kpn", node="2", decision="Ya"))
    assert exc.value.code == "decision_last"
    c.do(CompleteStep(actor="hendra.kpn", node="2"))
    events = c.later(minutes=1).do(CompleteStep(actor="bambang.panitera", node="2",
                                                decision="Tidak"))
    done = [e for e in events if isinstance(e, StepCompleted) and e.node == "2"]
    assert done[0].decision == "Tidak"


def test_replaying_one_officers_act_completes_and_flags_the_other_missing() -> None:
    wf = joint_sop()
    ctx = Context(now=T0.replace(hour=15), calendar=calendar(), directory=directory(),
                  replay=True)
    state = CaseState(case_id="imp")
    for cmd in (StartCase(actor="rina.ptsp", at=T0),
                CompleteStep(actor="rina.ptsp", node="1", at=T0.replace(minute=5)),
                CompleteStep(actor="hendra.kpn", node="2", at=T0.replace(minute=10),
                             values={"berita_acara": "1"})):
        events = decide(wf, state, cmd, ctx=ctx)
        for e in events:
            state = apply(state, e)
    flags = [e for e in events if isinstance(e, DeviationFlagged)]
    assert [str(f.kind) for f in flags] == ["missing_signer"]
    assert flags[0].evidence["menunggu"] == "panitera"
    step = state.current("2")
    assert step is not None and step.status is StepStatus.DONE
    # the other officer's row in the log: their act on the done step, not rework
    later = decide(wf, state, CompleteStep(actor="bambang.panitera", node="2",
                                           at=T0.replace(minute=20)), ctx=ctx)
    assert summary(later) == [("step_signed", "2", 1)]


def test_step_signed_round_trips_through_its_stored_form() -> None:
    e = StepSigned(occurred_at=T0, recorded_at=T0, actor="hendra.kpn", node="2", attempt=1,
                   role="ketua", outputs={"berita_acara": "1"}, as_delegate=True)
    type_, version, payload = to_record(e)
    assert type_ == "step_signed"
    assert from_record(type_, version, payload, occurred_at=T0, recorded_at=T0,
                       actor="hendra.kpn") == e


def test_under_block_enforcement_a_first_act_is_no_deviation() -> None:
    c = started(penegakan=Penegakan.TOLAK.value)
    events = c.later(minutes=5).do(CompleteStep(actor="hendra.kpn", node="2"))
    assert summary(events) == [("step_signed", "2", 1)]
