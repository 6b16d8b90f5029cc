"""decide: the flow. Activation order, decisions and their labels, steps done out of order
(flagged or refused; done early, not redone), steps skipped when the case ends, rework, and
the rejections for impossible actions."""

from __future__ import annotations

import pytest

from sop_runtime.definition.models import Penegakan
from sop_runtime.engine import (
    CaseCompleted,
    CaseStarted,
    CaseStatus,
    CommandRejected,
    CompleteStep,
    DeviationFlagged,
    ReopenStep,
    StaleAction,
    StartCase,
    StepActivated,
    StepCompleted,
    StepSkipped,
    StepStatus,
    Sweep,
)
from tests.unit.enginekit import (
    T0,
    Case,
    at_step_3,
    gugatan,
    inline_sop,
    needed,
    ok,
    refused,
    summary,
    wit,
    without_counters,
    workflow,
)

CATAT, TOLAK = Penegakan.CATAT, Penegakan.TOLAK






def test_the_events_of_a_short_route_exactly() -> None:
    c = Case(workflow("pendaftaran-gugatan-ptsp", CATAT), now=T0)
    started = c.do(StartCase(actor="rina.ptsp"))
    assert summary(started) == [("case_started",), ("step_activated", "1", 1)]
    case, first = started
    assert isinstance(case, CaseStarted) and isinstance(first, StepActivated)
    assert (case.sop_id, case.version, case.actor) == ("pendaftaran-gugatan-ptsp",
                                                       c.wf.version, "rina.ptsp")
    assert case.service_due == wit(2026, 12, 1, 10)  # 60 menit
    assert first.actor is None and first.due_at == wit(2026, 12, 1, 9, 20)  # ± 20 menit
    c.later(minutes=5)
    done1 = c.do(CompleteStep(actor="rina.ptsp", node="1", values={
        "surat_gugatan_asli": "ada", "fotokopi_ktp_penggugat": "ada",
        "softcopy_surat_gugatan": "gugatan.docx",
        "ceklist_kelengkapan_yang_ditandatangani": "CK-01"}))
    assert summary(done1) == [("step_completed", "1", 1), ("step_activated", "2", 1)]
    assert isinstance(done1[0], StepCompleted) and done1[0].next == ("2",)
    assert isinstance(done1[1], StepActivated) and done1[1].due_at is None  # tidak ditentukan
    c.later(minutes=5)
    done2 = c.do(CompleteStep(actor="ahmad.panmudpdt", node="2", decision="Tidak lengkap",
                              values={"berkas_dinyatakan_lengkap_atau_tidak_lengkap": "kurang"}))
    assert summary(done2) == [("step_completed", "2", 1), ("step_activated", "8", 1)]
    assert isinstance(done2[0], StepCompleted)
    assert (done2[0].decision, done2[0].next) == ("Tidak lengkap", ("8",))
    c.later(minutes=5)
    done8 = c.do(CompleteStep(actor="rina.ptsp", node="8", values={
        "berkas_dikembalikan_dengan_catatan_kekurangan": "catatan"}))
    assert summary(done8) == [("step_completed", "8", 1), ("case_completed",)]
    assert isinstance(done8[1], CaseCompleted) and done8[1].end_node == "8"
    s = c.state
    assert s.status is CaseStatus.COMPLETED and s.end_node == "8" and s.ended_at == c.now
    assert [(x.node, x.status) for x in s.steps] == [
        ("1", StepStatus.DONE), ("2", StepStatus.DONE), ("8", StepStatus.DONE)]
    assert s.deviations == 0 and s.refusals == 0 and s.seq == 8


@pytest.mark.parametrize("said", ["Lengkap", "lengkap", "  LENGKAP ", "lengkap\n"])
def test_decisions_match_their_label_case_insensitively(said: str) -> None:
    c = gugatan()
    ok(c, "1", "rina.ptsp")
    events = ok(c, "2", "ahmad.panmudpdt", said)
    assert isinstance(events[0], StepCompleted) and events[0].decision == "Lengkap"
    assert summary(events)[-1] == ("step_activated", "3", 1)


def test_inner_whitespace_of_a_decision_is_normalised() -> None:
    c = gugatan()
    ok(c, "1", "rina.ptsp")
    events = ok(c, "2", "ahmad.panmudpdt", "tidak    LENGKAP")
    assert isinstance(events[0], StepCompleted) and events[0].decision == "Tidak lengkap"


