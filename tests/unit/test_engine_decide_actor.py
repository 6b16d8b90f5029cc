"""decide: who may act. Role holders, Plh/Plt delegates inside their period, clerks recording
a public party's step, separation of duties; in ``catat`` and ``tolak`` enforcement."""

from __future__ import annotations

from datetime import timedelta

import pytest

from sop_runtime.definition.models import Penegakan
from sop_runtime.engine import (
    ActionRefused,
    ClaimStep,
    CommandRejected,
    CompleteStep,
    DeviationFlagged,
    DeviationKind,
    StaleAction,
    StartCase,
    StepClaimed,
    StepCompleted,
    StepStatus,
)
from sop_runtime.engine.actors import Delegation, DelegationKind
from sop_runtime.engine.state import CaseStatus
from tests.unit.enginekit import (
    T0,
    Case,
    at_step_3,
    directory,
    gugatan,
    inline_sop,
    needed,
    refused,
    summary,
    wit,
    without_counters,
    workflow,
)

CATAT, TOLAK = Penegakan.CATAT, Penegakan.TOLAK




def advance(c: Case, node: str, actor: str, decision: str | None = None) -> None:
    c.later(minutes=1)
    events = c.do(CompleteStep(actor=actor, node=node, decision=decision,
                               values=needed(c.wf, c.state, node)))
    assert not [e for e in events if isinstance(e, DeviationFlagged | ActionRefused)], \
        summary(events)




# -- role holders -------------------------------------------------------------------------

def test_a_holder_of_the_role_completes_without_deviation() -> None:
    c = at_step_3()
    c.later(minutes=2)
    events = c.do(CompleteStep(actor="siti.kasir", node="3",
                               values={"taksiran_panjar": "Rp 1.250.000", "slip_setoran": "SS-1"}))
    assert summary(events) == [("step_completed", "3", 1), ("step_activated", "4", 1)]
    done = events[0]
    assert isinstance(done, StepCompleted)
    assert done.actor == "siti.kasir" and done.as_delegate is None and done.on_behalf_of is None
    assert done.outputs == {"taksiran_panjar": "1250000", "slip_setoran": "SS-1"}
    assert c.state.current("3").completed_by == "siti.kasir"  # type: ignore[union-attr]


def test_wrong_actor_is_flagged_and_accepted_under_catat() -> None:
    c = at_step_3()
    events = c.do(CompleteStep(actor="rina.ptsp", node="3", values=needed(c.wf, c.state, "3")))
    assert summary(events) == [("deviation_flagged", "wrong_actor", "3", 1),
                               ("step_completed", "3", 1), ("step_activated", "4", 1)]
    flag = events[0]
    assert isinstance(flag, DeviationFlagged)
    assert flag.rule == "pelaksana" and flag.actor == "rina.ptsp"
    assert flag.evidence == {"pelaksana": "kasir", "pengguna": "rina.ptsp"}
    assert c.state.deviations == 1


def test_wrong_actor_is_refused_and_recorded_under_tolak() -> None:
    c = at_step_3(TOLAK)
    before = c.state
    events = c.do(CompleteStep(actor="rina.ptsp", node="3", values=needed(c.wf, c.state, "3"),
                               reason="kasir sedang cuti"))
    r = refused(events)
    assert (r.command, r.code, r.kind, r.node) == ("complete", "wrong_actor",
                                                   DeviationKind.WRONG_ACTOR, "3")
    assert r.detail == {"pelaksana": "kasir", "pengguna": "rina.ptsp",
                        "pelanggaran": "wrong_actor", "aturan": "pelaksana"}
    assert r.reason == "kasir sedang cuti" and r.actor == "rina.ptsp"
    assert without_counters(c.state) == without_counters(before)
    assert c.state.refusals == 1 and c.state.seq == before.seq + 1
    assert c.state.current("3").status is StepStatus.ACTIVE  # type: ignore[union-attr]


