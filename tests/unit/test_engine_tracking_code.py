"""Reissuing a tracking code in the pure core: the SOP's staff or a supervisor may, after the
case ended too; anyone else is refused (and the refusal recorded); the event carries no code
and changes nothing else of the case. And the code's own form: 80 bits, typed forgivingly."""

from __future__ import annotations

from sop_runtime.engine import CompleteStep, DeviationKind, StartCase
from sop_runtime.engine.commands import ReissueTrackingCode
from sop_runtime.engine.events import TrackingCodeReissued, to_record
from sop_runtime.engine.state import CaseStatus
from sop_runtime.service import tracking_code
from tests.unit.enginekit import T0, Case, chain, needed, refused, workflow

GUGATAN = workflow("pendaftaran-gugatan-ptsp")


def test_the_sops_staff_or_a_supervisor_reissue_and_nothing_else_changes() -> None:
    c = Case(GUGATAN, now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    before = c.state
    tried = refused(c.decide(ReissueTrackingCode(actor="fitri.hakim")))
    assert tried.kind is DeviationKind.WRONG_ACTOR and tried.detail["pengguna"] == "fitri.hakim"
    for who in ("rina.ptsp", "bambang.panitera"):
        c.later(minutes=1)
        [event] = c.do(ReissueTrackingCode(actor=who))
        assert isinstance(event, TrackingCodeReissued) and event.actor == who
        assert to_record(event) == ("tracking_code_reissued", 1, {})  # never a code
    assert (c.state.steps, c.state.status, c.state.parties) == (
        before.steps, before.status, before.parties)


def test_a_code_may_be_reissued_after_the_case_ended() -> None:
    wf = chain({"kegiatan": "Memeriksa", "pelaksana": "petugas_ptsp"})
    c = Case(wf, now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    for node in ("1", "2", "3"):
        c.later(minutes=1)
        c.do(CompleteStep(actor="rina.ptsp", node=node, values=needed(wf, c.state, node)))
    assert c.state.status is CaseStatus.COMPLETED
    c.later(minutes=1)
    assert isinstance(c.do(ReissueTrackingCode(actor="rina.ptsp"))[0], TrackingCodeReissued)


def test_a_code_is_80_random_bits_typed_forgivingly() -> None:
    codes = {tracking_code.new_code() for _ in range(200)}
    assert len(codes) == 200
    assert all(len(c) == 16 and set(c) <= set(tracking_code.ALPHABET) for c in codes)
    code = "7KQ2M9XD4TZCR0HB"
    assert tracking_code.shown(code) == "7KQ2-M9XD-4TZC-R0HB"
    assert tracking_code.normalise(" 7kq2-m9xd 4tzc.rOhb ") == code
    assert tracking_code.normalise("7KQ2-M9XD-4TZC-R0HI") == "7KQ2M9XD4TZCR0H1"
    for wrong in ("", "7KQ2-M9XD-4TZC-R0H", "7KQ2-M9XD-4TZC-R0HU", "7KQ2-M9XD-4TZC-R0HB1"):
        assert tracking_code.normalise(wrong) is None
    assert tracking_code.digest("SNN-2026-00001", code) != tracking_code.digest(
        "SNN-2026-00002", code)  # a code belongs to its own request
