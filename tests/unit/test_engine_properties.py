"""Properties of the pure core under random use: random actors (PN Sanana's users, a user
holding two roles, a Plh delegate, an unknown name), random steps, decisions and values
(missing, malformed, unknown), random ``at`` (backdated, in the future) with ``now`` moving on,
sweeps and supervisor actions, on a few SOPs in both penegakan modes.

Whatever happens:
- ``decide`` raises nothing but CommandRejected, never changes the state it was given, and
  gives the same events when asked again;
- the events it returns fold without error; replaying the whole log from scratch gives the
  state built step by step; the counters match the log;
- a refusal is exactly one ActionRefused and changes nothing but ``refusals`` and ``seq``;
- no step has two open attempts, attempts count 1, 2, 3... and only the last may be open;
  an active case always has an open step, a closed one none;
- every event is recorded now and happened no later than now; its stored form round-trips
  through JSON;
- under ``tolak`` no deviation that ``tolak`` refuses is ever flagged; an overdue is flagged
  once per (step attempt, deadline), a breached service standard once per case;
- every deviation about a step names an attempt that exists, and nothing happens to a step
  attempt before it was opened.
"""

from __future__ import annotations

import copy
import json
from collections import Counter
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from sop_runtime.compiler.workflow import Workflow
from sop_runtime.definition.models import Item, Penegakan, StepKind
from sop_runtime.engine import (
    ActionRefused,
    CancelCase,
    CaseState,
    CaseStatus,
    ClaimStep,
    Command,
    CommandRejected,
    CompleteStep,
    DeviationFlagged,
    DeviationKind,
    DeviationWithdrawn,
    Event,
    ExtendStep,
    ReassignStep,
    ReopenStep,
    SkipStep,
    StartCase,
    Sweep,
    TimerFired,
    apply,
    decide,
    fold,
    from_record,
    to_record,
)
from sop_runtime.engine.actors import Delegation, Directory
from sop_runtime.engine.decision import Context
from tests.unit.enginekit import (
    calendar,
    court,
    directory,
    holders,
    inline_sop,
    needed,
    users,
    wit,
    without_counters,
    workflow,
)

CATAT, TOLAK = Penegakan.CATAT, Penegakan.TOLAK
REFUSABLE = {DeviationKind.WRONG_ACTOR, DeviationKind.OUT_OF_ORDER, DeviationKind.MISSING_INPUT,
             DeviationKind.MISSING_OUTPUT, DeviationKind.SEPARATION_OF_DUTIES}

REWORK = [
    {"no": 1, "jenis": "mulai", "kegiatan": "Menerima berkas", "pelaksana": "petugas_ptsp",
     "mutu_baku": {"kelengkapan": ["Surat permohonan"], "waktu": "15 menit",
                   "output": ["Berkas diterima"]}},
    {"no": 2, "kegiatan": "Menghitung biaya", "pelaksana": "kasir", "perpanjangan": "2 hari kerja",
     "mutu_baku": {"kelengkapan": ["Berkas diterima"], "waktu": "2 hari kerja",
                   "output": [{"id": "biaya", "nama": "Biaya", "jenis": "uang"}]}},
    {"no": 3, "jenis": "keputusan", "kegiatan": "Memeriksa perhitungan", "pelaksana": "panitera",
     "mutu_baku": {"kelengkapan": [{"id": "biaya", "nama": "Biaya", "jenis": "uang"}],
                   "waktu": {"batas": "3 hari kerja", "sejak": {"isian": "tanggal_surat"}},
                   "output": ["Hasil pemeriksaan"]},
     "cabang": [{"label": "Benar", "ke": 4}, {"label": "Hitung ulang", "ke": 2},
                {"label": "Periksa lagi", "ke": 3}]},
    {"no": 4, "jenis": "penghubung", "kegiatan": "Ke halaman 2",
     "penghubung": {"label": "A", "arah": "keluar"}},
    {"no": 5, "jenis": "penghubung", "kegiatan": "Dari halaman 1",
     "penghubung": {"label": "A", "arah": "masuk"}, "lanjut": 6},
    {"no": 6, "kegiatan": "Membayar biaya", "pelaksana": "pemohon", "dicatat_oleh": ["kasir"],
     "mutu_baku": {"output": ["Bukti bayar"]},
     "jika_lewat_waktu": {"setelah": "1 bulan", "sejak": {"langkah": 3}, "ke": 8}},
    {"no": 7, "jenis": "selesai", "kegiatan": "Menyerahkan hasil", "pelaksana": "petugas_ptsp"},
    {"no": 8, "jenis": "selesai", "kegiatan": "Mencoret permohonan", "pelaksana": "panitera"},
]


