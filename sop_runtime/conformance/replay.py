"""Replaying an imported log through the engine's own rules, in record mode.

Each case's rows, in time order, become the commands a clerk would have given: the first
row starts the case, every row completes its step at its time, by its person, with the
values the log holds. ``decide`` (with ``Context.replay``) judges them exactly as it judges
live work, never refusing; the deviations it flags are the findings. There is no second copy
of the rules here: this module only turns rows into commands and then sorts the engine's
flags into what an auditor reads.

Real logs are not the engine's own clean output. Other work interleaves with a case's rows, so a
decision whose outcome the log does not write takes the branch the case's first later row of one
of its targets shows (rows of other steps in between do not matter), and stays open when no
such row comes. Every row's person is checked, whatever else is wrong with the row. A row that
names nobody is done by the mapping's default (``pelaksana_bawaan``), or is a finding of its
own. A log cut at a date holds cases that have only begun: they are *unfinished*, their open
steps are reported as open at the log's end and never as skipped or late. Exact duplicate
rows (the same act written twice) are replayed once and counted. The case's fields come from
the log's columns, and dates are read as the log writes them.

One deviation can drag others behind it. A step that never happened leaves its successor
done "ahead of the flow", and the inputs it should have produced missing; a step that is
never done is not also "late". Those flags are kept, but as consequences of the finding
that explains them, so the report names each deviation once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, tzinfo
from itertools import islice
from operator import attrgetter, lt

from sop_runtime.compiler.workflow import EdgeKind, Node, Workflow
from sop_runtime.conformance.mapping import LogMapping, Target
from sop_runtime.conformance.readers import LogRow
from sop_runtime.definition.models import ItemKind, StepKind
from sop_runtime.engine.actors import Directory
from sop_runtime.engine.checks import Context
from sop_runtime.engine.commands import CompleteStep, StartCase, Sweep
from sop_runtime.engine.decision import decide
from sop_runtime.engine.events import DeviationFlagged, DeviationKind, Event
from sop_runtime.engine.rejections import CommandRejected
from sop_runtime.engine.state import CaseState, CaseStatus, StepStatus, apply
from sop_runtime.engine.values import value_problem
from sop_runtime.worktime import CourtCalendar

# findings that are not deviations of the procedure but of the log itself
DATA = "data"                    # a row the rules cannot take (bad value, unknown decision...)
AFTER_END = "after_end"          # a row after the case had ended
NO_ACTOR = "no_actor"            # a row naming nobody, with no default in the mapping

_TIME_PLACE = attrgetter("at", "place")  # a case's rows in time order, then the log's

# the username a row naming nobody is replayed as: one per row (two unnamed rows are not
# known to be one person), with the row's role column after the prefix
UNNAMED = "\x00tanpa-nama\x00"


@dataclass(frozen=True, slots=True)
class Finding:
    case: str
    kind: str                    # a DeviationKind, or DATA / AFTER_END
    node: str | None
    at: datetime | None
    place: int                   # the row of the log it comes from (or was replayed at)
    detail: Mapping[str, str] = field(default_factory=dict)
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class OpenStep:
    """A step still open when the case's replay ends."""

    node: str
    since: datetime
    due: datetime | None
    undecided: bool = False  # a decision done, its outcome nowhere in the log


@dataclass
class CaseResult:
    case: str
    rows: int
    completed: bool
    open_steps: tuple[str, ...] = ()
    findings: list[Finding] = field(default_factory=list)
    consequences: list[Finding] = field(default_factory=list)
    unfinished: bool = False     # the log ends before the case does
    open_at_end: tuple[OpenStep, ...] = ()
    duplicates: int = 0          # rows written twice, replayed once
    unnamed: int = 0             # rows naming nobody, done by the mapping's default


class _Holders(Mapping[str, frozenset[str]]):
    """Who holds which roles: the log's named people, and the unnamed ones (the mapping's
    default roles, with what their row's role column maps to)."""

    def __init__(self, named: dict[str, frozenset[str]], default: frozenset[str],
                 roles: Mapping[str, str]) -> None:
        self.named, self.default, self.roles = named, default, roles

    def __getitem__(self, username: str) -> frozenset[str]:
        if username.startswith(UNNAMED):
            role = self.roles.get(username[len(UNNAMED):].rpartition("\x00")[0])
            return self.default | {role} if role else self.default
        return self.named[username]

    def __iter__(self) -> Iterator[str]:
        return iter(self.named)

    def __len__(self) -> int:
        return len(self.named)