def test_a_step_with_several_roles_accepts_each() -> None:
    wf = workflow("legalisasi-waarmerking", CATAT)
    for signer in ("hendra.kpn", "sri.wkpn"):
        c = Case(wf, now=T0)
        c.do(StartCase(actor="rina.ptsp"))
        for node, actor in [("1", "rina.ptsp"), ("2", "ridwan.panmudhkm"),
                            ("3", "maya.hukum"), ("4", "bambang.panitera"), ("5", signer)]:
            advance(c, node, actor)
    assert c.state.current("6").status is StepStatus.ACTIVE  # type: ignore[union-attr]


def test_starting_a_case_needs_the_start_role() -> None:
    c = Case(workflow("pendaftaran-gugatan-ptsp", CATAT), now=T0)
    events = c.do(StartCase(actor="siti.kasir"))
    assert summary(events) == [("case_started",), ("deviation_flagged", "wrong_actor", "1", 1),
                               ("step_activated", "1", 1)]


def test_a_refused_start_is_a_log_of_its_own_attempt() -> None:
    wf = workflow("pendaftaran-gugatan-ptsp", TOLAK)
    c = Case(wf, now=T0)
    r = refused(c.do(StartCase(actor="siti.kasir")))
    assert (r.command, r.code, r.node) == ("start", "wrong_actor", "1")
    assert r.detail["sop"] == wf.sop_id and r.detail["versi"] == wf.version
    assert c.state.status is CaseStatus.REFUSED and c.state.refusals == 1
    assert (c.state.sop_id, c.state.version, c.state.started_by) == (
        wf.sop_id, wf.version, "siti.kasir")
    with pytest.raises(CommandRejected) as exc:  # the right clerk starts a new case
        c.do(StartCase(actor="rina.ptsp"))
    assert exc.value.code == "already_started"


def test_the_start_steps_own_penegakan_applies_to_starting() -> None:
    wf = inline_sop([
        {"no": 1, "jenis": "mulai", "kegiatan": "Menerima", "pelaksana": "petugas_ptsp",
         "penegakan": "tolak"},
        {"no": 2, "jenis": "selesai", "kegiatan": "Menyerahkan", "pelaksana": "petugas_ptsp"}])
    assert wf.enforcement is CATAT
    refused(Case(wf, now=T0).do(StartCase(actor="siti.kasir")))


def test_unknown_user_is_rejected() -> None:
    c = gugatan()
    with pytest.raises(CommandRejected) as exc:
        c.do(CompleteStep(actor="tamu", node="1"))
    assert exc.value.code == "unknown_user" and "tamu" in str(exc.value)
    with pytest.raises(CommandRejected) as exc:
        Case(c.wf, now=T0).do(StartCase(actor="tamu"))
    assert exc.value.code == "unknown_user"


# -- delegation (Plh / Plt) --------------------------------------------------------------

PLH_KASIR = Delegation(delegate="rina.ptsp", role="kasir", start=wit(2026, 12, 1, 0),
                       end=wit(2026, 12, 3, 0), kind=DelegationKind.PLH, holder="siti.kasir",
                       reference="SP-7/PAN/XII/2026")


@pytest.mark.parametrize("mode", [CATAT, TOLAK])
def test_a_delegate_acts_inside_the_period_and_says_so(mode: Penegakan) -> None:
    c = at_step_3(mode, dir=directory(PLH_KASIR))
    events = c.do(CompleteStep(actor="rina.ptsp", node="3", values=needed(c.wf, c.state, "3")))
    assert summary(events) == [("step_completed", "3", 1), ("step_activated", "4", 1)]
    done = events[0]
    assert isinstance(done, StepCompleted) and done.as_delegate == "kasir"
    assert c.state.current("3").as_delegate == "kasir"  # type: ignore[union-attr]