@cache
def sop(name: str, mode: Penegakan) -> Workflow:
    if name == "rework":
        return inline_sop(
            REWORK, id="rework", penegakan=str(mode),
            isian=[{"id": "tanggal_surat", "nama": "Tanggal surat", "jenis": "tanggal"}],
            pemisahan_tugas=[{"langkah": [2, 3], "alasan": "yang menghitung tidak memeriksa"}],
            standar_pelayanan={"waktu_pelayanan": "5 hari kerja"})
    return workflow(name, mode)


SOPS = ("pendaftaran-gugatan-ptsp", "pengembalian-sisa-panjar", "pengaduan-siwas", "rework")
STARTS = (wit(2026, 12, 1, 9), wit(2026, 12, 4, 16, 10), wit(2026, 3, 17, 14, 30),
          wit(2026, 12, 23, 11, 55))
STEPS_FORWARD = (timedelta(0), timedelta(minutes=1), timedelta(minutes=1), timedelta(minutes=10),
                 timedelta(minutes=10), timedelta(hours=1), timedelta(days=1), timedelta(days=3),
                 timedelta(days=40), timedelta(days=200))
BACKDATE = (timedelta(0), timedelta(minutes=5), timedelta(hours=2), timedelta(days=2),
            timedelta(days=12))


@cache
def the_directory() -> Directory:
    plh = Delegation(delegate="rina.ptsp", role="kasir", start=wit(2026, 1, 1, 0),
                     end=wit(2026, 12, 3, 0))
    plt = Delegation(delegate="ahmad.panmudpdt", role="panitera", start=wit(2026, 12, 2, 0),
                     end=wit(2027, 1, 1, 0))
    return directory(plh, plt, extra={"budi.rangkap": ["kasir", "panitera"]})


ACTORS = (*users(), "budi.rangkap")
GOOD = {"uang": ("Rp 150.000", "0", "1.250.000,50"), "angka": ("3",),
        "tanggal": ("2026-11-30", "2026-03-13", "2025-12-31"),
        "nomor": ("12/Pdt.G/2026/PN Snn",), "dokumen": ("ada",), "teks": ("catatan",)}
BAD = {"uang": ("seratus",), "angka": ("tiga",), "tanggal": ("2026-02-30",)}


def one_in(data: st.DataObject, n: int) -> bool:
    """True about once in ``n`` draws (a middle value: Hypothesis favours the ends)."""
    return data.draw(st.integers(1, n)) == n // 2 + 1


def values_for(data: st.DataObject, wf: Workflow, node: str | None) -> dict[str, str]:
    items: list[Item] = list(wf.fields)
    if node is not None and node in {n.id for n in wf.nodes}:
        n = wf.node(node)
        items += [*n.inputs, *n.outputs]
    if not items:
        return {}
    chosen = data.draw(st.lists(st.sampled_from(items), unique_by=lambda i: i.id,
                                max_size=len(items)))
    out: dict[str, str] = {}
    for item in chosen:
        kind = str(item.jenis)
        pool = (*GOOD[kind], *BAD.get(kind, ()), "  ") if one_in(data, 10) else GOOD[kind]
        out[item.id] = data.draw(st.sampled_from(pool))
    if one_in(data, 20):
        out["tidak_dikenal"] = "x"
    return out


def entitled(wf: Workflow, node: str) -> list[str]:
    roles = set(wf.acting_roles(wf.node(node)))
    return sorted(u for u, held in the_directory().roles.items() if held & roles) or ["tamu"]


