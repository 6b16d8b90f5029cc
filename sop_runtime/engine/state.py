"""A case's state: a fold of its events (``apply``). Nothing here decides anything.

Statuses have an explicit transition table; rework is a new attempt of a step, never a
rewind: every attempt stays in the state's history.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum, StrEnum
from types import MappingProxyType
from typing import Any

from sop_runtime.engine.events import (
    ActionRefused,
    ApplicantNotified,
    AutomationFailed,
    CaseCancelled,
    CaseCompleted,
    CaseMigrated,
    CaseStarted,
    ConsentGiven,
    ConsentWithdrawn,
    DeviationFlagged,
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
)
from sop_runtime.engine.fastcopy import create, replace

REGISTER_ITEM = "nomor_perkara"
"""The item whose value is the case's register number (a step's output or a case field)."""


class CaseStatus(StrEnum):
    ACTIVE = "aktif"
    COMPLETED = "selesai"
    CANCELLED = "dibatalkan"
    REFUSED = "ditolak"       # its start was refused; the log holds only the attempt


class StepStatus(StrEnum):
    ACTIVE = "aktif"          # waiting for someone to claim or complete it
    CLAIMED = "diklaim"       # someone took it
    DONE = "selesai"
    SKIPPED = "dilewati"      # closed without being done (supervisor, or the case ended)
    EXPIRED = "lewat_waktu"   # its timer ran out and the flow took the timer branch
    CANCELLED = "dibatalkan"  # the case was cancelled while it was open
    WITHDRAWN = "ditarik"     # opened by a timer that was withdrawn: never due


_OPEN = frozenset({StepStatus.ACTIVE, StepStatus.CLAIMED})
_CLOSED = frozenset({StepStatus.DONE, StepStatus.SKIPPED, StepStatus.EXPIRED,
                     StepStatus.CANCELLED, StepStatus.WITHDRAWN})

STEP_TRANSITIONS: Mapping[StepStatus, frozenset[StepStatus]] = MappingProxyType({
    StepStatus.ACTIVE: _CLOSED | {StepStatus.CLAIMED},
    StepStatus.CLAIMED: _CLOSED | {StepStatus.CLAIMED},
    StepStatus.DONE: frozenset(),
    StepStatus.SKIPPED: frozenset(),
    StepStatus.EXPIRED: _OPEN,  # only by its timer's withdrawal (TimerWithdrawn)
    StepStatus.CANCELLED: frozenset(),
    StepStatus.WITHDRAWN: frozenset(),
})


class InvalidTransition(Exception):
    """An event that the state cannot follow: the log is inconsistent (a bug or tampering)."""


@dataclass(frozen=True)
class StepState:
    node: str
    attempt: int
    status: StepStatus
    activated_at: datetime
    due_at: datetime | None = None
    timer_due: datetime | None = None
    assignee: str | None = None
    claimed_by: str | None = None
    claimed_at: datetime | None = None        # when it was first taken up (its wait ended)
    version: str = ""                         # the SOP version it runs under (or ran)
    completed_by: str | None = None
    completed_at: datetime | None = None
    outputs: Mapping[str, str] = field(default_factory=dict)
    decision: str | None = None
    on_behalf_of: str | None = None
    as_delegate: str | None = None
    early: bool = False
    reopened: bool = False
    extensions: int = 0
    overdue_flagged: datetime | None = None   # the deadline an overdue deviation was flagged for
    overdue_seq: int | None = None            # that flag's place in the log, while it stands
    overdue_late: str | None = None           # how late that flag said it was (terlambat)
    fired_at: datetime | None = None          # when its timer fired (EXPIRED)
    # where the flow went when this attempt closed, when, and the order of its opening and
    # closing among the case's events (a join counts the arrivals since it last opened)
    next: tuple[str, ...] = ()
    closed_at: datetime | None = None
    opened_seq: int = 0
    closed_seq: int | None = None
    # a joint step (bersama): who has acted, by role (role -> username), in the order they did
    signed: Mapping[str, str] = field(default_factory=dict)

    @property
    def is_open(self) -> bool:
        return self.status in _OPEN

    def moved_to(self, status: StepStatus, **changes: object) -> StepState:
        if status not in STEP_TRANSITIONS[self.status]:
            raise InvalidTransition(f"step {self.node}#{self.attempt}: {self.status} -> {status}")
        return replace(self, status=status, **changes)


@dataclass(frozen=True)
class CaseState:
    case_id: str
    sop_id: str = ""
    version: str = ""
    status: CaseStatus | None = None      # None: not started
    started_at: datetime | None = None
    started_by: str | None = None
    ended_at: datetime | None = None
    end_node: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    # who the case is for (sebutan, nama, details) and the court's register number
    parties: tuple[Mapping[str, str], ...] = ()
    register_number: str | None = None
    service_due: datetime | None = None
    service_overdue_seq: int | None = None     # the standing breach flag's place in the log
    service_overdue_due: datetime | None = None  # the service due time it was flagged for
    service_overdue_late: str | None = None      # how late that flag said it was (terlambat)
    # every attempt of every step, in activation order; the last attempt of a node is current
    steps: tuple[StepState, ...] = ()
    # steps done ahead of the flow, not yet reached by it (the flow does not redo them)
    pending_early: frozenset[str] = frozenset()
    # steps whose extension was granted before they opened (applied when they open)
    granted_extensions: frozenset[str] = frozenset()
    deviations: int = 0
    refusals: int = 0
    incidents: int = 0                    # automated steps whose action failed
    # the kind of channel the applicant agreed to be told through (None: no consent in
    # force), and the step attempts (``node#attempt``) whose notice is recorded
    notify_channel: str | None = None
    notified: frozenset[str] = frozenset()
    seq: int = 0                          # events applied

    def current(self, node: str) -> StepState | None:
        for s in reversed(self.steps):
            if s.node == node:
                return s
        return None

    @property
    def open_steps(self) -> tuple[StepState, ...]:
        return tuple(s for s in self.steps if s.status in _OPEN)

    @property
    def is_active(self) -> bool:
        return self.status is CaseStatus.ACTIVE

    @property
    def service_overdue_flagged(self) -> bool:
        """Whether a breach of the service standard stands recorded (flagged, not withdrawn)."""
        return self.service_overdue_seq is not None

    def done_by(self, node: str) -> set[str]:
        """Everyone who completed any attempt of ``node``, or acted in a joint one."""
        done = {s.completed_by for s in self.steps
                if s.node == node and s.status is StepStatus.DONE and s.completed_by}
        for s in self.steps:
            if s.node == node and s.signed:
                done.update(s.signed.values())
        return done

    def values(self) -> dict[str, str]:
        """The case's fields and every output produced so far (a later attempt wins)."""
        out = dict(self.fields)
        for s in self.steps:
            if s.status is StepStatus.DONE:
                out.update(s.outputs)
        return out


