"""Instants as the machine-readable answers give them (``--json``, the JSON API), and as
every interface reads them (``--at``, ``?from=``, a form's date)."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta, tzinfo


def iso(moment: datetime | None, tz: tzinfo) -> str | None:
    """ISO-8601 at the court's offset, to the second (None stays None)."""
    return None if moment is None else moment.astimezone(tz).isoformat(timespec="seconds")


_LOCAL = re.compile(
    r"^(?P<date>\d{4}-\d{2}-\d{2})(?:[ T](?P<time>\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,6})?)?))?$")


def read_moment(text: str, tz: tzinfo, *, end_of_day: bool = False) -> datetime:
    """The instant ``text`` names, as every interface reads it: a date alone is the start of
    that day (the next midnight with ``end_of_day``), a local date and time is in ``tz`` (the
    court's zone), ISO-8601 with an offset is itself. ValueError (or OverflowError) saying
    why on anything impossible (``2026-02-30``)."""
    raw = " ".join(text.split())
    m = _LOCAL.match(raw)
    if m is not None:
        day = date.fromisoformat(m["date"])
        if m["time"] is None:
            found = datetime.combine(day, time(0, 0), tzinfo=tz)
            return found + timedelta(days=1) if end_of_day else found
        hh, mm, *rest = m["time"].split(":")
        wall = time.fromisoformat(f"{int(hh):02d}:{mm}" + (f":{rest[0]}" if rest else ""))
        return datetime.combine(day, wall, tzinfo=tz)
    found = datetime.fromisoformat(raw.replace("z", "Z"))
    return found if found.tzinfo is not None else found.replace(tzinfo=tz)
