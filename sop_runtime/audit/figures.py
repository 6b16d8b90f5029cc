"""The figures of an accountability report, as plain data: computed by
:mod:`sop_runtime.service.period`, rendered by :mod:`sop_runtime.audit.period_html` and the
CLI."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import datetime


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


AGING_BUCKETS = ("<1", "1-2", "3-5", ">5")
"""How long open steps have been open, in whole working days: under one, one or two, three
to five, six or more."""


def aging_bucket(working_seconds: int, minutes_per_working_day: int) -> str:
    """The :data:`AGING_BUCKETS` entry for a step open ``working_seconds`` of working time
    (whole working days of the court's average length)."""
    days = working_seconds // (minutes_per_working_day * 60)
    return "<1" if days < 1 else "1-2" if days <= 2 else "3-5" if days <= 5 else ">5"


@dataclass
class Aging:
    """Open steps in one age bucket: within their limit, past it, and without a limit."""

    in_time: int = 0
    overdue: int = 0
    no_limit: int = 0

    @property
    def total(self) -> int:
        return self.in_time + self.overdue + self.no_limit


@dataclass
class Load:
    """One person's share: steps done in the period's cases, steps open now in their hands
    (claimed by them or assigned to them)."""

    done: int = 0
    open_held: int = 0


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
    # steps open when the report is made, by age (every case, or the one SOP asked for)
    aging: dict[str, Aging] = field(
        default_factory=lambda: {bucket: Aging() for bucket in AGING_BUCKETS})
    load: dict[str, Load] = field(default_factory=lambda: defaultdict(Load))  # by username
    # the roles of open steps nobody holds yet -> how many
    waiting: Counter[tuple[str, ...]] = field(default_factory=Counter)
    # confidential SOPs whose figures per step the reader may not see (counted in the totals)
    withheld: frozenset[str] = frozenset()