def _replace_step(state: CaseState, new: StepState) -> tuple[StepState, ...]:
    steps = state.steps
    for i, s in enumerate(steps):
        if s.node == new.node and s.attempt == new.attempt:
            return (*steps[:i], new, *steps[i + 1:])
    return steps


def _step(state: CaseState, node: str, attempt: int) -> StepState:
    for s in state.steps:
        if s.node == node and s.attempt == attempt:
            return s
    raise InvalidTransition(f"step {node}#{attempt} was never activated")


def _moved(state: CaseState, node: str, attempt: int, status: StepStatus,
           next_nodes: tuple[str, ...] = (), **changes: object) -> CaseState:
    s = _step(state, node, attempt).moved_to(status, **changes)
    if next_nodes and state.pending_early:
        return replace(state, steps=_replace_step(state, s),
                       pending_early=state.pending_early - set(next_nodes))
    return replace(state, steps=_replace_step(state, s))


def apply(state: CaseState, event: Event) -> CaseState:
    """The state after ``event``. Pure; raises InvalidTransition on an impossible log."""
    after = _after(state, event)
    if after is state:  # pragma: no cover  (no way through _after does this today)
        after = replace(state)
    # every way through _after returns a new state made for this event and not yet seen by
    # anyone: counting the event on it saves copying the whole state once more
    object.__setattr__(after, "seq", state.seq + 1)
    return after


class _Needs(Enum):
    """What the case must be for an event to follow: a started case's records (flags,
    refusals, failed automation) follow it after it ended too; its steps only while active."""

    NOTHING = 0
    STARTED = 1
    ACTIVE = 2


def _after(state: CaseState, event: Event) -> CaseState:
    fold_one, needs = _FOLD.get(type(event), _UNKNOWN)
    if needs is not _Needs.NOTHING:
        if state.status is None:
            raise InvalidTransition(f"{event.TYPE} before case_started")
        if needs is _Needs.ACTIVE and state.status is not CaseStatus.ACTIVE:
            raise InvalidTransition(f"{event.TYPE} while the case is {state.status}")
    return fold_one(state, event)