def test_a_delegation_counts_at_the_time_the_action_happened() -> None:
    c = at_step_3(dir=directory(PLH_KASIR))
    c.at(wit(2026, 12, 3, 9))  # the delegation has ended
    events = c.do(CompleteStep(actor="rina.ptsp", node="3", values=needed(c.wf, c.state, "3"),
                               at=wit(2026, 12, 2, 15)))
    assert summary(events) == [("deviation_flagged", "overdue", "3", 1),
                               ("step_completed", "3", 1), ("step_activated", "4", 1)]
    assert isinstance(events[1], StepCompleted) and events[1].as_delegate == "kasir"
    c2 = at_step_3(dir=directory(PLH_KASIR)).at(wit(2026, 12, 3, 9))
    events = c2.do(CompleteStep(actor="rina.ptsp", node="3",
                                values=needed(c2.wf, c2.state, "3")))
    assert summary(events)[0] == ("deviation_flagged", "wrong_actor", "3", 1)


def test_own_role_is_preferred_to_a_delegation() -> None:
    plh = Delegation(delegate="siti.kasir", role="kasir", start=T0 - timedelta(days=1),
                     end=T0 + timedelta(days=9))
    c = at_step_3(dir=directory(plh))
    events = c.do(CompleteStep(actor="siti.kasir", node="3", values=needed(c.wf, c.state, "3")))
    assert isinstance(events[0], StepCompleted) and events[0].as_delegate is None


# -- public steps ---------------------------------------------------------------------------

def at_step_4(mode: Penegakan = CATAT) -> Case:
    c = at_step_3(mode)
    advance(c, "3", "siti.kasir")
    return c


def test_a_public_step_is_recorded_by_its_clerk_on_the_partys_behalf() -> None:
    c = at_step_4()
    events = c.do(CompleteStep(actor="rina.ptsp", node="4",
                               values={"bukti_setoran_bank": "BRI-0912"}))
    assert summary(events) == [("step_completed", "4", 1), ("step_activated", "5", 1)]
    done = events[0]
    assert isinstance(done, StepCompleted)
    assert done.actor == "rina.ptsp" and done.on_behalf_of == "pemohon"
    assert c.state.current("4").on_behalf_of == "pemohon"  # type: ignore[union-attr]


@pytest.mark.parametrize("mode", [CATAT, TOLAK])
def test_only_the_named_recorder_may_record_a_public_step(mode: Penegakan) -> None:
    c = at_step_4(mode)
    events = c.do(CompleteStep(actor="siti.kasir", node="4",
                               values={"bukti_setoran_bank": "BRI-0912"}))
    if mode is TOLAK:
        assert refused(events).detail["pelaksana"] == "petugas_ptsp"
    else:
        assert isinstance(events[0], DeviationFlagged)
        assert events[0].evidence == {"pelaksana": "petugas_ptsp", "pengguna": "siti.kasir"}
        assert isinstance(events[1], StepCompleted) and events[1].on_behalf_of == "pemohon"


