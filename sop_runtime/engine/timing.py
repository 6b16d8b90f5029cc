"""Deadlines of a case on the court's calendar: a step's limit, its timer, the service
standard; each counted from the step's activation or from its anchor (an earlier step's
completion, or a date captured in the case)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, time, timedelta, tzinfo

from sop_runtime.compiler.workflow import Node, Workflow
from sop_runtime.definition.models import Anchor
from sop_runtime.definition.timelimit import TimeLimit
from sop_runtime.engine.events import utc_iso
from sop_runtime.engine.state import CaseState, StepStatus
from sop_runtime.worktime import CourtCalendar


def is_counted(limit: TimeLimit | None) -> bool:
    """Whether ``limit`` gives a deadline (``tidak ditentukan`` does not)."""
    return limit is not None and bool(
        limit.working_minutes or limit.working_days or limit.calendar_days or limit.months
        or limit.same_day)


def anchor_time(state: CaseState, anchor: Anchor | None, fields: Mapping[str, str],
                calendar: CourtCalendar, fallback: datetime,
                done_now: Mapping[str, datetime] | None = None) -> datetime:
    """When a limit anchored at ``anchor`` starts; ``fallback`` when the anchor is not known
    yet (the step not done, the date not entered). ``done_now``: steps completed by the
    decision being made, not in ``state`` yet (their latest completion)."""
    if anchor is None:
        return fallback
    known = _known_time(state, anchor, fields, calendar, done_now)
    return fallback if known is None else known


def _known_time(state: CaseState, anchor: Anchor, fields: Mapping[str, str],
                calendar: CourtCalendar, done_now: Mapping[str, datetime] | None
                ) -> datetime | None:
    """When ``anchor`` was, or None while it is not known; of a composite anchor, the latest
    (``paling_akhir``) or earliest (``paling_awal``) of its known parts."""
    if anchor.paling_akhir or anchor.paling_awal:
        known = [t for part in anchor.parts()
                 if (t := _known_time(state, part, fields, calendar, done_now)) is not None]
        if not known:
            return None
        return max(known) if anchor.paling_akhir else min(known)
    if anchor.langkah is not None:
        if done_now and str(anchor.langkah) in done_now:
            return done_now[str(anchor.langkah)]
        done = [s for s in state.steps
                if s.node == str(anchor.langkah) and s.status is StepStatus.DONE]
        return done[-1].completed_at if done else None
    value = fields.get(anchor.isian or "")
    if value is None:
        return None
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return datetime.combine(day, time(0), calendar.tz)


def step_deadlines(state: CaseState, node: Node, fields: Mapping[str, str],
                   calendar: CourtCalendar, activated: datetime, *,
                   done: Mapping[str, datetime] | None = None, channel: str = "loket"
                   ) -> tuple[datetime | None, datetime | None]:
    """(due, timer due) of ``node`` activated at ``activated``; ``done``: steps completed
    by the decision that activates it (see :func:`anchor_time`). The limit's last day ends
    as the step says, or as the court says for the SOP's ``channel``."""
    due = None
    if is_counted(node.limit):
        assert node.limit is not None
        due = calendar.due(anchor_time(state, node.anchor, fields, calendar, activated, done),
                           node.limit, end=node.limit_end, channel=channel)
    timer_due = None
    if node.timer is not None and is_counted(node.timer.limit):
        timer_due = calendar.due(
            anchor_time(state, node.timer.anchor, fields, calendar, activated, done),
            node.timer.limit)
    return due, timer_due


def service_deadline(workflow: Workflow, state: CaseState, fields: Mapping[str, str],
                     calendar: CourtCalendar, started: datetime) -> datetime | None:
    if not is_counted(workflow.service_limit):
        return None
    assert workflow.service_limit is not None
    return calendar.due(anchor_time(state, workflow.service_anchor, fields, calendar, started),
                        workflow.service_limit, channel=workflow.channel)


def least_span(limit: TimeLimit | None) -> timedelta | None:
    """A span no deadline of ``limit`` comes sooner than after its start (None: no limit):
    an act within it of the start is certainly on time, whatever the calendar says. Working
    minutes take at least as long on the clock; a limit in days ends no earlier than the
    start of its last day, a day (and an hour for a change of clock) short of the days
    counted, which for ``pada hari itu juga`` is before the start; a month is at least 28
    days."""
    if not is_counted(limit):
        return None
    assert limit is not None
    days = limit.calendar_days + limit.working_days + 28 * limit.months
    span = timedelta(minutes=limit.working_minutes)
    if days or limit.same_day:
        span += timedelta(days=days - 1, hours=-1)
    return span


def is_past(due: datetime, at: datetime, tz: tzinfo, *, day_only: bool = False) -> bool:
    """Whether an act at ``at`` is past ``due``; an act known only to the day (its time is
    the day's close) is past it only on a later day than ``due``'s, at ``tz``."""
    if day_only:
        return at.astimezone(tz).date() > due.astimezone(tz).date()
    return at > due


def lateness_evidence(calendar: CourtCalendar, due: datetime, at: datetime,
                      limit: TimeLimit | None) -> dict[str, str]:
    """The evidence of a limit passed: the due time, how late in the unit the limit is
    written in (``terlambat``, ``satuan``), and the working seconds as before."""
    unit, amount = calendar.lateness(due, at, limit)
    return {"batas": utc_iso(due), "terlambat": str(amount), "satuan": unit,
            "terlambat_detik": str(calendar.working_seconds_between(due, at))}


def overdue_evidence(workflow: Workflow, calendar: CourtCalendar, node: Node, due: datetime,
                     at: datetime, recorder: str | None) -> tuple[dict[str, str], bool]:
    """The evidence of ``node`` done (or closed) at ``at`` past ``due``, and whether the
    lateness is a party's (a ``publik`` lane): then the party is named, and the clerk who
    recorded the act (``recorder``; None: found by the system) as its recorder."""
    evidence = lateness_evidence(calendar, due, at, node.limit)
    lane = workflow.role(node.role or "")
    party = lane is not None and lane.publik
    if party:
        evidence["pihak"] = node.role or ""
        if recorder is not None:
            evidence["dicatat_oleh"] = recorder
    return evidence, party