def _case_started(state: CaseState, event: CaseStarted) -> CaseState:
    if state.status is not None:
        raise InvalidTransition("case started twice")
    return replace(state, sop_id=event.sop_id, version=event.version,
                   status=CaseStatus.ACTIVE, started_at=event.occurred_at,
                   started_by=event.actor, fields=dict(event.fields),
                   service_due=event.service_due, parties=tuple(event.parties),
                   register_number=event.fields.get(REGISTER_ITEM) or None)


def _parties_recorded(state: CaseState, event: PartiesRecorded) -> CaseState:
    return replace(state, parties=tuple(event.parties))


def _register_number_recorded(state: CaseState, event: RegisterNumberRecorded) -> CaseState:
    return replace(state, register_number=event.number)


def _tracking_code_reissued(state: CaseState, event: TrackingCodeReissued) -> CaseState:
    return state  # the code is the service's; the case itself does not change


def _consent_given(state: CaseState, event: ConsentGiven) -> CaseState:
    return replace(state, notify_channel=event.channel)


def _consent_withdrawn(state: CaseState, event: ConsentWithdrawn) -> CaseState:
    return replace(state, notify_channel=None)


def _notice(state: CaseState, node: str, attempt: int) -> CaseState:
    _step(state, node, attempt)  # it must be a step of this case
    key = f"{node}#{attempt}"
    if key in state.notified:
        raise InvalidTransition(f"notice of step {key} recorded twice")
    return replace(state, notified=state.notified | {key})


def _applicant_notified(state: CaseState, event: ApplicantNotified) -> CaseState:
    return _notice(state, event.node, event.attempt)


def _notice_failed(state: CaseState, event: NoticeFailed) -> CaseState:
    return _notice(state, event.node, event.attempt)


def _action_refused(state: CaseState, event: ActionRefused) -> CaseState:
    if state.status is None:  # a refused start: the log records only the attempt
        return replace(state, status=CaseStatus.REFUSED, refusals=state.refusals + 1,
                       sop_id=event.detail.get("sop", ""),
                       version=event.detail.get("versi", ""),
                       started_at=event.occurred_at, started_by=event.actor,
                       ended_at=event.occurred_at)
    return replace(state, refusals=state.refusals + 1)


def _deviation_flagged(state: CaseState, event: DeviationFlagged) -> CaseState:
    return _flagged(replace(state, deviations=state.deviations + 1), event)


def _deviation_withdrawn(state: CaseState, event: DeviationWithdrawn) -> CaseState:
    return _unflagged(replace(state, deviations=state.deviations - 1), event)


def _automation_failed(state: CaseState, event: AutomationFailed) -> CaseState:
    _step(state, event.node, event.attempt)  # it must be a step of this case
    return replace(state, incidents=state.incidents + 1)


def _step_activated(state: CaseState, event: StepActivated) -> CaseState:
    if any(s.node == event.node and (s.attempt >= event.attempt or s.is_open)
           for s in state.steps):
        raise InvalidTransition(f"step {event.node}#{event.attempt} activated twice")
    granted = event.node in state.granted_extensions
    new = create(StepState, node=event.node, attempt=event.attempt,
                 status=StepStatus.ACTIVE, activated_at=event.occurred_at,
                 due_at=event.due_at, timer_due=event.timer_due, assignee=event.assignee,
                 early=event.early, reopened=event.reopened, extensions=int(granted),
                 opened_seq=state.seq, version=state.version)
    pending = state.pending_early | {event.node} if event.early else state.pending_early
    return replace(state, steps=(*state.steps, new), pending_early=pending,
                   granted_extensions=state.granted_extensions - {event.node})


def _step_claimed(state: CaseState, event: StepClaimed) -> CaseState:
    first = _step(state, event.node, event.attempt).claimed_at or event.occurred_at
    return _moved(state, event.node, event.attempt, StepStatus.CLAIMED,
                  claimed_by=event.actor, assignee=event.actor, claimed_at=first)


def _step_signed(state: CaseState, event: StepSigned) -> CaseState:
    s = _step(state, event.node, event.attempt)
    if event.role in s.signed or not (s.is_open or s.status is StepStatus.DONE):
        raise InvalidTransition(f"step {event.node}#{event.attempt} signed twice for "
                                f"{event.role} or while {s.status}")
    return replace(state, steps=_replace_step(state, replace(
        s, signed={**s.signed, event.role: event.actor or ""},
        outputs={**s.outputs, **event.outputs} if s.is_open else s.outputs)))