def test_a_public_step_without_dicatat_oleh_may_be_recorded_by_any_staff_role() -> None:
    wf = inline_sop([
        {"no": 1, "jenis": "mulai", "kegiatan": "Menerima", "pelaksana": "petugas_ptsp"},
        {"no": 2, "kegiatan": "Membayar", "pelaksana": "pemohon"},
        {"no": 3, "jenis": "selesai", "kegiatan": "Menyerahkan", "pelaksana": "petugas_ptsp"}],
        penegakan="tolak")
    c = Case(wf, now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    c.do(CompleteStep(actor="rina.ptsp", node="1"))
    events = c.do(CompleteStep(actor="siti.kasir", node="2"))
    assert isinstance(events[0], StepCompleted) and events[0].on_behalf_of == "pemohon"
    # a role that is not in the SOP's pelaksana cannot record it
    c2 = Case(wf, now=T0)
    c2.do(StartCase(actor="rina.ptsp"))
    c2.do(CompleteStep(actor="rina.ptsp", node="1"))
    r = refused(c2.do(CompleteStep(actor="joko.jurusita", node="2")))
    assert r.detail["pelaksana"] == "petugas_ptsp,kasir,panitera,panmud_perdata,ketua,wakil_ketua"


def test_an_automated_step_needs_a_holder_of_its_system_role() -> None:
    """Nobody at PN Sanana holds the ``ecourt`` or ``sipp`` role: the shell must name a system
    actor."""
    wf = workflow("pendaftaran-ecourt", CATAT)
    system = directory(extra={"ecourt.bot": ["ecourt"], "sipp.bot": ["sipp"]})
    c = Case(wf, now=T0, dir=system)
    c.do(StartCase(actor="nurul.ecourt"))
    for node, actor, decision in [("1", "nurul.ecourt", None), ("2", "nurul.ecourt", None),
                                  ("3", "nurul.ecourt", None)]:
        advance(c, node, actor, decision)
    by_clerk = c.decide(CompleteStep(actor="nurul.ecourt", node="4",
                                     values=needed(c.wf, c.state, "4")))
    assert summary(by_clerk)[0] == ("deviation_flagged", "wrong_actor", "4", 1)
    by_other_system = c.decide(CompleteStep(actor="sipp.bot", node="4",
                                            values=needed(c.wf, c.state, "4")))
    assert summary(by_other_system)[0] == ("deviation_flagged", "wrong_actor", "4", 1)
    advance(c, "4", "ecourt.bot")
    for node, actor, decision in [("5", "nurul.ecourt", None), ("6", "ahmad.panmudpdt", None),
                                  ("7", "ahmad.panmudpdt", "Terverifikasi")]:
        advance(c, node, actor, decision)
    by_clerk = c.decide(CompleteStep(actor="nurul.ecourt", node="8",
                                     values=needed(c.wf, c.state, "8")))
    assert summary(by_clerk)[0] == ("deviation_flagged", "wrong_actor", "8", 1)
    advance(c, "8", "sipp.bot")
    assert c.state.current("9").status is StepStatus.ACTIVE  # type: ignore[union-attr]


# -- claiming -----------------------------------------------------------------------------

def test_claim_then_only_the_claimer_may_complete() -> None:
    c = at_step_3()
    events = c.do(ClaimStep(actor="yusuf.kasir", node="3"))
    assert summary(events) == [("step_claimed", "3", 1)]
    assert isinstance(events[0], StepClaimed) and events[0].actor == "yusuf.kasir"
    step = c.state.current("3")
    assert step is not None and step.status is StepStatus.CLAIMED
    assert (step.claimed_by, step.assignee) == ("yusuf.kasir", "yusuf.kasir")
    with pytest.raises(StaleAction) as exc:
        c.do(CompleteStep(actor="siti.kasir", node="3", values=needed(c.wf, c.state, "3")))
    assert exc.value.code == "taken" and "yusuf.kasir" in str(exc.value)
    with pytest.raises(StaleAction) as exc:
        c.do(ClaimStep(actor="siti.kasir", node="3"))
    assert exc.value.code == "taken"
    assert c.do(ClaimStep(actor="yusuf.kasir", node="3")) == []  # claiming again: nothing new
    advance(c, "3", "yusuf.kasir")


@pytest.mark.parametrize("mode", [CATAT, TOLAK])
def test_claim_by_the_wrong_actor(mode: Penegakan) -> None:
    c = at_step_3(mode)
    events = c.do(ClaimStep(actor="rina.ptsp", node="3"))
    if mode is TOLAK:
        r = refused(events)
        assert (r.command, r.code, r.node) == ("claim", "wrong_actor", "3")
        assert c.state.current("3").claimed_by is None  # type: ignore[union-attr]
    else:
        assert summary(events) == [("deviation_flagged", "wrong_actor", "3", 1),
                                   ("step_claimed", "3", 1)]


def test_claiming_a_step_that_is_not_open() -> None:
    c = at_step_3()
    with pytest.raises(CommandRejected) as exc:
        c.do(ClaimStep(actor="rina.ptsp", node="5"))
    assert exc.value.code == "step_not_active" and not isinstance(exc.value, StaleAction)
    with pytest.raises(StaleAction) as stale:
        c.do(ClaimStep(actor="rina.ptsp", node="1"))
    assert stale.value.code == "step_closed" and "rina.ptsp" in str(stale.value)


# -- separation of duties ------------------------------------------------------------------

def sisa_panjar_at_14(mode: Penegakan, approver: str) -> Case:
    c = Case(workflow("pengembalian-sisa-panjar", mode), now=T0,
             dir=directory(extra={"budi.kasirpan": ["kasir", "panitera"]}))
    c.do(StartCase(actor="andi.hakim"))
    for node, actor, decision in [("1", "andi.hakim", None), ("2", "arif.pp", None),
                                  ("3", "siti.kasir", None), ("4", "bambang.panitera", None),
                                  ("5", "siti.kasir", "Ya - rekening terdaftar di e-Court"),
                                  ("12", "siti.kasir", None), ("13", approver, None)]:
        advance(c, node, actor, decision)
    return c


def test_separation_of_duties_is_flagged_under_catat() -> None:
    c = sisa_panjar_at_14(CATAT, "budi.kasirpan")
    events = c.do(CompleteStep(actor="budi.kasirpan", node="14",
                               values=needed(c.wf, c.state, "14")))
    assert summary(events) == [("deviation_flagged", "separation_of_duties", "14", 1),
                               ("step_completed", "14", 1), ("case_completed",)]
    flag = events[0]
    assert isinstance(flag, DeviationFlagged) and flag.rule == "pemisahan_tugas"
    assert flag.evidence["langkah_lain"] == "13"
    assert flag.evidence["pengguna"] == "budi.kasirpan"
    assert flag.evidence["alasan"].startswith("Pengiriman sisa panjar")


def test_separation_of_duties_is_refused_under_tolak() -> None:
    c = sisa_panjar_at_14(TOLAK, "budi.kasirpan")
    r = refused(c.do(CompleteStep(actor="budi.kasirpan", node="14",
                                  values=needed(c.wf, c.state, "14"))))
    assert (r.code, r.kind) == ("separation_of_duties", DeviationKind.SEPARATION_OF_DUTIES)
    assert r.detail["langkah_lain"] == "13"
    advance(c, "14", "bambang.panitera")


def test_separation_of_duties_also_holds_when_claiming() -> None:
    c = sisa_panjar_at_14(TOLAK, "budi.kasirpan")
    assert refused(c.do(ClaimStep(actor="budi.kasirpan", node="14"))).code == \
        "separation_of_duties"


def test_several_breaches_are_refused_together() -> None:
    wf = inline_sop([
        {"no": 1, "jenis": "mulai", "kegiatan": "Menerima", "pelaksana": "petugas_ptsp"},
        {"no": 2, "kegiatan": "Menerima uang", "pelaksana": "kasir"},
        {"no": 3, "jenis": "selesai", "kegiatan": "Memverifikasi uang", "pelaksana": "kasir",
         "mutu_baku": {"output": ["Berita acara verifikasi"]}}],
        penegakan="tolak",
        pemisahan_tugas=[{"langkah": [2, 3], "alasan": "penerima uang tidak memverifikasi"}])
    c = Case(wf, now=T0, dir=directory(extra={"budi": ["petugas_ptsp"]}))
    c.do(StartCase(actor="rina.ptsp"))
    c.do(CompleteStep(actor="rina.ptsp", node="1"))
    c.do(CompleteStep(actor="siti.kasir", node="2"))
    r = refused(c.do(CompleteStep(actor="siti.kasir", node="3")))
    assert r.code == "separation_of_duties"
    assert r.detail["pelanggaran"] == "separation_of_duties,missing_output"
    assert r.detail["aturan"] == "pemisahan_tugas; mutu_baku.output"
    r = refused(c.do(CompleteStep(actor="budi", node="3")))
    assert r.code == "wrong_actor"
    assert r.detail["pelanggaran"] == "wrong_actor,missing_output"
    events = c.do(CompleteStep(actor="yusuf.kasir", node="3",
                               values={"berita_acara_verifikasi": "BA-1"}))
    assert summary(events) == [("step_completed", "3", 1), ("case_completed",)]
