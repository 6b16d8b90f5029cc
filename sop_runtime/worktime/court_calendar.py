"""The court calendar: when the court works, and deadlines on its working time.

A :class:`CourtCalendar` is built from the court file (``court.yaml``) and is pure: it never
reads the clock (every instant is passed in) and does no I/O beyond the in-memory holiday
tables of the ``holidays`` package. It knows nothing of SOPs.

Rules (the product's rules; SOP time limits mean exactly this):

Instants
    Every datetime must be timezone-aware; a naive one raises :class:`NaiveDatetimeError`
    (a ``ValueError``). Inputs in another zone are converted to the court's zone
    (``pengadilan.zona_waktu``) and every datetime returned is in the court's zone.

Working days and office hours
    A date is a working day when its office hours are not empty and it is not a day off.
    Office hours are the weekly ``jam_kerja`` of the weekday, or, for a date inside a
    ``periode_khusus`` (e.g. Ramadhan), that period's hours instead (the first listed period
    wins where periods overlap); breaks (``istirahat``) are not office time. Days off are
    national holidays and cuti bersama from the ``holidays`` package (Indonesia, each
    switched by ``hari_libur.nasional`` / ``hari_libur.cuti_bersama``) and the court's
    closures (``hari_libur.penutupan``: one day, or ``tanggal`` to ``sampai`` inclusive).
    The *close of office* of a working day is the end of its last office interval.

Working minutes (``10 menit``, ``2 jam``)
    Counted only inside office intervals. A start outside office hours (before opening, in
    a break, after closing, on a day off) begins counting at the next opening. The due
    instant is where the N-th working minute ends: 10 minutes from 16:25 with office until
    16:30 end at 08:05 on the next working day if it opens at 08:00; a count that ends
    exactly at a break or at closing time ends there (12:00, not 13:00). Zero minutes leave
    the start unchanged.

Working days (``3 hari kerja``)
    The start day is not counted (*dies a quo non computatur*): the deadline is the close of
    office on the N-th working day after the start's date, whatever the start's time, also
    when the start falls on a day off. Zero working days: the close of office of the start's
    date, or of the next working day if the start's date is not one.

Calendar days and months (``14 hari``, ``6 bulan``)
    The start's date plus N months (the same day of the month, clamped to the month's last
    day: 31 August + 6 months = 28 February), then plus N days. The deadline is the close of
    office of that date; when it is not a working day, the close of office of the next
    working day (roll-forward).

Mixed limits
    Applied in the order months, calendar days (one step, rolled forward once), working
    days (counted from the date reached), working minutes (counted from the instant
    reached). A limit with no part at all leaves the start unchanged. Negative parts are
    refused.

Elapsed working time
    ``working_seconds_between(a, b)`` is the office time inside ``[a, b]``, in whole seconds
    (rounded down), and 0 when ``b <= a``. ``describe_working`` writes it in working days
    of the court's average working-day length, hours and minutes.

Efficiency: the office intervals of every date are computed once per year on first use,
with prefix sums of working time and working days, so a deadline or an elapsed time over
years costs a few lookups and a binary search per year crossed.
"""

from __future__ import annotations

from calendar import monthrange
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sop_runtime.definition.court import CourtFile
from sop_runtime.definition.timelimit import TimeLimit
from sop_runtime.worktime.days_off import DaysOff
from sop_runtime.worktime.duration_text import describe_working
from sop_runtime.worktime.instants import (
    TICKS_PER_MINUTE,
    TICKS_PER_SECOND,
    from_ticks,
    require_aware,
    to_ticks,
)
from sop_runtime.worktime.office_hours import OfficeHours
from sop_runtime.worktime.timeline import DayPlan, Timeline


def _not_negative(name: str, value: int) -> None:
    if value < 0:
        raise ValueError(f"{name} tidak boleh negatif / {name} must not be negative: {value}")


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later, clamped to the last day of the target month."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    if not date.min.year <= year <= date.max.year:
        raise ValueError("tanggal di luar kalender / date beyond the calendar")
    return date(year, month, min(day.day, monthrange(year, month)[1]))


CLOSE, END_OF_DAY = "tutup_kantor", "akhir_hari"
_DAY_ENDS = {"loket": CLOSE, "elektronik": CLOSE}


