"""The rule of the two times, as a property over the library's SOPs: a case's outcome is a
function of what happened and when it happened, not of when it was entered or when a sweep
ran.

A scenario is drawn by walking a case the way a court works it (open steps done by a holder
of their role, after gaps from minutes to months, some late, some past their timers, the
odd extension). The *reference* enters every act the moment it happens, with no sweep until
a final one. The *test* enters the same acts in the same order, each after a random delay
(none, minutes, days, weeks), with sweeps run at random moments in between, so a sweep often
fires a timer or flags a step before the act that proves it done in time is entered. After
the same final sweep, both must show the same steps (status, when opened and closed, branch
taken, due times), the same case status and fields, and the same standing deviations (less
``late_entry``), with the same lateness for every step that is closed.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from hypothesis import HealthCheck, event, given, note, settings
from hypothesis import strategies as st

from sop_runtime.compiler.workflow import Node, Workflow
from sop_runtime.definition.models import Penegakan, StepKind
from sop_runtime.engine import (
    CaseState,
    CaseStatus,
    Command,
    CommandRejected,
    CompleteStep,
    DeviationFlagged,
    DeviationKind,
    Event,
    ExtendStep,
    StartCase,
    StepState,
    StepStatus,
    Sweep,
    apply,
    decide,
)
from sop_runtime.engine.actors import Directory
from sop_runtime.engine.decision import Context
from sop_runtime.engine.events import DeviationWithdrawn, LatenessSettled
from sop_runtime.service.automation import SYSTEM
from tests.unit.enginekit import (
    calendar,
    court,
    directory,
    holders,
    inline_sop,
    library,
    needed,
    wit,
)
from tests.unit.test_engine_properties import REWORK

GAPS = (timedelta(minutes=2), timedelta(minutes=20), timedelta(hours=3), timedelta(days=1),
        timedelta(days=2), timedelta(days=5), timedelta(days=16), timedelta(days=45),
        timedelta(days=200))
DELAYS = (timedelta(0), timedelta(0), timedelta(minutes=30), timedelta(days=1),
          timedelta(days=3), timedelta(days=20), timedelta(days=220))
STARTS = (wit(2026, 12, 1, 9), wit(2026, 12, 23, 15, 50), wit(2026, 3, 16, 10))


PARALLEL = [
    {"no": 1, "jenis": "mulai", "kegiatan": "Menerima permohonan banding",
     "pelaksana": "petugas_ptsp"},
    {"no": 2, "kegiatan": "Mencatat akta permohonan banding", "pelaksana": "petugas_ptsp",
     "lanjut": [3, 4]},
    {"no": 3, "kegiatan": "Memberitahukan permohonan banding kepada terbanding",
     "pelaksana": "panitera", "mutu_baku": {"waktu": "1 hari kerja"}, "lanjut": 5},
    {"no": 4, "kegiatan": "Menyerahkan memori banding", "pelaksana": "pemohon",
     "dicatat_oleh": ["petugas_ptsp"], "mutu_baku": {"waktu": "14 hari"}, "lanjut": 5,
     "jika_lewat_waktu": {"setelah": "30 hari", "ke": 5}},
    {"no": 5, "jenis": "keputusan", "kegiatan": "Meneliti memori diserahkan dalam tenggang",
     "pelaksana": "panitera", "menunggu": [3, 4],
     "cabang": [{"label": "Tepat waktu", "ke": 6, "jika": {"tepat_waktu": 4}},
                {"label": "Terlambat", "ke": 7}]},
    {"no": 6, "kegiatan": "Menandatangani berita acara", "pelaksana": ["ketua", "panitera"],
     "bersama": True, "mutu_baku": {"waktu": "1 hari kerja"}, "lanjut": 8},
    {"no": 7, "jenis": "selesai", "kegiatan": "Mencatat memori tidak diterima",
     "pelaksana": "panitera"},
    {"no": 8, "jenis": "selesai", "kegiatan": "Mengirim berkas", "pelaksana": "petugas_ptsp"},
]


@cache
def sops() -> dict[str, Workflow]:
    found = dict(library().workflows)
    found["rework"] = inline_sop(
        REWORK, id="rework", penegakan=str(Penegakan.CATAT),
        isian=[{"id": "tanggal_surat", "nama": "Tanggal surat", "jenis": "tanggal"}],
        standar_pelayanan={"waktu_pelayanan": "5 hari kerja"})
    # a split and a join, a party's term, a data-decided branch and a joint signature
    found["paralel"] = inline_sop(PARALLEL, id="paralel",
                                  standar_pelayanan={"waktu_pelayanan": "30 hari"})
    return found


@cache
def _directory() -> Directory:
    """PN Sanana's staff, and the system account for automated steps."""
    return directory(extra={SYSTEM: [p.id for p in court().peran if p.sistem]})


def _actor(wf: Workflow, node: Node, step: StepState | None = None) -> str:
    """A holder of a role that may act on ``node``; on a joint step, of a role still
    awaited, and not someone who has acted on it already."""
    signed = step.signed if step is not None and node.joint else {}
    for role in wf.acting_roles(node):
        free = [u for u in holders(role) if u not in signed.values()]
        if role not in signed and free:
            return free[0]
    return SYSTEM


def _ctx(now: datetime) -> Context:
    return Context(now=now, calendar=calendar(), directory=_directory())


