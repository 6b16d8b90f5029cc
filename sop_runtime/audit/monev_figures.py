"""The figures of the monitoring and evaluation (monev) report of one SOP over a period, as
plain data, and the rules that judge them; computed from the ``step_attempts`` projection by
:mod:`sop_runtime.service.monev`, rendered by :mod:`sop_runtime.audit.monev_html` and the
CLI.

What is counted:

* a step's attempts are those *activated* in the period (rework is an attempt after the
  first); a deviation counts when it *happened* in the period; the service standard is
  judged on the cases *started* in the period;
* working time is measured the way the step's limit counts (engine.attempts): calendar time
  for a limit in calendar days, working time on the court's calendar otherwise;
* percentiles are **nearest-rank**: the p-th percentile of n sorted values is the value at
  rank ceil(p/100 * n) (the median is p = 50: the lower of the two middle values when n is
  even); no interpolation, every figure is a time that really happened;
* on time: done by the due time; late: done after it, or still open past it when the
  report was made; the on-time rate is on time / (on time + late);
* a step "runs well" (*berjalan dengan baik*) when an attempt of the period was done (or is
  late), its on-time rate is at least :data:`ON_TIME_GOAL` (or it has no deadline), and
  neither its rework nor any one kind of deviation passes :data:`DEVIATION_SHARE` of its
  attempts; otherwise it is not judged;
* the bottleneck is the step with the most late attempts; when none was late, the step with
  the largest total working time (median x attempts done).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sop_runtime.engine.attempts import CALENDAR_DAYS, WORKING_DAYS, WORKING_MINUTES

ON_TIME_GOAL = 0.80
DEVIATION_SHARE = 0.10
PERCENTILES = (50, 80, 90)
OPEN = frozenset({"aktif", "diklaim"})
DONE = "selesai"


def nearest_rank(ordered: list[int], p: int) -> int | None:
    """The ``p``-th percentile of ``ordered`` (sorted ascending) by nearest rank."""
    if not ordered:
        return None
    rank = max(1, -(-p * len(ordered) // 100))
    return ordered[rank - 1]


@dataclass
class Durations:
    """Seconds of one kind (working, waiting, handling), kept sorted when read."""

    values: list[int] = field(default_factory=list)
    _sorted: bool = True

    def add(self, seconds: int) -> None:
        self.values.append(seconds)
        self._sorted = False

    def _ordered(self) -> list[int]:
        if not self._sorted:
            self.values.sort()
            self._sorted = True
        return self.values

    def percentile(self, p: int) -> int | None:
        return nearest_rank(self._ordered(), p)

    @property
    def median(self) -> int | None:
        return self.percentile(50)

    @property
    def p80(self) -> int | None:
        return self.percentile(80)

    @property
    def p90(self) -> int | None:
        return self.percentile(90)

    @property
    def count(self) -> int:
        return len(self.values)

    @property
    def total(self) -> int:
        return sum(self.values)


@dataclass
class StepFigures:
    """One step of one version: its limit as the SOP writes it and what the period did."""

    node: str
    no: int
    kegiatan: str
    role: str | None
    limit_text: str | None = None   # the mutu baku waktu as written (None: no limit)
    limit_unit: str | None = None   # hari | hari_kerja | menit_kerja (engine.attempts)
    limit_amount: float | None = None  # the limit in its unit (14 hari, 3 hari kerja, 30 menit)
    attempts: int = 0               # activated in the period
    done: int = 0
    open: int = 0
    other: int = 0                  # closed without being done (skipped, timer, cancelled)
    rework: int = 0                 # attempts after the first
    on_time: int = 0
    late: int = 0                   # done late, or open past the due time
    open_late: int = 0
    work: Durations = field(default_factory=Durations)     # activation -> completion
    wait: Durations = field(default_factory=Durations)     # activation -> taken up
    handle: Durations = field(default_factory=Durations)   # taken up -> completion
    deviations: Counter[str] = field(default_factory=Counter)

    @property
    def judged(self) -> int:
        """Attempts judged against a deadline: on time plus late."""
        return self.on_time + self.late

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.judged if self.judged else None

    @property
    def runs_well(self) -> bool | None:
        """*Berjalan dengan baik* by the module's rule; None: nothing to judge (no attempt in
        the period done, nor late)."""
        if not self.done and not self.late:
            return None
        rate = self.on_time_rate
        if rate is not None and rate < ON_TIME_GOAL:
            return False
        limit = DEVIATION_SHARE * self.attempts
        return self.rework <= limit and all(n <= limit for n in self.deviations.values())

    @property
    def weight(self) -> int:
        """Total working time by the bottleneck rule: median x attempts done."""
        return (self.work.median or 0) * self.work.count

    def as_json(self) -> dict[str, Any]:
        return {
            "node": self.node, "no": self.no, "kegiatan": self.kegiatan, "role": self.role,
            "limit": {"text": self.limit_text, "unit": self.limit_unit,
                      "amount": self.limit_amount},
            "attempts": self.attempts, "done": self.done, "open": self.open,
            "closed_otherwise": self.other, "rework": self.rework, "on_time": self.on_time,
            "late": self.late, "open_late": self.open_late, "on_time_rate": self.on_time_rate,
            "work_seconds": _spread(self.work), "wait_seconds": _spread(self.wait),
            "handle_seconds": _spread(self.handle),
            "deviations": dict(sorted(self.deviations.items())), "runs_well": self.runs_well}


def _spread(d: Durations) -> dict[str, int | None]:
    return {"count": d.count, "median": d.median, "p80": d.p80, "p90": d.p90}


@dataclass
class Load:
    """A role's or a person's share of the steps done: how many, how many late, and their
    working time in seconds."""

    done: int = 0
    late: int = 0
    seconds: int = 0


@dataclass
class Service:
    """The service standard (waktu pelayanan) on the cases started in the period."""

    cases: int = 0
    met: int = 0          # finished by the service due time
    missed: int = 0       # finished after it, or still running past it
    running: int = 0      # still running, not yet due
    no_standard: int = 0  # cases without a service due time
    cancelled: int = 0

    @property
    def rate(self) -> float | None:
        judged = self.met + self.missed
        return self.met / judged if judged else None

    def as_json(self) -> dict[str, Any]:
        return {"cases": self.cases, "met": self.met, "missed": self.missed,
                "running": self.running, "no_standard": self.no_standard,
                "cancelled": self.cancelled, "rate": self.rate}


@dataclass
class VersionFigures:
    """Everything the period holds of one version of the SOP."""

    version: str
    steps: dict[str, StepFigures] = field(default_factory=dict)   # by node id, SOP order
    service: Service = field(default_factory=Service)
    roles: dict[str, Load] = field(default_factory=dict)
    people: dict[str, Load] = field(default_factory=dict)
    deviations: Counter[str] = field(default_factory=Counter)      # by kind, every step

    @property
    def attempts(self) -> int:
        return sum(s.attempts for s in self.steps.values())

    @property
    def bottleneck(self) -> StepFigures | None:
        """The step with the most late attempts; with none late, the largest total working
        time (median x done); None when nothing was done."""
        steps = [s for s in self.steps.values() if s.attempts]
        if not steps:
            return None
        late = max(steps, key=lambda s: (s.late, s.weight, -s.no))
        if late.late:
            return late
        heavy = max(steps, key=lambda s: (s.weight, -s.no))
        return heavy if heavy.weight else None

    def as_json(self) -> dict[str, Any]:
        neck = self.bottleneck
        return {
            "version": self.version, "steps": [s.as_json() for s in self.steps.values()],
            "service": self.service.as_json(),
            "roles": {k: vars(v) for k, v in sorted(self.roles.items())},
            "people": {k: vars(v) for k, v in sorted(self.people.items())},
            "deviations": dict(sorted(self.deviations.items())),
            "bottleneck": neck.node if neck is not None else None}


@dataclass
class MonevFigures:
    """One SOP over [``start``, ``end``), as of ``now``: the version reported on and every
    version carried out in the period (for the comparison before and after a revision)."""

    sop_id: str
    start: datetime
    end: datetime
    now: datetime
    version: str
    versions: dict[str, VersionFigures] = field(default_factory=dict)  # oldest first

    @property
    def main(self) -> VersionFigures:
        return self.versions[self.version]

    def as_json(self) -> dict[str, Any]:
        return {"sop_id": self.sop_id, "from": self.start.isoformat(),
                "to": self.end.isoformat(), "as_of": self.now.isoformat(),
                "version": self.version,
                "percentiles": "nearest-rank", "on_time_goal": ON_TIME_GOAL,
                "deviation_share": DEVIATION_SHARE,
                "versions": [v.as_json() for v in self.versions.values()]}


def in_unit(seconds: float, unit: str | None, minutes_per_working_day: int) -> float:
    """``seconds`` in the unit a limit is written in: calendar days, working days, or
    minutes (working minutes; also for a step without a limit)."""
    if unit == CALENDAR_DAYS:
        return seconds / 86_400
    if unit == WORKING_DAYS:
        return seconds / (minutes_per_working_day * 60)
    return seconds / 60


def limit_amount(unit: str | None, calendar_days: int, months: int, working_days: int,
                 working_minutes: int) -> float | None:
    """A limit's size in its own unit (a month as 30 days)."""
    if unit == CALENDAR_DAYS:
        return float(calendar_days + 30 * months)
    if unit == WORKING_DAYS:
        return float(working_days)
    if unit == WORKING_MINUTES:
        return float(working_minutes)
    return None


