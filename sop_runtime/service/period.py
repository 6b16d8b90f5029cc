"""The figures of a period report (the "laporan"): per SOP, step and role, how many were
handled, how many on time against the step's limit and the service standard, the median
and 90th-percentile working time, deviations by kind, and what is overdue now. Read from
the log (the truth) for the cases started in the period; rendering is elsewhere."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import suppress
from datetime import datetime

from sqlalchemy import Connection, select

from sop_runtime.audit.figures import PeriodFigures, aging_bucket
from sop_runtime.compiler.workflow import Workflow
from sop_runtime.engine import CaseState, CaseStatus, StepStatus
from sop_runtime.errors import NotFoundError
from sop_runtime.service import catalog
from sop_runtime.service.cases import load_case
from sop_runtime.service.confidential import Reader, hidden_sops
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import queries
from sop_runtime.store.schema import cases as cases_table
from sop_runtime.store.schema import deviations as deviations_table
from sop_runtime.worktime import CourtCalendar


def period_figures(rt: Runtime, start: datetime, end: datetime, *,
                   sop: str | None = None, reader: Reader | None = None,
                   progress: Callable[[int, int], None] | None = None) -> PeriodFigures:
    """The figures for cases started in [``start``, ``end``); ``progress(done, cases)`` is
    told as the cases are read (every 100 and at the end). The steps of a confidential SOP
    whose cases ``reader`` may not see are counted in the totals, never per step."""
    now = rt.now()
    withheld = hidden_sops(rt, reader) if reader is not None else frozenset()
    out = PeriodFigures(start, end, withheld=withheld)
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        _, calendar = catalog.court(rt, conn)
        c = cases_table.c
        query = select(c.case_id).where(c.started_at >= start, c.started_at < end)
        if sop is not None:
            query = query.where(c.sop_id == sop)
        ids = list(conn.execute(query.order_by(c.case_id)).scalars())
        for done, case_id in enumerate(ids, start=1):
            if progress is not None and (done % 100 == 0 or done == len(ids)):
                progress(done, len(ids))
            _, state = load_case(conn, case_id)
            if state.status is None or not state.started_at:
                continue
            _count_case(out, state, catalog.workflow(rt, conn, state.version), calendar)
        _count_deviations(conn, out, start, end, sop)
        out.overdue_now = len(queries.overdue(conn, now, sop=sop))
        _count_open(conn, out, now, calendar, sop)
    return out


def _count_case(out: PeriodFigures, state: CaseState, wf: Workflow,
                calendar: CourtCalendar) -> None:
    """One case's figures: started, completed within the service standard or not, and
    each step done (per step unless its SOP is withheld, per role, per person)."""
    assert state.started_at is not None
    out.cases[state.sop_id] += 1
    if state.status is CaseStatus.COMPLETED and state.ended_at is not None:
        out.completed[state.sop_id] += 1
        out.service[state.sop_id].add(
            calendar.working_seconds_between(state.started_at, state.ended_at),
            None if state.service_due is None else state.ended_at <= state.service_due)
    for step in state.steps:
        if step.status is not StepStatus.DONE or step.completed_at is None:
            continue
        seconds = calendar.working_seconds_between(step.activated_at, step.completed_at)
        on_time = None if step.due_at is None else step.completed_at <= step.due_at
        if state.sop_id not in out.withheld:
            out.steps[(state.sop_id, step.node)].add(seconds, on_time)
        role = wf.node(step.node).role or "-"
        out.roles[role].add(seconds, on_time)
        if step.completed_by is not None:
            out.load[step.completed_by].done += 1


def _count_deviations(conn: Connection, out: PeriodFigures, start: datetime, end: datetime,
                      sop: str | None) -> None:
    """The deviations that happened in the period, by kind and by SOP."""
    d = deviations_table.c
    dq = (select(d.kind, cases_table.c.sop_id)
          .join(cases_table, cases_table.c.case_id == d.case_id)
          .where(d.occurred_at >= start, d.occurred_at < end))
    if sop is not None:
        dq = dq.where(cases_table.c.sop_id == sop)
    for kind, sop_id in conn.execute(dq):
        out.deviations[kind] += 1
        out.deviations_by_sop[(sop_id, kind)] += 1


def _count_open(conn: Connection, out: PeriodFigures, now: datetime, calendar: CourtCalendar,
                sop: str | None) -> None:
    """The steps open now: how long they have waited, against their limits, and who holds
    them (or which roles they wait for)."""
    for waiting in queries.open_now(conn, sop=sop):
        age = out.aging[aging_bucket(
            calendar.working_seconds_between(waiting.activated_at, now),
            calendar.minutes_per_working_day)]
        if waiting.due_at is None:
            age.no_limit += 1
        elif waiting.due_at < now:
            age.overdue += 1
        else:
            age.in_time += 1
        holder = waiting.claimed_by or waiting.assignee
        if holder is not None:
            out.load[holder].open_held += 1
        else:
            out.waiting[waiting.roles] += 1


def period_html(rt: Runtime, start: datetime, end: datetime, *, sop: str | None = None,
                reader: Reader | None = None,
                progress: Callable[[int, int], None] | None = None) -> str:
    """The period report as a printable HTML page, with the newest seal's root on it."""
    from sop_runtime.audit.period_html import render_period
    from sop_runtime.engine.deviation_text import deviation_label
    from sop_runtime.i18n import current_lang
    from sop_runtime.service import integrity, survey
    from sop_runtime.service.letterhead import letterhead, names
    from sop_runtime.service.seals import signed_head
    from sop_runtime.store.seals import list_seals
    from sop_runtime.store.workflows import list_sops

    figures = period_figures(rt, start, end, sop=sop, reader=reader, progress=progress)
    answered = survey.results(rt, start, end, sop=sop)
    found = integrity.verify(rt)
    problems = ((0 if found.chain.ok else 1) + found.projections.findings.total
                + len(found.versions) + (0 if found.journals.ok else 1) + len(found.directory)
                + (0 if found.seals.ok else 1) + len(found.documents.differences))
    with rt.engine.connect() as conn:
        _, calendar = catalog.court(rt, conn)
        sealed = list_seals(conn)
        who = names(conn)
        sop_names = {row.sop_id: row.nama for row in list_sops(conn)}
        sop_numbers = {}  # the official number (nomor SOP) under each SOP's name
        for sop_id in figures.cases:
            with suppress(KeyError, NotFoundError):
                sop_numbers[sop_id] = catalog.current_workflow(
                    rt, conn, sop_id).document.identitas.nomor
        step_names = {}
        for sop_id, node in figures.steps:
            with suppress(KeyError, NotFoundError):
                step_names[(sop_id, node)] = catalog.current_workflow(
                    rt, conn, sop_id).node(node).kegiatan

    def worked(seconds: float | None) -> str:
        return "-" if seconds is None else calendar.describe_working(int(seconds),
                                                                     current_lang())

    newest = sealed[-1] if sealed else None
    return render_period(figures, letterhead(rt), worked=worked, label=deviation_label,
                         seal=newest, signed=None if newest is None else signed_head(newest),
                         names=who, sop_names=sop_names,
                         sop_numbers=sop_numbers, step_names=step_names, sop=sop,
                         verified=(found.ok, problems), survey=survey.section(answered))
