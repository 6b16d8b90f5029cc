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

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sop_runtime.compiler.workflow import EdgeKind, Node, Workflow
from sop_runtime.definition.models import Penegakan, StepKind
from sop_runtime.definition.timelimit import TimeLimit
from sop_runtime.engine.actors import Grant
from sop_runtime.engine.acts import ActChecks
from sop_runtime.engine.checks import Context, Violation
from sop_runtime.engine.commands import (
    SUPERVISOR_COMMANDS,
    CancelCase,
    ClaimStep,
    Command,
    CompleteStep,
    ExtendStep,
    MigrateCase,
    ReassignStep,
    RecordNotice,
    RecordParties,
    RecordRegisterNumber,
    ReissueTrackingCode,
    ReopenStep,
    ReportAutomationFailure,
    SkipStep,
    StartCase,
    Sweep,
    WithdrawConsent,
)
from sop_runtime.engine.events import (
    ActionRefused,
    ApplicantNotified,
    AutomationFailed,
    CaseCancelled,
    CaseCompleted,
    CaseStarted,
    ConsentGiven,
    ConsentWithdrawn,
    DeviationKind,
    DeviationWithdrawn,
    Event,
    LatenessSettled,
    NoticeFailed,
    PartiesRecorded,
    RegisterNumberRecorded,
    StepActivated,
    StepClaimed,
    StepCompleted,
    StepExtended,
    StepReassigned,
    StepSigned,
    StepSkipped,
    StepWithdrawn,
    TimerFired,
    TimerWithdrawn,
    TrackingCodeReissued,
    utc_iso,
)
from sop_runtime.engine.joins import Joins
from sop_runtime.engine.migration import Migration
from sop_runtime.engine.parties import CHANNELS, check_parties, register_number
from sop_runtime.engine.rejections import StaleAction
from sop_runtime.engine.state import CaseState, StepState, StepStatus, apply
from sop_runtime.engine.timing import (
    is_past,
    overdue_evidence,
    service_deadline,
    step_deadlines,
)

__all__ = ["Context", "Violation", "decide"]


# start and complete check a late entry themselves, where the flag belongs among their events
LATE_CHECKED_HERE = (ClaimStep, ExtendStep, ReassignStep, SkipStep, ReopenStep, CancelCase,
                     MigrateCase)

def decide(workflow: Workflow, state: CaseState, command: Command, *,
           ctx: Context, target: Workflow | None = None) -> list[Event]:
    """The events ``command`` causes on the case in ``state``; raises CommandRejected.
    ``target``: the version a :class:`MigrateCase` moves the case to.

    An act is judged on the case as it stood when it happened: a timer that ran out before
    it fires first (as a sweep at that moment would have), whether or not a sweep has run.
    A refused act changes nothing, so then only its refusal is recorded."""
    fired: list[Event] = []
    at = command.at or ctx.now
    if (state.is_active and not ctx.replay and not isinstance(command, Sweep | StartCase)
            and any(s.timer_due is not None and s.timer_due <= at for s in state.open_steps)):
        fired = _Decision(workflow, state, command, ctx).fire_timers(at)
        for event in fired:
            state = apply(state, event)
    decision = _Decision(workflow, state, command, ctx)
    decision.target = target
    events = decision.run()
    if fired and not any(isinstance(e, ActionRefused) for e in events):
        return [*fired, *events]
    return events


@dataclass(slots=True)
class _Act:
    """One completion of a step as :meth:`_Decision._complete` works it out."""

    node: Node
    step: StepState | None  # the attempt open or last done (None: never activated)
    early: bool  # done ahead of the flow: a new attempt, activated now
    rework: bool  # replaying a log, done again: a new attempt
    values: dict[str, str]  # what this act gives
    given: dict[str, str]  # with a joint step's earlier officers' outputs
    awaited: tuple[str, ...]  # the roles that may do this act
    final: bool  # completes the step (a joint step's last officer, or any other step)
    attempt: int
    grant: Grant | None = None  # how the actor holds the role (after the actor check)
    documents: dict[str, dict[str, str | int]] | None = None  # the files this act gives


