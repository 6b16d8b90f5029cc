"""The canonical side of the replay automaton (:mod:`sop_runtime.conformance.automaton`):
the SOP's flow worked out by ``decide`` itself on a canonical case, one edge per new prefix of
symbols, each edge with the plan of what the real row is checked for on top. The automaton
walks these edges; this module builds them."""


from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sop_runtime.compiler.workflow import Node, Workflow
from sop_runtime.definition.models import ItemKind
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
from sop_runtime.engine.rejections import CommandRejected
from sop_runtime.engine.state import REGISTER_ITEM, CaseState, CaseStatus, StepStatus, apply
from sop_runtime.engine.timing import (
    anchor_time,
    is_counted,
)
from sop_runtime.worktime import CourtCalendar

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




class CanonicalFlow:
    """Building the automaton's states and edges; :class:`~sop_runtime.conformance.automaton.
    Automaton` walks them. The attributes are the automaton's (set in its ``__init__``)."""

    wf: Workflow
    calendar: CourtCalendar
    ctx: Context
    t0: datetime
    _least: dict[str, timedelta | None]
    _may: dict[str, dict[str, bool]]
    _roots: dict[tuple[tuple[str, str], ...], _State]
    _states: int
    _symbols: list[tuple[str, tuple[tuple[str, str], ...]]]

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