@pytest.mark.parametrize("said", [None, "", "Ya", "Lengkap sekali"])
def test_a_decision_must_be_one_of_the_labels(said: str | None) -> None:
    c = gugatan(TOLAK)
    ok(c, "1", "rina.ptsp")
    with pytest.raises(CommandRejected) as exc:
        c.do(CompleteStep(actor="ahmad.panmudpdt", node="2", decision=said,
                          values=needed(c.wf, c.state, "2")))
    assert exc.value.code == "bad_decision"
    assert exc.value.params == {"node": "2", "labels": "Lengkap | Tidak lengkap"}
    assert "Lengkap | Tidak lengkap" in str(exc.value)


def test_a_step_that_is_not_a_decision_takes_no_decision() -> None:
    c = gugatan()
    with pytest.raises(CommandRejected) as exc:
        c.do(CompleteStep(actor="rina.ptsp", node="1", decision="Lengkap",
                          values=needed(c.wf, c.state, "1")))
    assert exc.value.code == "no_decision"


# -- out of order -----------------------------------------------------------------------



def test_a_step_done_out_of_order_is_flagged_activated_early_and_not_redone() -> None:
    c = at_step_3()
    c.later(minutes=1)
    events = c.do(CompleteStep(actor="rina.ptsp", node="5",
                               values={"bukti_setoran_bank": "BRI-1",
                                       "bukti_setoran_diterima_kasir": "ada"}))
    assert summary(events) == [("deviation_flagged", "out_of_order", "5", 1),
                               ("step_activated", "5", 1), ("step_completed", "5", 1),
                               ("step_activated", "6", 1)]
    flag, act = events[0], events[1]
    assert isinstance(flag, DeviationFlagged) and flag.rule == "alur"
    assert flag.evidence == {"langkah": "5", "langkah_aktif": "3"}
    assert isinstance(act, StepActivated) and act.early and act.actor is None
    assert c.state.pending_early == frozenset({"5"})
    assert {s.node for s in c.state.open_steps} == {"3", "6"}
    ok(c, "3", "siti.kasir")
    events = ok(c, "4", "rina.ptsp")
    # 5 was done ahead of the flow: reaching it does not open it again
    assert summary(events) == [("step_completed", "4", 1)]
    assert isinstance(events[0], StepCompleted) and events[0].next == ("5",)
    assert c.state.pending_early == frozenset()
    assert summary(ok(c, "6", "siti.kasir")) == [("step_completed", "6", 1),
                                                ("step_activated", "7", 1)]
    assert summary(ok(c, "7", "rina.ptsp")) == [("step_completed", "7", 1), ("case_completed",)]
    assert c.state.deviations == 1
    assert [s.node for s in c.state.steps] == ["1", "2", "3", "5", "6", "4", "7"]


def test_a_step_done_out_of_order_is_refused_under_tolak() -> None:
    c = at_step_3(TOLAK)
    before = c.state
    r = refused(c.do(CompleteStep(actor="rina.ptsp", node="5",
                                  values=needed(c.wf, c.state, "5"))))
    assert (r.code, r.node) == ("out_of_order", "5")
    assert r.detail == {"langkah": "5", "langkah_aktif": "3", "pelanggaran": "out_of_order",
                        "aturan": "alur"}
    assert without_counters(c.state) == without_counters(before)


def test_a_step_on_the_branch_not_taken_is_out_of_order() -> None:
    c = at_step_3()
    events = c.do(CompleteStep(actor="rina.ptsp", node="8",
                               values=needed(c.wf, c.state, "8")))
    assert summary(events) == [("deviation_flagged", "out_of_order", "8", 1),
                               ("step_activated", "8", 1), ("step_completed", "8", 1),
                               ("deviation_flagged", "skipped", "3", 1),
                               ("step_skipped", "3", 1), ("case_completed",)]
    skipped_flag, skipped = events[3], events[4]
    assert isinstance(skipped_flag, DeviationFlagged) and skipped_flag.rule == "alur"
    assert skipped_flag.evidence == {"langkah": "3"}
    assert isinstance(skipped, StepSkipped) and skipped.actor == "rina.ptsp"
    assert c.state.current("3").status is StepStatus.SKIPPED  # type: ignore[union-attr]
    assert c.state.status is CaseStatus.COMPLETED and c.state.open_steps == ()


def test_steps_left_open_at_the_end_are_flagged_skipped_also_under_tolak() -> None:
    c = at_step_3(TOLAK)
    c.do(ReopenStep(actor="bambang.panitera", node="1", reason="KTP perlu dicek ulang"))
    for node, actor in [("3", "siti.kasir"), ("4", "rina.ptsp"), ("5", "rina.ptsp"),
                        ("6", "siti.kasir")]:
        ok(c, node, actor)
    events = ok(c, "7", "rina.ptsp")
    assert summary(events) == [("step_completed", "7", 1),
                               ("deviation_flagged", "skipped", "1", 2),
                               ("step_skipped", "1", 2), ("case_completed",)]


