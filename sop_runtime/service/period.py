"""The figures of a period report (the "laporan"): per SOP, step and role, how many were
handled, how many on time against the step's limit and the service standard, the median
and 90th-percentile working time, deviations by kind, and what is overdue now. Read from
the log (the truth) for the cases started in the period; rendering is elsewhere."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select

from sop_runtime.engine import StepStatus
from sop_runtime.service import catalog
from sop_runtime.service.cases import load_case
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import queries
from sop_runtime.store.schema import cases as cases_table
from sop_runtime.store.schema import deviations as deviations_table


@dataclass
class Timing:
    """Steps (or cases) done, how many had a deadline and met it, and their working time."""

    done: int = 0
    with_deadline: int = 0
    on_time: int = 0
    seconds: list[int] = field(default_factory=list)

    def add(self, seconds: int, on_time: bool | None) -> None:
        self.done += 1
        self.seconds.append(seconds)
        if on_time is not None:
            self.with_deadline += 1
            self.on_time += on_time

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.with_deadline if self.with_deadline else None

    @property
    def median(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def p90(self) -> float | None:
        if not self.seconds:
            return None
        if len(self.seconds) == 1:
            return float(self.seconds[0])
        return statistics.quantiles(self.seconds, n=10, method="inclusive")[-1]


@dataclass
class PeriodFigures:
    start: datetime
    end: datetime
    cases: Counter[str] = field(default_factory=Counter)             # sop -> cases started
    completed: Counter[str] = field(default_factory=Counter)          # sop -> cases ended done
    service: dict[str, Timing] = field(default_factory=lambda: defaultdict(Timing))
    steps: dict[tuple[str, str], Timing] = field(default_factory=lambda: defaultdict(Timing))
    roles: dict[str, Timing] = field(default_factory=lambda: defaultdict(Timing))
    deviations: Counter[str] = field(default_factory=Counter)         # kind -> count
    deviations_by_sop: Counter[tuple[str, str]] = field(default_factory=Counter)
    overdue_now: int = 0


def period_figures(rt: Runtime, start: datetime, end: datetime, *,
                   sop: str | None = None) -> PeriodFigures:
    """The figures for cases started in [``start``, ``end``)."""
    now = rt.now()
    out = PeriodFigures(start, end)
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        _, calendar = catalog.court(rt, conn)
        c = cases_table.c
        query = select(c.case_id).where(c.started_at >= start, c.started_at < end)
        if sop is not None:
            query = query.where(c.sop_id == sop)
        for case_id in conn.execute(query.order_by(c.case_id)).scalars():
            _, state = load_case(conn, case_id)
            if state.status is None or not state.started_at:
                continue
            wf = catalog.workflow(rt, conn, state.version)
            out.cases[state.sop_id] += 1
            if state.status.value == "selesai" and state.ended_at is not None:
                out.completed[state.sop_id] += 1
                out.service[state.sop_id].add(
                    calendar.working_seconds_between(state.started_at, state.ended_at),
                    None if state.service_due is None else state.ended_at <= state.service_due)
            for step in state.steps:
                if step.status is not StepStatus.DONE or step.completed_at is None:
                    continue
                seconds = calendar.working_seconds_between(step.activated_at,
                                                           step.completed_at)
                on_time = None if step.due_at is None else step.completed_at <= step.due_at
                out.steps[(state.sop_id, step.node)].add(seconds, on_time)
                role = wf.node(step.node).role or "-"
                out.roles[role].add(seconds, on_time)
        d = deviations_table.c
        dq = (select(d.kind, cases_table.c.sop_id)
              .join(cases_table, cases_table.c.case_id == d.case_id)
              .where(d.occurred_at >= start, d.occurred_at < end))
        if sop is not None:
            dq = dq.where(cases_table.c.sop_id == sop)
        for kind, sop_id in conn.execute(dq):
            out.deviations[kind] += 1
            out.deviations_by_sop[(sop_id, kind)] += 1
        out.overdue_now = len(queries.overdue(conn, now, sop=sop))
    return out
