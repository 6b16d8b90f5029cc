"""The replay's fast path: the SOP's control flow as an automaton built by the engine itself,
memoised across the cases that share a prefix, with each row's own checks done on top.

What the engine's rules make of a case in record mode depends on its rows in two ways. The
*flow* — which steps open, which act is out of order, redone, skipped, which input or output
is missing, which row comes after the end — depends only on the sequence of (step, decision
as the replay resolves it, which values the row gives validly). The *row's own checks* — who
acted, separation of duties, how late an act is against its step's deadline, the service
standard, the values the rules cannot take — depend on the row's person and time.

So the flow is computed once per distinct prefix of such symbols, by ``decide`` itself on a
*canonical* case: every act by a different person who holds every role, one second apart
(nothing is late), each value a valid one of its kind (a tick as the row ticks it). What
``decide`` flagged there is kept as a plan: its flags by the place they come in, and the
places where the real case's person and times are checked (the actor, separation of duties
against who really did the other steps, the step's deadline counted from when it really
opened or from the real act of the step its limit is anchored to, the open steps closed by
the end, the service standard), each by the engine's own functions
(``Directory.grant_any``, ``anchor_time``, ``step_deadlines``, ``service_deadline``,
``overdue_evidence``). A case walks the automaton row by row; only a prefix not seen before
costs a ``decide``. The flags then go through the reference's own sorting
(:meth:`Replayer.sort`), so findings, consequences and their evidence are the reference's.

What the canonical case cannot stand for falls back to the reference replay
(:meth:`Replayer.replay`), decided up front for the SOP (timers, data-decided branches,
limits counted from a date in the case, delegations) or per case (an item
given two different values: a possible contradiction), or when a canonical decision does
anything else than the plain flow. A row known only to the day is late as the engine says
(``is_past``: on a later day than its deadline's). At a joint step (``bersama``) the person
is part of the flow (an officer's act signs it, someone else's redoes it): there the
canonical person holds the same of the step's roles as the real one, and the same real
person is the same canonical one, so ``decide``'s own actor flags stand, naming the real
person.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sop_runtime.compiler.workflow import Node
from sop_runtime.conformance.mapping import Target
from sop_runtime.conformance.readers import LogRow
from sop_runtime.conformance.replay import (
    AFTER_END,
    DATA,
    CaseResult,
    Finding,
    Open,
    OpenStep,
    Replayer,
)
from sop_runtime.definition.models import Anchor, ItemKind, StepKind
from sop_runtime.engine.actors import Directory
from sop_runtime.engine.checks import Context
from sop_runtime.engine.commands import CompleteStep, StartCase
from sop_runtime.engine.decision import decide
from sop_runtime.engine.events import (
    CaseCompleted,
    CaseStarted,
    DeviationFlagged,
    DeviationKind,
    Event,
    StepActivated,
    StepCompleted,
    StepSigned,
    StepSkipped,
)
from sop_runtime.engine.parties import looks_like_register_number
from sop_runtime.engine.rejections import CommandRejected
from sop_runtime.engine.state import REGISTER_ITEM, CaseState, CaseStatus, StepStatus, apply
from sop_runtime.engine.timing import (
    anchor_time,
    is_counted,
    is_past,
    lateness_evidence,
    least_span,
    overdue_evidence,
    service_deadline,
    step_deadlines,
)
from sop_runtime.engine.values import canonical

# the canonical case's clock: act k happens at _T0 + k seconds (its start is act 0)
_GAP = timedelta(seconds=1)
_PERSON = "\x00kanonik\x00"  # + k: the canonical person of act k
# at a joint step (bersama), who acts matters to the flow: which of its roles they hold, and
# whether they signed it already. The canonical person there is _PERSON + the act of the
# real person's first row in the case, _JOINT, the step, _JOINT, one digit a role of the
# step (1: held); they hold every other role
_JOINT = "\x01"
# a valid value of each kind (a tick is canonical as the row ticks it)
_VALUES = {ItemKind.UANG: "1000", ItemKind.ANGKA: "1", ItemKind.TANGGAL: "2026-01-05"}
# the flags the canonical case cannot say for the real one: the plan checks them itself
_PERSONAL = frozenset({DeviationKind.WRONG_ACTOR, DeviationKind.SEPARATION_OF_DUTIES,
                       DeviationKind.OVERDUE, DeviationKind.SERVICE_OVERDUE})
_REMEMBERED = 100_000  # rows' values remembered with what the flow sees of them, deadlines
_STATES = 50_000  # canonical states kept (a few KB each); past it the automaton starts anew
_FLOW_EVENTS = (CaseStarted, StepActivated, StepCompleted, StepSkipped, DeviationFlagged,
                CaseCompleted, StepSigned)

# what a plan holds, in the order the flags come (_Entry.tag)
_FLAG = 0      # a canonical flag, at the time of act ``act``
_ACTOR = 1     # the row's person may do the step?
_SOD = 2       # the row's person did none of ``acts`` (the other step of a group)?
_LATE = 3      # done past its deadline, counted from act ``act`` (its opening or anchor)?
_EARLY = 4     # done ahead of the flow, past its deadline counted from act ``act``?
_CLOSED = 5    # skipped by the end, past its deadline (from act ``act``; opened at ``since``)?
_SERVICE = 6   # the case ended past its service standard?


@dataclass(frozen=True, slots=True)
class _Entry:
    tag: int
    node: str | None = None
    attempt: int | None = None
    act: int = 0
    kind: DeviationKind = DeviationKind.OVERDUE
    rule: str = ""
    evidence: Mapping[str, str] = field(default_factory=dict)
    acts: tuple[int, ...] = ()
    since: int = 0
    who: tuple[str, ...] = ()  # the evidence keys that name the act's person


Plan = tuple[_Entry, ...]
# what the automaton's edges are keyed by: the code of (step, values seen), the decision,
# and at a joint step the person (the act of their first row, the roles they hold)
Symbol = int | tuple[int, str] | tuple[int, str | None, int, str]


class Unsupported(Exception):
    """The canonical case did something the plan cannot stand for: replay the reference."""


class _Everyone(Mapping[str, frozenset[str]]):
    """The canonical directory: everyone holds every role (at a joint step, those of its
    roles their name says)."""

    def __init__(self, roles: frozenset[str], joint: Mapping[str, tuple[str, ...]]) -> None:
        self.roles, self.joint = roles, joint

    def __getitem__(self, username: str) -> frozenset[str]:
        _, _, at_joint = username.partition(_JOINT)
        if not at_joint:
            return self.roles
        node, _, held = at_joint.partition(_JOINT)
        return self.roles - {r for r, h in zip(self.joint[node], held, strict=True) if h == "0"}

    def __contains__(self, username: object) -> bool:
        return True

    def __iter__(self) -> Iterator[str]:
        return iter(())

    def __len__(self) -> int:
        return 0


@dataclass(frozen=True, slots=True)
class _Edge:
    to: _State | None                 # None: the act was rejected
    plan: Plan = ()
    rejected: CommandRejected | None = None
    unsupported: bool = False
    # the common act's plan, checked inline: the actor, and the step's own limit
    simple: bool = False              # the plan is that alone
    roles: tuple[str, ...] = ()       # who may do the step
    origin: int = -1                  # the act its limit counts from, when it has one
    least: timedelta = timedelta(0)   # its limit's least span
    may: dict[str, bool] = field(default_factory=dict)  # the step's, by person (or role)
    service: bool = False             # it ends the case: the service standard checked


@dataclass(slots=True)
class _State:
    """The canonical case after ``depth`` acts (its start is the first)."""

    state: CaseState
    depth: int
    edges: dict[Symbol, _Edge] = field(default_factory=dict)
    # the steps open at its end, each with the act that opened it and the act its limit
    # counts from (the same, or the step its limit is anchored to: ``sejak``)
    open_steps: tuple[tuple[str, int, int], ...] = ()
    origins: dict[tuple[str, int], int] = field(default_factory=dict)
    active: bool = True


def unsupported(replayer: Replayer) -> list[str]:
    """Why the automaton cannot judge this SOP's cases (empty: it can)."""
    wf = replayer.wf
    why = []
    if replayer.timers:
        why.append("timer (jika_lewat_waktu)")
    if any(n.data_decided for n in wf.nodes):
        why.append("cabang.jika")
    if _dated(wf.service_anchor) or any(
            _dated(n.anchor) or (n.timer is not None and _dated(n.timer.anchor))
            for n in wf.nodes):
        why.append("sejak tanggal")
    if replayer.directory.delegations:
        why.append("plh/plt")
    return why