class World:
    """One case of ``wf``, entered command by command."""

    def __init__(self, wf: Workflow) -> None:
        self.wf = wf
        self.state = CaseState(case_id="dua-waktu")
        self.log: list[Event] = []

    def enter(self, cmd: Command, now: datetime) -> None:
        try:
            events = decide(self.wf, self.state, cmd, ctx=_ctx(now))
        except CommandRejected:
            return
        for e in events:
            self.state = apply(self.state, e)
        self.log.extend(events)


def scenario(data: st.DataObject, wf: Workflow, start: datetime
             ) -> tuple[list[Command], datetime]:
    """Acts drawn by walking a case entered at once (the reference), with when each
    happened; and the moment of the last one."""
    ref = World(wf)
    first = StartCase(actor=_actor(wf, wf.node(wf.start)), at=start)
    ref.enter(first, start)
    acts: list[Command] = [first]
    now = start
    for _ in range(14):
        if ref.state.status is not CaseStatus.ACTIVE or not ref.state.open_steps:
            break
        now += data.draw(st.sampled_from(GAPS))
        step = ref.state.open_steps[data.draw(st.integers(0, len(ref.state.open_steps) - 1))]
        node = wf.node(step.node)
        actor = _actor(wf, node, step)
        cmd: Command
        if node.extension is not None and not step.extensions and data.draw(
                st.integers(0, 4)) == 0:
            cmd = ExtendStep(actor=actor, node=node.id, at=now, reason="berkas belum lengkap")
        else:
            decision = (data.draw(st.sampled_from(node.branch_labels))
                        if node.kind is StepKind.KEPUTUSAN else None)
            cmd = CompleteStep(actor=actor, node=node.id, at=now, decision=decision,
                               values=needed(wf, ref.state, node.id))
        ref.enter(cmd, now)
        acts.append(cmd)
    return acts, now


def outcome(world: World) -> dict[str, Any]:
    state = world.state
    withdrawn = {e.seq for e in world.log if isinstance(e, DeviationWithdrawn)}
    settled = {e.seq: e.evidence for e in world.log if isinstance(e, LatenessSettled)}
    closed = {(s.node, s.attempt) for s in state.steps if not s.is_open}
    deviations: Counter[tuple[Any, ...]] = Counter()
    for seq, e in enumerate(world.log, start=1):
        if (not isinstance(e, DeviationFlagged) or seq in withdrawn
                or e.kind is DeviationKind.LATE_ENTRY):
            continue
        evidence = {**e.evidence, **settled.get(seq, {})}
        key: tuple[Any, ...] = (e.kind, e.rule, e.node, evidence.get("batas"))
        # how late a step or a case still open is depends on when one looks: not compared
        final = ((e.node, e.attempt) in closed if e.kind is DeviationKind.OVERDUE
                 else not state.is_active if e.kind is DeviationKind.SERVICE_OVERDUE
                 else True)
        if final:
            key += (evidence.get("terlambat"), evidence.get("satuan"))
        deviations[key] += 1
    steps = sorted((s.node, str(s.status), s.activated_at, s.completed_at, s.decision,
                    s.due_at, s.timer_due)
                   for s in state.steps
                   if s.status is not StepStatus.WITHDRAWN
                   and world.wf.node(s.node).kind is not StepKind.PENGHUBUNG)
    return {"status": state.status, "end": state.end_node, "fields": dict(state.fields),
            "service_due": state.service_due, "steps": steps, "deviations": deviations}


TIMED = ("pengembalian-sisa-panjar", "rework", "paralel")  # the SOPs with timers: drawn more often


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=st.data(), name=st.sampled_from([*sorted(sops()), *TIMED, *TIMED]),
       start=st.sampled_from(STARTS))
def test_the_outcome_does_not_depend_on_when_acts_were_entered_or_swept(
        data: st.DataObject, name: str, start: datetime) -> None:
    wf = sops()[name]
    acts, last = scenario(data, wf, start)
    # entered late, in the same order, with sweeps at random moments in between
    test = World(wf)
    entered = start
    for cmd in acts:
        assert cmd.at is not None
        entered = max(entered, cmd.at + data.draw(st.sampled_from(DELAYS)))
        for _ in range(data.draw(st.integers(0, 2))):
            test.enter(Sweep(), data.draw(st.sampled_from(sorted({cmd.at, entered}))))
        test.enter(cmd, entered)
    final = max(entered, last) + timedelta(days=1)
    test.enter(Sweep(), final)
    # entered the moment each happened, swept once at the end
    ref = World(wf)
    for cmd in acts:
        assert cmd.at is not None
        ref.enter(cmd, cmd.at)
    ref.enter(Sweep(), final)
    for kind in sorted({e.TYPE for e in test.log} & CORRECTIONS):
        event(f"test world: {kind}")
    event(f"acts: {len(acts) // 5 * 5}+")
    note(f"SOP {name}; test log:\n" + "\n".join(_line(e) for e in test.log))
    note("reference log:\n" + "\n".join(_line(e) for e in ref.log))
    assert outcome(test) == outcome(ref)


def _line(e: Event) -> str:
    what = {k: v for k, v in e.payload().items() if k in ("node", "attempt", "kind", "seq",
                                                          "decision", "due_at", "evidence")}
    return f"{e.TYPE} at {e.occurred_at:%d/%m %H:%M} rec {e.recorded_at:%d/%m %H:%M} {what}"


CORRECTIONS = {"timer_fired", "timer_withdrawn", "step_withdrawn", "deviation_withdrawn",
               "lateness_settled", "case_completed"}