Row = tuple[Any, ...]
"""A row of ``store.step_attempts.REPORT_COLUMNS``."""


def count_attempts(v: VersionFigures, rows: list[Row], now: datetime) -> None:
    """Add ``rows`` (this version's attempts in the period) to ``v``'s steps, roles and
    people; a row of a node the version does not have gets a step of its own."""
    for (_, node, attempt, role, status, who, due_at, late, work, wait, handle,
         _unit) in rows:
        step = v.steps.get(node)
        if step is None:
            step = v.steps[node] = StepFigures(node, 0, node, role)
        step.attempts += 1
        if attempt > 1:
            step.rework += 1
        if wait is not None:
            step.wait.add(wait)
        if status == DONE:
            step.done += 1
            if work is not None:
                step.work.add(work)
            if handle is not None:
                step.handle.add(handle)
            if late is True:
                step.late += 1
            elif late is False:
                step.on_time += 1
            for key, table in ((role, v.roles), (who, v.people)):
                if key is None:
                    continue
                load = table.setdefault(key, Load())
                load.done += 1
                load.late += late is True
                load.seconds += work or 0
        elif status in OPEN:
            step.open += 1
            if due_at is not None and due_at < now:
                step.late += 1
                step.open_late += 1
        else:
            step.other += 1


def count_service(v: VersionFigures, rows: list[tuple[str, str, datetime | None,
                                                       datetime | None]],
                  now: datetime) -> None:
    """Add the cases ``rows`` (version, status, ended_at, service_due) to ``v.service``."""
    s = v.service
    for _, status, ended_at, due in rows:
        if status == "ditolak":  # a refused start: no case was served
            continue
        s.cases += 1
        if status == "dibatalkan":
            s.cancelled += 1
        elif due is None:
            s.no_standard += 1
        elif ended_at is not None:
            if ended_at <= due:
                s.met += 1
            else:
                s.missed += 1
        elif due < now:
            s.missed += 1
        else:
            s.running += 1
