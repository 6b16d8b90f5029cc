"""Instants on the command line: read in the court's local time, shown in it.

``--at``, ``--now``, ``--from`` and ``--until`` accept ``YYYY-MM-DD HH:MM`` (or ``HH:MM:SS``,
or a ``T`` between date and time) in the court's time zone, a date alone (``YYYY-MM-DD``,
the start of that day), or ISO-8601 with an offset (``2026-03-02T10:00+09:00``, ``...Z``).
An impossible date (``2026-02-30``) or an unreadable one is a usage error (exit 2).

Kept free of heavy imports: only the standard library.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from sop_runtime.cli.common import Exit, fail
from sop_runtime.i18n import tr
from sop_runtime.isotime import iso as iso
from sop_runtime.isotime import read_moment

if TYPE_CHECKING:
    from sop_runtime.service.runtime import Runtime
    from sop_runtime.worktime import CourtCalendar

def parse_moment(text: str, tz: tzinfo, *, option: str = "--at",
                 end_of_day: bool = False) -> datetime:
    """The instant ``text`` names; a date alone is the start of that day (its end, i.e. the
    next midnight, with ``end_of_day``). Fails with exit 2 on anything unreadable."""
    try:
        return read_moment(text, tz, end_of_day=end_of_day)
    except (ValueError, OverflowError) as exc:
        fail(tr("{opt} '{text}' bukan waktu yang mungkin ({why}); tulis 'YYYY-MM-DD HH:MM' "
                "(waktu setempat pengadilan) atau ISO-8601 dengan zona (2026-03-02T10:00+09:00)",
                "{opt} '{text}' is not a possible time ({why}); write 'YYYY-MM-DD HH:MM' "
                "(the court's local time) or ISO-8601 with an offset (2026-03-02T10:00+09:00)",
                opt=option, text=text, why=exc), Exit.USAGE)


def parse_period(dari: str, sampai: str, tz: tzinfo) -> tuple[datetime, datetime]:
    """``--dari`` and ``--sampai`` as instants (a date alone for ``--sampai``: to the end of
    that day); exit 2 on anything unreadable or an end not after the start."""
    start = parse_moment(dari, tz, option="--dari")
    end = parse_moment(sampai, tz, option="--sampai", end_of_day=True)
    if end <= start:
        fail(tr("--sampai harus sesudah --dari", "--sampai must be after --dari"), Exit.USAGE)
    return start, end


def local(moment: datetime | None, tz: tzinfo) -> datetime | None:
    return None if moment is None else moment.astimezone(tz)


def zone_name(tz: tzinfo) -> str:
    """``WIT`` (or ``UTC+9`` where the zone has no name): a table's column header says it
    once, its cells (:func:`sop_runtime.wording.moment_text` with ``zone=False``) not."""
    from sop_runtime.wording import zone_text

    return zone_text(datetime.now(tz))


def court_tz(rt: Runtime) -> tzinfo:
    """The court's time zone: every time on the command line is read and shown in it."""
    from sop_runtime.service.ready import court_zone

    return court_zone(rt)


def court_calendar(rt: Runtime) -> CourtCalendar:
    """The court's calendar (its time zone reads and shows every time on the command line)."""
    from sop_runtime.service import catalog

    with rt.engine.connect() as conn:
        return catalog.court(rt, conn)[1]


def parse_pairs(items: list[str] | None, option: str) -> dict[str, str]:
    """``k=v`` options (``--field``, ``--output``) as a dict; exit 2 on one without ``=``."""
    out: dict[str, str] = {}
    for item in items or []:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            fail(tr("{opt} '{item}' harus berbentuk kunci=nilai",
                    "{opt} '{item}' must be key=value", opt=option, item=item), Exit.USAGE)
        out[key.strip()] = value
    return out
