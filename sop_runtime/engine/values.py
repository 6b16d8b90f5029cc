"""The values a step's mutu baku names: kelengkapan, output and case fields, by kind."""

from __future__ import annotations

import re
from datetime import date

from sop_runtime.definition.models import Item, ItemKind
from sop_runtime.i18n import tr

_MONEY = re.compile(r"^(?:Rp\.?\s?)?(?:\d{1,3}(?:\.\d{3})+|\d+)(?:,\d{1,2})?$", re.IGNORECASE)
_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")
# dates a court record can carry (old registers included), up to the last year of the instants
# every interface takes (sop_runtime.isotime): a limit anchored at a date stays on the calendar
FIRST_YEAR, LAST_YEAR = 1900, 2100


def value_problem(item: Item, value: str) -> str | None:
    """Why ``value`` cannot be ``item``'s value, or None when it can."""
    text = value.strip()
    if not text:
        return tr("'{name}' kosong", "'{name}' is empty", name=item.nama)
    if item.jenis is ItemKind.UANG and not _MONEY.match(text):
        return tr("'{name}' harus jumlah uang (mis. 150000 atau Rp 150.000), bukan '{v}'",
                  "'{name}' must be an amount of money (e.g. 150000 or Rp 150.000), not '{v}'",
                  name=item.nama, v=text)
    if item.jenis is ItemKind.ANGKA and not _NUMBER.match(text):
        return tr("'{name}' harus angka, bukan '{v}'", "'{name}' must be a number, not '{v}'",
                  name=item.nama, v=text)
    if item.jenis is ItemKind.TANGGAL:
        try:
            day = date.fromisoformat(text)
        except ValueError:
            return tr("'{name}' harus tanggal yang ada (TTTT-BB-HH), bukan '{v}'",
                      "'{name}' must be a real date (YYYY-MM-DD), not '{v}'",
                      name=item.nama, v=text)
        if not FIRST_YEAR <= day.year <= LAST_YEAR:
            # a deadline counted from it would run off the calendar (year 9999), or cost
            # minutes of working-time arithmetic
            return tr("'{name}': tahun {y} di luar {a}-{b}", "'{name}': the year {y} is outside "
                      "{a}-{b}", name=item.nama, y=day.year, a=FIRST_YEAR, b=LAST_YEAR)
    return None
