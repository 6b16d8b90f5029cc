"""``decide``: the events a command causes, by the SOP's rules. Pure: the clock, the
calendar and the directory of users are passed in.

Outcomes of a command:
- accepted: the events that record it (the step done, the next steps activated, any
  deviation it carries, flagged);
- refused by the procedure (``block`` enforcement): a single :class:`ActionRefused`, the
  record of the attempt, which changes nothing in the case;
- rejected as impossible or malformed: :class:`CommandRejected` is raised; nothing is
  recorded.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from sop_runtime.compiler.workflow import EdgeKind, Node, Workflow
from sop_runtime.definition.models import Item, Penegakan, StepKind
from sop_runtime.definition.timelimit import TimeLimit
from sop_runtime.engine.actors import Directory, Grant
from sop_runtime.engine.commands import (
    SUPERVISOR_COMMANDS,
    CancelCase,
    ClaimStep,
    Command,
    CompleteStep,
    ExtendStep,
    ReassignStep,
    ReopenStep,
    SkipStep,
    StartCase,
    Sweep,
)
from sop_runtime.engine.events import (
    ActionRefused,
    CaseCancelled,
    CaseCompleted,
    CaseStarted,
    DeviationFlagged,
    DeviationKind,
    Event,
    StepActivated,
    StepClaimed,
    StepCompleted,
    StepExtended,
    StepReassigned,
    StepSkipped,
    TimerFired,
    utc_iso,
)
from sop_runtime.engine.rejections import CommandRejected, StaleAction
from sop_runtime.engine.state import CaseState, StepState, StepStatus
from sop_runtime.engine.timing import service_deadline, step_deadlines
from sop_runtime.engine.values import value_problem
from sop_runtime.worktime import CourtCalendar


@dataclass(frozen=True, slots=True)
class Context:
    """What ``decide`` needs besides the case: the time now, the court's calendar, who
    holds which role, and how late an entry may be recorded (``batas_pencatatan``)."""

    now: datetime
    calendar: CourtCalendar
    directory: Directory
    entry_limit: TimeLimit | None = None


# start and complete check a late entry themselves, where the flag belongs among their events
LATE_CHECKED_HERE = (ClaimStep, ExtendStep, ReassignStep, SkipStep, ReopenStep, CancelCase)


@dataclass(frozen=True, slots=True)
class Violation:
    kind: DeviationKind
    rule: str
    evidence: Mapping[str, str]


def decide(workflow: Workflow, state: CaseState, command: Command, *,
           ctx: Context) -> list[Event]:
    """The events ``command`` causes on the case in ``state``; raises CommandRejected."""
    return _Decision(workflow, state, command, ctx).run()


class _Decision:
    def __init__(self, workflow: Workflow, state: CaseState, command: Command,
                 ctx: Context) -> None:
        self.wf = workflow
        self.state = state
        self.cmd = command
        self.ctx = ctx
        self.now = ctx.now
        self.at = command.at or ctx.now
        self.actor: str | None = None if isinstance(command, Sweep) else command.actor
        self.reason = (command.reason or "").strip() or None
        self.events: list[Event] = []
        self.violations: list[Violation] = []
        # Steps this decision has opened or closed, and completed: ``self.state`` does not
        # show them yet. Keeps attempts, anchors and "already open" right when one command
        # moves the same step twice (a decision branching back to itself, a step done early
        # whose branch returns to it, two timers leading to one step).
        self.attempts: dict[str, int] = {}     # node -> last attempt this decision activated
        self.open_now: dict[str, bool] = {}    # node -> open after this decision's events
        self.done_at: dict[str, datetime] = {}  # node -> when this decision completed it

    # -- building events ------------------------------------------------------------

    def _env(self, at: datetime | None = None, system: bool = False) -> dict[str, object]:
        return {"occurred_at": at or self.at, "recorded_at": self.now,
                "actor": None if system else self.actor}

    def _violate(self, kind: DeviationKind, rule: str, **evidence: str) -> None:
        self.violations.append(Violation(kind, rule, evidence))

    def _flag(self, kind: DeviationKind, rule: str, node: str | None = None,
              attempt: int | None = None, *, at: datetime | None = None, system: bool = False,
              reason: str | None = None, evidence: Mapping[str, str] | None = None) -> None:
        self.events.append(DeviationFlagged(
            **self._env(at, system), kind=kind, rule=rule, node=node,  # type: ignore[arg-type]
            attempt=attempt, evidence=dict(evidence or {}), reason=reason))

    def _settle(self, enforcement: Penegakan, node: str | None,
                attempt: int | None = None) -> bool:
        """Apply the enforcement to the violations found; False when refused. Flags name
        ``attempt`` of ``node`` (default: its current attempt)."""
        if not self.violations:
            return True
        if enforcement is Penegakan.TOLAK:
            first = self.violations[0]
            detail = {k: text for v in self.violations for k, text in v.evidence.items()}
            detail["pelanggaran"] = ",".join(str(v.kind) for v in self.violations)
            detail["aturan"] = "; ".join(v.rule for v in self.violations)
            if self.state.status is None:  # a refused start: the attempt opens its own log
                detail |= {"sop": self.wf.sop_id, "versi": self.wf.version}
            self.events = [ActionRefused(
                **self._env(), command=self.cmd.name, code=str(first.kind),  # type: ignore[arg-type]
                kind=first.kind, node=node, detail=detail, reason=self.reason)]
            return False
        for v in self.violations:
            self._flag(v.kind, v.rule, node, attempt or self._attempt_of(node),
                       reason=self.reason, evidence=v.evidence)
        return True

    def _attempt_of(self, node: str | None) -> int | None:
        step = self.state.current(node) if node else None
        return step.attempt if step else None

    # -- checks -----------------------------------------------------------------------

    def _reject(self, code: str, id_text: str, en_text: str, **params: object) -> CommandRejected:
        return CommandRejected(code, id_text, en_text, **params)

    def _common(self) -> None:
        if self.at.utcoffset() is None:
            raise self._reject("naive_time", "Waktu {at} tidak menyebut zona waktu",
                               "Time {at} has no time zone", at=self.at.isoformat())
        if self.at > self.now:
            raise self._reject(
                "future_time", "Waktu {at} belum terjadi (sekarang {now})",
                "Time {at} has not happened yet (now {now})",
                at=self._show(self.at), now=self._show(self.now))
        if isinstance(self.cmd, StartCase):
            if self.state.status is not None:
                raise self._reject("already_started", "Perkara {case} sudah dimulai",
                                   "Case {case} has already started", case=self.state.case_id)
        elif not self.state.is_active:
            if self.state.status is None:
                raise self._reject("case_not_started", "Perkara {case} belum dimulai",
                                   "Case {case} has not started", case=self.state.case_id)
            if not isinstance(self.cmd, Sweep):
                raise StaleAction(
                    "case_closed", "Perkara {case} sudah {status}; tidak ada yang dapat diubah",
                    "Case {case} is already {status}; nothing can be changed",
                    case=self.state.case_id, status=str(self.state.status))
        if self.actor is not None and not self.ctx.directory.knows(self.actor):
            raise self._reject("unknown_user", "Pengguna '{user}' tidak dikenal",
                               "Unknown user '{user}'", user=self.actor)
        if self.state.started_at is not None and not isinstance(self.cmd, Sweep):
            self._not_before(self.state.started_at, "perkara dimulai")

    def _show(self, moment: datetime) -> str:
        return moment.astimezone(self.ctx.calendar.tz).strftime("%Y-%m-%d %H:%M")

    def _node(self, node_id: str) -> Node:
        try:
            return self.wf.node(node_id)
        except KeyError:
            raise self._reject(
                "unknown_step", "SOP {sop} tidak mempunyai langkah {node}",
                "SOP {sop} has no step {node}", sop=self.wf.sop_id, node=node_id) from None

    def _open_step(self, node: Node) -> StepState:
        step = self.state.current(node.id)
        if step is not None and step.is_open:
            return step
        if step is not None:
            raise StaleAction(
                "step_closed", "Langkah {node} sudah {status}{by}; muat ulang perkara",
                "Step {node} is already {status}{by}; reload the case", node=node.id,
                status=str(step.status),
                by=f" ({step.completed_by}, {self._show(step.completed_at)})"
                if step.completed_by and step.completed_at else "")
        raise self._reject("step_not_active", "Langkah {node} belum aktif",
                           "Step {node} is not active", node=node.id)

    def _not_before(self, moment: datetime, what: str) -> None:
        if self.at < moment:
            raise self._reject(
                "before_activation",
                "Waktu {at} tidak mungkin: sebelum {what} ({since})",
                "Time {at} is impossible: before {what} ({since})",
                at=self._show(self.at), what=what, since=self._show(moment))

    def _authorise(self, node: Node) -> Grant | None:
        assert self.actor is not None
        roles = self.wf.acting_roles(node)
        grant = self.ctx.directory.grant_any(self.actor, roles, self.at)
        if grant is None:
            self._violate(DeviationKind.WRONG_ACTOR, "pelaksana",
                          pelaksana=",".join(roles), pengguna=self.actor)
        return grant

    def _separation(self, node: Node) -> None:
        for group in self.wf.separation:
            if node.no not in group.langkah:
                continue
            for other in group.langkah:
                if other != node.no and self.actor in self.state.done_by(str(other)):
                    self._violate(DeviationKind.SEPARATION_OF_DUTIES, "pemisahan_tugas",
                                  langkah_lain=str(other), pengguna=self.actor or "",
                                  alasan=group.alasan)

    def _late_entry(self, node: str | None, attempt: int | None = None) -> None:
        limit = self.ctx.entry_limit
        if limit is None or self.cmd.at is None:
            return
        allowed = self.ctx.calendar.due(self.at, limit)
        if self.now > allowed:
            self._flag(DeviationKind.LATE_ENTRY, "batas_pencatatan", node,
                       attempt or self._attempt_of(node), reason=self.reason,
                       evidence={"terjadi": utc_iso(self.at), "dicatat": utc_iso(self.now),
                                 "batas": limit.text or limit.canonical()})

    def _supervisor(self) -> bool:
        assert self.actor is not None
        if not self.ctx.directory.is_supervisor(self.actor, self.at):
            self._violate(DeviationKind.WRONG_ACTOR, "pengawas", pengguna=self.actor)
            return False
        if self.reason is None:
            raise self._reject("reason_required",
                               "Tindakan pengawas wajib disertai alasan (--reason)",
                               "A supervisor's action needs a reason (--reason)")
        return True

    # -- flow ---------------------------------------------------------------------------

    def _activate(self, node: Node, at: datetime, *, early: bool = False,
                  reopened: bool = False, fields: Mapping[str, str] | None = None
                  ) -> StepActivated:
        prev = self.state.current(node.id)
        attempt = self.attempts.get(node.id, prev.attempt if prev else 0) + 1
        due, timer_due = step_deadlines(self.state, node, fields or self.state.fields,
                                        self.ctx.calendar, at, done=self.done_at)
        event = StepActivated(
            **self._env(at, system=True), node=node.id,  # type: ignore[arg-type]
            attempt=attempt, due_at=due, timer_due=timer_due, early=early, reopened=reopened)
        self.events.append(event)
        self.attempts[node.id] = attempt
        self.open_now[node.id] = True
        return event

    def _closing(self, node: str, done_at: datetime | None = None) -> None:
        """This decision closes ``node`` (completed at ``done_at``, or not done)."""
        self.open_now[node] = False
        if done_at is not None:
            self.done_at[node] = done_at

    def _is_open(self, node: str) -> bool:
        if node in self.open_now:
            return self.open_now[node]
        step = self.state.current(node)
        return step is not None and step.is_open

    def _targets(self, node: Node, decision: str | None) -> tuple[str, ...]:
        if decision is not None:
            return tuple(t.target for t in node.transitions
                         if t.kind is EdgeKind.BRANCH and t.label == decision)
        return tuple(t.target for t in node.transitions
                     if t.kind in (EdgeKind.NEXT, EdgeKind.CONNECTOR))

    def _advance(self, targets: tuple[str, ...], at: datetime, fields: Mapping[str, str],
                 resumed: frozenset[str] = frozenset()) -> None:
        for target in targets:
            if self._is_open(target):
                continue
            if target in self.state.pending_early:
                self._resume(target, at, fields, resumed)
                continue
            self._enter(self.wf.node(target), at, fields)

    def _resume(self, node_id: str, at: datetime, fields: Mapping[str, str],
                resumed: frozenset[str]) -> None:
        """The flow reaches a step done ahead of it: it is not redone. The flow goes on from
        its outcome to the targets its early completion did not open (they were open then,
        e.g. a branch back to the very step whose completion now leads here); the targets
        opened since are its continuation already."""
        done = self.state.current(node_id)
        if node_id in resumed or done is None or done.status is not StepStatus.DONE:
            return
        since = self.state.steps[self.state.steps.index(done) + 1:]
        later = {s.node for s in since} | self.attempts.keys()
        rest = tuple(t for t in self._targets(self.wf.node(node_id), done.decision)
                     if t not in later)
        self._advance(rest, at, fields, resumed | {node_id})

    def _enter(self, node: Node, at: datetime, fields: Mapping[str, str], *,
               reopened: bool = False) -> None:
        """Activate ``node``; an off-page connector is a drawing device that nobody does:
        the flow passes through it to its pair at once."""
        activated = self._activate(node, at, fields=fields, reopened=reopened)
        if node.kind is StepKind.PENGHUBUNG:
            passed = self._targets(node, None)
            self.events.append(StepCompleted(
                **self._env(at, system=True), node=node.id,  # type: ignore[arg-type]
                attempt=activated.attempt, next=passed))
            self._closing(node.id, at)
            self._advance(passed, at, fields)

    def _finish(self, end_node: str, at: datetime) -> None:
        """The case reached an end: steps still open were never done."""
        for step in self.state.open_steps:
            if step.node == end_node:
                continue
            closed = max(at, step.activated_at)  # a step is not closed before it opened
            self._flag(DeviationKind.SKIPPED, "alur", step.node, step.attempt, at=closed,
                       evidence={"langkah": step.node})
            self.events.append(StepSkipped(
                **self._env(closed), node=step.node, attempt=step.attempt,  # type: ignore[arg-type]
                reason="perkara selesai sebelum langkah ini dikerjakan"))
        if (self.state.service_due is not None and at > self.state.service_due
                and not self.state.service_overdue_flagged):
            self._service_overdue(at)
        self.events.append(CaseCompleted(**self._env(at), end_node=end_node))  # type: ignore[arg-type]

    def _service_overdue(self, at: datetime) -> None:
        due = self.state.service_due
        assert due is not None and self.state.started_at is not None
        # a standard counted from a date in the case may be breached before the case started
        self._flag(DeviationKind.SERVICE_OVERDUE, "waktu_pelayanan", system=True,
                   at=max(due, self.state.started_at),
                   evidence={"batas": utc_iso(due), "terlambat_detik": str(
                       self.ctx.calendar.working_seconds_between(due, at))})

    def _overdue(self, node: str, attempt: int, due: datetime, at: datetime,
                 system: bool, opened: datetime | None = None) -> None:
        """Flag ``node``#``attempt`` as past ``due`` at ``at``. Found by the sweep
        (``system``), it happened at the deadline, or when the step ``opened`` if that was
        later (a limit anchored to an earlier date can be past before the step opens)."""
        when = max(due, opened or due) if system else at
        self._flag(DeviationKind.OVERDUE, "mutu_baku.waktu", node, attempt,
                   at=when, system=system,
                   evidence={"batas": utc_iso(due),
                             "terlambat_detik": str(self.ctx.calendar.working_seconds_between(
                                 due, at))})

    def _decision_label(self, node: Node, decision: str | None) -> str | None:
        labels = node.branch_labels
        if node.kind is not StepKind.KEPUTUSAN:
            if decision is not None:
                raise self._reject("no_decision", "Langkah {node} bukan keputusan",
                                   "Step {node} is not a decision", node=node.id)
            return None
        wanted = " ".join((decision or "").split()).casefold()
        for label in labels:
            if label.casefold() == wanted:
                return label
        raise self._reject(
            "bad_decision", "Keputusan langkah {node} harus salah satu dari: {labels}",
            "The decision of step {node} must be one of: {labels}",
            node=node.id, labels=" | ".join(labels))

    # -- commands -------------------------------------------------------------------------

    def run(self) -> list[Event]:
        self._common()
        cmd = self.cmd
        if type(cmd) in SUPERVISOR_COMMANDS and not self._supervisor():
            node = getattr(cmd, "node", None)
            self._settle(Penegakan.TOLAK, node)
            return self.events
        if isinstance(cmd, StartCase):
            self._start(cmd)
        elif isinstance(cmd, ClaimStep):
            self._claim(cmd)
        elif isinstance(cmd, CompleteStep):
            self._complete(cmd)
        elif isinstance(cmd, ExtendStep):
            self._extend(cmd)
        elif isinstance(cmd, ReassignStep):
            self._reassign(cmd)
        elif isinstance(cmd, SkipStep):
            self._skip(cmd)
        elif isinstance(cmd, ReopenStep):
            self._reopen(cmd)
        elif isinstance(cmd, CancelCase):
            self._flag(DeviationKind.OVERRIDE, "pembatalan", reason=self.reason,
                       evidence={"tindakan": "batal"})
            self.events.append(CaseCancelled(**self._env(), reason=self.reason or ""))  # type: ignore[arg-type]
        elif isinstance(cmd, Sweep):
            self._sweep()
        if (isinstance(cmd, LATE_CHECKED_HERE) and self.events
                and not any(isinstance(e, ActionRefused) for e in self.events)):
            node = getattr(cmd, "node", None)
            self._late_entry(node, self._attempt_of(node))
        return self.events

    def _check_values(self, node: Node | None, values: Mapping[str, str]) -> dict[str, str]:
        items: dict[str, Item] = {f.id: f for f in self.wf.fields}
        if node is not None:
            items.update({i.id: i for i in (*node.inputs, *node.outputs)})
        clean: dict[str, str] = {}
        for key, value in values.items():
            item = items.get(key)
            if item is None:
                raise self._reject(
                    "unknown_value", "'{key}' tidak dikenal di {where}; yang dikenal: {known}",
                    "'{key}' is not known at {where}; known: {known}", key=key,
                    where=f"langkah {node.id}" if node else self.wf.sop_id,
                    known=", ".join(sorted(items)) or "-")
            problem = value_problem(item, value)
            if problem is not None:
                raise self._reject("bad_value", "{p}", "{p}", p=problem)
            clean[key] = value.strip()
        return clean

    def _start(self, cmd: StartCase) -> None:
        fields = self._check_values(None, cmd.fields)
        start = self.wf.node(self.wf.start)
        self._authorise(start)
        if not self._settle(start.enforcement, start.id, attempt=1):
            return
        self.events.insert(0, CaseStarted(
            **self._env(), sop_id=self.wf.sop_id, version=self.wf.version,  # type: ignore[arg-type]
            fields=fields,
            service_due=service_deadline(self.wf, self.state, fields, self.ctx.calendar, self.at)))
        self._late_entry(None)
        self._activate(start, self.at, fields=fields)

    def _claim(self, cmd: ClaimStep) -> None:
        node = self._node(cmd.node)
        step = self._open_step(node)
        self._not_before(step.activated_at, f"langkah {node.id} aktif")
        if step.claimed_by == self.actor:
            return
        holder = step.claimed_by or step.assignee
        if holder is not None and holder != self.actor:
            raise StaleAction("taken", "Langkah {node} sudah dipegang {user}",
                              "Step {node} is already held by {user}", node=node.id, user=holder)
        self._authorise(node)
        self._separation(node)
        if not self._settle(node.enforcement, node.id):
            return
        self.events.append(StepClaimed(**self._env(), node=node.id, attempt=step.attempt))  # type: ignore[arg-type]

    def _complete(self, cmd: CompleteStep) -> None:
        node = self._node(cmd.node)
        step = self.state.current(node.id)
        early = step is None or (not step.is_open and step.status is not StepStatus.DONE
                                 and step.status is not StepStatus.SKIPPED)
        if not early:
            step = self._open_step(node)
            self._not_before(step.activated_at, f"langkah {node.id} aktif")
            holder = step.claimed_by or step.assignee
            if holder is not None and holder != self.actor:
                raise StaleAction("taken", "Langkah {node} sudah dipegang {user}",
                                  "Step {node} is already held by {user}", node=node.id,
                                  user=holder)
        decision = self._decision_label(node, cmd.decision)
        values = self._check_values(node, cmd.values)
        if early:
            self._violate(DeviationKind.OUT_OF_ORDER, "alur", langkah=node.id,
                          langkah_aktif=",".join(s.node for s in self.state.open_steps) or "-")
        # the attempt this completion is: the open one, or a new one activated early
        if early:
            attempt = (step.attempt + 1) if step else 1
        else:
            assert step is not None
            attempt = step.attempt
        grant = self._authorise(node)
        self._separation(node)
        known = {**self.state.values(), **values}
        missing_in = [i.nama for i in node.inputs if i.wajib and i.id not in known]
        if missing_in:
            self._violate(DeviationKind.MISSING_INPUT, "mutu_baku.kelengkapan",
                          kurang="; ".join(missing_in))
        missing_out = [o.nama for o in node.outputs if o.wajib and o.id not in values]
        if missing_out:
            self._violate(DeviationKind.MISSING_OUTPUT, "mutu_baku.output",
                          kurang="; ".join(missing_out))
        if not self._settle(node.enforcement, node.id, attempt):
            return
        self._late_entry(node.id, attempt)
        fields = {k: v for k, v in values.items() if any(f.id == k for f in self.wf.fields)}
        if early:
            due = self._activate(node, self.at, early=True,
                                 fields={**self.state.fields, **fields}).due_at
            if due is not None and self.at > due:  # anchored to a deadline already past
                self._overdue(node.id, attempt, due, self.at, system=False)
        else:
            assert step is not None
            if (step.due_at is not None and self.at > step.due_at
                    and step.overdue_flagged != step.due_at):
                self._overdue(step.node, step.attempt, step.due_at, self.at, system=False)
        lane = self.wf.role(node.role or "")
        targets = self._targets(node, decision)
        self.events.append(StepCompleted(
            **self._env(), node=node.id, attempt=attempt, outputs=values,  # type: ignore[arg-type]
            decision=decision, on_behalf_of=node.role if lane and lane.publik else None,
            as_delegate=grant.role if grant and grant.delegation else None,
            fields=fields, next=targets, reason=self.reason))
        self._closing(node.id, self.at)
        self._after(node, targets, {**self.state.fields, **fields})

    def _after(self, node: Node, targets: tuple[str, ...], fields: Mapping[str, str]) -> None:
        """Move the flow on from ``node``: activate its targets, or end the case."""
        if node.is_end:
            self._finish(node.id, self.at)
            return
        self._advance(targets, self.at, fields)

    def _extend(self, cmd: ExtendStep) -> None:
        node = self._node(cmd.node)
        step = self._open_step(node)
        self._not_before(step.activated_at, f"langkah {node.id} aktif")
        if node.extension is None:
            raise self._reject(
                "no_extension", "SOP tidak memberi perpanjangan untuk langkah {node}",
                "The SOP allows no extension for step {node}", node=node.id)
        if step.extensions:
            raise self._reject("already_extended", "Langkah {node} sudah diperpanjang",
                               "Step {node} has already been extended", node=node.id)
        if self.reason is None:
            raise self._reject("reason_required", "Perpanjangan wajib disertai alasan (--reason)",
                               "An extension needs a reason (--reason)")
        assert self.actor is not None
        if not self.ctx.directory.is_supervisor(self.actor, self.at):
            self._authorise(node)
        if not self._settle(node.enforcement, node.id):
            return
        base = step.due_at or self.at
        self.events.append(StepExtended(
            **self._env(), node=node.id, attempt=step.attempt,  # type: ignore[arg-type]
            due_at=self.ctx.calendar.due(base, node.extension), reason=self.reason))

    def _reassign(self, cmd: ReassignStep) -> None:
        node = self._node(cmd.node)
        step = self._open_step(node)
        self._not_before(step.activated_at, f"langkah {node.id} aktif")
        if not self.ctx.directory.knows(cmd.assignee):
            raise self._reject("unknown_user", "Pengguna '{user}' tidak dikenal",
                               "Unknown user '{user}'", user=cmd.assignee)
        if self.ctx.directory.grant_any(cmd.assignee, self.wf.acting_roles(node), self.at) is None:
            raise self._reject(
                "assignee_cannot_act", "{user} tidak memegang peran {roles} untuk langkah {node}",
                "{user} holds none of the roles {roles} of step {node}", user=cmd.assignee,
                roles=", ".join(self.wf.acting_roles(node)), node=node.id)
        self.events.append(StepReassigned(
            **self._env(), node=node.id, attempt=step.attempt,  # type: ignore[arg-type]
            assignee=cmd.assignee, reason=self.reason or ""))

    def _skip(self, cmd: SkipStep) -> None:
        node = self._node(cmd.node)
        step = self._open_step(node)
        self._not_before(step.activated_at, f"langkah {node.id} aktif")
        decision = self._decision_label(node, cmd.decision)
        targets = self._targets(node, decision)
        self._flag(DeviationKind.OVERRIDE, "lewati", node.id, step.attempt, reason=self.reason,
                   evidence={"tindakan": "lewati"})
        self.events.append(StepSkipped(
            **self._env(), node=node.id, attempt=step.attempt,  # type: ignore[arg-type]
            reason=self.reason or "", next=targets))
        self._closing(node.id)
        self._after(node, targets, self.state.fields)

    def _reopen(self, cmd: ReopenStep) -> None:
        node = self._node(cmd.node)
        step = self.state.current(node.id)
        if step is None or step.is_open:
            raise self._reject("not_reopenable", "Langkah {node} tidak dapat dibuka ulang: {why}",
                               "Step {node} cannot be reopened: {why}", node=node.id,
                               why="belum pernah aktif" if step is None else "masih terbuka")
        self._not_before(step.completed_at or step.activated_at, f"langkah {node.id} ditutup")
        self._flag(DeviationKind.OVERRIDE, "buka_ulang", node.id, step.attempt,
                   reason=self.reason, evidence={"tindakan": "buka_ulang"})
        self._enter(node, self.at, self.state.fields, reopened=True)

    def _sweep(self) -> None:
        if not self.state.is_active:
            return
        now = self.now
        for step in self.state.open_steps:
            if step.timer_due is not None and now >= step.timer_due:
                node = self.wf.node(step.node)
                assert node.timer is not None
                targets = (node.timer.target,)
                fired = max(step.timer_due, step.activated_at)  # not before the step opened
                self.events.append(TimerFired(
                    **self._env(fired, system=True), node=step.node,  # type: ignore[arg-type]
                    attempt=step.attempt, due=step.timer_due, next=targets))
                self._closing(step.node)
                self._advance(targets, fired, self.state.fields)
            elif (step.due_at is not None and now > step.due_at
                    and step.overdue_flagged != step.due_at):
                self._overdue(step.node, step.attempt, step.due_at, now, system=True,
                              opened=step.activated_at)
        if (self.state.service_due is not None and now > self.state.service_due
                and not self.state.service_overdue_flagged):
            self._service_overdue(now)
