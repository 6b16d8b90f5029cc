"""Moments and money as people read them, one style everywhere (pages, printouts, the CLI).

``24 November 2026 pukul 10.10 WIT`` (English: ``24 November 2026, 10:10 WIT``), a day as
``24 November 2026``, an amount of rupiah as ``Rp10.000``. Never ISO-8601, never UTC: the
stored form of an instant (:func:`sop_runtime.engine.events.utc_iso`) is for machines.
"""

from __future__ import annotations

import re
from datetime import date, datetime, tzinfo

from sop_runtime.i18n import current_lang

MONTHS = {
    "id": ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
           "September", "Oktober", "November", "Desember"),
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
}
NONE = "—"


def day_text(day: date) -> str:
    """``24 November 2026``."""
    return f"{day.day} {MONTHS[current_lang()][day.month - 1]} {day.year}"


def zone_text(moment: datetime) -> str:
    """The zone's name people use (``WIT``), or ``UTC+9`` where the zone has none."""
    name = moment.tzname() or ""
    if name and not name.startswith(("+", "-", "UTC")):
        return name
    offset = moment.utcoffset()
    minutes = int(offset.total_seconds()) // 60 if offset is not None else 0
    hours, rest = divmod(abs(minutes), 60)
    sign = "-" if minutes < 0 else "+"
    return f"UTC{sign}{hours}" + (f".{rest:02d}" if rest else "") if minutes else "UTC"


def clock_text(moment: datetime, *, seconds: bool = False) -> str:
    """``10.10`` (Indonesian) / ``10:10`` (English), in the moment's own zone."""
    sep = ":" if current_lang() == "en" else "."
    text = f"{moment.hour:02d}{sep}{moment.minute:02d}"
    return text + (f"{sep}{moment.second:02d}" if seconds else "")


def moment_text(moment: datetime | None, tz: tzinfo, *, seconds: bool = False,
                zone: bool = True) -> str:
    """``24 November 2026 pukul 10.10 WIT`` in the court's zone ``tz``; ``—`` for None;
    without the zone's name with ``zone=False`` (a table that says it once in its header)."""
    if moment is None:
        return NONE
    local = moment.astimezone(tz)
    joiner = ", " if current_lang() == "en" else " pukul "
    text = day_text(local.date()) + joiner + clock_text(local, seconds=seconds)
    return f"{text} {zone_text(local)}" if zone else text


_AMOUNT = re.compile(r"^(?:rp\.?\s*)?(\d{1,3}(?:\.\d{3})+|\d+)(?:,(\d{1,2}))?$", re.IGNORECASE)


def parse_rupiah(text: str) -> int | None:
    """What a clerk types (``Rp 10.000``, ``Rp10.000,00``, ``10.000``, ``10000``) as whole
    rupiah; None when it is not an amount of money (or has sen other than ``,00``)."""
    found = _AMOUNT.match(text.strip())
    if found is None or (found.group(2) and int(found.group(2)) != 0):
        return None
    return int(found.group(1).replace(".", ""))


def rupiah_text(value: int | str) -> str:
    """``Rp10.000``; text that is not an amount is returned as it was written."""
    amount = value if isinstance(value, int) else parse_rupiah(value)
    if amount is None:
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}Rp{abs(amount):,}".replace(",", ".")


def size_text(size: int) -> str:
    """A file's size as people say it: ``850 B``, ``12 KB``, ``1,2 MB`` (English ``1.2 MB``)."""
    if size < 1024:
        return f"{size} B"
    for unit, scale in (("KB", 1024), ("MB", 1024 ** 2), ("GB", 1024 ** 3)):
        if size < scale * 1024 or unit == "GB":
            amount = size / scale
            text = f"{amount:.0f}" if amount >= 10 else f"{amount:.1f}".removesuffix(".0")
            return f"{text.replace('.', ',') if current_lang() == 'id' else text} {unit}"
    raise AssertionError("unreachable")
