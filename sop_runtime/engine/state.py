"""A case's state: a fold of its events (``apply``). Nothing here decides anything.

Statuses have an explicit transition table; rework is a new attempt of a step, never a
rewind: every attempt stays in the state's history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from enum import StrEnum
from types import MappingProxyType

from sop_runtime.engine.events import (
    ActionRefused,
    CaseCompleted,
    CaseStarted,
    DeviationFlagged,
    Event,
    StepActivated,
    StepClaimed,
    StepCompleted,
)


class CaseStatus(StrEnum):
    ACTIVE = "aktif"
    COMPLETED = "selesai"
    CANCELLED = "dibatalkan"


class StepStatus(StrEnum):
    ACTIVE = "aktif"        # waiting for someone to claim or complete it
    CLAIMED = "diklaim"     # someone took it
    DONE = "selesai"
    SKIPPED = "dilewati"


STEP_TRANSITIONS: Mapping[StepStatus, frozenset[StepStatus]] = MappingProxyType({
    StepStatus.ACTIVE: frozenset({StepStatus.CLAIMED, StepStatus.DONE, StepStatus.SKIPPED}),
    StepStatus.CLAIMED: frozenset({StepStatus.CLAIMED, StepStatus.DONE, StepStatus.SKIPPED}),
    StepStatus.DONE: frozenset(),
    StepStatus.SKIPPED: frozenset(),
})


class InvalidTransition(Exception):
    """An event that the state cannot follow: the log is inconsistent (a bug or tampering)."""


@dataclass(frozen=True, slots=True)
class StepState:
    node: str
    attempt: int
    status: StepStatus
    activated_at: datetime
    due_at: datetime | None = None
    assignee: str | None = None
    claimed_by: str | None = None
    completed_by: str | None = None
    completed_at: datetime | None = None
    outputs: Mapping[str, str] = field(default_factory=dict)
    decision: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status in (StepStatus.ACTIVE, StepStatus.CLAIMED)

    def moved_to(self, status: StepStatus, **changes: object) -> StepState:
        if status not in STEP_TRANSITIONS[self.status]:
            raise InvalidTransition(f"step {self.node}#{self.attempt}: {self.status} -> {status}")
        return replace(self, status=status, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class CaseState:
    case_id: str
    sop_id: str = ""
    version: str = ""
    status: CaseStatus | None = None      # None: not started
    started_at: datetime | None = None
    started_by: str | None = None
    fields: Mapping[str, str] = field(default_factory=dict)
    service_due: datetime | None = None
    # every attempt of every step, in activation order; the last attempt of a node is current
    steps: tuple[StepState, ...] = ()
    deviations: int = 0
    refusals: int = 0
    seq: int = 0                          # events applied

    def current(self, node: str) -> StepState | None:
        for s in reversed(self.steps):
            if s.node == node:
                return s
        return None

    @property
    def open_steps(self) -> tuple[StepState, ...]:
        return tuple(s for s in self.steps if s.is_open)

    def done_by(self, node: str) -> set[str]:
        """Everyone who completed any attempt of ``node``."""
        return {s.completed_by for s in self.steps
                if s.node == node and s.status is StepStatus.DONE and s.completed_by}


def _replace_step(state: CaseState, new: StepState) -> tuple[StepState, ...]:
    return tuple(new if (s.node, s.attempt) == (new.node, new.attempt) else s
                 for s in state.steps)


def _step(state: CaseState, node: str, attempt: int) -> StepState:
    for s in state.steps:
        if s.node == node and s.attempt == attempt:
            return s
    raise InvalidTransition(f"step {node}#{attempt} was never activated")


def apply(state: CaseState, event: Event) -> CaseState:
    """The state after ``event``. Pure; raises InvalidTransition on an impossible log."""
    state = replace(state, seq=state.seq + 1)
    if isinstance(event, CaseStarted):
        if state.status is not None:
            raise InvalidTransition("case started twice")
        return replace(state, sop_id=event.sop_id, version=event.version,
                       status=CaseStatus.ACTIVE, started_at=event.occurred_at,
                       started_by=event.actor, fields=dict(event.fields),
                       service_due=event.service_due)
    if state.status is None:
        raise InvalidTransition(f"{event.TYPE} before case_started")
    if isinstance(event, StepActivated):
        if any(s.node == event.node and s.attempt >= event.attempt for s in state.steps):
            raise InvalidTransition(f"step {event.node}#{event.attempt} activated twice")
        new = StepState(node=event.node, attempt=event.attempt, status=StepStatus.ACTIVE,
                        activated_at=event.occurred_at, due_at=event.due_at,
                        assignee=event.assignee)
        return replace(state, steps=(*state.steps, new))
    if isinstance(event, StepClaimed):
        s = _step(state, event.node, event.attempt)
        return replace(state, steps=_replace_step(
            state, s.moved_to(StepStatus.CLAIMED, claimed_by=event.actor, assignee=event.actor)))
    if isinstance(event, StepCompleted):
        s = _step(state, event.node, event.attempt)
        done = s.moved_to(StepStatus.DONE, completed_by=event.actor,
                          completed_at=event.occurred_at, outputs=dict(event.outputs),
                          decision=event.decision)
        return replace(state, steps=_replace_step(state, done))
    if isinstance(event, CaseCompleted):
        if state.status is not CaseStatus.ACTIVE:
            raise InvalidTransition(f"case_completed while {state.status}")
        return replace(state, status=CaseStatus.COMPLETED)
    if isinstance(event, DeviationFlagged):
        return replace(state, deviations=state.deviations + 1)
    if isinstance(event, ActionRefused):
        return replace(state, refusals=state.refusals + 1)
    raise InvalidTransition(f"unknown event {type(event).__name__}")


def fold(case_id: str, events: list[Event]) -> CaseState:
    state = CaseState(case_id=case_id)
    for e in events:
        state = apply(state, e)
    return state
