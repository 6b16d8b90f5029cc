"""Replaying an imported log through the engine's own rules, in record mode.

Each case's rows, in time order, become the commands a clerk would have given: the first
row starts the case, every row completes its step at its time, by its person, with the
values the log holds. ``decide`` (with ``Context.replay``) judges them exactly as it judges
live work, never refusing; the deviations it flags are the findings. There is no second copy
of the rules here: this module only turns rows into commands and then sorts the engine's
flags into what an auditor reads.

One deviation can drag others behind it. A step that never happened leaves its successor
done "ahead of the flow", and the inputs it should have produced missing; a step that is
never done is not also "late". Those flags are kept, but as consequences of the finding
that explains them, so the report names each deviation once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime

from sop_runtime.compiler.workflow import EdgeKind, Node, Workflow
from sop_runtime.conformance.mapping import LogMapping, Target
from sop_runtime.conformance.readers import LogRow
from sop_runtime.definition.models import StepKind
from sop_runtime.engine.actors import Directory
from sop_runtime.engine.checks import Context
from sop_runtime.engine.commands import CompleteStep, StartCase, Sweep
from sop_runtime.engine.decision import decide
from sop_runtime.engine.events import DeviationFlagged, DeviationKind, Event
from sop_runtime.engine.rejections import CommandRejected
from sop_runtime.engine.state import CaseState, CaseStatus, StepStatus, apply
from sop_runtime.i18n import tr
from sop_runtime.worktime import CourtCalendar

# findings that are not deviations of the procedure but of the log itself
DATA = "data"                    # a row the rules cannot take (bad value, unknown decision...)
AFTER_END = "after_end"          # a row after the case had ended


@dataclass(frozen=True, slots=True)
class Finding:
    case: str
    kind: str                    # a DeviationKind, or DATA / AFTER_END
    node: str | None
    at: datetime | None
    place: int                   # the row of the log it comes from (or was replayed at)
    detail: Mapping[str, str] = field(default_factory=dict)
    reason: str | None = None


@dataclass
class CaseResult:
    case: str
    rows: int
    completed: bool
    open_steps: tuple[str, ...] = ()
    findings: list[Finding] = field(default_factory=list)
    consequences: list[Finding] = field(default_factory=list)


@dataclass
class Replayer:
    """Replays cases of one SOP as a mapping reads them."""

    wf: Workflow
    mapping: LogMapping
    calendar: CourtCalendar
    directory: Directory
    _values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    timers: bool = False  # whether any step has a timer (else no sweep is ever due)

    def __post_init__(self) -> None:
        self.timers = any(n.timer is not None for n in self.wf.nodes)

    @classmethod
    def build(cls, wf: Workflow, mapping: LogMapping, calendar: CourtCalendar,
              people: Iterable[tuple[str, str]], supervisor_roles: frozenset[str]) -> Replayer:
        """``people``: every (person, role column) pair the log holds; each person holds the
        roles the mapping gives them, or the roles their role column maps to."""
        roles: dict[str, set[str]] = {}
        for person, role in people:
            held = roles.setdefault(person, set())
            if not person:  # nobody named: holds nothing (see _who)
                continue
            mapped = mapping.resources.get(person)
            if mapped is not None:
                held |= mapped
            elif role and role in mapping.roles:
                held.add(mapping.roles[role])
        directory = Directory(roles={p: frozenset(r) for p, r in roles.items()},
                              supervisor_roles=supervisor_roles)
        return cls(wf, mapping, calendar, directory)

    def values_at(self, node: Node) -> tuple[str, ...]:
        """The mapped items a completion of ``node`` may carry."""
        known = self._values.get(node.id)
        if known is None:
            ids = {f.id for f in self.wf.fields} | {i.id for i in (*node.inputs, *node.outputs)}
            known = tuple(item for item in self.mapping.values if item in ids)
            self._values[node.id] = known
        return known

    def replay(self, case: str, rows: list[LogRow]) -> CaseResult:
        steps = [(r, self.mapping.activities.get(r.activity)) for r in rows]
        todo = sorted(((r, t) for r, t in steps if t is not None),
                      key=lambda rt: (rt[0].at, rt[0].place))
        result = CaseResult(case, len(rows), completed=False)
        if not todo:
            return result
        state = CaseState(case_id=case)
        flags: list[tuple[DeviationFlagged, int]] = []
        first = todo[0][0]
        # one clock for the whole case: "now" is its last row (nothing is after it), which
        # is all a replay needs of it (no entry is judged late: the log has no entry times)
        ctx = Context(now=max(r.at for r, _ in todo), calendar=self.calendar,
                      directory=self.directory, replay=True)
        state = self._apply(state, decide(self.wf, state, StartCase(
            actor=self._who(first), at=first.at), ctx=ctx), flags, first.place)
        for i, (row, target) in enumerate(todo):
            if state.status is not CaseStatus.ACTIVE:
                result.findings.append(Finding(case, AFTER_END, target.node, row.at, row.place,
                                               {"aktivitas": row.activity}))
                continue
            if self.timers and any(s.timer_due is not None and s.timer_due <= row.at
                                   for s in state.open_steps):
                # what time alone caused by this row: the sweep judges at the row's time
                swept = decide(self.wf, state, Sweep(at=row.at), ctx=Context(
                    now=row.at, calendar=self.calendar, directory=self.directory, replay=True))
                state = self._apply(state, swept, flags, row.place)
            node = self.wf.node(target.node)
            values = {item: row.values[item] for item in self.values_at(node)
                      if item in row.values}
            command = CompleteStep(actor=self._who(row), at=row.at, node=node.id,
                                   values=values,
                                   decision=self._decision(node, row, target, todo[i + 1:]))
            try:
                events = decide(self.wf, state, command, ctx=ctx)
            except CommandRejected as exc:  # StaleAction included
                result.findings.append(Finding(case, DATA, node.id, row.at, row.place,
                                               {"aktivitas": row.activity, "pesan": str(exc)}))
                continue
            state = self._apply(state, events, flags, row.place)
        result.completed = state.status is CaseStatus.COMPLETED
        result.open_steps = tuple(s.node for s in state.open_steps)
        self._sort(state, flags, result)
        return result

    def _held(self, state: CaseState) -> dict[str, set[str]]:
        """What the steps of this case hold, by item name: an input missing when a step was
        done, that another step of the case holds, is missing because that step came later
        or never."""
        held: dict[str, set[str]] = {}
        for s in state.steps:
            n = self.wf.node(s.node)
            for item in (*n.inputs, *n.outputs):
                held.setdefault(item.nama, set()).add(n.id)
        return held

    def _who(self, row: LogRow) -> str:
        # a row naming nobody is replayed as done by nobody: the rules flag a wrong actor,
        # which _sort reports as what it is, a gap in the log
        return row.resource

    def _decision(self, node: Node, row: LogRow, target: Target,
                  later: list[tuple[LogRow, Target]]) -> str | None:
        if node.kind is not StepKind.KEPUTUSAN:
            return None
        if row.decision:
            return row.decision
        if target.decision:
            return target.decision
        # not recorded: the branch that leads to the step the log shows next
        branches = [(t.label, t.target) for t in node.transitions
                    if t.kind is EdgeKind.BRANCH]
        for _, nxt in later[:1]:
            chosen = [label for label, goes in branches if goes == nxt.node]
            if len(chosen) == 1:
                return chosen[0]
        return None  # the engine rejects it, and the row is reported as a data problem

    def _apply(self, state: CaseState, events: list[Event],
               flags: list[tuple[DeviationFlagged, int]], place: int) -> CaseState:
        for e in events:
            state = apply(state, e)
            if isinstance(e, DeviationFlagged):
                flags.append((e, place))
        return state

    def _sort(self, state: CaseState, flags: list[tuple[DeviationFlagged, int]],
              result: CaseResult) -> None:
        """Flags to findings: each deviation once, with what it dragged behind it."""
        if not flags:
            return
        done = {s.node for s in state.steps if s.status is StepStatus.DONE}
        never_done = {s.node for s in state.steps} - done
        held = self._held(state) if any(
            f.kind is DeviationKind.MISSING_INPUT for f, _ in flags) else {}
        unchecked = {name for _, name in self.mapping.unchecked_outputs}
        for flag, place in flags:
            detail = dict(flag.evidence)
            consequence = self._consequence(flag, detail, state, never_done, held, unchecked)
            if consequence is None:
                continue
            kind = str(flag.kind)
            if flag.kind is DeviationKind.WRONG_ACTOR and not detail.get("pengguna"):
                kind, detail = DATA, {"pesan": tr("pelaksana tidak tercatat di log",
                                                  "the log names no one for this step")}
            finding = Finding(result.case, kind, flag.node, flag.occurred_at, place, detail,
                              flag.reason)
            (result.consequences if consequence else result.findings).append(finding)

    def _consequence(self, flag: DeviationFlagged, detail: dict[str, str], state: CaseState,
                     never_done: set[str], held: Mapping[str, set[str]],
                     unchecked: set[str]) -> bool | None:
        """Whether ``flag`` only follows from another deviation (a step never done that
        the flow waited for, an item nobody else held); None: not a finding at all (an
        output the log cannot show, a joint act whose other officers act later in the
        log). A missing output's ``detail`` keeps only what the log can show."""
        if flag.kind is DeviationKind.OUT_OF_ORDER:
            waiting = {n for n in detail.get("langkah_aktif", "").split(",") if n != "-"}
            # the steps it was waiting for that lead straight to it: with parallel
            # paths, a step of the other path may be open too, and done later
            before = {n for n in waiting if any(
                t.target == flag.node for t in self.wf.node(n).transitions)}
            return bool(waiting) and (waiting <= never_done or (
                bool(before) and before <= never_done))
        if flag.kind is DeviationKind.OVERDUE:
            return flag.node in never_done
        if flag.kind is DeviationKind.MISSING_INPUT:
            return all(held.get(name, set()) - {flag.node}
                       for name in detail.get("kurang", "").split("; "))
        if flag.kind is DeviationKind.MISSING_OUTPUT:
            checkable = [n for n in detail.get("kurang", "").split("; ") if n not in unchecked]
            if not checkable:
                return None  # the log has no column for it: not checkable, said once
            detail["kurang"] = "; ".join(checkable)
        elif flag.kind is DeviationKind.MISSING_SIGNER:
            step = next((s for s in state.steps if s.node == flag.node
                         and s.attempt == flag.attempt), None)
            if step is not None and len(step.signed) >= len(self.wf.node(step.node).roles):
                return None  # the other officers' acts follow in the log: all acted
        return False



def totals(results: Iterable[CaseResult]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for r in results:
        counts.update(f.kind for f in r.findings)
    return counts
