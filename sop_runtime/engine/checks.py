"""The checks every command goes through — who acts, when, on which step, with which
values — and the building blocks of the events ``decide`` returns. The flow and the
commands themselves are in :mod:`sop_runtime.engine.decision`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import TypedDict

from sop_runtime.compiler.workflow import Node, Workflow
from sop_runtime.definition.models import ItemKind, Penegakan, StepKind
from sop_runtime.definition.timelimit import TimeLimit
from sop_runtime.engine.actors import Directory, Grant
from sop_runtime.engine.commands import (
    CASE_RECORDS,
    Command,
    RecordNotice,
    StartCase,
    Sweep,
    WithdrawConsent,
)
from sop_runtime.engine.events import (
    DOCUMENT_KEYS,
    ActionRefused,
    DeviationFlagged,
    DeviationKind,
    Event,
    utc_iso,
)
from sop_runtime.engine.rejections import CommandRejected, StaleAction
from sop_runtime.engine.state import CaseState, StepState
from sop_runtime.engine.values import canonical, value_problem
from sop_runtime.wording import moment_text
from sop_runtime.worktime import CourtCalendar


@dataclass(frozen=True, slots=True)
class Context:
    """What ``decide`` needs besides the case: the time now, the court's calendar, who
    holds which role, and how late an entry may be recorded (``batas_pencatatan``).

    ``replay`` is record mode, for replaying a log kept elsewhere (conformance checking):
    the same rules, but nothing is refused (every violation is flagged, whatever the SOP's
    penegakan), the case's opening is not an act of its own (the first step's completion
    is checked), and a step completed again without the flow asking is rework (a new
    attempt, flagged) rather than a stale action."""

    now: datetime
    calendar: CourtCalendar
    directory: Directory
    entry_limit: TimeLimit | None = None
    replay: bool = False


class Envelope(TypedDict):
    """What every event carries: when it happened, when it was recorded, who recorded it."""

    occurred_at: datetime
    recorded_at: datetime
    actor: str | None


@dataclass(frozen=True, slots=True)
class Violation:
    kind: DeviationKind
    rule: str
    evidence: Mapping[str, str]


class Checks:
    """The state of one decision: the command, the clock, the events so far, and the
    checks on them."""

    def __init__(self, workflow: Workflow, state: CaseState, command: Command,
                 ctx: Context) -> None:
        self.wf = workflow
        self.state = state
        self.cmd = command
        self.ctx = ctx
        self.now = ctx.now
        self.at = command.at or ctx.now
        # the system's own records: no user acts
        self.actor: str | None = (
            None if isinstance(command, Sweep | RecordNotice)
            or (isinstance(command, WithdrawConsent) and command.by_applicant)
            else command.actor)
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

    def _env(self, at: datetime | None = None, system: bool = False) -> Envelope:
        return {"occurred_at": at or self.at, "recorded_at": self.now,
                "actor": None if system else self.actor}

    def _violate(self, kind: DeviationKind, rule: str, **evidence: str) -> None:
        self.violations.append(Violation(kind, rule, evidence))

    def _flag(self, kind: DeviationKind, rule: str, node: str | None = None,
              attempt: int | None = None, *, at: datetime | None = None, system: bool = False,
              reason: str | None = None, evidence: Mapping[str, str] | None = None) -> None:
        self.events.append(DeviationFlagged(
            **self._env(at, system), kind=kind, rule=rule, node=node,
            attempt=attempt, evidence=dict(evidence or {}), reason=reason))

    def _settle(self, enforcement: Penegakan, node: str | None,
                attempt: int | None = None) -> bool:
        """Apply the enforcement to the violations found; False when refused. Flags name
        ``attempt`` of ``node`` (default: its current attempt)."""
        if not self.violations:
            return True
        if enforcement is Penegakan.TOLAK and not self.ctx.replay:
            first = self.violations[0]
            detail = {k: text for v in self.violations for k, text in v.evidence.items()}
            detail["pelanggaran"] = ",".join(str(v.kind) for v in self.violations)
            detail["aturan"] = "; ".join(v.rule for v in self.violations)
            if self.state.status is None:  # a refused start: the attempt opens its own log
                detail |= {"sop": self.wf.sop_id, "versi": self.wf.version}
            self.events = [ActionRefused(
                **self._env(), command=self.cmd.name, code=str(first.kind),
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
            if not isinstance(self.cmd, (Sweep, *CASE_RECORDS)):
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
        return moment_text(moment, self.ctx.calendar.tz)

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
                by=f" ({self.ctx.directory.name(step.completed_by)}, "
                   f"{self._show(step.completed_at)})"
                if step.completed_by and step.completed_at else "")
        raise self._reject("step_not_active", "Langkah {node} belum aktif",
                           "Step {node} is not active", node=node.id)

    def _not_before(self, moment: datetime, what: str, **params: str) -> None:
        """Reject a time before ``moment``; ``what`` (formatted with ``params`` only then)
        says what happened at ``moment``."""
        if self.at < moment:
            raise self._reject(
                "before_activation",
                "Waktu {at} tidak mungkin: sebelum {what} ({since})",
                "Time {at} is impossible: before {what} ({since})",
                at=self._show(self.at), what=what.format(**params), since=self._show(moment))

    def _authorise(self, node: Node, roles: tuple[str, ...] | None = None) -> Grant | None:
        """How the actor holds one of ``roles`` (default: the step's acting roles); a wrong
        actor is a violation."""
        assert self.actor is not None
        roles = roles or self.wf.acting_roles(node)
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

    def _check_values(self, node: Node | None, values: Mapping[str, str]) -> dict[str, str]:
        items = self.wf.items_at(node)
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
            clean[key] = canonical(item, value)
        return clean

    def _check_documents(self, node: Node, documents: Mapping[str, Mapping[str, str | int]],
                         values: Mapping[str, str]) -> dict[str, dict[str, str | int]]:
        """The files of a completion: each for a ``dokumen`` item of the step, whose value
        the act gives too (the service fills in the file's name when none is typed)."""
        items = self.wf.items_at(node)
        clean: dict[str, dict[str, str | int]] = {}
        for key, document in documents.items():
            item = items.get(key)
            if item is None or item.jenis is not ItemKind.DOKUMEN:
                known = sorted(k for k, i in items.items() if i.jenis is ItemKind.DOKUMEN)
                raise self._reject(
                    "not_document", "'{key}' bukan dokumen di langkah {node}; dokumen yang "
                    "dikenal: {known}", "'{key}' is not a document at step {node}; known "
                    "documents: {known}", key=key, node=node.id, known=", ".join(known) or "-")
            if key not in values or set(document) != set(DOCUMENT_KEYS):
                raise self._reject("bad_document", "Berkas '{key}' tidak lengkap dicatat",
                                   "The file of '{key}' is not fully recorded", key=key)
            clean[key] = {k: document[k] for k in DOCUMENT_KEYS}
        return clean