def _step_completed(state: CaseState, event: StepCompleted) -> CaseState:
    state = _moved(state, event.node, event.attempt, StepStatus.DONE, event.next,
                   next=event.next, closed_at=event.occurred_at, closed_seq=state.seq,
                   completed_by=event.actor, completed_at=event.occurred_at,
                   outputs=dict(event.outputs), decision=event.decision,
                   on_behalf_of=event.on_behalf_of, as_delegate=event.as_delegate)
    number = event.outputs.get(REGISTER_ITEM) or event.fields.get(REGISTER_ITEM)
    if number:  # the step that issues the nomor perkara records the case's register number
        state = replace(state, register_number=number)
    return replace(state, fields={**state.fields, **event.fields}) if event.fields else state


def _step_extended(state: CaseState, event: StepExtended) -> CaseState:
    if event.service_due is not None:
        state = replace(state, service_due=event.service_due)
    if event.attempt == 0:  # granted before the step opened
        return replace(state, granted_extensions=state.granted_extensions | {event.node})
    s = _step(state, event.node, event.attempt)
    if not s.is_open:
        raise InvalidTransition(f"step {event.node}#{event.attempt} extended while closed")
    return replace(state, steps=_replace_step(state, replace(
        s, due_at=s.due_at if event.due_at is None else event.due_at,
        extensions=s.extensions + 1)))


def _step_reassigned(state: CaseState, event: StepReassigned) -> CaseState:
    s = _step(state, event.node, event.attempt)
    if not s.is_open:
        raise InvalidTransition(f"step {event.node}#{event.attempt} reassigned while closed")
    # the step waits for its new holder: it is no longer claimed by anyone
    return replace(state, steps=_replace_step(state, replace(
        s, status=StepStatus.ACTIVE, assignee=event.assignee, claimed_by=None)))


def _step_skipped(state: CaseState, event: StepSkipped) -> CaseState:
    return _moved(state, event.node, event.attempt, StepStatus.SKIPPED, event.next,
                  next=event.next, closed_at=event.occurred_at, closed_seq=state.seq)


def _timer_fired(state: CaseState, event: TimerFired) -> CaseState:
    return _moved(state, event.node, event.attempt, StepStatus.EXPIRED, event.next,
                  fired_at=event.occurred_at, next=event.next, closed_at=event.occurred_at,
                  closed_seq=state.seq)


def _timer_withdrawn(state: CaseState, event: TimerWithdrawn) -> CaseState:
    s = _step(state, event.node, event.attempt)
    if s.status is not StepStatus.EXPIRED:
        raise InvalidTransition(f"step {event.node}#{event.attempt}: timer withdrawn "
                                f"while {s.status}")
    back = StepStatus.CLAIMED if s.claimed_by else StepStatus.ACTIVE
    return replace(state, steps=_replace_step(state, s.moved_to(
        back, fired_at=None, next=(), closed_at=None, closed_seq=None)))


def _step_withdrawn(state: CaseState, event: StepWithdrawn) -> CaseState:
    return _moved(state, event.node, event.attempt, StepStatus.WITHDRAWN)


def _case_completed(state: CaseState, event: CaseCompleted) -> CaseState:
    return replace(state, status=CaseStatus.COMPLETED, ended_at=event.occurred_at,
                   end_node=event.end_node)


def _case_cancelled(state: CaseState, event: CaseCancelled) -> CaseState:
    steps = tuple(s.moved_to(StepStatus.CANCELLED) if s.is_open else s for s in state.steps)
    return replace(state, status=CaseStatus.CANCELLED, ended_at=event.occurred_at,
                   steps=steps)


def _case_migrated(state: CaseState, event: CaseMigrated) -> CaseState:
    """The case runs on ``to_version`` from now on: each open step re-keyed to its step
    there, with the limits the event recomputed; closed steps keep their history as it
    was. Every open step must be among the moves (else the log is inconsistent)."""
    if event.from_version != state.version:
        raise InvalidTransition(f"case_migrated from {event.from_version[:12]} while on "
                                f"{state.version[:12]}")
    moves = {(m["langkah"], int(m["percobaan"])): m for m in event.steps}
    steps = []
    for s in state.steps:
        move = moves.pop((s.node, s.attempt), None)
        if move is None:
            if s.is_open:
                raise InvalidTransition(f"step {s.node}#{s.attempt} left behind by "
                                        "case_migrated")
            steps.append(s)
            continue
        if not s.is_open:
            raise InvalidTransition(f"step {s.node}#{s.attempt} moved while {s.status}")
        steps.append(replace(s, node=move["ke"], attempt=int(move["percobaan_baru"]),
                             version=event.to_version, due_at=_instant(move.get("batas")),
                             timer_due=_instant(move.get("batas_tunggu"))))
    if moves:
        raise InvalidTransition(f"case_migrated moves steps that are not open: {sorted(moves)}")
    return replace(state, version=event.to_version, steps=tuple(steps),
                   service_due=event.service_due)