def a_command(data: st.DataObject, wf: Workflow, state: CaseState, now: datetime) -> Command:
    kind = data.draw(st.sampled_from(
        ["complete"] * 10 + ["sweep"] * 3 + ["claim", "extend", "reassign", "skip", "reopen",
                                             "start"]))
    if one_in(data, 80):
        kind = "cancel"
    if state.status is None and not one_in(data, 4):
        kind = "start"
    open_nodes = [s.node for s in state.open_steps]
    if open_nodes and not one_in(data, 4):
        node = data.draw(st.sampled_from(open_nodes))
    else:
        node = data.draw(st.sampled_from([n.id for n in wf.nodes] + ["99"]))
    if kind == "start":
        node = wf.start
    actor = data.draw(st.sampled_from(ACTORS))
    if node in {n.id for n in wf.nodes} and not one_in(data, 3):
        actor = data.draw(st.sampled_from(entitled(wf, node)))
    elif one_in(data, 30):
        actor = "tamu"  # nobody the court knows
    back = data.draw(st.sampled_from(BACKDATE)) if one_in(data, 4) else None
    at = None if back is None else now - back
    if one_in(data, 40):
        at = now + timedelta(minutes=1)  # not yet happened
    reason = data.draw(st.sampled_from(["alasan tertulis"] * 4 + [None, " "]))
    decision: str | None = None
    if node in {n.id for n in wf.nodes} and wf.node(node).kind is StepKind.KEPUTUSAN:
        labels = list(wf.node(node).branch_labels)
        decision = data.draw(st.sampled_from([*labels, labels[0].upper(), None, "Mungkin"]))
    elif one_in(data, 10):
        decision = "Ya"
    if kind == "start":
        return StartCase(actor=actor, at=at, reason=reason, fields=values_for(data, wf, None))
    if kind == "complete":
        values = values_for(data, wf, node)
        if node in {n.id for n in wf.nodes} and data.draw(st.booleans()):
            values = {**needed(wf, state, node), **values}  # mostly complete
        return CompleteStep(actor=actor, at=at, reason=reason, node=node, decision=decision,
                            values=values)
    if kind == "claim":
        return ClaimStep(actor=actor, at=at, node=node)
    if kind == "sweep":
        return Sweep()
    if kind == "extend":
        return ExtendStep(actor=actor, at=at, reason=reason, node=node)
    supervisor = data.draw(st.sampled_from(["bambang.panitera", "hendra.kpn", "sri.wkpn",
                                            "ahmad.panmudpdt", actor]))
    if kind == "reassign":
        assignee = data.draw(st.sampled_from(ACTORS))
        if node in {n.id for n in wf.nodes} and data.draw(st.booleans()):
            assignee = data.draw(st.sampled_from(entitled(wf, node)))
        return ReassignStep(actor=supervisor, at=at, reason=reason, node=node, assignee=assignee)
    if kind == "skip":
        return SkipStep(actor=supervisor, at=at, reason=reason, node=node, decision=decision)
    if kind == "reopen":
        return ReopenStep(actor=supervisor, at=at, reason=reason, node=node)
    return CancelCase(actor=supervisor, at=at, reason=reason)


def check_event(e: Event, now: datetime) -> None:
    assert e.recorded_at == now, e
    assert e.occurred_at.utcoffset() is not None and e.occurred_at <= now, e
    type_, version, payload = to_record(e)
    stored = json.loads(json.dumps(payload))
    back = from_record(type_, version, stored, occurred_at=e.occurred_at,
                       recorded_at=e.recorded_at, actor=e.actor)
    assert back == e and to_record(back) == (type_, version, payload)


def check_state(wf: Workflow, state: CaseState, log: list[Event], mode: Penegakan) -> None:
    assert fold(state.case_id, log) == state
    assert state.seq == len(log)
    # a deviation withdrawn (a timer's or sweep's flag the facts no longer support) no longer
    # counts
    assert state.deviations == sum(isinstance(e, DeviationFlagged) for e in log) - \
        sum(isinstance(e, DeviationWithdrawn) for e in log)
    assert state.refusals == sum(isinstance(e, ActionRefused) for e in log)
    by_node: dict[str, list[Any]] = {}
    for s in state.steps:
        by_node.setdefault(s.node, []).append(s)
    for node, attempts in by_node.items():
        assert [s.attempt for s in attempts] == list(range(1, len(attempts) + 1)), node
        assert all(not s.is_open for s in attempts[:-1]), node
    if state.status is CaseStatus.ACTIVE:
        assert state.open_steps, "an active case with nothing to do"
    elif state.status is not None:
        assert state.open_steps == () and state.ended_at is not None
    flags = [e for e in log if isinstance(e, DeviationFlagged)]
    if mode is TOLAK:
        assert not [f for f in flags if f.kind in REFUSABLE], flags
    overdue = Counter((f.node, f.attempt, f.evidence["batas"]) for f in flags
                      if f.kind is DeviationKind.OVERDUE)
    assert all(n == 1 for n in overdue.values()), overdue
    assert sum(f.kind is DeviationKind.SERVICE_OVERDUE for f in flags) <= 1
    existing = {(s.node, s.attempt) for s in state.steps}
    for f in flags:
        if f.node is not None:
            assert (f.node, f.attempt) in existing, f
    opened = {(s.node, s.attempt): s.activated_at for s in state.steps}
    for e in log:
        key = (getattr(e, "node", None), getattr(e, "attempt", None))
        if key in opened:
            assert e.occurred_at >= opened[key], ("before the step opened", e)
        if isinstance(e, TimerFired):
            assert e.occurred_at >= e.due


@settings(max_examples=70, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), name=st.sampled_from(SOPS), mode=st.sampled_from([CATAT, TOLAK]),
       start=st.sampled_from(STARTS), entry_limit=st.booleans(),
       length=st.integers(min_value=1, max_value=30))
