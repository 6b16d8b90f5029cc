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

from collections.abc import Mapping
from datetime import datetime, timedelta
from itertools import islice

from sop_runtime.compiler.workflow import Node
from sop_runtime.conformance.canonical_flow import (
    _ACTOR,
    _CLOSED,
    _EARLY,
    _FLAG,
    _JOINT,
    _LATE,
    _REMEMBERED,
    _SERVICE,
    _SOD,
    CanonicalFlow,
    Plan,
    Symbol,
    Unsupported,
    _Everyone,
    _State,
)
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
from sop_runtime.engine.events import (
    DeviationFlagged,
    DeviationKind,
)
from sop_runtime.engine.parties import looks_like_register_number
from sop_runtime.engine.state import REGISTER_ITEM, CaseState, CaseStatus
from sop_runtime.engine.timing import (
    is_past,
    lateness_evidence,
    least_span,
    overdue_evidence,
    service_deadline,
    step_deadlines,
)
from sop_runtime.engine.values import canonical


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


class Automaton(CanonicalFlow):
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
            decision = (ref.decision(nodes[nid], row, target, islice(todo, i + 1, None))
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

