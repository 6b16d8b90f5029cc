"""The court's working time laid out day by day, with prefix sums for fast arithmetic.

A :class:`Timeline` turns "the office intervals of date D" (given as a function returning
tick pairs, see :mod:`.instants`) into per-year tables, built on first use and kept:

* the office intervals of every day of the year;
* ``cum_ticks[i]``: working ticks in the year's days before day ``i``;
* ``cum_days[i]``: working days in the year's days before day ``i``.

With these, "working time between two instants", "where does the N-th working minute end"
and "which date is the N-th working day after D" are a few lookups and one binary search per
year crossed, never a loop over minutes or days. Days are identified by their proleptic
Gregorian ordinal (``date.toordinal()``) in the court's time zone.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from itertools import accumulate

Interval = tuple[int, int]
"""Start and end of an office interval, in ticks (start before end)."""

DayPlan = tuple[Interval, ...]
"""The office intervals of one day, in order; empty on a non-working day."""

HORIZON_YEARS = 200
"""How far ahead a search for working time goes before giving up."""


@dataclass(frozen=True, slots=True)
class _Year:
    first: int                      # ordinal of 1 January
    plans: tuple[DayPlan, ...]      # one per day of the year
    cum_ticks: tuple[int, ...]      # len(plans) + 1 prefix sums of working ticks
    cum_days: tuple[int, ...]       # len(plans) + 1 prefix counts of working days

    @property
    def end(self) -> int:
        """Ordinal of 1 January of the next year."""
        return self.first + len(self.plans)


def _overlap(plan: DayPlan, lo: int, hi: int) -> int:
    total = 0
    for start, end in plan:
        span = min(end, hi) - max(start, lo)
        if span > 0:
            total += span
    return total


def _beyond_horizon() -> ValueError:
    return ValueError(
        f"tidak ada waktu kerja yang cukup dalam {HORIZON_YEARS} tahun ke depan / "
        f"not enough working time within the next {HORIZON_YEARS} years")


class Timeline:
    """Working intervals per day (from ``plan_of``) and arithmetic over them."""

    __slots__ = ("_plan_of", "_years")

    def __init__(self, plan_of: Callable[[date], DayPlan]) -> None:
        self._plan_of = plan_of
        self._years: dict[int, _Year] = {}

    # -- tables ---------------------------------------------------------------------------

    def _year(self, year: int) -> _Year:
        table = self._years.get(year)
        if table is None:
            table = self._build(year)
        return table

    def _year_of(self, ordinal: int) -> _Year:
        try:
            year = date.fromordinal(ordinal).year
        except (ValueError, OverflowError):
            raise ValueError(
                "tanggal di luar kalender (tahun 1-9999) / date beyond the calendar "
                "(years 1-9999)") from None
        return self._year(year)

    def _build(self, year: int) -> _Year:
        first = date(year, 1, 1).toordinal()
        end = date(year + 1, 1, 1).toordinal() if year < date.max.year else first + 365
        plans = tuple(self._plan_of(date.fromordinal(o)) for o in range(first, end))
        totals = (sum(e - s for s, e in plan) for plan in plans)
        table = _Year(
            first=first,
            plans=plans,
            cum_ticks=tuple(accumulate(totals, initial=0)),
            cum_days=tuple(accumulate((1 if p else 0 for p in plans), initial=0)),
        )
        self._years[year] = table
        return table

    # -- days -----------------------------------------------------------------------------

    def plan(self, ordinal: int) -> DayPlan:
        """Office intervals of the day ``ordinal`` (empty if not a working day)."""
        table = self._year_of(ordinal)
        return table.plans[ordinal - table.first]

    def is_working(self, ordinal: int) -> bool:
        return bool(self.plan(ordinal))

    def nth_working_day_after(self, ordinal: int, n: int) -> int:
        """Ordinal of the ``n``-th working day strictly after ``ordinal`` (``n`` >= 1)."""
        if n < 1:
            raise ValueError("n must be at least 1")
        day = ordinal + 1
        for _ in range(HORIZON_YEARS):
            table = self._year_of(day)
            index = day - table.first
            target = table.cum_days[index] + n
            if target <= table.cum_days[-1]:
                j = bisect_left(table.cum_days, target, index + 1)
                return table.first + j - 1
            n = target - table.cum_days[-1]
            day = table.end
        raise _beyond_horizon()

    def next_working_day(self, ordinal: int) -> int:
        """``ordinal`` itself if it is a working day, else the next one."""
        return ordinal if self.is_working(ordinal) else self.nth_working_day_after(ordinal, 1)

    def working_ticks_of_days(self, first: int, stop: int) -> int:
        """Working ticks of the whole days ``first`` <= day < ``stop``."""
        total = 0
        day = first
        while day < stop:
            table = self._year_of(day)
            i = day - table.first
            j = min(stop, table.end) - table.first
            total += table.cum_ticks[j] - table.cum_ticks[i]
            day = table.first + j
        return total

    # -- instants -------------------------------------------------------------------------

    def elapsed(self, a: int, a_day: int, b: int, b_day: int) -> int:
        """Working ticks between instants ``a`` <= ``b`` lying on days ``a_day``, ``b_day``."""
        if b <= a:
            return 0
        if a_day == b_day:
            return _overlap(self.plan(a_day), a, b)
        return (_overlap(self.plan(a_day), a, b)
                + self.working_ticks_of_days(a_day + 1, b_day)
                + _overlap(self.plan(b_day), a, b))

    def advance(self, start: int, start_day: int, amount: int) -> int:
        """The instant at which ``amount`` (> 0) working ticks counted from ``start`` (on
        day ``start_day``) have elapsed: the end of the last tick, never a closed instant
        after it."""
        if amount <= 0:
            raise ValueError("amount must be positive")
        for begin, end in self.plan(start_day):
            if end <= start:
                continue
            begin = max(begin, start)
            if amount <= end - begin:
                return begin + amount
            amount -= end - begin
        day = start_day + 1
        for _ in range(HORIZON_YEARS):
            table = self._year_of(day)
            index = day - table.first
            target = table.cum_ticks[index] + amount
            if target <= table.cum_ticks[-1]:
                j = bisect_left(table.cum_ticks, target, index + 1)
                rest = target - table.cum_ticks[j - 1]
                for begin, end in table.plans[j - 1]:
                    if rest <= end - begin:
                        return begin + rest
                    rest -= end - begin
                raise AssertionError("prefix sums disagree with the day's intervals")
            amount = target - table.cum_ticks[-1]
            day = table.end
        raise _beyond_horizon()