class _Decision(Joins, ActChecks, Migration):
    # -- flow ---------------------------------------------------------------------------

    def _activate(self, node: Node, at: datetime, *, early: bool = False,
                  reopened: bool = False, fields: Mapping[str, str] | None = None
                  ) -> StepActivated:
        prev = self.state.current(node.id)
        attempt = self.attempts.get(node.id, prev.attempt if prev else 0) + 1
        due, timer_due = step_deadlines(self.state, node, fields or self.state.fields,
                                        self.ctx.calendar, at, done=self.done_at,
                                        channel=self.wf.channel)
        if (node.id in self.state.granted_extensions and due is not None
                and node.extension is not None and node.extension_scope != "waktu_pelayanan"):
            due = self.ctx.calendar.due(  # extended before it opened
                due, node.extension, end=node.limit_end, channel=self.wf.channel)
        event = StepActivated(
            **self._env(at, system=True), node=node.id,
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
            node = self.wf.node(target)
            opens = self._join_opens(node, at) if node.waits else at
            if opens is None:
                continue  # a join: the flow has not arrived from every step it waits for
            if target in self.state.pending_early:
                self._resume(target, opens, fields, resumed)
                continue
            self._enter(node, opens, fields)

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
                **self._env(at, system=True), node=node.id,
                attempt=activated.attempt, next=passed))
            self._closing(node.id, at)
            self._advance(passed, at, fields)

    def _finish(self, end_node: str, at: datetime) -> None:
        """The case reached an end: steps still open were never done."""
        for step in self.state.open_steps:
            if step.node == end_node:
                continue
            closed = max(at, step.activated_at)  # a step is not closed before it opened
            self._closed_late(step, closed)
            self._flag(DeviationKind.SKIPPED, "alur", step.node, step.attempt, at=closed,
                       evidence={"langkah": step.node})
            self.events.append(StepSkipped(
                **self._env(closed), node=step.node, attempt=step.attempt,
                reason="perkara selesai sebelum langkah ini dikerjakan"))
        if (self.state.service_overdue_seq is not None
                and self.state.service_overdue_due is not None
                and not self._past(self.state.service_overdue_due, at)):
            self._withdraw_flag(self.state.service_overdue_seq, DeviationKind.SERVICE_OVERDUE,
                                None, None, "perkara ternyata selesai dalam waktu pelayanan "
                                "(dicatat kemudian)")
        elif (self.state.service_overdue_seq is not None
                and self.state.service_overdue_due is not None):
            self._final_lateness(self.state.service_overdue_seq, DeviationKind.SERVICE_OVERDUE,
                                 None, None, self.state.service_overdue_due,
                                 self.wf.service_limit, self.state.service_overdue_late)
        elif (self.state.service_due is not None and self._past(self.state.service_due, at)
                and not self.state.service_overdue_flagged):
            self._service_overdue(at)
        self.events.append(CaseCompleted(**self._env(at), end_node=end_node))

    def _service_overdue(self, at: datetime) -> None:
        due = self.state.service_due
        assert due is not None and self.state.started_at is not None
        # a standard counted from a date in the case may be breached before the case started
        self._flag(DeviationKind.SERVICE_OVERDUE, "waktu_pelayanan", system=True,
                   at=max(due, self.state.started_at),
                   evidence=self._lateness(due, at, self.wf.service_limit))

    def _overdue(self, node: str, attempt: int, due: datetime, at: datetime,
                 system: bool, opened: datetime | None = None) -> None:
        """Flag ``node``#``attempt`` as past ``due`` at ``at``. Found by the sweep
        (``system``), it happened at the deadline, or when the step ``opened`` if that was
        later (a limit anchored to an earlier date can be past before the step opens).
        A party's act (a ``publik`` lane) done late is the party's lateness: the clerk who
        records it is named as the recorder, not as the one who was late."""
        when = max(due, opened or due) if system else at
        evidence, party = overdue_evidence(self.wf, self.ctx.calendar, self.wf.node(node), due,
                                           at, None if system else self.actor or "")
        self._flag(DeviationKind.OVERDUE, "mutu_baku.waktu", node, attempt,
                   at=when, system=system or party, evidence=evidence)

    # -- commands -------------------------------------------------------------------------

    def run(self) -> list[Event]:
        self._common()
        cmd = self.cmd
        if type(cmd) in SUPERVISOR_COMMANDS and not self._supervisor():
            node = getattr(cmd, "node", None)
            self._settle(Penegakan.TOLAK, node)
            return self.events
        handler = _DECIDE.get(type(cmd))
        if handler is None:  # a programming error: a command type without its decision
            raise TypeError(f"no decision for {type(cmd).__name__}")
        handler(self, cmd)
        if (isinstance(cmd, LATE_CHECKED_HERE) and self.events
                and not any(isinstance(e, ActionRefused) for e in self.events)):
            node = getattr(cmd, "node", None)
            self._late_entry(node, self._attempt_of(node))
        return self.events

    def _cancel(self, cmd: CancelCase) -> None:
        for step in self.state.open_steps:
            self._closed_late(step, max(self.at, step.activated_at))
        self._service_closed(self.at)
        self._flag(DeviationKind.OVERRIDE, "pembatalan", reason=self.reason,
                   evidence={"tindakan": "batal"})
        self.events.append(CaseCancelled(**self._env(), reason=self.reason or ""))

    def _start(self, cmd: StartCase) -> None:
        fields = self._check_values(None, cmd.fields)
        parties = check_parties(self.wf.parties, cmd.parties) if cmd.parties else ()
        if fields.get("nomor_perkara"):
            fields = {**fields, "nomor_perkara": register_number(fields["nomor_perkara"])}
        start = self.wf.node(self.wf.start)
        if not self.ctx.replay:
            self._authorise(start)
        if not self._settle(start.enforcement, start.id, attempt=1):
            return
        self.events.insert(0, CaseStarted(
            **self._env(), sop_id=self.wf.sop_id, version=self.wf.version,
            fields=fields, parties=parties,
            service_due=service_deadline(self.wf, self.state, fields, self.ctx.calendar, self.at)))
        if cmd.notify_channel is not None:
            self.events.insert(1, self._consent(cmd))
        self._late_entry(None)
        self._activate(start, self.at, fields=fields)

    def _consent(self, cmd: StartCase) -> ConsentGiven:
        if cmd.notify_channel not in CHANNELS or not (cmd.consent or "").strip():
            raise self._reject("consent", "Persetujuan pemohon untuk diberi tahu butuh saluran "
                               "({k}) dan kalimat persetujuannya",
                               "The applicant's consent to be told needs a channel ({k}) and "
                               "the sentence agreed to", k=", ".join(CHANNELS))
        if not any(n.notice is not None for n in self.wf.nodes):  # no purpose to keep it for
            raise self._reject("no_notices", "SOP {sop} tidak memberi tahu pemohon pada langkah "
                               "mana pun; kontak pemohon tidak diminta",
                               "SOP {sop} tells the applicant at no step; no contact is "
                               "asked for", sop=self.wf.sop_id)
        return ConsentGiven(**self._env(), channel=cmd.notify_channel,
                            consent=" ".join((cmd.consent or "").split()))

    def _withdraw_consent(self, cmd: WithdrawConsent) -> None:
        """The applicant no longer agrees to be told (the service erases the contact)."""
        if self.state.notify_channel is None:
            raise self._reject("no_consent", "Pemohon perkara {case} tidak sedang menyetujui "
                               "pemberitahuan", "The applicant of case {case} has no consent "
                               "to be told in force", case=self.state.case_id)
        if cmd.by_applicant:
            self.events.append(ConsentWithdrawn(**self._env(system=True), reason=self.reason))
        elif self._may_record():
            self.events.append(ConsentWithdrawn(**self._env(), reason=self.reason))

    def _record_notice(self, cmd: RecordNotice) -> None:
        """What became of a step attempt's notice to the applicant: recorded once."""
        node = self._node(cmd.node)
        if node.notice is None:
            raise self._reject("no_notice", "Langkah {node} tidak memberi tahu pemohon",
                               "Step {node} does not tell the applicant", node=node.id)
        if not any(s.node == node.id and s.attempt == cmd.attempt for s in self.state.steps):
            raise self._reject("no_attempt", "Langkah {node} tidak punya percobaan {n}",
                               "Step {node} has no attempt {n}", node=node.id,
                               n=str(cmd.attempt))
        if f"{node.id}#{cmd.attempt}" in self.state.notified:
            raise StaleAction("notice_recorded", "Pemberitahuan langkah {node} percobaan {n} "
                              "sudah tercatat", "The notice of step {node} attempt {n} is "
                              "recorded already", node=node.id, n=str(cmd.attempt))
        env = self._env(system=True)
        if cmd.delivered:
            self.events.append(ApplicantNotified(**env, node=node.id, attempt=cmd.attempt,
                                                 channel=cmd.channel, message=cmd.message))
        else:
            self.events.append(NoticeFailed(**env, node=node.id, attempt=cmd.attempt,
                                            channel=cmd.channel, message=cmd.message,
                                            error=cmd.error, tries=cmd.tries))

    def _record_parties(self, cmd: RecordParties) -> None:
        """Who the case is for, recorded after its start or corrected (with a reason)."""
        parties = check_parties(self.wf.parties, cmd.parties)
        if [dict(p) for p in parties] == [dict(p) for p in self.state.parties]:
            raise self._reject("unchanged", "Para pihak perkara {case} sudah tercatat demikian",
                               "The parties of case {case} are recorded so already",
                               case=self.state.case_id)
        self._correction_reason(bool(self.state.parties))
        if not self._may_record():
            return
        self.events.append(PartiesRecorded(**self._env(), parties=parties,
                                           reason=self.reason))

    def _record_register_number(self, cmd: RecordRegisterNumber) -> None:
        """The case's nomor perkara, recorded by hand or corrected (with a reason)."""
        number = register_number(cmd.number)
        if number == self.state.register_number:
            raise self._reject("unchanged", "Nomor perkara {case} sudah {n}",
                               "The register number of {case} is {n} already",
                               case=self.state.case_id, n=number)
        self._correction_reason(self.state.register_number is not None)
        if not self._may_record():
            return
        self.events.append(RegisterNumberRecorded(**self._env(), number=number,
                                                  reason=self.reason))

    def _reissue_tracking_code(self, cmd: ReissueTrackingCode) -> None:
        """A new tracking code for the applicant (the service makes and keeps it)."""
        if self._may_record():
            self.events.append(TrackingCodeReissued(**self._env()))

    def _may_record(self) -> bool:
        """Only the court's own staff of this SOP (a role that acts in it) or a supervisor
        record facts about the case; anyone else's try is refused and recorded (False)."""
        assert self.actor is not None
        staff = tuple(r.id for r in self.wf.roles if not (r.publik or r.sistem))
        if (self.ctx.directory.grant_any(self.actor, staff, self.at) is None
                and not self.ctx.directory.is_supervisor(self.actor, self.at)):
            self._violate(DeviationKind.WRONG_ACTOR, "pencatat_perkara",
                          pelaksana=",".join(staff), pengguna=self.actor)
        return self._settle(Penegakan.TOLAK, None)

    def _correction_reason(self, correcting: bool) -> None:
        if correcting and not self.reason:
            raise self._reject("reason_required", "Perbaikan yang sudah tercatat wajib "
                               "disertai alasan", "A correction of what is recorded needs "
                               "a reason")

    def _claim(self, cmd: ClaimStep) -> None:
        node = self._node(cmd.node)
        step = self._open_step(node)
        self._not_before(step.activated_at, "langkah {node} aktif", node=node.id)
        if step.claimed_by == self.actor:
            return
        if node.joint:  # each officer takes it up in turn: nobody holds it for the other
            self._authorise(node, self._awaited(node, step))
        else:
            self._not_held(node, step)
            self._authorise(node)
        self._separation(node)
        if not self._settle(node.enforcement, node.id):
            return
        self.events.append(StepClaimed(**self._env(), node=node.id, attempt=step.attempt))

    def _complete(self, cmd: CompleteStep) -> None:
        node = self._node(cmd.node)
        found = self._completing(node)
        if found is None:
            return
        step, early, rework = found
        if rework and node.joint and self._cosign_done(node, step):
            return
        act = self._act(node, step, early, rework, cmd)
        contradicting = self._contradictions(node, act.values)
        decision, finding = (self._decision(node, cmd.decision, act.given) if act.final
                             else (None, None))
        if not self._completion_allowed(act):
            return
        self._flag_contradictions(contradicting, node, act.attempt)
        self._late_entry(node.id, act.attempt)
        fields = {k: v for k, v in act.values.items() if k in self.wf.field_ids}
        self._completion_timing(act, fields)
        if node.joint:
            self.events.append(StepSigned(
                **self._env(), node=node.id, attempt=act.attempt,
                role=self._role(act.grant, act.awaited), outputs=act.values,
                as_delegate=act.grant is not None and act.grant.delegation is not None,
                documents=act.documents or {}))
            if not act.final:
                return  # the others' acts are awaited; its limit applies to the last one
        lane = self.wf.role(node.role or "")
        targets = () if rework else self._targets(node, decision)
        self.events.append(StepCompleted(
            **self._env(), node=node.id, attempt=act.attempt, outputs=act.given,
            decision=decision, on_behalf_of=node.role if lane and lane.publik else None,
            as_delegate=act.grant.role if act.grant and act.grant.delegation else None,
            fields=fields, next=targets, reason=self.reason,
            finding=finding.record() if finding else {},
            documents={} if node.joint else act.documents or {}))
        self._closing(node.id, self.at)
        if not rework:
            self._after(node, targets, {**self.state.fields, **fields})

    def _completing(self, node: Node) -> tuple[StepState | None, bool, bool] | None:
        """Which attempt of ``node`` a completion is about, as (step, early, rework): the
        open one; one done ahead of the flow (``early``); or, replaying a log, one done
        again without the flow asking (``rework``: a new attempt, checked like any
        completion; the flow moved on from the first one). None: its timer ran out before
        this act, which is refused or flagged already."""
        step = self.state.current(node.id)
        rework = (self.ctx.replay and step is not None and step.status is StepStatus.DONE)
        if (step is not None and step.status is StepStatus.EXPIRED and not self.ctx.replay
                and step.timer_due is not None and self.at < step.timer_due):
            step = self._withdraw_timer(step)  # done in time, entered after the sweep
        elif (step is not None and step.status is StepStatus.EXPIRED
                and self._timed_out(node, step.timer_due)):
            return None  # its time ran out before this act: swept or not, the same answer
        early = not rework and (step is None or (
            not step.is_open and step.status is not StepStatus.DONE
            and step.status is not StepStatus.SKIPPED))
        if not early and not rework:
            step = self._open_step(node)
            self._not_before(step.activated_at, "langkah {node} aktif", node=node.id)
            if not node.joint:
                self._not_held(node, step)
            if self._timed_out(node, step.timer_due):
                return None
        return step, early, rework

    def _act(self, node: Node, step: StepState | None, early: bool, rework: bool,
             cmd: CompleteStep) -> _Act:
        """The values of a completion, and for a joint step the roles still awaited and
        whether this act completes it (an imported log's single act does, the other
        officers' missing then flagged). Only the last officer gives the decision."""
        values = self._check_values(node, cmd.values)
        awaited = self._awaited(node, None if early or rework else step)
        final = not node.joint or len(awaited) == 1 or self.ctx.replay
        if not final and cmd.decision is not None:
            raise self._reject(
                "decision_last", "Keputusan langkah bersama {node} diberikan oleh pelaksana "
                "terakhir yang bertindak (masih ditunggu: {roles})",
                "The decision of joint step {node} is given by the last officer to act "
                "(still awaited: {roles})", node=node.id, roles=self._role_names(awaited))
        given = {**(step.outputs if node.joint and not (early or rework) and step else {}),
                 **values}
        # the attempt this completion is: the open one, or a new one activated now
        if early or rework:
            attempt = (step.attempt + 1) if step else 1
        else:
            assert step is not None
            attempt = step.attempt
        return _Act(node, step, early, rework, values, given, awaited, final, attempt,
                    documents=self._check_documents(node, cmd.documents, values))

    def _completion_allowed(self, act: _Act) -> bool:
        """The order, the actor, the people and the SOP's quality standard of a completion;
        False when the SOP's enforcement refuses it (the refusal recorded)."""
        node = act.node
        if act.early:
            self._violate(DeviationKind.OUT_OF_ORDER, "alur", langkah=node.id,
                          langkah_aktif=",".join(s.node for s in self.state.open_steps) or "-")
        if act.rework:
            self._violate(DeviationKind.REWORK, "alur", langkah=node.id,
                          percobaan_sebelumnya=str(act.attempt - 1))
        act.grant = grant = self._authorise(node, act.awaited)
        self._separation(node)
        if node.joint and len(act.awaited) > 1 and act.final:  # a log: one act of several
            self._violate(DeviationKind.MISSING_SIGNER, "bersama",
                          menunggu=",".join(r for r in act.awaited
                                            if r != self._role(grant, act.awaited)),
                          pengguna=self.actor or "")
        if act.final:
            self._mutu_baku(node, act.given)
        if act.rework:
            self._activate(node, self.at)
        return self._settle(node.enforcement, node.id, act.attempt)

    def _completion_timing(self, act: _Act, fields: Mapping[str, str]) -> None:
        """The limit of the step completed: an early step's own, counted from now; the open
        step's sweep flag withdrawn (done in time after all) or its lateness settled, or
        the lateness flagged now."""
        node, step = act.node, act.step
        if act.early:
            due = self._activate(node, self.at, early=True,
                                 fields={**self.state.fields, **fields}).due_at
            if due is not None and self._past(due) and act.final:  # anchored to a past date
                self._overdue(node.id, act.attempt, due, self.at, system=False)
            return
        if act.rework or not act.final:
            return
        assert step is not None
        if (step.overdue_seq is not None and step.overdue_flagged is not None
                and not self._past(step.overdue_flagged)):
            self._withdraw_flag(step.overdue_seq, DeviationKind.OVERDUE, step.node,
                                step.attempt, "langkah ternyata selesai sebelum batas "
                                "waktunya (dicatat kemudian)")
        elif (step.overdue_seq is not None and step.due_at is not None
                and step.overdue_flagged == step.due_at and self._past(step.due_at)):
            self._final_lateness(step.overdue_seq, DeviationKind.OVERDUE, step.node,
                                 step.attempt, step.due_at, node.limit, step.overdue_late)
        if (step.due_at is not None and self._past(step.due_at)
                and step.overdue_flagged != step.due_at):
            self._overdue(step.node, step.attempt, step.due_at, self.at, system=False)

    def _past(self, due: datetime, at: datetime | None = None) -> bool:
        """Whether this act (at ``at``, by default its own time) is past ``due``: for an act
        known only to the day, on a later day than ``due``'s."""
        return is_past(due, self.at if at is None else at, self.ctx.calendar.tz,
                       day_only=isinstance(self.cmd, CompleteStep) and self.cmd.day_only)

    def _after(self, node: Node, targets: tuple[str, ...], fields: Mapping[str, str]) -> None:
        """Move the flow on from ``node``: activate its targets, or end the case."""
        if node.is_end:
            self._finish(node.id, self.at)
            return
        self._advance(targets, self.at, fields)

    def _automation_failed(self, cmd: ReportAutomationFailure) -> None:
        node = self._node(cmd.node)
        if node.kind is not StepKind.OTOMATIS:
            raise self._reject("not_automated", "Langkah {node} bukan langkah otomatis",
                               "Step {node} is not an automated step", node=node.id)
        step = self._open_step(node)
        if step.attempt != cmd.attempt:
            raise StaleAction("other_attempt",
                              "Langkah {node} kini percobaan {now}, bukan {given}",
                              "Step {node} is now attempt {now}, not {given}",
                              node=node.id, now=str(step.attempt), given=str(cmd.attempt))
        self.events.append(AutomationFailed(
            **self._env(), node=node.id, attempt=step.attempt, action=cmd.action,
            error=cmd.error, tries=cmd.tries, run=cmd.run))

    def _extend(self, cmd: ExtendStep) -> None:
        """Use the step's extension: an act of authority, once, with a reason, by whom the SOP
        entitles (never used up by anyone else: a try by another is refused and recorded,
        whatever the SOP's enforcement); it extends what the SOP says it extends. A step not
        open yet may be extended ahead: the extension applies when it opens."""
        node = self._node(cmd.node)
        step = self._extended_step(node)
        service = node.extension_scope != "langkah"
        if not self._may_extend(node):
            return
        assert self.reason is not None  # _extended_step rejects an extension without one
        own = step is not None and node.extension_scope != "waktu_pelayanan"
        due, service_due = self._extended_dues(node, step if own else None, service)
        if own:
            assert step is not None
            self._closed_late(step, self.at)  # an extension after the limit passed
        if service:
            self._service_closed(self.at)
        self.events.append(StepExtended(
            **self._env(), node=node.id, attempt=step.attempt if step is not None else 0,
            due_at=due, reason=self.reason, service_due=service_due))
        self._extension_withdraws(step, due, service_due)

    def _extended_step(self, node: Node) -> StepState | None:
        """The attempt an extension is for (None: the step has not opened yet); rejects one
        the step cannot have: closed, none in the SOP, used already, without a reason, or
        of a service standard the case does not have."""
        step = self.state.current(node.id)
        if (step is not None and not step.is_open) or (
                step is None and node.id in self.state.pending_early):
            step = self._open_step(node)  # done or skipped: says so
        if step is not None:
            self._not_before(step.activated_at, "langkah {node} aktif", node=node.id)
        if node.extension is None:
            raise self._reject(
                "no_extension", "SOP tidak memberi perpanjangan untuk langkah {node}",
                "The SOP allows no extension for step {node}", node=node.id)
        if (step.extensions if step is not None else node.id in self.state.granted_extensions):
            raise self._reject("already_extended", "Langkah {node} sudah diperpanjang",
                               "Step {node} has already been extended", node=node.id)
        if self.reason is None:
            raise self._reject("reason_required", "Perpanjangan wajib disertai alasan (--reason)",
                               "An extension needs a reason (--reason)")
        if node.extension_scope != "langkah" and self.state.service_due is None:
            raise self._reject(
                "no_service_due", "Perkara ini tidak punya batas waktu pelayanan untuk "
                "diperpanjang", "This case has no service due time to extend")
        return step

    def _extended_dues(self, node: Node, step: StepState | None, service: bool
                       ) -> tuple[datetime | None, datetime | None]:
        """The step's new due time (when ``step`` is given: its own limit is extended) and
        the case's new service due time (when ``service``)."""
        assert node.extension is not None
        calendar = self.ctx.calendar
        due = None
        if step is not None:
            due = calendar.due(step.due_at or self.at, node.extension, end=node.limit_end,
                               channel=self.wf.channel)
        service_due = (calendar.due(self.state.service_due, node.extension,
                                    channel=self.wf.channel)
                       if service and self.state.service_due is not None else None)
        return due, service_due

    def _extension_withdraws(self, step: StepState | None, due: datetime | None,
                             service_due: datetime | None) -> None:
        """A sweep's flag of a limit the extension moved past its moment is withdrawn: the
        extension came before the limit ran out, only entered later."""
        why = "batas waktu diperpanjang sebelum terlewati (dicatat kemudian)"
        if (step is not None and step.overdue_seq is not None and due is not None
                and step.overdue_flagged is not None
                and self.at <= step.overdue_flagged < due):
            self._withdraw_flag(step.overdue_seq, DeviationKind.OVERDUE, step.node,
                                step.attempt, why)
        flagged = self.state.service_overdue_due
        if (self.state.service_overdue_seq is not None and service_due is not None
                and flagged is not None and self.at <= flagged < service_due):
            self._withdraw_flag(self.state.service_overdue_seq, DeviationKind.SERVICE_OVERDUE,
                                None, None, why)

    def _timed_out(self, node: Node, timer_due: datetime | None) -> bool:
        """Whether the step's timer (``jika_lewat_waktu``) ran out before this act happened:
        the SOP's branch for that case is what happened then, whether or not a sweep has
        noticed it yet, so the act is refused and recorded (whatever the enforcement, and
        however late it is entered); the sweep takes the branch from the timer's moment.
        Replaying an imported log, it is flagged and the act stands."""
        if timer_due is None or self.at < timer_due or node.timer is None:
            return False
        self._violate(DeviationKind.OVERDUE, "jika_lewat_waktu", batas=utc_iso(timer_due),
                      cabang=node.timer.target)
        if not self._settle(Penegakan.TOLAK, node.id):
            return True
        self.violations.clear()  # flagged (replay): the completion's own checks follow
        return False

    def _may_extend(self, node: Node) -> bool:
        """Whether the actor may grant ``node``'s extension: a holder (or Plh/Plt) of a role
        the SOP names in ``perpanjangan.oleh``, else whoever may do the step, or a
        supervisor. Anyone else is refused and the try recorded (False)."""
        assert self.actor is not None
        entitled = node.extension_by or self.wf.acting_roles(node)
        if self.ctx.directory.grant_any(self.actor, entitled, self.at) is not None or (
                not node.extension_by and self.ctx.directory.is_supervisor(self.actor, self.at)):
            return True
        self._violate(DeviationKind.WRONG_ACTOR, "perpanjangan.oleh",
                      pelaksana=",".join(entitled), pengguna=self.actor)
        return self._settle(Penegakan.TOLAK, node.id)

    def _reassign(self, cmd: ReassignStep) -> None:
        node = self._node(cmd.node)
        step = self._open_step(node)
        self._not_before(step.activated_at, "langkah {node} aktif", node=node.id)
        if not self.ctx.directory.knows(cmd.assignee):
            raise self._reject("unknown_user", "Pengguna '{user}' tidak dikenal",
                               "Unknown user '{user}'", user=cmd.assignee)
        if self.ctx.directory.grant_any(cmd.assignee, self.wf.acting_roles(node), self.at) is None:
            raise self._reject(
                "assignee_cannot_act", "{user} tidak memegang peran {roles} untuk langkah {node}",
                "{user} holds none of the roles {roles} of step {node}", user=cmd.assignee,
                roles=", ".join(self.wf.acting_roles(node)), node=node.id)
        self.events.append(StepReassigned(
            **self._env(), node=node.id, attempt=step.attempt,
            assignee=cmd.assignee, reason=self.reason or ""))

    def _skip(self, cmd: SkipStep) -> None:
        node = self._node(cmd.node)
        step = self._open_step(node)
        self._not_before(step.activated_at, "langkah {node} aktif", node=node.id)
        decision = self._decision_label(node, cmd.decision)
        targets = self._targets(node, decision)
        self._closed_late(step, self.at)
        self._flag(DeviationKind.OVERRIDE, "lewati", node.id, step.attempt, reason=self.reason,
                   evidence={"tindakan": "lewati"})
        self.events.append(StepSkipped(
            **self._env(), node=node.id, attempt=step.attempt,
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
        self._not_before(step.completed_at or step.activated_at, "langkah {node} ditutup",
                         node=node.id)
        self._flag(DeviationKind.OVERRIDE, "buka_ulang", node.id, step.attempt,
                   reason=self.reason, evidence={"tindakan": "buka_ulang"})
        self._enter(node, self.at, self.state.fields, reopened=True)

    def fire_timers(self, until: datetime) -> list[Event]:
        """The timers of open steps that ran out by ``until``: each fires and the flow
        takes its branch."""
        for step in self.state.open_steps:
            if step.timer_due is not None and until >= step.timer_due:
                self._fire(step)
        return self.events

    def _fire(self, step: StepState) -> None:
        """``step``'s timer fires, at its own moment (not before the step opened)."""
        node = self.wf.node(step.node)
        assert node.timer is not None and step.timer_due is not None
        targets = (node.timer.target,)
        fired = max(step.timer_due, step.activated_at)
        self._closed_late(step, fired)
        self.events.append(TimerFired(
            **self._env(fired, system=True), node=step.node,
            attempt=step.attempt, due=step.timer_due, next=targets))
        self._closing(step.node)
        self._advance(targets, fired, self.state.fields)

    def _withdraw_timer(self, step: StepState) -> StepState:
        """The step was done before its timer ran out, entered after a sweep fired it: the
        timer is withdrawn (the step open again for this completion) and the steps its
        branch opened are withdrawn with their standing flags. Work already done on that
        branch is not undone here: the entry is refused, for a supervisor to sort out."""
        node = self.wf.node(step.node)
        assert node.timer is not None and step.timer_due is not None
        branch = self._timer_branch(step)
        for other in branch:
            if other.status is not StepStatus.WITHDRAWN and not other.is_open:
                raise StaleAction(
                    "timer_branch_worked",
                    "Langkah {node} dicatat lewat waktu dan cabangnya sudah dikerjakan "
                    "(langkah {other} {status}); pengawas dapat membuka ulang langkah {node}",
                    "Step {node} was recorded as timed out and its branch has been worked on "
                    "(step {other} {status}); a supervisor may reopen step {node}",
                    node=node.id, other=other.node, status=str(other.status))
        corrections: list[Event] = [TimerWithdrawn(
            **self._env(system=True), node=step.node, attempt=step.attempt,
            due=step.timer_due, reason="langkah ternyata selesai sebelum waktu tunggunya "
            "habis (dicatat setelah sapu tenggat)")]
        for other in branch:
            corrections.append(StepWithdrawn(
                **self._env(system=True), node=other.node, attempt=other.attempt,
                reason=f"cabang lewat waktu langkah {step.node} ditarik"))
            if other.overdue_seq is not None:
                corrections.append(DeviationWithdrawn(
                    **self._env(system=True), seq=other.overdue_seq,
                    kind=DeviationKind.OVERDUE, node=other.node, attempt=other.attempt,
                    reason="langkahnya ditarik"))
        for event in corrections:
            self.state = apply(self.state, event)
        self.events.extend(corrections)
        reopened = self.state.current(step.node)
        assert reopened is not None
        return reopened

    def _timer_branch(self, step: StepState) -> list[StepState]:
        """The open or worked steps the timer of ``step`` opened when it fired (through
        off-page connectors, which the flow passes at once and are not withdrawn)."""
        node = self.wf.node(step.node)
        assert node.timer is not None
        after = self.state.steps[self.state.steps.index(step) + 1:]
        found: list[StepState] = []
        queue, seen = [node.timer.target], set()
        while queue:
            target = queue.pop()
            if target in seen:
                continue
            seen.add(target)
            hit = next((s for s in after
                        if s.node == target and s.activated_at == step.fired_at), None)
            if hit is None:
                continue
            if self.wf.node(target).kind is StepKind.PENGHUBUNG:
                queue.extend(self._targets(self.wf.node(target), None))
            else:
                found.append(hit)
        return found

    def _closed_late(self, step: StepState, at: datetime) -> None:
        """``step`` stops running against its limit at ``at`` without being done (skipped,
        timed out, extended, the case ended): a limit already passed by then is recorded as
        a sweep at that moment would have, or the sweep's flag gets its final lateness."""
        if step.due_at is None or at <= step.due_at:
            return
        if step.overdue_flagged != step.due_at:
            self._overdue(step.node, step.attempt, step.due_at, at, system=True,
                          opened=step.activated_at)
        elif step.overdue_seq is not None:
            self._final_lateness(step.overdue_seq, DeviationKind.OVERDUE, step.node,
                                 step.attempt, step.due_at, self.wf.node(step.node).limit,
                                 step.overdue_late, at)

    def _service_closed(self, at: datetime) -> None:
        """The service standard stops running at ``at`` (the case cancelled, or extended):
        as :meth:`_closed_late`."""
        due = self.state.service_due
        if due is None or at <= due:
            return
        if not self.state.service_overdue_flagged:
            self._service_overdue(at)
        elif self.state.service_overdue_seq is not None and self.state.service_overdue_due == due:
            self._final_lateness(self.state.service_overdue_seq, DeviationKind.SERVICE_OVERDUE,
                                 None, None, due, self.wf.service_limit,
                                 self.state.service_overdue_late, at)

    def _final_lateness(self, seq: int, kind: DeviationKind, node: str | None,
                        attempt: int | None, due: datetime, limit: TimeLimit | None,
                        said: str | None, at: datetime | None = None) -> None:
        """The step (or case) flagged late by a sweep closes (now, or ``at``): record how
        late it finally was, when that differs from what the sweep could say then."""
        final = self._lateness(due, at or self.at, limit)
        if final["terlambat"] != said:
            self.events.append(LatenessSettled(
                **self._env(at, system=True), seq=seq, kind=kind, node=node, attempt=attempt,
                evidence=final))

    def _withdraw_flag(self, seq: int, kind: DeviationKind, node: str | None,
                       attempt: int | None, reason: str) -> None:
        self.events.append(DeviationWithdrawn(
            **self._env(system=True), seq=seq, kind=kind, node=node, attempt=attempt,
            reason=reason))

    def _sweep(self, cmd: Sweep) -> None:
        if not self.state.is_active:
            return
        now = self.now
        for step in self.state.open_steps:
            if step.timer_due is not None and now >= step.timer_due:
                self._fire(step)
            elif (step.due_at is not None and now > step.due_at
                    and step.overdue_flagged != step.due_at):
                self._overdue(step.node, step.attempt, step.due_at, now, system=True,
                              opened=step.activated_at)
        if (self.state.service_due is not None and now > self.state.service_due
                and not self.state.service_overdue_flagged):
            self._service_overdue(now)


# each command type's decision (tests/unit/test_dispatch.py checks that every command in
# COMMAND_NAMES is here); a handler takes its own command type
_DECIDE: dict[type[Command], Callable[[_Decision, Any], None]] = {
    StartCase: _Decision._start,
    ClaimStep: _Decision._claim,
    CompleteStep: _Decision._complete,
    ExtendStep: _Decision._extend,
    ReassignStep: _Decision._reassign,
    SkipStep: _Decision._skip,
    ReopenStep: _Decision._reopen,
    CancelCase: _Decision._cancel,
    Sweep: _Decision._sweep,
    ReportAutomationFailure: _Decision._automation_failed,
    RecordParties: _Decision._record_parties,
    RecordRegisterNumber: _Decision._record_register_number,
    ReissueTrackingCode: _Decision._reissue_tracking_code,
    WithdrawConsent: _Decision._withdraw_consent,
    RecordNotice: _Decision._record_notice,
    MigrateCase: _Decision._migrate,
}
