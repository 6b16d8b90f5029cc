"""Instants as the machine-readable answers give them (``--json``, the JSON API), and as
every interface reads them (``--at``, ``?from=``, a form's date, an imported log's time).

Every interface takes instants only from :data:`EARLIEST_YEAR` to :data:`LATEST_YEAR`: a
court means nothing else, and the calendar's working-time arithmetic over an instant in year
9999 (or before year 1 in UTC) would cost seconds, or overflow."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo

from sop_runtime.i18n import tr

EARLIEST_YEAR, LATEST_YEAR = 2000, 2100
"""The years an instant may fall in (inclusive), on every interface: the CLI's times, the
API's and the pages' times, the times of an imported log."""


def iso(moment: datetime | None, tz: tzinfo) -> str | None:
    """ISO-8601 at the court's offset, to the second (None stays None)."""
    return None if moment is None else moment.astimezone(tz).isoformat(timespec="seconds")


def year_problem(day: date) -> str | None:
    """Why ``day`` (a date, or an instant's date) is outside the years an instant may fall
    in; None when it is inside."""
    if EARLIEST_YEAR <= day.year <= LATEST_YEAR:
        return None
    return tr("tahun {y} di luar {a}-{b}", "the year {y} is outside {a}-{b}", y=day.year,
              a=EARLIEST_YEAR, b=LATEST_YEAR)


def within_years(moment: datetime) -> datetime:
    """``moment`` itself; ValueError (saying why) when it falls outside the years an
    instant may fall in."""
    problem = year_problem(moment)
    if problem is not None:
        raise ValueError(problem)
    return moment


_LOCAL = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})(?:[ T](?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?))?$")


def read_moment(text: str, tz: tzinfo, *, end_of_day: bool = False) -> datetime:
    """The instant ``text`` names, as every interface reads it: a date alone is the start of
    that day (the next midnight with ``end_of_day``), a local date and time is in ``tz`` (the
    court's zone), ISO-8601 with an offset is itself. ValueError saying why on anything
    impossible (``2026-02-30``) or outside the years an instant may fall in
    (:data:`EARLIEST_YEAR` to :data:`LATEST_YEAR`, checked on the date the text names)."""
    raw = " ".join(text.split())
    m = _LOCAL.match(raw)
    if m is not None:
        day = date.fromisoformat(m["date"])
        within_years(datetime.combine(day, time(0, 0)))
        if m["time"] is None:
            found = datetime.combine(day, time(0, 0), tzinfo=tz)
            return found + timedelta(days=1) if end_of_day else found
        hh, mm, *rest = m["time"].split(":")
        wall = time.fromisoformat(f"{int(hh):02d}:{mm}" + (f":{rest[0]}" if rest else ""))
        return datetime.combine(day, wall, tzinfo=tz)
    found = datetime.fromisoformat(raw.replace("z", "Z"))
    within_years(found)
    return found if found.tzinfo is not None else found.replace(tzinfo=tz)
