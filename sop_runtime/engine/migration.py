"""Moving a running case to another version of its SOP (``MigrateCase``). Part of
:func:`sop_runtime.engine.decision.decide`, which is given the new workflow as ``target``;
pure like it.

Each open step goes to the step of the same id in the new version, unless the supervisor's
mapping names it; a step that has nowhere to go refuses the move, naming the step. The
limits of the moved steps are counted again under the new step's rules (its ``waktu``, the
unit it is written in, its anchor, its timer) from the moment the step was activated: the
move does not restart anyone's clock. A limit that had already passed under the old rules
keeps its record (flagged, or its lateness settled, as an extension does); one that the
new rules put in the past is found by the sweep as any other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sop_runtime.compiler.workflow import Node, Workflow
from sop_runtime.definition.models import StepKind
from sop_runtime.engine.checks import Checks
from sop_runtime.engine.commands import MigrateCase
from sop_runtime.engine.events import CaseMigrated, DeviationKind, utc_iso
from sop_runtime.engine.rejections import CommandRejected
from sop_runtime.engine.state import CaseState, StepState
from sop_runtime.engine.timing import service_deadline, step_deadlines
from sop_runtime.worktime import CourtCalendar

WITHDRAWN_BY_MOVE = ("perkara dipindahkan ke versi baru sebelum batas ini terlewati "
                     "(dicatat kemudian)")


@dataclass(frozen=True, slots=True)
class Move:
    """One open step's move: from ``step`` (its old id and attempt) to ``node`` of the new
    version as attempt ``attempt``, with its recomputed limits."""

    step: StepState
    node: Node
    attempt: int
    due_at: datetime | None
    timer_due: datetime | None

    def record(self) -> dict[str, str]:
        return {"langkah": self.step.node, "percobaan": str(self.step.attempt),
                "ke": self.node.id, "percobaan_baru": str(self.attempt),
                "batas": utc_iso(self.due_at) if self.due_at else "",
                "batas_tunggu": utc_iso(self.timer_due) if self.timer_due else ""}


def _step_words(wf: Workflow, node_id: str) -> str:
    try:
        node = wf.node(node_id)
    except KeyError:
        return node_id
    return f"{node.no} ({' '.join(node.kegiatan.split())})"


def plan_moves(old: Workflow, new: Workflow, state: CaseState, mapping: dict[str, str],
               calendar: CourtCalendar) -> list[Move]:
    """Where each open step of ``state`` goes in ``new``, with its limits recomputed;
    raises :class:`CommandRejected` naming the first step that cannot be moved."""
    for source, target in sorted(mapping.items()):
        if source not in {n.id for n in old.nodes}:
            raise CommandRejected(
                "unknown_step", "Peta menyebut langkah {s}, yang tidak ada di versi {v}",
                "The mapping names step {s}, which is not in version {v}", s=source,
                v=old.short_version)
        if target not in {n.id for n in new.nodes}:
            raise CommandRejected(
                "unknown_step", "Peta memindahkan langkah {s} ke langkah {t}, yang tidak ada "
                "di versi {v}", "The mapping moves step {s} to step {t}, which is not in "
                "version {v}", s=_step_words(old, source), t=target, v=new.short_version)
    moves: list[Move] = []
    taken: dict[str, str] = {}
    for step in state.open_steps:
        target = mapping.get(step.node, step.node)
        try:
            node = new.node(target)
        except KeyError:
            raise CommandRejected(
                "unmappable_step", "Langkah {s} tidak ada di versi {v}; sebutkan padanannya "
                "(peta {n}=LANGKAH_BARU)", "Step {s} is not in version {v}; name its "
                "counterpart (map {n}=NEW_STEP)", s=_step_words(old, step.node),
                v=new.short_version, n=step.node) from None
        if node.kind is StepKind.PENGHUBUNG:
            raise CommandRejected(
                "unmappable_step", "Langkah {s} tidak dapat dipindahkan ke langkah {t}: "
                "penghubung tidak dikerjakan siapa pun", "Step {s} cannot move to step {t}: "
                "a connector is done by nobody", s=_step_words(old, step.node),
                t=_step_words(new, target))
        if target in taken:
            raise CommandRejected(
                "unmappable_step", "Langkah {a} dan langkah {b} sama-sama dipindahkan ke "
                "langkah {t}", "Steps {a} and {b} both move to step {t}",
                a=_step_words(old, taken[target]), b=_step_words(old, step.node),
                t=_step_words(new, target))
        taken[target] = step.node
        moves.append(_move(new, state, step, node, calendar))
    for node_id in sorted(state.pending_early):
        if node_id not in {n.id for n in new.nodes}:
            raise CommandRejected(
                "unmappable_step", "Langkah {s} sudah dikerjakan mendahului alur dan tidak "
                "ada di versi {v}", "Step {s} was done ahead of the flow and is not in "
                "version {v}", s=_step_words(old, node_id), v=new.short_version)
    return moves


def _move(new: Workflow, state: CaseState, step: StepState, node: Node,
          calendar: CourtCalendar) -> Move:
    if node.id == step.node:
        attempt = step.attempt
    else:  # after every attempt the case's history holds of that id
        attempt = 1 + max((s.attempt for s in state.steps if s.node == node.id), default=0)
    due, timer_due = step_deadlines(state, node, state.fields, calendar, step.activated_at,
                                    channel=new.channel)
    if (step.extensions and due is not None and node.extension is not None
            and node.extension_scope != "waktu_pelayanan"):
        due = calendar.due(due, node.extension, end=node.limit_end, channel=new.channel)
    return Move(step, node, attempt, due, timer_due)


def service_due_after(old: Workflow, new: Workflow, state: CaseState,
                      calendar: CourtCalendar) -> datetime | None:
    """The case's service due time under ``new``: its standard counted again from the
    case's start; a due time that is not the old standard's own (extended) is kept."""
    if state.started_at is None:
        return state.service_due
    if state.service_due != service_deadline(old, state, state.fields, calendar,
                                             state.started_at):
        return state.service_due
    return service_deadline(new, state, state.fields, calendar, state.started_at)


class Migration(Checks):
    """The decision of a :class:`MigrateCase` (a supervisor's, checked before)."""

    target: Workflow | None = None

    if TYPE_CHECKING:  # the decision's own, on the limits a move stops
        def _closed_late(self, step: StepState, at: datetime) -> None: ...
        def _service_closed(self, at: datetime) -> None: ...
        def _withdraw_flag(self, seq: int, kind: DeviationKind, node: str | None,
                           attempt: int | None, reason: str) -> None: ...

    def _migrate(self, cmd: MigrateCase) -> None:
        new = self.target
        if new is None or new.version != cmd.to_version:  # a programming error
            raise TypeError("MigrateCase is decided with its target workflow")
        if new.sop_id != self.wf.sop_id:
            raise self._reject(
                "other_sop", "Versi {v} adalah versi SOP {other}, bukan SOP {sop} perkara ini",
                "Version {v} is a version of SOP {other}, not of this case's SOP {sop}",
                v=new.short_version, other=new.sop_id, sop=self.wf.sop_id)
        if new.version == self.state.version:
            raise self._reject("same_version", "Perkara {case} sudah berjalan pada versi {v}",
                               "Case {case} already runs on version {v}",
                               case=self.state.case_id, v=new.short_version)
        assert self.reason is not None  # a supervisor's act: checked with its reason
        calendar = self.ctx.calendar
        moves = plan_moves(self.wf, new, self.state, dict(cmd.mapping), calendar)
        for m in moves:
            self._limit_moved(m.step, m.due_at)
        service_due = service_due_after(self.wf, new, self.state, calendar)
        self._service_moved(service_due)
        self.events.append(CaseMigrated(
            **self._env(), from_version=self.state.version, to_version=new.version,
            mapping={m.step.node: m.node.id for m in moves},
            steps=tuple(m.record() for m in moves), reason=self.reason,
            service_due=service_due))

    def _limit_moved(self, step: StepState, due: datetime | None) -> None:
        """The old limit of a moved step stops at the move: passed already, its lateness is
        recorded as a sweep then would have; a sweep's flag of a moment after the move that
        the new limit does not reach is withdrawn."""
        if due == step.due_at:
            return
        if step.due_at is not None and self.at > step.due_at:
            self._closed_late(step, self.at)
        elif (step.overdue_seq is not None and step.overdue_flagged is not None
                and (due is None or step.overdue_flagged < due)):
            self._withdraw_flag(step.overdue_seq, DeviationKind.OVERDUE, step.node,
                                step.attempt, WITHDRAWN_BY_MOVE)

    def _service_moved(self, due: datetime | None) -> None:
        state = self.state
        if due == state.service_due:
            return
        if state.service_due is not None and self.at > state.service_due:
            self._service_closed(self.at)
        elif (state.service_overdue_seq is not None and state.service_overdue_due is not None
                and (due is None or state.service_overdue_due < due)):
            self._withdraw_flag(state.service_overdue_seq, DeviationKind.SERVICE_OVERDUE,
                                None, None, WITHDRAWN_BY_MOVE)
