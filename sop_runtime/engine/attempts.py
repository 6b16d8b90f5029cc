"""Every attempt of every step as monitoring reads it (the ``step_attempts`` projection): when
it opened, was taken up and was done, by whom, against which deadline, and how long each part
took, measured the way the law counts the step's limit.

A step whose limit is written in calendar days (or months, or "the same day") is measured in
calendar time; one in working days, hours or minutes, or with no limit, in working time on the
court's calendar (office hours, days off). The durations are worked out here, when the row is
written, so that a report over a year reads them instead of walking the calendar again.

Pure: a function of the case's state, its workflow and the court calendar.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sop_runtime.compiler.workflow import Workflow
from sop_runtime.definition.timelimit import TimeLimit
from sop_runtime.engine.events import CaseCancelled, CaseMigrated, Event
from sop_runtime.engine.state import CaseState, StepState, StepStatus
from sop_runtime.worktime import CourtCalendar

CALENDAR_DAYS = "hari"
WORKING_DAYS = "hari_kerja"
WORKING_MINUTES = "menit_kerja"
UNITS = (CALENDAR_DAYS, WORKING_DAYS, WORKING_MINUTES)
"""The unit a step's limit is written in, as :meth:`CourtCalendar.lateness` names them."""


def limit_unit(limit: TimeLimit | None) -> str | None:
    """The unit ``limit`` is written in (the largest when it mixes them); None: no limit."""
    if limit is None:
        return None
    if limit.calendar_days or limit.months or limit.same_day:
        return CALENDAR_DAYS
    if limit.working_days:
        return WORKING_DAYS
    if limit.working_minutes:
        return WORKING_MINUTES
    return None


@dataclass(frozen=True, slots=True)
class StepAttempt:
    """One attempt of one step (one activation). Durations are whole seconds of calendar
    time (``limit_unit`` ``hari``) or of working time (any other unit, or none); None where
    the part has not happened (not taken up, not done)."""

    case_id: str
    node: str
    attempt: int
    sop_id: str
    version: str
    role: str | None          # the step's pelaksana (its swim lane)
    status: str               # StepStatus: aktif, diklaim, selesai, dilewati, ...
    activated_at: datetime
    claimed_at: datetime | None = None
    completed_at: datetime | None = None
    completed_by: str | None = None
    due_at: datetime | None = None
    limit_unit: str | None = None
    late: bool | None = None            # done after its due time (None: not done, no due)
    work_seconds: int | None = None     # activation -> completion
    wait_seconds: int | None = None     # activation -> taken up
    handle_seconds: int | None = None   # taken up -> completion


def elapsed(calendar: CourtCalendar, unit: str | None, a: datetime, b: datetime) -> int:
    """Seconds from ``a`` to ``b`` (0 when ``b`` is not after ``a``): calendar time for a
    limit in calendar days, working time otherwise."""
    if b <= a:
        return 0
    if unit == CALENDAR_DAYS:
        return int((b - a).total_seconds())
    return calendar.working_seconds_between(a, b)


def attempt_row(state: CaseState, wf: Workflow, step: StepState,
                calendar: CourtCalendar) -> StepAttempt:
    """The row of ``step`` (an attempt in ``state``), under the version it ran in (a step
    closed before the case moved to a new version stays with the old one); ``wf`` is that
    version's workflow."""
    try:
        node = wf.node(step.node)
    except KeyError:
        node = None
    unit = limit_unit(node.limit if node is not None else None)
    done = step.status is StepStatus.DONE and step.completed_at is not None
    completed = step.completed_at if done else None
    claimed = step.claimed_at
    return StepAttempt(
        case_id=state.case_id, node=step.node, attempt=step.attempt, sop_id=state.sop_id,
        version=step.version or state.version, role=node.role if node is not None else None,
        status=str(step.status), activated_at=step.activated_at, claimed_at=claimed,
        completed_at=completed, completed_by=step.completed_by if done else None,
        due_at=step.due_at, limit_unit=unit,
        late=None if completed is None or step.due_at is None else completed > step.due_at,
        work_seconds=None if completed is None
        else elapsed(calendar, unit, step.activated_at, completed),
        wait_seconds=None if claimed is None
        else elapsed(calendar, unit, step.activated_at, claimed),
        handle_seconds=None if claimed is None or completed is None
        else elapsed(calendar, unit, claimed, completed))


def attempt_rows(state: CaseState, workflow_of: Callable[[str], Workflow],
                 calendar: CourtCalendar,
                 only: Iterable[tuple[str, int]] | None = None) -> list[StepAttempt]:
    """The rows of every attempt in ``state`` (or of the (node, attempt) pairs ``only``);
    ``workflow_of`` gives a version's workflow."""
    wanted = None if only is None else set(only)
    return [attempt_row(state, workflow_of(s.version or state.version), s, calendar)
            for s in state.steps if wanted is None or (s.node, s.attempt) in wanted]


def changed(state: CaseState, events: Sequence[Event]
            ) -> tuple[set[tuple[str, int]], set[tuple[str, int]]]:
    """(node, attempt) pairs whose rows ``events`` (the last ones folded into ``state``) may
    change — every attempt an event names, every attempt of a case they cancel (that closes
    the open ones), every step a move to a new version re-keys, under its new key — and the
    pairs whose rows are gone (a moved step's old key)."""
    keys: set[tuple[str, int]] = set()
    gone: set[tuple[str, int]] = set()
    for e in events:
        node, attempt = getattr(e, "node", None), getattr(e, "attempt", None)
        if isinstance(node, str) and isinstance(attempt, int) and attempt > 0:
            keys.add((node, attempt))
        elif isinstance(e, CaseCancelled):
            keys.update((s.node, s.attempt) for s in state.steps)
        elif isinstance(e, CaseMigrated):
            for move in e.steps:
                gone.add((move["langkah"], int(move["percobaan"])))
                keys.add((move["ke"], int(move["percobaan_baru"])))
    return keys, gone - keys