@dataclass(frozen=True, slots=True, eq=False)
class CourtCalendar:
    """Working time of one court: see the module docstring for the rules."""

    tz: ZoneInfo
    hours: OfficeHours
    days_off: DaysOff
    minutes_per_working_day: int
    # when a limit's last day ends, per channel (loket, elektronik): see :meth:`due`
    day_ends: Mapping[str, str] = field(default_factory=lambda: dict(_DAY_ENDS))
    # the days off that push a term in calendar days forward (None: the office's)
    term_days_off: DaysOff | None = None
    _timeline: Timeline = field(init=False, repr=False)
    _terms: Timeline = field(init=False, repr=False)

    def __post_init__(self) -> None:
        if self.minutes_per_working_day <= 0:
            raise ValueError("minutes_per_working_day must be positive")
        object.__setattr__(self, "_timeline", Timeline(self._plan))
        object.__setattr__(self, "_terms", self._timeline if self.term_days_off is None
                           else Timeline(self._term_plan))

    @classmethod
    def from_court(cls, court: CourtFile) -> CourtCalendar:
        """The calendar of the court described by ``court.yaml``."""
        return cls(
            tz=ZoneInfo(court.pengadilan.zona_waktu),
            hours=OfficeHours.from_court(court.jam_kerja, court.periode_khusus),
            days_off=DaysOff.from_court(court.hari_libur),
            minutes_per_working_day=court.minutes_per_working_day(),
            day_ends={"loket": court.akhir_batas_waktu.loket,
                      "elektronik": court.akhir_batas_waktu.elektronik},
            term_days_off=_term_days_off(court),
        )

    def _plan(self, day: date) -> DayPlan:
        if self.days_off.name(day) is not None:
            return ()
        return tuple((self._tick_at(day, start), self._tick_at(day, end))
                     for start, end in self.hours.spans(day))

    def _term_plan(self, day: date) -> DayPlan:
        """The office's hours of ``day`` unless it is a day off for terms in calendar days."""
        assert self.term_days_off is not None
        if self.term_days_off.name(day) is not None:
            return ()
        return tuple((self._tick_at(day, start), self._tick_at(day, end))
                     for start, end in self.hours.spans(day))

    def _tick_at(self, day: date, wall: time) -> int:
        return to_ticks(datetime.combine(day, wall, tzinfo=self.tz))

    def _local(self, value: datetime) -> tuple[int, int]:
        """Ticks and the court-local day ordinal of an aware instant."""
        local = require_aware(value).astimezone(self.tz)
        return to_ticks(local), local.date().toordinal()

    def _close(self, ordinal: int) -> datetime:
        return from_ticks(self._timeline.plan(ordinal)[-1][1], self.tz)

    # -- dates ----------------------------------------------------------------------------

    def is_working_day(self, d: date) -> bool:
        """The court has office hours on ``d`` and ``d`` is not a day off."""
        return self._timeline.is_working(d.toordinal())

    def holiday_name(self, d: date) -> str | None:
        """Name of the national holiday, cuti bersama or closure on ``d``, if any."""
        return self.days_off.name(d)

    def office_intervals(self, d: date) -> tuple[tuple[datetime, datetime], ...]:
        """Office intervals of ``d`` (breaks excluded) in the court's zone; empty on a day
        that is not a working day."""
        return tuple((from_ticks(s, self.tz), from_ticks(e, self.tz))
                     for s, e in self._timeline.plan(d.toordinal()))

    def next_working_day(self, d: date) -> date:
        """``d`` itself if it is a working day, else the first working day after it."""
        return date.fromordinal(self._timeline.next_working_day(d.toordinal()))

    # -- deadlines ------------------------------------------------------------------------

    def add_working_minutes(self, start: datetime, minutes: int) -> datetime:
        """Where the ``minutes``-th working minute counted from ``start`` ends."""
        _not_negative("minutes", minutes)
        ticks, day = self._local(start)
        if minutes == 0:
            return from_ticks(ticks, self.tz)
        return from_ticks(self._timeline.advance(ticks, day, minutes * TICKS_PER_MINUTE),
                          self.tz)

    def add_working_days(self, start: datetime, days: int) -> datetime:
        """Close of office on the ``days``-th working day after the start's date."""
        _not_negative("days", days)
        _, day = self._local(start)
        line = self._timeline
        target = line.nth_working_day_after(day, days) if days else line.next_working_day(day)
        return self._close(target)

    def add_calendar(self, start: datetime, *, days: int = 0, months: int = 0) -> datetime:
        """Close of office on the start's date plus ``months`` then ``days``, rolled forward
        to the next day that is not a day off for terms in calendar days (the office's
        calendar unless the court file's ``tenggang_hukum`` says otherwise)."""
        _not_negative("days", days)
        _not_negative("months", months)
        _, day = self._local(start)
        try:
            target = add_months(date.fromordinal(day), months) + timedelta(days=days)
        except OverflowError:
            raise ValueError("tanggal di luar kalender / date beyond the calendar") from None
        last = self._terms.next_working_day(target.toordinal())
        return from_ticks(self._terms.plan(last)[-1][1], self.tz)

    def due(self, start: datetime, limit: TimeLimit, *, end: str | None = None,
            channel: str = "loket") -> datetime:
        """The deadline of ``limit`` counted from ``start`` (months, calendar days, working
        days, then working minutes). A limit in days ends on its last day at the office's
        close, unless ``end`` (or else the court's end for ``channel``) says the end of the
        day (``akhir_hari``) or an hour (``HH:MM``)."""
        for name in ("working_minutes", "working_days", "calendar_days", "months"):
            _not_negative(name, getattr(limit, name))
        moment = require_aware(start).astimezone(self.tz)
        if limit.months or limit.calendar_days or limit.same_day:
            moment = self.add_calendar(moment, days=limit.calendar_days, months=limit.months)
        if limit.working_days:
            moment = self.add_working_days(moment, limit.working_days)
        if limit.working_minutes:
            return self.add_working_minutes(moment, limit.working_minutes)
        day_end = end or self.day_ends.get(channel, CLOSE)
        if day_end != CLOSE and (limit.months or limit.calendar_days or limit.working_days
                                 or limit.same_day):
            moment = self._day_end(moment.date(), day_end)
        return moment  # else the last day's close, where counting it left it

    def _day_end(self, day: date, end: str) -> datetime:
        """``day`` ending as ``end`` says: the day's last instant, or an hour of it."""
        if end == END_OF_DAY:
            return datetime.combine(day, time.max, tzinfo=self.tz)
        hour, minute = (int(part) for part in end.split(":"))
        return datetime.combine(day, time(hour, minute), tzinfo=self.tz)

    # -- elapsed time ---------------------------------------------------------------------

    def working_seconds_between(self, a: datetime, b: datetime) -> int:
        """Office time inside ``[a, b]`` in whole seconds; 0 when ``b <= a``."""
        ta, da = self._local(a)
        tb, db = self._local(b)
        return self._timeline.elapsed(ta, da, tb, db) // TICKS_PER_SECOND

    def lateness(self, due: datetime, at: datetime, limit: TimeLimit | None) -> tuple[str, int]:
        """How late ``at`` is past ``due``, in the unit ``limit`` is written in: calendar
        days (``hari``) for a limit in calendar days or months, working days (``hari_kerja``)
        for one in working days, working minutes (``menit_kerja``) for one in minutes and
        hours (or no limit). Never zero when ``at`` is past ``due``: within the due day it
        is the working minutes, and outside office hours the minutes (``menit``)."""
        if at <= due:
            return "menit_kerja", 0
        a, b = due.astimezone(self.tz), at.astimezone(self.tz)
        if limit is not None and (limit.calendar_days or limit.months or limit.same_day):
            days = (b.date() - a.date()).days
            if days > 0:
                return "hari", days
        elif limit is not None and limit.working_days:
            days = sum(1 for n in range(1, (b.date() - a.date()).days + 1)
                       if self.is_working_day(a.date() + timedelta(days=n)))
            if days > 0:
                return "hari_kerja", days
        working = -(-self.working_seconds_between(a, b) // 60)
        if working > 0:
            return "menit_kerja", working
        return "menit", max(1, -(-int((b - a).total_seconds()) // 60))

    def describe_working(self, seconds: int, lang: str = "id") -> str:
        """``2 hari kerja 3 jam 15 menit`` / ``2 working days 3 h 15 min``, in working days
        of the court's average working-day length."""
        return describe_working(seconds, self.minutes_per_working_day, lang)


def _term_days_off(court: CourtFile) -> DaysOff | None:
    """The days off of terms in calendar days, when the court file makes them differ from
    the office's (``tenggang_hukum``); None when they are the same."""
    terms, days_off = court.tenggang_hukum, court.hari_libur
    if (terms.cuti_bersama or not days_off.cuti_bersama) and (
            terms.penutupan or not days_off.penutupan):
        return None
    return DaysOff(national=days_off.nasional,
                   cuti_bersama=days_off.cuti_bersama and terms.cuti_bersama,
                   closures=[(c.tanggal, c.sampai or c.tanggal, c.nama)
                             for c in days_off.penutupan] if terms.penutupan else ())