def test_a_step_never_activated_and_done_early_counts_from_attempt_one() -> None:
    c = at_step_3()
    events = c.do(CompleteStep(actor="rina.ptsp", node="7", values=needed(c.wf, c.state, "7")))
    assert ("deviation_flagged", "out_of_order", "7", 1) in summary(events)


# -- rework and loops ---------------------------------------------------------------------

LOOP = [
    {"no": 1, "jenis": "mulai", "kegiatan": "Menerima berkas", "pelaksana": "petugas_ptsp"},
    {"no": 2, "kegiatan": "Memperbaiki berkas", "pelaksana": "petugas_ptsp"},
    {"no": 3, "jenis": "keputusan", "kegiatan": "Memeriksa berkas", "pelaksana": "panmud_perdata",
     "cabang": [{"label": "Lengkap", "ke": 4}, {"label": "Tidak lengkap", "ke": 2}]},
    {"no": 4, "jenis": "selesai", "kegiatan": "Menyerahkan", "pelaksana": "petugas_ptsp"},
]


def test_a_branch_back_opens_a_new_attempt() -> None:
    c = Case(inline_sop(LOOP), now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    ok(c, "1", "rina.ptsp")
    ok(c, "2", "rina.ptsp")
    events = ok(c, "3", "ahmad.panmudpdt", "Tidak lengkap")
    assert summary(events) == [("step_completed", "3", 1), ("step_activated", "2", 2)]
    assert summary(ok(c, "2", "fadli.ptsp")) == [("step_completed", "2", 2),
                                                ("step_activated", "3", 2)]
    assert summary(ok(c, "3", "ahmad.panmudpdt", "Lengkap")) == [
        ("step_completed", "3", 2), ("step_activated", "4", 1)]
    assert c.state.done_by("2") == {"rina.ptsp", "fadli.ptsp"}
    assert [(s.node, s.attempt) for s in c.state.steps] == [
        ("1", 1), ("2", 1), ("3", 1), ("2", 2), ("3", 2), ("4", 1)]


def test_a_decision_done_early_that_sends_the_flow_back_is_followed_when_reached() -> None:
    c = Case(inline_sop(LOOP), now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    ok(c, "1", "rina.ptsp")
    # the check is recorded (on paper first) while the repair is still open
    events = ok(c, "3", "ahmad.panmudpdt", "Tidak lengkap")
    assert summary(events) == [("deviation_flagged", "out_of_order", "3", 1),
                               ("step_activated", "3", 1), ("step_completed", "3", 1)]
    assert c.state.pending_early == frozenset({"3"})
    # finishing the repair reaches the check: it is not redone, its outcome (repair again)
    # is followed now
    assert summary(ok(c, "2", "rina.ptsp")) == [("step_completed", "2", 1),
                                               ("step_activated", "2", 2)]
    assert c.state.pending_early == frozenset()
    assert summary(ok(c, "2", "rina.ptsp")) == [("step_completed", "2", 2),
                                               ("step_activated", "3", 2)]
    assert summary(ok(c, "3", "ahmad.panmudpdt", "Lengkap")) == [
        ("step_completed", "3", 2), ("step_activated", "4", 1)]


def test_a_decision_done_early_whose_branch_is_already_open_is_not_followed_twice() -> None:
    c = Case(inline_sop(LOOP), now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    ok(c, "1", "rina.ptsp")
    assert summary(ok(c, "3", "ahmad.panmudpdt", "Lengkap"))[-1] == ("step_activated", "4", 1)
    assert summary(ok(c, "2", "rina.ptsp")) == [("step_completed", "2", 1)]
    assert summary(ok(c, "4", "rina.ptsp")) == [("step_completed", "4", 1), ("case_completed",)]


def test_a_decision_may_branch_back_to_itself() -> None:
    wf = inline_sop([
        {"no": 1, "jenis": "mulai", "kegiatan": "Menerima", "pelaksana": "petugas_ptsp"},
        {"no": 2, "jenis": "keputusan", "kegiatan": "Memeriksa pembayaran", "pelaksana": "kasir",
         "cabang": [{"label": "Belum dibayar", "ke": 2}, {"label": "Dibayar", "ke": 3}]},
        {"no": 3, "jenis": "selesai", "kegiatan": "Menyerahkan", "pelaksana": "petugas_ptsp"}])
    c = Case(wf, now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    ok(c, "1", "rina.ptsp")
    events = ok(c, "2", "siti.kasir", "Belum dibayar")
    assert summary(events) == [("step_completed", "2", 1), ("step_activated", "2", 2)]
    assert summary(ok(c, "2", "siti.kasir", "Dibayar")) == [("step_completed", "2", 2),
                                                           ("step_activated", "3", 1)]


def test_off_page_connectors_are_passed_through() -> None:
    wf = inline_sop([
        {"no": 1, "jenis": "mulai", "kegiatan": "Menerima", "pelaksana": "petugas_ptsp"},
        {"no": 2, "jenis": "penghubung", "kegiatan": "Ke halaman 2",
         "penghubung": {"label": "A", "arah": "keluar"}},
        {"no": 3, "jenis": "penghubung", "kegiatan": "Dari halaman 1",
         "penghubung": {"label": "A", "arah": "masuk"}},
        {"no": 4, "jenis": "selesai", "kegiatan": "Menyerahkan", "pelaksana": "petugas_ptsp"}],
        penegakan="tolak")
    c = Case(wf, now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    events = ok(c, "1", "rina.ptsp")
    assert summary(events) == [("step_completed", "1", 1),
                               ("step_activated", "2", 1), ("step_completed", "2", 1),
                               ("step_activated", "3", 1), ("step_completed", "3", 1),
                               ("step_activated", "4", 1)]
    passed = events[2]
    assert isinstance(passed, StepCompleted) and passed.actor is None
    assert passed.next == ("3",)
    assert [s.node for s in c.state.open_steps] == ["4"]
    # a supervisor reopening a connector redoes the flow from there; it is not a task
    events = c.do(ReopenStep(actor="bambang.panitera", node="2", reason="ulang dari hal. 2"))
    assert summary(events) == [("deviation_flagged", "override", "2", 1),
                               ("step_activated", "2", 2), ("step_completed", "2", 2),
                               ("step_activated", "3", 2), ("step_completed", "3", 2)]
    assert [s.node for s in c.state.open_steps] == ["4"]
    assert summary(ok(c, "4", "rina.ptsp")) == [("step_completed", "4", 1), ("case_completed",)]


# -- rejections: the case or the step is not where the command thinks --------------------

def test_starting_twice_is_rejected() -> None:
    c = gugatan()
    with pytest.raises(CommandRejected) as exc:
        c.do(StartCase(actor="rina.ptsp"))
    assert exc.value.code == "already_started" and not isinstance(exc.value, StaleAction)


@pytest.mark.parametrize("cmd", [CompleteStep(actor="rina.ptsp", node="1"), Sweep()])
def test_a_case_not_started_takes_no_command(cmd: object) -> None:
    c = Case(workflow("pendaftaran-gugatan-ptsp", CATAT), now=T0)
    with pytest.raises(CommandRejected) as exc:
        c.do(cmd)  # type: ignore[arg-type]
    assert exc.value.code == "case_not_started"


def test_an_unknown_step_is_rejected() -> None:
    c = gugatan()
    with pytest.raises(CommandRejected) as exc:
        c.do(CompleteStep(actor="rina.ptsp", node="99"))
    assert exc.value.code == "unknown_step"
    assert exc.value.params == {"sop": "pendaftaran-gugatan-ptsp", "node": "99"}


def test_completing_a_step_twice_is_stale() -> None:
    c = gugatan()
    ok(c, "1", "rina.ptsp")
    with pytest.raises(StaleAction) as exc:
        ok(c, "1", "rina.ptsp")
    assert exc.value.code == "step_closed"
    assert "selesai" in str(exc.value) and "rina.ptsp" in str(exc.value)


def test_a_closed_case_takes_no_more_commands_but_sweeps_are_harmless() -> None:
    c = gugatan()
    ok(c, "1", "rina.ptsp")
    ok(c, "2", "ahmad.panmudpdt", "Tidak lengkap")
    ok(c, "8", "rina.ptsp")
    with pytest.raises(StaleAction) as exc:
        ok(c, "3", "siti.kasir")
    assert exc.value.code == "case_closed" and "selesai" in str(exc.value)
    assert c.later(days=30).do(Sweep()) == []


def test_decide_is_pure() -> None:
    c = at_step_3()
    cmd = CompleteStep(actor="siti.kasir", node="3", values=needed(c.wf, c.state, "3"))
    before = c.state
    assert c.decide(cmd) == c.decide(cmd)
    assert c.state is before
