"""decide: a supervisor's commands (reassign, skip, reopen, cancel). Only a supervisor (a
``pengawas`` role, held or delegated) may give them, always with a reason; anyone else is
refused and the attempt recorded, whatever the SOP's penegakan. Skip, reopen and cancel are
overrides and flagged as such."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sop_runtime.definition.models import Penegakan
from sop_runtime.engine import (
    CancelCase,
    CaseCancelled,
    CaseStatus,
    ClaimStep,
    Command,
    CommandRejected,
    DeviationFlagged,
    DeviationKind,
    ReassignStep,
    ReopenStep,
    SkipStep,
    StaleAction,
    StartCase,
    StepActivated,
    StepReassigned,
    StepSkipped,
    StepStatus,
)
from sop_runtime.engine.actors import Delegation
from tests.unit.enginekit import (
    T0,
    Case,
    directory,
    ok,
    refused,
    summary,
    wit,
    without_counters,
    workflow,
)
from tests.unit.enginekit import at_step_3 as kit_at_step_3

CATAT, TOLAK = Penegakan.CATAT, Penegakan.TOLAK




def at_step_3(mode: Penegakan = CATAT, **kw: object) -> Case:
    """Step 3 active, a minute after it was."""
    c = kit_at_step_3(mode, **kw)
    c.later(minutes=1)
    return c


SUPERVISOR_COMMANDS = [
    ("reassign", ReassignStep(actor="X", node="3", assignee="yusuf.kasir", reason="beban")),
    ("skip", SkipStep(actor="X", node="3", reason="tidak perlu")),
    ("reopen", ReopenStep(actor="X", node="1", reason="ulang")),
    ("cancel", CancelCase(actor="X", reason="dicabut")),
]


@pytest.mark.parametrize("mode", [CATAT, TOLAK])
@pytest.mark.parametrize(("name", "cmd"), SUPERVISOR_COMMANDS)
def test_anyone_but_a_supervisor_is_refused_and_recorded(name: str, cmd: Command,
                                                         mode: Penegakan) -> None:
    c = at_step_3(mode)
    before = c.state
    r = refused(c.do(replace(cmd, actor="siti.kasir")))
    assert (r.command, r.code, r.kind) == (name, "wrong_actor", DeviationKind.WRONG_ACTOR)
    assert r.detail == {"pengguna": "siti.kasir", "pelanggaran": "wrong_actor",
                        "aturan": "pengawas"}
    assert r.node == getattr(cmd, "node", None) and r.actor == "siti.kasir"
    assert without_counters(c.state) == without_counters(before)
    assert c.state.refusals == 1 and c.state.deviations == 0


@pytest.mark.parametrize(("name", "cmd"), SUPERVISOR_COMMANDS)
def test_a_non_supervisor_without_a_reason_is_refused_not_asked_for_one(name: str,
                                                                        cmd: Command) -> None:
    c = at_step_3()
    refused(c.do(replace(cmd, actor="siti.kasir", reason=None)))


@pytest.mark.parametrize(("name", "cmd"), SUPERVISOR_COMMANDS)
@pytest.mark.parametrize("reason", [None, "", "   "])
def test_a_supervisor_must_give_a_reason(name: str, cmd: Command, reason: str | None) -> None:
    c = at_step_3()
    with pytest.raises(CommandRejected) as exc:
        c.do(replace(cmd, actor="bambang.panitera", reason=reason))
    assert exc.value.code == "reason_required"


@pytest.mark.parametrize("supervisor", ["bambang.panitera", "hendra.kpn", "sri.wkpn"])
def test_every_pengawas_role_may_supervise(supervisor: str) -> None:
    c = at_step_3()
    events = c.do(ReassignStep(actor=supervisor, node="3", assignee="yusuf.kasir",
                               reason="Siti cuti"))
    assert summary(events) == [("step_reassigned", "3", 1)]


def test_a_delegated_supervisor_may_supervise_inside_the_period() -> None:
    plt = Delegation(delegate="ahmad.panmudpdt", role="panitera", start=wit(2026, 11, 30, 0),
                     end=wit(2026, 12, 2, 0), reference="SP Plt Panitera")
    c = at_step_3(dir=directory(plt))
    events = c.do(SkipStep(actor="ahmad.panmudpdt", node="3", reason="panjar dibebaskan"))
    assert summary(events)[:2] == [("deviation_flagged", "override", "3", 1),
                                   ("step_skipped", "3", 1)]
    c2 = at_step_3(dir=directory(plt)).at(wit(2026, 12, 2, 9))
    refused(c2.do(SkipStep(actor="ahmad.panmudpdt", node="3", reason="panjar dibebaskan")))


# -- reassign -------------------------------------------------------------------------------

def test_reassign_hands_the_step_to_another_holder() -> None:
    c = at_step_3()
    c.do(ClaimStep(actor="siti.kasir", node="3"))
    events = c.do(ReassignStep(actor="bambang.panitera", node="3", assignee="yusuf.kasir",
                               reason="Siti dinas luar"))
    assert summary(events) == [("step_reassigned", "3", 1)]
    e = events[0]
    assert isinstance(e, StepReassigned)
    assert (e.assignee, e.reason, e.actor) == ("yusuf.kasir", "Siti dinas luar",
                                               "bambang.panitera")
    step = c.state.current("3")
    assert step is not None and (step.assignee, step.claimed_by) == ("yusuf.kasir", None)
    assert step.status is StepStatus.ACTIVE  # waiting for its new holder, claimed by nobody
    assert c.state.deviations == 0  # a reassignment is no deviation
    with pytest.raises(StaleAction) as exc:
        ok(c, "3", "siti.kasir")
    assert exc.value.code == "taken"
    assert summary(ok(c, "3", "yusuf.kasir"))[0] == ("step_completed", "3", 1)


def test_reassign_to_someone_unknown_or_not_entitled_is_rejected() -> None:
    c = at_step_3()
    with pytest.raises(CommandRejected) as exc:
        c.do(ReassignStep(actor="bambang.panitera", node="3", assignee="tamu", reason="x"))
    assert exc.value.code == "unknown_user"
    with pytest.raises(CommandRejected) as exc:
        c.do(ReassignStep(actor="bambang.panitera", node="3", assignee="rina.ptsp",
                          reason="x"))
    assert exc.value.code == "assignee_cannot_act"
    assert exc.value.params == {"user": "rina.ptsp", "roles": "kasir", "node": "3"}


def test_reassign_to_a_delegate_for_the_period() -> None:
    plh = Delegation(delegate="rina.ptsp", role="kasir", start=T0, end=wit(2026, 12, 5, 0))
    c = at_step_3(dir=directory(plh))
    events = c.do(ReassignStep(actor="bambang.panitera", node="3", assignee="rina.ptsp",
                               reason="kasir cuti"))
    assert summary(events) == [("step_reassigned", "3", 1)]


def test_reassign_a_public_step_to_its_recorder() -> None:
    c = at_step_3()
    ok(c, "3", "siti.kasir")
    events = c.do(ReassignStep(actor="bambang.panitera", node="4", assignee="fadli.ptsp",
                               reason="meja 1"))
    assert summary(events) == [("step_reassigned", "4", 1)]
    with pytest.raises(CommandRejected):
        c.do(ReassignStep(actor="bambang.panitera", node="4", assignee="siti.kasir",
                          reason="x"))


def test_reassign_a_step_not_open() -> None:
    c = at_step_3()
    with pytest.raises(StaleAction):
        c.do(ReassignStep(actor="bambang.panitera", node="1", assignee="fadli.ptsp",
                          reason="x"))
    with pytest.raises(CommandRejected) as exc:
        c.do(ReassignStep(actor="bambang.panitera", node="4", assignee="fadli.ptsp",
                          reason="x"))
    assert exc.value.code == "step_not_active"
    with pytest.raises(CommandRejected) as exc:
        c.do(ReassignStep(actor="bambang.panitera", node="42", assignee="fadli.ptsp",
                          reason="x"))
    assert exc.value.code == "unknown_step"


# -- skip -----------------------------------------------------------------------------------

@pytest.mark.parametrize("mode", [CATAT, TOLAK])
def test_skip_closes_the_step_flags_an_override_and_moves_on(mode: Penegakan) -> None:
    c = at_step_3(mode)
    events = c.do(SkipStep(actor="bambang.panitera", node="3", reason="prodeo: tanpa panjar"))
    assert summary(events) == [("deviation_flagged", "override", "3", 1),
                               ("step_skipped", "3", 1), ("step_activated", "4", 1)]
    flag, skipped = events[0], events[1]
    assert isinstance(flag, DeviationFlagged) and flag.rule == "lewati"
    assert flag.evidence == {"tindakan": "lewati"} and flag.reason == "prodeo: tanpa panjar"
    assert flag.actor == "bambang.panitera"
    assert isinstance(skipped, StepSkipped) and skipped.next == ("4",)
    assert c.state.current("3").status is StepStatus.SKIPPED  # type: ignore[union-attr]


def test_skipping_a_decision_takes_the_branch_given() -> None:
    c = Case(workflow("pendaftaran-gugatan-ptsp", CATAT), now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    ok(c, "1", "rina.ptsp")
    with pytest.raises(CommandRejected) as exc:
        c.do(SkipStep(actor="bambang.panitera", node="2", reason="x"))
    assert exc.value.code == "bad_decision"
    events = c.do(SkipStep(actor="bambang.panitera", node="2", decision="tidak lengkap",
                           reason="Panmud cuti; berkas jelas kurang"))
    assert summary(events)[1:] == [("step_skipped", "2", 1), ("step_activated", "8", 1)]
    assert isinstance(events[1], StepSkipped) and events[1].next == ("8",)


def test_skipping_the_end_step_ends_the_case() -> None:
    c2 = Case(workflow("pendaftaran-gugatan-ptsp", CATAT), now=T0)
    c2.do(StartCase(actor="rina.ptsp"))
    ok(c2, "1", "rina.ptsp")
    ok(c2, "2", "ahmad.panmudpdt", "Tidak lengkap")
    events = c2.do(SkipStep(actor="bambang.panitera", node="8", reason="pemohon tidak datang"))
    assert summary(events) == [("deviation_flagged", "override", "8", 1),
                               ("step_skipped", "8", 1), ("case_completed",)]
    assert c2.state.status is CaseStatus.COMPLETED and c2.state.end_node == "8"


def test_skip_a_step_not_open() -> None:
    c = at_step_3()
    with pytest.raises(CommandRejected) as exc:
        c.do(SkipStep(actor="bambang.panitera", node="6", reason="x"))
    assert exc.value.code == "step_not_active"
    with pytest.raises(StaleAction) as stale:
        c.do(SkipStep(actor="bambang.panitera", node="2", reason="x"))
    assert stale.value.code == "step_closed"


# -- reopen ---------------------------------------------------------------------------------

def test_reopen_opens_a_new_attempt_and_flags_an_override() -> None:
    c = at_step_3()
    events = c.do(ReopenStep(actor="bambang.panitera", node="1", reason="KTP palsu"))
    assert summary(events) == [("deviation_flagged", "override", "1", 1),
                               ("step_activated", "1", 2)]
    flag, act = events
    assert isinstance(flag, DeviationFlagged)
    assert (flag.rule, flag.evidence, flag.reason) == ("buka_ulang", {"tindakan": "buka_ulang"},
                                                       "KTP palsu")
    assert isinstance(act, StepActivated) and act.reopened and not act.early
    assert act.due_at == wit(2026, 12, 1, 9, 23)  # 20 menit from now (09:03)
    assert {s.node for s in c.state.open_steps} == {"1", "3"}
    # rework: done again, the flow re-opens what follows
    assert summary(ok(c, "1", "rina.ptsp")) == [("step_completed", "1", 2),
                                                ("step_activated", "2", 2)]


def test_reopen_needs_a_closed_step() -> None:
    c = at_step_3()
    with pytest.raises(CommandRejected) as exc:
        c.do(ReopenStep(actor="bambang.panitera", node="3", reason="x"))
    assert exc.value.code == "not_reopenable" and "masih terbuka" in str(exc.value)
    with pytest.raises(CommandRejected) as exc:
        c.do(ReopenStep(actor="bambang.panitera", node="6", reason="x"))
    assert exc.value.code == "not_reopenable" and "belum pernah aktif" in str(exc.value)


def test_reopen_cannot_be_dated_before_the_step_closed() -> None:
    c = at_step_3()
    with pytest.raises(CommandRejected) as exc:
        c.do(ReopenStep(actor="bambang.panitera", node="2", reason="x", at=T0))
    assert exc.value.code == "before_activation"


# -- cancel ---------------------------------------------------------------------------------

def test_cancel_ends_the_case_and_closes_open_steps() -> None:
    c = at_step_3()
    events = c.do(CancelCase(actor="hendra.kpn", reason="gugatan dicabut penggugat"))
    assert summary(events) == [("deviation_flagged", "override", None, None),
                               ("case_cancelled",)]
    flag, cancelled = events
    assert isinstance(flag, DeviationFlagged)
    assert (flag.rule, flag.evidence) == ("pembatalan", {"tindakan": "batal"})
    assert isinstance(cancelled, CaseCancelled)
    assert cancelled.reason == "gugatan dicabut penggugat" and cancelled.actor == "hendra.kpn"
    assert c.state.status is CaseStatus.CANCELLED and c.state.ended_at == c.now
    assert c.state.current("3").status is StepStatus.CANCELLED  # type: ignore[union-attr]
    with pytest.raises(StaleAction) as exc:
        c.do(CancelCase(actor="hendra.kpn", reason="lagi"))
    assert exc.value.code == "case_closed" and "dibatalkan" in str(exc.value)