def _dated(anchor: Anchor | None) -> bool:
    """Whether a limit counts from a date in the case (its value, not its presence, is
    what the deadline depends on); a limit anchored to an earlier step counts from that
    step's act, which the automaton follows."""
    if anchor is None:
        return False
    if anchor.paling_akhir or anchor.paling_awal:
        return any(_dated(part) for part in anchor.parts())
    return anchor.isian is not None


class Automaton:
    """Replays cases as :class:`Replayer` does, through the automaton where it can judge
    them exactly, through the reference where it cannot."""

    def __init__(self, replayer: Replayer) -> None:
        self.ref = replayer
        self.wf = replayer.wf
        self.calendar = replayer.calendar
        self.why_not = unsupported(replayer)
        roles = frozenset(r for n in self.wf.nodes for r in self.wf.acting_roles(n))
        self.t0 = datetime(2030, 1, 7, 9, 0, tzinfo=self.calendar.tz)  # a Monday morning
        self._joint = {n.id: n.roles for n in self.wf.nodes if n.joint}
        self.ctx = Context(now=self.t0 + timedelta(days=3650), calendar=self.calendar,
                           directory=Directory(roles=_Everyone(roles, self._joint)),
                           replay=True)
        self._roots: dict[tuple[tuple[str, str], ...], _State] = {}
        self._may: dict[str, dict[str, bool]] = {}  # node -> person (or role) -> may act
        self._due: dict[tuple[str, datetime], datetime | None] = {}
        self._least = {n.id: least_span(n.limit) for n in self.wf.nodes}
        self._service_least = least_span(self.wf.service_limit)
        self._decisions = frozenset(n.id for n in self.wf.nodes
                                    if n.kind is StepKind.KEPUTUSAN)
        self._nodes = {n.id: n for n in self.wf.nodes}
        self._codes: dict[tuple[str, tuple[tuple[str, str], ...]], int] = {}
        self._symbols: list[tuple[str, tuple[tuple[str, str], ...]]] = []
        self._bare = {n.id: self._code(n.id, ()) for n in self.wf.nodes}
        # the mapped items more than one place records (a case field, or an item of several
        # steps): only they can be given two different values that contradict
        places: dict[str, int] = {f.id: 2 for f in self.wf.fields}  # any act may give one
        for n in self.wf.nodes:
            for item in {i.id for i in (*n.inputs, *n.outputs)}:
                places[item] = places.get(item, 0) + 1
        self._shared = frozenset(i for i in replayer.mapping.values if places.get(i, 0) > 1)
        self._seen_values: dict[tuple[str, tuple[tuple[str, str], ...]],
                                tuple[int, tuple[str, ...]]] = {}
        self._states = 0
        self._held: dict[tuple[str, str], str] = {}  # (joint step, person) -> roles held
        self.fast = 0       # cases judged here
        self.fallback = 0   # cases replayed by the reference

    @property
    def supported(self) -> bool:
        return not self.why_not

    def replay(self, case: str, rows: list[LogRow]) -> CaseResult:
        todo, result = self.ref.begin(case, rows)
        if not todo:
            return result
        if not self.why_not:
            try:
                self._walk(case, todo, result)
                self.fast += 1
                return result
            except Unsupported:
                pass
        self.fallback += 1
        return self.ref.replay(case, rows)

    # -- walking a case ------------------------------------------------------------------

    def _walk(self, case: str, todo: list[tuple[LogRow, Target]], result: CaseResult) -> None:
        """The case through the automaton; Unsupported (anywhere) when it holds what only
        the reference can judge: an item given two different values (a contradiction the
        canonical values would not show), or an act the canonical case cannot stand for."""
        ref, nodes, decisions = self.ref, self._nodes, self._decisions
        seen_values, bare, joint = self._seen_values, self._bare, self._joint
        grant_any = ref.directory.grant_any
        first = todo[0][0]
        pairs: set[tuple[str, str]] = set()  # every (item, value) the rows give
        fields = ref.case_values(todo) if ref.case_fields else {}
        start = tuple((k, self._kind(None, k, v)) for k, v in fields.items())
        cur = self._roots.get(start)
        if cur is None:
            cur = self._roots[start] = self._start(start)
        times = [first.at]
        people = [ref.who(first)]
        flags: list[tuple[DeviationFlagged, int]] = []
        undecided: set[str] = set()
        for i, (row, target) in enumerate(todo):
            values = row.values
            if values:
                pairs.update(values.items())
            nid = target.node
            if not cur.active:
                result.findings.append(Finding(case, AFTER_END, nid, row.at, row.place,
                                               {"aktivitas": row.activity}))
                ref.check_actor(result, nodes[nid], row)
                continue
            decision = (ref.decision(nodes[nid], row, target, todo[i + 1:])
                        if nid in decisions else None)
            if isinstance(decision, Open):
                undecided.add(nid)
                ref.check_actor(result, nodes[nid], row)
                continue
            if values:
                known = seen_values.get((nid, tuple(values.items())))
                if known is None:
                    known = self._judge(nodes[nid], row)
                code = known[0]
                for problem in known[1]:  # values the rules cannot take: the row's findings
                    result.findings.append(Finding(case, DATA, nid, row.at, row.place, {
                        "aktivitas": row.activity, "pesan": problem}))
            else:
                code = bare[nid]
            symbol: Symbol = code if decision is None else (code, decision)
            if nid in joint:
                symbol = (code, decision, *self._persona(nid, row, people))
            edge = cur.edges.get(symbol)
            if edge is None:
                edge = cur.edges[symbol] = self._step(cur, symbol)
            if edge.to is None:
                if edge.unsupported:
                    raise Unsupported(symbol)
                result.findings.append(Finding(case, DATA, nid, row.at, row.place, {
                    "aktivitas": row.activity, "pesan": str(edge.rejected)}))
                ref.check_actor(result, nodes[nid], row)
                continue
            at, person = row.at, row.resource
            who = person or ref.who(row)
            times.append(at)
            people.append(who)
            if edge.simple:
                key = person or "\x00" + row.role
                ok = edge.may.get(key)
                if ok is None:
                    ok = edge.may[key] = grant_any(who, edge.roles, at) is not None
                if not ok:
                    self._flag(flags, row, at, DeviationKind.WRONG_ACTOR, "pelaksana", nid,
                               edge.plan[0].attempt, {"pelaksana": ",".join(edge.roles),
                                                      "pengguna": who})
                if edge.origin >= 0 and at - times[edge.origin] > edge.least:
                    self._checks(edge.plan[1:2], row, times, people, flags)
                if edge.service:
                    self._service(flags, row, times[0])
            else:
                self._checks(edge.plan, row, times, people, flags)
            cur = edge.to
        if len(pairs) != len(dict(pairs)):  # an item given two values: may they contradict?
            self._contradicts(todo)
        state = cur.state
        result.completed = state.status is CaseStatus.COMPLETED
        result.unfinished = cur.active
        if cur.open_steps:
            result.open_steps = tuple(n for n, _, _ in cur.open_steps)
            result.open_at_end = tuple(
                OpenStep(n, times[k], self._deadline(nodes[n], times[origin]), n in undecided)
                for n, k, origin in cur.open_steps)
        if flags or result.findings:
            ref.conclude(state, flags, result, first.at)

    def _contradicts(self, todo: list[tuple[LogRow, Target]]) -> None:
        """Unsupported when an item that more than one place records is given two
        different values (a contradiction, which the canonical values would not show)."""
        seen: dict[str, str] = {}
        for row, _ in todo:
            for item in self._shared.intersection(row.values):
                if seen.setdefault(item, row.values[item]) != row.values[item]:
                    raise Unsupported(item)

    def _persona(self, node: str, row: LogRow, people: list[str]) -> tuple[int, str]:
        """Who acts at a joint step, as the flow sees it: the act of the person's first row
        in the case (the same person is the same canonical one), and which of the step's
        roles they hold (no delegation in a replay: theirs, or an unnamed row's role
        column's, at any time)."""
        who = self.ref.who(row)
        first = people.index(who) if who in people else len(people)
        key = (node, row.resource or _JOINT + row.role)
        held = self._held.get(key)
        if held is None:
            grant = self.ref.directory.grant
            held = self._held[key] = "".join(
                "1" if grant(who, role, row.at) is not None else "0"
                for role in self._joint[node])
        return first, held

    def _judge(self, node: Node, row: LogRow) -> tuple[int, tuple[str, ...]]:
        """What the flow sees of the row's values (the code of the step and each valid value
        it takes, with a tick's ``ada`` / ``tidak ada``), and why the rules cannot take the
        others (:meth:`Replayer.row_values`); remembered by the row's values."""
        scratch = CaseResult("", 0, completed=False)
        valid = self.ref.row_values(scratch, node, row)
        known = (self._code(node.id, tuple((k, self._kind(node, k, v))
                                           for k, v in valid.items())),
                 tuple(f.detail["pesan"] for f in scratch.findings))
        if len(self._seen_values) > _REMEMBERED:
            self._seen_values.clear()
        self._seen_values[(node.id, tuple(row.values.items()))] = known
        return known

    def _code(self, node: str, values: tuple[tuple[str, str], ...]) -> int:
        """A small number for what the flow sees of an act (cheap to look up)."""
        code = self._codes.get((node, values))
        if code is None:
            code = self._codes[(node, values)] = len(self._symbols)
            self._symbols.append((node, values))
        return code

    def _checks(self, plan: Plan, row: LogRow, times: list[datetime], people: list[str],
                flags: list[tuple[DeviationFlagged, int]]) -> None:
        """The row's act through its plan: the canonical flags, and the checks of its
        person and times where the reference makes them."""
        wf, at, who = self.wf, row.at, people[-1]
        for e in plan:
            tag = e.tag
            if tag == _FLAG:
                self._flag(flags, row, times[e.act], e.kind, e.rule, e.node, e.attempt,
                           {**e.evidence, **dict.fromkeys(e.who, who)} if e.who else e.evidence)
                continue
            assert e.node is not None or tag == _SERVICE
            node = e.node or ""
            if tag == _ACTOR:
                roles = wf.acting_roles(wf.node(node))
                if not self._may_act(row, who, node, roles):
                    self._flag(flags, row, at, DeviationKind.WRONG_ACTOR, "pelaksana", node,
                               e.attempt, {"pelaksana": ",".join(roles), "pengguna": who})
            elif tag == _SOD:
                if any(people[k] == who for k in e.acts):
                    self._flag(flags, row, at, DeviationKind.SEPARATION_OF_DUTIES,
                               "pemisahan_tugas", node, e.attempt,
                               {**e.evidence, "pengguna": who})
            elif tag in (_LATE, _EARLY):
                due = self._late(node, times[e.act], at, row.day_only)
                if due is not None:
                    evidence, _ = overdue_evidence(wf, self.calendar, wf.node(node), due, at,
                                                   who)
                    self._flag(flags, row, at, DeviationKind.OVERDUE, "mutu_baku.waktu", node,
                               e.attempt, evidence)
            elif tag == _CLOSED:
                opened = times[e.since]
                closed = max(at, opened)
                due = self._late(node, times[e.act], closed)
                if due is not None:
                    evidence, _ = overdue_evidence(wf, self.calendar, wf.node(node), due,
                                                   closed, None)
                    self._flag(flags, row, max(due, opened), DeviationKind.OVERDUE,
                               "mutu_baku.waktu", node, e.attempt, evidence)
            else:  # _SERVICE
                self._service(flags, row, times[0])

    def _flag(self, flags: list[tuple[DeviationFlagged, int]], row: LogRow, at: datetime,
              kind: DeviationKind, rule: str, node: str | None, attempt: int | None,
              evidence: Mapping[str, str]) -> None:
        flags.append((DeviationFlagged(occurred_at=at, recorded_at=at, actor=None, kind=kind,
                                       rule=rule, node=node, attempt=attempt,
                                       evidence=evidence), row.place))

    def _may_act(self, row: LogRow, who: str, node: str, roles: tuple[str, ...]) -> bool:
        """Whether the row's person holds a role of ``node`` (no delegation in a replay:
        the answer is the person's, or an unnamed row's role column's, at any time)."""
        known = self._may.setdefault(node, {})
        key = row.resource or "\x00" + row.role
        may = known.get(key)
        if may is None:
            may = known[key] = self.ref.directory.grant_any(who, roles, row.at) is not None
        return may

    def _deadline(self, node: Node, origin: datetime) -> datetime | None:
        """The deadline of ``node`` counted from ``origin`` (its opening, or the step its
        limit is anchored to), as the engine counts it (an anchor not in the case is
        counted from the time given)."""
        key = (node.id, origin)
        if key not in self._due:
            if len(self._due) > _REMEMBERED:
                self._due.clear()
            self._due[key] = step_deadlines(CaseState(case_id=""), node, {}, self.calendar,
                                            origin, channel=self.wf.channel)[0]
        return self._due[key]

    def _late(self, node: str, origin: datetime, at: datetime, day_only: bool = False
              ) -> datetime | None:
        """The deadline of ``node`` counted from ``origin`` when an act at ``at`` (known
        only to the day: ``day_only``) is past it, else None (an act within the limit's
        least span is on time without the calendar)."""
        least = self._least[node]
        if least is None or at - origin <= least:
            return None
        due = self._deadline(self.wf.node(node), origin)
        tz = self.calendar.tz
        return due if due is not None and is_past(due, at, tz, day_only=day_only) else None

    def _service(self, flags: list[tuple[DeviationFlagged, int]], row: LogRow,
                 started: datetime) -> None:
        least = self._service_least
        if least is None or row.at - started <= least:
            return
        due = service_deadline(self.wf, CaseState(case_id=""), {}, self.calendar, started)
        if due is not None and is_past(due, row.at, self.calendar.tz, day_only=row.day_only):
            self._flag(flags, row, max(due, started), DeviationKind.SERVICE_OVERDUE,
                       "waktu_pelayanan", None, None,
                       lateness_evidence(self.calendar, due, row.at, self.wf.service_limit))

    def _kind(self, node: Node | None, item: str, value: str) -> str:
        """What of a valid value the flow can see: a tick's ``ada`` / ``tidak ada``."""
        spec = self.wf.items_at(node)[item]
        if spec.jenis is ItemKind.CENTANG:
            return canonical(spec, value)
        if node is None and item == REGISTER_ITEM and not looks_like_register_number(value):
            raise Unsupported(item)  # the case cannot open with it: the reference says why
        return ""

    # -- building the automaton ------------------------------------------------------------

    def _value(self, node: Node | None, item: str, kind: str) -> str:
        spec = self.wf.items_at(node)[item]
        if item == REGISTER_ITEM:
            return "1/Pdt.G/2026/PN Snn"
        return kind or _VALUES.get(spec.jenis, "x")

    def _start(self, symbol: tuple[tuple[str, str], ...]) -> _State:
        fields = {k: self._value(None, k, kind) for k, kind in symbol}
        state = CaseState(case_id="")
        events = decide(self.wf, state, StartCase(actor=_PERSON + "0", at=self.t0,
                                                  fields=fields), ctx=self.ctx)
        origins = self._origins(state, events, {})
        for e in events:
            state = apply(state, e)
        if any(isinstance(e, DeviationFlagged) for e in events):
            raise Unsupported("start")  # never in record mode: the reference says why
        return self._state(state, 1, origins)

    def _state(self, state: CaseState, depth: int, origins: dict[tuple[str, int], int]
               ) -> _State:
        self._states += 1
        if self._states > _STATES:  # a log of ever new variants: memory stays bounded
            self._roots.clear()
            self._states = 0
        open_steps = tuple((s.node, self._act(s.activated_at), origins[(s.node, s.attempt)])
                           for s in state.open_steps)
        return _State(state, depth, open_steps=open_steps,
                      origins={(n, s.attempt): k for (n, _, k), s in zip(
                          open_steps, state.open_steps, strict=True)},
                      active=state.status is CaseStatus.ACTIVE)

    def _origins(self, pre: CaseState, events: list[Event], known: dict[tuple[str, int], int]
                 ) -> dict[tuple[str, int], int]:
        """The act each step's limit counts from: ``known`` (the steps open before), and
        for each step ``events`` open, its opening or the step its limit is anchored to as
        ``decide`` found it then (the steps done before it in the same decision count)."""
        origins = dict(known)
        done_now: dict[str, datetime] = {}
        for e in events:
            if isinstance(e, StepCompleted):
                done_now[e.node] = e.occurred_at
            elif isinstance(e, StepActivated):
                node = self.wf.node(e.node)
                origins[(e.node, e.attempt)] = self._act(anchor_time(
                    pre, node.anchor, pre.fields, self.calendar, e.occurred_at, done_now))
        return origins

    def _act(self, moment: datetime) -> int:
        k, rest = divmod(moment - self.t0, _GAP)
        if rest or k < 0:
            raise Unsupported(moment)
        return k

    def _step(self, src: _State, symbol: Symbol) -> _Edge:
        k = src.depth
        actor = f"{_PERSON}{k}"
        if isinstance(symbol, int):
            code, decision = symbol, None
        elif len(symbol) == 2:
            code, decision = symbol
        else:
            code, decision, first, held = symbol
            actor = f"{_PERSON}{first}{_JOINT}{self._symbols[code][0]}{_JOINT}{held}"
        node_id, values = self._symbols[code]
        node = self.wf.node(node_id)
        command = CompleteStep(actor=actor, at=self.t0 + k * _GAP, node=node_id,
                               values={i: self._value(node, i, kind) for i, kind in values},
                               decision=decision)
        try:
            events = decide(self.wf, src.state, command, ctx=self.ctx)
        except CommandRejected as exc:
            if actor in exc.params.values():  # its message names the canonical person
                return _Edge(None, unsupported=True)
            return _Edge(None, rejected=exc)
        try:
            origins = self._origins(src.state, events, src.origins)
            plan = self._plan(src.state, node, k, events, origins, actor)
        except Unsupported:
            return _Edge(None, unsupported=True)
        state = src.state
        for e in events:
            state = apply(state, e)
        # the usual plan: the actor, then maybe the step's own limit, maybe the service's
        tags = [p.tag for p in plan] or [-1]
        service = tags[-1] == _SERVICE
        late = plan[1] if len(plan) > 1 and tags[1] == _LATE else None
        least = self._least[node_id]
        return _Edge(self._state(state, k + 1, origins), plan, simple=(
            tags[0] == _ACTOR and len(plan) == 1 + (late is not None) + service),
            roles=self.wf.acting_roles(node), origin=late.act if late is not None else -1,
            least=least if least is not None else timedelta(0), service=service,
            may=self._may.setdefault(node_id, {}))

    def _plan(self, pre: CaseState, node: Node, k: int, events: list[Event],
              origins: dict[tuple[str, int], int], actor: str) -> Plan:
        """The canonical act's flags in their order, with the person's and the times'
        checks where the reference makes them. At a joint step the canonical person holds
        the roles the real one does: its actor flags stand, naming the real person."""
        if any(not isinstance(e, _FLOW_EVENTS) for e in events):
            raise Unsupported(node.id)
        done = next((e for e in events if isinstance(e, StepCompleted)
                     and e.node == node.id and e.actor == actor), None)
        signed = node.joint and any(isinstance(e, StepSigned) and e.actor == actor
                                    for e in events)
        if done is None and not signed:
            raise Unsupported(node.id)
        plan: list[_Entry] = []
        for e in events:
            if not isinstance(e, DeviationFlagged) or (e.kind in _PERSONAL and not (
                    node.joint and e.kind is DeviationKind.WRONG_ACTOR)):
                continue
            if e.kind is DeviationKind.SKIPPED and e.node is not None:
                step = next(s for s in pre.steps if s.node == e.node and s.attempt == e.attempt)
                if is_counted(self.wf.node(e.node).limit):
                    plan.append(_Entry(_CLOSED, e.node, e.attempt,
                                       origins[(step.node, step.attempt)],
                                       since=self._act(step.activated_at)))
            plan.append(_Entry(_FLAG, e.node, e.attempt, self._act(e.occurred_at), e.kind,
                               e.rule, dict(e.evidence),
                               who=tuple(key for key, v in e.evidence.items() if v == actor)))
        if done is None:  # a joint step's other officer signing it: their flags alone
            return tuple(plan)
        # the settle block: the act's own order flags first, then who did it
        lead = 0
        while (lead < len(plan) and plan[lead].tag == _FLAG and plan[lead].node == node.id
               and plan[lead].kind in (DeviationKind.OUT_OF_ORDER, DeviationKind.REWORK)):
            lead += 1
        plan[lead:lead] = [*([] if node.joint else [_Entry(_ACTOR, node.id, done.attempt)]),
                           *self._separation(pre, node, done.attempt)]
        # then its own limit, before what the end of the case closes
        timing = self._timing(pre, node, done.attempt, events, origins)
        if timing is not None:
            at = next((i for i, p in enumerate(plan) if p.tag == _CLOSED
                       or (p.tag == _FLAG and p.kind is DeviationKind.SKIPPED)), len(plan))
            plan.insert(at, timing)
        if any(isinstance(e, CaseCompleted) for e in events) and is_counted(
                self.wf.service_limit):
            plan.append(_Entry(_SERVICE))
        return tuple(plan)

    def _separation(self, pre: CaseState, node: Node, attempt: int) -> list[_Entry]:
        """The separation of duties checks of an act on ``node``, in the engine's order:
        the acts that did each other step of its groups."""
        found: list[_Entry] = []
        for group in self.wf.separation:
            if node.no not in group.langkah:
                continue
            for other in group.langkah:
                if other == node.no:
                    continue
                acts = tuple(int(p[len(_PERSON):].partition(_JOINT)[0])
                             for p in pre.done_by(str(other)))
                if acts:
                    found.append(_Entry(_SOD, node.id, attempt, evidence={
                        "langkah_lain": str(other), "alasan": group.alasan}, acts=acts))
        return found

    def _timing(self, pre: CaseState, node: Node, attempt: int, events: list[Event],
                origins: dict[tuple[str, int], int]) -> _Entry | None:
        if not is_counted(node.limit):
            return None
        step = pre.current(node.id)
        if step is not None and step.status is StepStatus.DONE:
            return None  # rework: its limit is not judged
        if any(isinstance(e, StepActivated) and e.node == node.id and e.early for e in events):
            return _Entry(_EARLY, node.id, attempt, origins[(node.id, attempt)])
        if step is None or not step.is_open:
            raise Unsupported(node.id)
        return _Entry(_LATE, node.id, attempt, origins[(node.id, step.attempt)])