def _instant(text: str | None) -> datetime | None:
    return datetime.fromisoformat(text) if text else None


def _unknown(state: CaseState, event: Event) -> CaseState:
    raise InvalidTransition(f"unknown event {type(event).__name__}")


def _flagged(state: CaseState, event: DeviationFlagged) -> CaseState:
    seq = state.seq + 1  # this event's place in the log
    if event.kind is DeviationKind.SERVICE_OVERDUE:
        return replace(state, service_overdue_seq=seq,
                       service_overdue_due=state.service_due,
                       service_overdue_late=event.evidence.get("terlambat"))
    if event.kind is DeviationKind.OVERDUE and event.node is not None:
        s = _step(state, event.node, event.attempt or 0)
        return replace(state, steps=_replace_step(state, replace(
            s, overdue_flagged=s.due_at, overdue_seq=seq,
            overdue_late=event.evidence.get("terlambat"))))
    return state


def _settled(state: CaseState, event: LatenessSettled) -> CaseState:
    """The flag at ``event.seq`` now says how late it finally was (a timer withdrawn later
    may reopen its step, whose own close then settles it again)."""
    late = event.evidence.get("terlambat")
    if event.seq == state.service_overdue_seq:
        return replace(state, service_overdue_late=late)
    for s in state.steps:
        if s.overdue_seq == event.seq:
            return replace(state, steps=_replace_step(state, replace(s, overdue_late=late)))
    return replace(state)


def _unflagged(state: CaseState, event: DeviationWithdrawn) -> CaseState:
    if event.seq == state.service_overdue_seq:
        return replace(state, service_overdue_seq=None,
                       service_overdue_due=None, service_overdue_late=None)
    for s in state.steps:
        if s.overdue_seq == event.seq:
            return replace(state, steps=_replace_step(state, replace(
                s, overdue_flagged=None, overdue_seq=None, overdue_late=None)))
    return state


def fold(case_id: str, events: list[Event]) -> CaseState:
    state = CaseState(case_id=case_id)
    for e in events:
        state = apply(state, e)
    return state


# each event type's fold and what the case must be for it (tests/unit/test_dispatch.py
# checks that every type in EVENT_TYPES is here); handlers take their own event type
_FOLD: dict[type[Event], tuple[Callable[[CaseState, Any], CaseState], _Needs]] = {
    CaseStarted: (_case_started, _Needs.NOTHING),
    PartiesRecorded: (_parties_recorded, _Needs.STARTED),
    RegisterNumberRecorded: (_register_number_recorded, _Needs.STARTED),
    TrackingCodeReissued: (_tracking_code_reissued, _Needs.STARTED),
    ConsentGiven: (_consent_given, _Needs.STARTED),
    ConsentWithdrawn: (_consent_withdrawn, _Needs.STARTED),
    ApplicantNotified: (_applicant_notified, _Needs.STARTED),
    NoticeFailed: (_notice_failed, _Needs.STARTED),
    ActionRefused: (_action_refused, _Needs.NOTHING),
    DeviationFlagged: (_deviation_flagged, _Needs.STARTED),
    DeviationWithdrawn: (_deviation_withdrawn, _Needs.STARTED),
    LatenessSettled: (_settled, _Needs.STARTED),
    AutomationFailed: (_automation_failed, _Needs.STARTED),
    StepActivated: (_step_activated, _Needs.ACTIVE),
    StepClaimed: (_step_claimed, _Needs.ACTIVE),
    StepSigned: (_step_signed, _Needs.ACTIVE),
    StepCompleted: (_step_completed, _Needs.ACTIVE),
    StepExtended: (_step_extended, _Needs.ACTIVE),
    StepReassigned: (_step_reassigned, _Needs.ACTIVE),
    StepSkipped: (_step_skipped, _Needs.ACTIVE),
    TimerFired: (_timer_fired, _Needs.ACTIVE),
    TimerWithdrawn: (_timer_withdrawn, _Needs.ACTIVE),
    StepWithdrawn: (_step_withdrawn, _Needs.ACTIVE),
    CaseCompleted: (_case_completed, _Needs.ACTIVE),
    CaseCancelled: (_case_cancelled, _Needs.ACTIVE),
    CaseMigrated: (_case_migrated, _Needs.ACTIVE),
}
_UNKNOWN = (_unknown, _Needs.ACTIVE)
