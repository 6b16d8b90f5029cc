"""Events: past-tense facts appended to a case's log. The log is the truth.

Every event carries when it happened (``occurred_at``: a clerk may enter later what was
done on paper), when it was recorded (``recorded_at``), and who recorded it (``actor``).
Stable type names and a schema version identify the stored form (``step_completed``, v1);
Python class names are not part of the stored form.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import datetime
from enum import StrEnum
from typing import Any, ClassVar


class DeviationKind(StrEnum):
    """Penyimpangan prosedur."""

    WRONG_ACTOR = "wrong_actor"
    OUT_OF_ORDER = "out_of_order"
    SKIPPED = "skipped"
    MISSING_INPUT = "missing_input"
    MISSING_OUTPUT = "missing_output"
    OVERDUE = "overdue"
    SERVICE_OVERDUE = "service_overdue"
    SEPARATION_OF_DUTIES = "separation_of_duties"
    OVERRIDE = "override"
    LATE_ENTRY = "late_entry"


@dataclass(frozen=True, slots=True, kw_only=True)
class Event:
    TYPE: ClassVar[str] = ""
    VERSION: ClassVar[int] = 1

    occurred_at: datetime
    recorded_at: datetime
    actor: str | None

    def payload(self) -> dict[str, Any]:
        """The type-specific fields (everything but the envelope)."""
        skip = {"occurred_at", "recorded_at", "actor"}
        return {f.name: _plain(getattr(self, f.name)) for f in fields(self) if f.name not in skip}


def _plain(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, StrEnum):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    return value


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseStarted(Event):
    TYPE = "case_started"
    sop_id: str
    version: str
    fields: Mapping[str, str] = field(default_factory=dict)
    service_due: datetime | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StepActivated(Event):
    TYPE = "step_activated"
    node: str
    attempt: int
    due_at: datetime | None = None
    assignee: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class StepClaimed(Event):
    TYPE = "step_claimed"
    node: str
    attempt: int


@dataclass(frozen=True, slots=True, kw_only=True)
class StepCompleted(Event):
    TYPE = "step_completed"
    node: str
    attempt: int
    outputs: Mapping[str, str] = field(default_factory=dict)
    decision: str | None = None
    on_behalf_of: str | None = None     # the public party a clerk records this step for
    as_delegate: str | None = None      # the role held through a Plh/Plt delegation


@dataclass(frozen=True, slots=True, kw_only=True)
class CaseCompleted(Event):
    TYPE = "case_completed"
    end_node: str


@dataclass(frozen=True, slots=True, kw_only=True)
class DeviationFlagged(Event):
    TYPE = "deviation_flagged"
    kind: DeviationKind
    rule: str
    node: str | None = None
    attempt: int | None = None
    evidence: Mapping[str, str] = field(default_factory=dict)
    reason: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class ActionRefused(Event):
    """The record of a refused attempt: it changes nothing in the case's state."""

    TYPE = "action_refused"
    command: str
    code: str
    node: str | None = None
    detail: Mapping[str, str] = field(default_factory=dict)


EVENT_TYPES: dict[str, type[Event]] = {
    cls.TYPE: cls
    for cls in (CaseStarted, StepActivated, StepClaimed, StepCompleted, CaseCompleted,
                DeviationFlagged, ActionRefused)
}
