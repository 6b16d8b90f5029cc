"""Office hours of a date: the weekly hours, or a dated period's hours, minus the breaks.

The court file gives office hours per weekday (``jam_kerja``: a ``kerja`` span and its
``istirahat`` breaks) and dated periods with other hours (``periode_khusus``, e.g. Ramadhan).
For a date inside a period the period's hours replace the weekly hours entirely: a weekday the
period does not list is not a working day during the period. Where periods overlap, the first
one listed in the court file wins.

This module knows nothing of holidays or closures (see :mod:`.days_off`); it answers "if the
court is open on this date, when?" as wall-clock spans.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

from sop_runtime.definition.court import JamHari, JamKerja, PeriodeKhusus

Span = tuple[time, time]
"""A wall-clock span within one day, start before end."""

DaySpans = tuple[Span, ...]


def working_spans(hours: JamHari | None) -> DaySpans:
    """The ``kerja`` span of one weekday minus its breaks, in order, without empty pieces."""
    if hours is None:
        return ()
    spans: list[Span] = []
    cursor = hours.kerja.mulai
    for brk in sorted(hours.istirahat, key=lambda b: (b.mulai, b.selesai)):
        if brk.mulai > cursor:
            spans.append((cursor, brk.mulai))
        cursor = max(cursor, brk.selesai)
    if hours.kerja.selesai > cursor:
        spans.append((cursor, hours.kerja.selesai))
    return tuple(spans)


def _weekly(hours: JamKerja) -> tuple[DaySpans, ...]:
    return tuple(working_spans(hours.for_weekday(i)) for i in range(7))


@dataclass(frozen=True, slots=True)
class SpecialPeriod:
    """A dated period (``periode_khusus``) with its own weekly spans."""

    first: date
    last: date
    name: str
    week: tuple[DaySpans, ...]


@dataclass(frozen=True, slots=True)
class OfficeHours:
    """Weekly office spans (index 0 = Monday) and the dated periods that override them."""

    week: tuple[DaySpans, ...]
    periods: tuple[SpecialPeriod, ...] = ()

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise ValueError("office hours need one entry per weekday (7)")
        if not any(self.week):
            raise ValueError(
                "jam_kerja tidak memuat satu hari kerja pun / jam_kerja has no working day")

    @classmethod
    def from_court(cls, weekly: JamKerja, periods: Iterable[PeriodeKhusus] = ()) -> OfficeHours:
        """Build from the court file's ``jam_kerja`` and ``periode_khusus``."""
        return cls(
            week=_weekly(weekly),
            periods=tuple(SpecialPeriod(p.dari, p.sampai, p.nama, _weekly(p.jam_kerja))
                          for p in periods),
        )

    def spans(self, day: date) -> DaySpans:
        """Wall-clock working spans of ``day`` (holidays not considered), in order."""
        for period in self.periods:
            if period.first <= day <= period.last:
                return period.week[day.weekday()]
        return self.week[day.weekday()]

    def latest_closes(self) -> tuple[time | None, ...]:
        """Per weekday (0 = Monday), the latest close of office that any of its hours give:
        the weekly hours' or a dated period's; None for a weekday with no office hours at
        all. A moment at or after it is after the close of that weekday's office, whatever
        period it falls in."""
        weeks = (self.week, *(p.week for p in self.periods))
        return tuple(max((w[i][-1][1] for w in weeks if w[i]), default=None)
                     for i in range(7))

    def period_name(self, day: date) -> str | None:
        """Name of the special period whose hours apply on ``day``, if any."""
        for period in self.periods:
            if period.first <= day <= period.last:
                return period.name
        return None