def test_random_commands_keep_the_invariants(data: st.DataObject, name: str, mode: Penegakan,
                                             start: datetime, entry_limit: bool,
                                             length: int) -> None:
    wf = sop(name, mode)
    state = CaseState(case_id="acak")
    log: list[Event] = []
    now = start
    for _ in range(length):
        now = now + data.draw(st.sampled_from(STEPS_FORWARD))
        cmd = a_command(data, wf, state, now)
        ctx = Context(now=now, calendar=calendar(), directory=the_directory(),
                      entry_limit=court().batas_pencatatan if entry_limit else None)
        before = copy.deepcopy(state)
        try:
            events = decide(wf, state, cmd, ctx=ctx)
        except CommandRejected as exc:
            event(f"rejected {exc.code}")
            assert state == before  # nothing changed, nothing to record
            continue
        assert state == before
        assert decide(wf, state, cmd, ctx=ctx) == events  # deterministic
        for e in events:
            event(f"{e.TYPE} {getattr(e, 'kind', '') or getattr(e, 'code', '')}")
            check_event(e, now)
        if any(isinstance(e, ActionRefused) for e in events):
            assert len(events) == 1
            after = apply(state, events[0])
            assert after.refusals == state.refusals + 1 and after.seq == state.seq + 1
            if state.status is None:  # a refused start: a closed log of its own attempt
                assert after.status is CaseStatus.REFUSED and not after.steps
                assert (after.sop_id, after.version) == (wf.sop_id, wf.version)
            else:
                assert without_counters(after) == without_counters(state)
        for e in events:
            state = apply(state, e)
        log.extend(events)
        check_state(wf, state, log, mode)


@settings(max_examples=40, deadline=None)
@given(name=st.sampled_from(SOPS), mode=st.sampled_from([CATAT, TOLAK]),
       start=st.sampled_from(STARTS), data=st.data())
def test_doing_open_steps_properly_always_moves_the_case(name: str, mode: Penegakan,
                                                         start: datetime,
                                                         data: st.DataObject) -> None:
    """Open steps done by a holder of their role with their values, among waits (up to 200
    days), sweeps (timers, overdue), extensions and a supervisor's reopenings: nothing is
    ever refused, no dead end, and the invariants hold throughout."""
    wf = sop(name, mode)
    state = CaseState(case_id="jalan")
    log: list[Event] = []
    now = start

    def run(cmd: Command) -> None:
        nonlocal state
        events = decide(wf, state, cmd, ctx=Context(now=now, calendar=calendar(),
                                                   directory=the_directory()))
        for e in events:
            event(f"{e.TYPE} {getattr(e, 'kind', '') or ''}")
            assert not isinstance(e, ActionRefused), e
            check_event(e, now)
            state = apply(state, e)
        log.extend(events)
        check_state(wf, state, log, mode)

    run(StartCase(actor=holders(wf.node(wf.start).role or "")[0]))
    for _ in range(40):
        if state.status is not CaseStatus.ACTIVE:
            break
        now += data.draw(st.sampled_from(STEPS_FORWARD))
        what = data.draw(st.sampled_from(["complete"] * 6 + ["sweep"] * 2 + ["extend", "reopen"]))
        if any(s.timer_due for s in state.open_steps) and data.draw(st.booleans()):
            what = "sweep"
        step = data.draw(st.sampled_from(state.open_steps))
        node = wf.node(step.node)
        if what == "sweep":
            timers = [s.timer_due for s in state.open_steps if s.timer_due is not None]
            late = data.draw(st.booleans())
            if timers and late:
                now = max(now, max(timers) + timedelta(days=1))  # nobody came in time
            run(Sweep())
        elif what == "extend" and node.extension is not None and not step.extensions:
            run(ExtendStep(actor="bambang.panitera", node=node.id, reason="berkas belum ada"))
        elif what == "reopen" and any(s.status.value == "selesai" for s in state.steps):
            done = data.draw(st.sampled_from([s.node for s in state.steps
                                              if s.status.value == "selesai"]))
            if not state.current(done).is_open:  # type: ignore[union-attr]
                run(ReopenStep(actor="bambang.panitera", node=done, reason="dikerjakan ulang"))
        elif step.timer_due is not None and now >= step.timer_due:
            run(Sweep())  # its time ran out before anyone came: the timer's branch decides
        else:
            role = (wf.acting_roles(node) or ("",))[0]
            decision = (data.draw(st.sampled_from(node.branch_labels))
                        if node.kind is StepKind.KEPUTUSAN else None)
            run(CompleteStep(actor=holders(role)[0], node=node.id, decision=decision,
                             values=needed(wf, state, node.id)))