@dataclass
class Replayer:
    """Replays cases of one SOP as a mapping reads them."""

    wf: Workflow
    mapping: LogMapping
    calendar: CourtCalendar
    directory: Directory
    _values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    timers: bool = False  # whether any step has a timer (else no sweep is ever due)
    case_fields: tuple[str, ...] = ()  # the case's fields the log has columns for
    dates: frozenset[str] = frozenset()  # mapped items that are dates

    def __post_init__(self) -> None:
        self.timers = any(n.timer is not None for n in self.wf.nodes)
        self.case_fields = tuple(f.id for f in self.wf.fields if f.id in self.mapping.values)
        items = [*self.wf.fields, *(i for n in self.wf.nodes for i in (*n.inputs, *n.outputs))]
        self.dates = frozenset(i.id for i in items if i.jenis is ItemKind.TANGGAL
                               and i.id in self.mapping.values)

    @classmethod
    def build(cls, wf: Workflow, mapping: LogMapping, calendar: CourtCalendar,
              people: Iterable[tuple[str, str]], supervisor_roles: frozenset[str]) -> Replayer:
        """``people``: every (person, role column) pair the log holds; each person holds the
        roles the mapping gives them, or the roles their role column maps to."""
        roles: dict[str, set[str]] = {}
        for person, role in people:
            if not person:  # nobody named: see who
                continue
            held = roles.setdefault(person, set())
            mapped = mapping.resources.get(person)
            if mapped is not None:
                held |= mapped
            elif role and role in mapping.roles:
                held.add(mapping.roles[role])
        holders = _Holders({p: frozenset(r) for p, r in roles.items()},
                           mapping.default_roles or frozenset(), mapping.roles)
        directory = Directory(roles=holders, supervisor_roles=supervisor_roles)
        return cls(wf, mapping, calendar, directory)

    def values_at(self, node: Node) -> tuple[str, ...]:
        """The mapped items a completion of ``node`` may carry."""
        known = self._values.get(node.id)
        if known is None:
            ids = {f.id for f in self.wf.fields} | {i.id for i in (*node.inputs, *node.outputs)}
            known = tuple(item for item in self.mapping.values if item in ids)
            self._values[node.id] = known
        return known

    def begin(self, case: str, rows: list[LogRow]
              ) -> tuple[list[tuple[LogRow, Target]], CaseResult]:
        """A case's rows to replay as acts (without repeats, mapped to steps, in time order)
        and its result before any act."""
        times = [r.at for r in rows]
        if all(map(lt, times, islice(times, 1, None))):
            duplicates = 0  # every row at its own moment, in time order: nothing to do
        else:
            rows, duplicates = _distinct(rows)
            rows = sorted(rows, key=_TIME_PLACE)
        acts = self.mapping.activities
        todo = [(r, t) for r in rows if (t := acts.get(r.activity)) is not None]
        result = CaseResult(case, len(rows) + duplicates, completed=False,
                            duplicates=duplicates)
        if todo:
            result.unnamed = sum(1 for r, _ in todo if not r.resource) if (
                self.mapping.default_roles is not None) else 0
        return todo, result

    def replay(self, case: str, rows: list[LogRow]) -> CaseResult:
        todo, result = self.begin(case, rows)
        if not todo:
            return result
        flags: list[tuple[DeviationFlagged, int]] = []
        first = todo[0][0]
        # one clock for the whole case: "now" is its last row (nothing is after it), which
        # is all a replay needs of it (no entry is judged late: the log has no entry times)
        ctx = Context(now=max(r.at for r, _ in todo), calendar=self.calendar,
                      directory=self.directory, replay=True)
        state = self._start(case, todo, ctx, flags)
        undecided: set[str] = set()
        for i, (row, target) in enumerate(todo):
            node = self.wf.node(target.node)
            if state.status is not CaseStatus.ACTIVE:
                result.findings.append(Finding(case, AFTER_END, target.node, row.at, row.place,
                                               {"aktivitas": row.activity}))
                self.check_actor(result, node, row)
                continue
            if self.timers and any(s.timer_due is not None and s.timer_due <= row.at
                                   for s in state.open_steps):
                # what time alone caused by this row: the sweep judges at the row's time
                swept = decide(self.wf, state, Sweep(at=row.at), ctx=Context(
                    now=row.at, calendar=self.calendar, directory=self.directory, replay=True))
                state = self._apply(state, swept, flags, row.place)
            decision = self.decision(node, row, target, islice(todo, i + 1, None))
            if isinstance(decision, Open):  # done, but where it led the log does not show
                undecided.add(node.id)
                self.check_actor(result, node, row)
                continue
            values = self.row_values(result, node, row)
            command = CompleteStep(actor=self.who(row), at=row.at, node=node.id,
                                   values=values, decision=decision, day_only=row.day_only)
            try:
                events = decide(self.wf, state, command, ctx=ctx)
            except CommandRejected as exc:  # StaleAction included
                result.findings.append(Finding(case, DATA, node.id, row.at, row.place,
                                               {"aktivitas": row.activity, "pesan": str(exc)}))
                self.check_actor(result, node, row)
                continue
            state = self._apply(state, events, flags, row.place)
        result.completed = state.status is CaseStatus.COMPLETED
        result.unfinished = state.status is CaseStatus.ACTIVE
        result.open_steps = tuple(s.node for s in state.open_steps)
        result.open_at_end = tuple(OpenStep(s.node, s.activated_at, s.due_at,
                                            s.node in undecided) for s in state.open_steps)
        self.conclude(state, flags, result, first.at)
        return result

    def conclude(self, state: CaseState, flags: list[tuple[DeviationFlagged, int]],
                 result: CaseResult, start: datetime) -> None:
        """The flags sorted into findings and consequences, the findings in time order."""
        self.sort(state, flags, result)
        result.findings.sort(key=lambda f: (f.at or start, f.place))

    def _start(self, case: str, todo: list[tuple[LogRow, Target]], ctx: Context,
               flags: list[tuple[DeviationFlagged, int]]) -> CaseState:
        """The case started at its first row, with the fields the log's columns give it; a
        field the rules cannot take is left out (its row says why when it is replayed)."""
        first = todo[0][0]
        state = CaseState(case_id=case)
        events = decide(self.wf, state, StartCase(actor=self.who(first), at=first.at,
                                                  fields=self.case_values(todo)), ctx=ctx)
        return self._apply(state, events, flags, first.place)

    def case_values(self, todo: list[tuple[LogRow, Target]]) -> dict[str, str]:
        """The case's fields as its rows give them (the first row that has one); a value
        the rules cannot take is left out."""
        fields: dict[str, str] = {}
        for item in self.case_fields:
            value = next((r.values[item] for r, _ in todo if item in r.values), None)
            if value is not None:
                fields[item] = self._value(item, value)
        items = self.wf.items_at(None)
        return {k: v for k, v in fields.items() if value_problem(items[k], v) is None}

    def row_values(self, result: CaseResult, node: Node, row: LogRow) -> dict[str, str]:
        """The row's values the step takes; one the rules cannot take is a finding of the
        row, and the act is replayed without it (the step was done all the same)."""
        items = self.wf.items_at(node)
        values: dict[str, str] = {}
        for item in self.values_at(node):
            text = row.values.get(item)
            if text is None:
                continue
            value = self._value(item, text)
            problem = value_problem(items[item], value)
            if problem is None:
                values[item] = value
            else:
                result.findings.append(Finding(result.case, DATA, node.id, row.at, row.place,
                                               {"aktivitas": row.activity, "pesan": problem}))
        return values

    def _value(self, item: str, text: str) -> str:
        """A value as the rules take it: a date read as the log writes it (the mapping's
        ``format_tanggal``, or ISO with or without a time and zone: the court's day)."""
        if item not in self.dates:
            return text
        day = _date(text.strip(), self.mapping.date_format, self.calendar.tz)
        return text if day is None else day.isoformat()

    def check_actor(self, result: CaseResult, node: Node, row: LogRow) -> None:
        """The person of a row the rules did not take as an act: still someone who may do
        its step? (an act the rules take is judged by them)."""
        roles = self.wf.acting_roles(node)
        if self.directory.grant_any(self.who(row), roles, row.at) is not None:
            return
        detail = {"pelaksana": ",".join(roles), "pengguna": row.resource}
        result.findings.append(Finding(result.case, self._actor_kind(row.resource), node.id,
                                       row.at, row.place, detail))

    def _actor_kind(self, person: str) -> str:
        unnamed = not person and self.mapping.default_roles is None
        return NO_ACTOR if unnamed else str(DeviationKind.WRONG_ACTOR)

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

    def who(self, row: LogRow) -> str:
        # a row naming nobody is done by an unnamed holder of the mapping's default roles
        # (and of its role column's), one per row; with no default, the rules flag a wrong
        # actor, which sort reports as what it is, a gap in the log
        return row.resource or f"{UNNAMED}{row.role}\x00{row.place}"

    def decision(self, node: Node, row: LogRow, target: Target,
                  later: Iterable[tuple[LogRow, Target]]) -> str | Open | None:
        """The decision's outcome: as the log writes it, or the branch that leads to the
        first later row of one of its targets (other work may come in between); ``OPEN``
        when no later row shows one (the step stays open); None: the data decides, or the
        rows leave it ambiguous (the rules then say why)."""
        if node.kind is not StepKind.KEPUTUSAN:
            return None
        if row.decision:
            return row.decision
        if target.decision:
            return target.decision
        labels: dict[str, list[str]] = {}
        for t in node.transitions:
            if t.kind is EdgeKind.BRANCH and t.label is not None:
                labels.setdefault(t.target, []).append(t.label)
        for _, nxt in later:
            chosen = labels.get(nxt.node)
            if chosen is not None:
                return chosen[0] if len(chosen) == 1 else None
        return None if node.data_decided else OPEN

    def _apply(self, state: CaseState, events: list[Event],
               flags: list[tuple[DeviationFlagged, int]], place: int) -> CaseState:
        for e in events:
            state = apply(state, e)
            if isinstance(e, DeviationFlagged):
                flags.append((e, place))
        return state

    def sort(self, state: CaseState, flags: list[tuple[DeviationFlagged, int]],
              result: CaseResult) -> None:
        """Flags to findings: each deviation once, with what it dragged behind it."""
        if not flags:
            return
        done = {s.node for s in state.steps if s.status is StepStatus.DONE}
        still_open = {(s.node, s.attempt) for s in state.open_steps}
        # an open step of an unfinished case is not "never done": it may be done after the
        # log's end
        never_done = {s.node for s in state.steps} - done - {n for n, _ in still_open}
        held = self._held(state) if any(
            f.kind is DeviationKind.MISSING_INPUT for f, _ in flags) else {}
        unchecked = {name for _, name in self.mapping.unchecked_outputs}
        for flag, place in flags:
            detail = dict(flag.evidence)
            if (flag.kind is DeviationKind.OVERDUE
                    and (flag.node, flag.attempt) in still_open):
                continue  # open at the log's end: reported with the unfinished case
            consequence = self._consequence(flag, detail, state, never_done, held, unchecked)
            if consequence is None:
                continue
            kind = str(flag.kind)
            if detail.get("pengguna", "").startswith(UNNAMED):
                detail["pengguna"] = ""
                if flag.kind is DeviationKind.WRONG_ACTOR:
                    kind = self._actor_kind("")
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



class Open:
    """A decision's outcome the log does not show: the step stays open."""


OPEN = Open()


def _distinct(rows: list[LogRow]) -> tuple[list[LogRow], int]:
    """The rows without exact repeats (the same act written twice), and how many there
    were."""
    seen: dict[tuple[object, ...], list[dict[str, str]]] = {}
    kept: list[LogRow] = []
    for r in rows:
        key = (r.activity, r.resource, r.role, r.at, r.decision)
        values = seen.get(key)
        if values is None:
            seen[key] = [r.values]
        elif r.values in values:
            continue
        else:
            values.append(r.values)
        kept.append(r)
    return kept, len(rows) - len(kept)


def _date(text: str, fmt: str | None, tz: tzinfo) -> date | None:
    """A date as a log writes it: by ``fmt`` (strptime), or ISO with or without a time and
    zone (a moment with a zone is the court's day at ``tz``); None: not a date."""
    try:
        if fmt:
            return datetime.strptime(text, fmt).date()
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment.astimezone(tz).date() if moment.tzinfo is not None else moment.date()


def totals(results: Iterable[CaseResult]) -> Counter[str]:
    counts: Counter[str] = Counter()
    for r in results:
        counts.update(f.kind for f in r.findings)
    return counts
