"""When the orchestrator seals the log: every hour, and at the close of each working day.

Whoever holds the database could rewrite, unseen, what was appended since the newest seal;
sealing on a schedule keeps that window to an hour. The flows (:mod:`sop_runtime.flows.seals`)
seal on two schedules, each a cron read in the court's time zone (``pengadilan.zona_waktu``):

- ``tiap-jam``: every hour at minute 0 (``sop orchestrate serve --seal-cron``);
- ``tutup-hari``: at the close of office of each working day (``--close-cron``). By default
  its times come from the court file's office hours: for each weekday the latest close any
  of its hours give (the weekly ``jam_kerja`` or a ``periode_khusus``, such as Ramadhan), so
  the seal comes after the office closed whatever period the day falls in; weekdays closing
  at the same time share one cron (``30 16 * * 1-5``: Monday to Friday, 16:30). A run on a
  date that is not a working day (a holiday, a closure, a weekday a period leaves out)
  seals nothing: the hourly seals hold whatever was appended that day.

Each seals through :func:`~sop_runtime.service.seals.seal_on_schedule`: as the system
account, and only when the log grew since the newest seal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time
from enum import StrEnum

from sop_runtime.service import catalog, seals
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.wording import MONTHS
from sop_runtime.worktime import OfficeHours

HOURLY_CRON = "0 * * * *"


class Reason(StrEnum):
    """Why a scheduled seal is made (its deployment's name is ``segel-`` and this)."""

    HOURLY = "tiap-jam"
    CLOSE = "tutup-hari"


@dataclass(frozen=True)
class SealTimes:
    """The two schedules: crons read in ``timezone`` (the court's)."""

    timezone: str
    hourly: str
    close: tuple[str, ...]
    close_derived: bool  # from the court's office hours (no --close-cron given)


@dataclass(frozen=True)
class Outcome:
    """What one scheduled run did: ``sealed`` is None when the court's date ``day`` is not a
    working day and the run was at the close of one (nothing was tried)."""

    reason: Reason
    day: date
    sealed: seals.Sealed | None


def seal_times(rt: Runtime, *, hourly: str = HOURLY_CRON, close: str | None = None
               ) -> SealTimes:
    """The schedules for this court: ``close`` given, or derived from its office hours."""
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        _, calendar = catalog.court(rt, conn)
    return SealTimes(calendar.tz.key, hourly,
                     (close,) if close is not None else close_crons(calendar.hours),
                     close is None)


def close_crons(hours: OfficeHours) -> tuple[str, ...]:
    """A cron per close-of-office time: the weekdays that close at it (cron weekdays: 0 is
    Sunday), earliest time first."""
    by_time: dict[time, list[int]] = {}
    for weekday, closes in enumerate(hours.latest_closes()):
        if closes is not None:
            by_time.setdefault(closes, []).append((weekday + 1) % 7)
    return tuple(f"{t.minute} {t.hour} * * {_days(days)}" for t, days in sorted(by_time.items()))


def _days(days: list[int]) -> str:
    """``[1, 2, 3, 5]`` -> ``1-3,5``."""
    runs: list[list[int]] = []
    for d in sorted(days):
        if runs and runs[-1][-1] == d - 1:
            runs[-1].append(d)
        else:
            runs.append([d])
    return ",".join(f"{r[0]}-{r[-1]}" if len(r) > 2 else ",".join(map(str, r)) for r in runs)


def note(reason: Reason, day: date) -> str:
    """The note a scheduled seal carries (kept in the record, in Bahasa Indonesia)."""
    if reason is Reason.HOURLY:
        return "segel terjadwal (tiap jam)"
    return f"segel penutupan hari kerja {day.day} {MONTHS['id'][day.month - 1]} {day.year}"


def scheduled_seal(rt: Runtime, reason: Reason) -> Outcome:
    """Seal as the system account if the log grew; at the close of the day, only on a
    working day of the court."""
    now = rt.now()
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        _, calendar = catalog.court(rt, conn)
    day = now.astimezone(calendar.tz).date()
    if reason is Reason.CLOSE and not calendar.is_working_day(day):
        return Outcome(reason, day, None)
    return Outcome(reason, day, seals.seal_on_schedule(rt, note=note(reason, day)))
