"""The values a step's mutu baku names: kelengkapan, output and case fields, by kind.

What a clerk types is checked (:func:`value_problem`) and stored in one canonical form
(:func:`canonical`): an amount of money as its whole rupiah in digits (``10000``, whatever
was typed: ``Rp 10.000``, ``Rp10.000``, ``10.000``), a tick (``centang``) as ``ada`` or
``tidak ada``. Values stored before keep the form they were written in; :func:`same_value`
compares by meaning, so ``Rp 431.000`` (an old event) and ``431000`` are one value.
"""

from __future__ import annotations

import re
from datetime import date

from sop_runtime.definition.models import Item, ItemKind
from sop_runtime.i18n import tr
from sop_runtime.wording import day_text, parse_rupiah, rupiah_text

_NUMBER = re.compile(r"^-?\d+(?:[.,]\d+)?$")
# dates a court record can carry (old registers included), up to the last year of the instants
# every interface takes (sop_runtime.isotime): a limit anchored at a date stays on the calendar
FIRST_YEAR, LAST_YEAR = 1900, 2100

# a tick (centang): the document is there or it is not
PRESENT, ABSENT = "ada", "tidak ada"
_TICKS = {"ada": PRESENT, "ya": PRESENT, "yes": PRESENT, "present": PRESENT,
          "tidak ada": ABSENT, "tidak": ABSENT, "tidak_ada": ABSENT, "no": ABSENT,
          "absent": ABSENT}


def _tick(text: str) -> str | None:
    return _TICKS.get(" ".join(text.split()).casefold())


def value_problem(item: Item, value: str) -> str | None:
    """Why ``value`` cannot be ``item``'s value, or None when it can."""
    text = value.strip()
    if not text:
        return tr("'{name}' kosong", "'{name}' is empty", name=item.nama)
    if item.jenis is ItemKind.UANG and parse_rupiah(text) is None:
        return tr("'{name}' harus jumlah uang dalam rupiah utuh (mis. 150000, 150.000 atau "
                  "Rp 150.000), bukan '{v}'", "'{name}' must be an amount of money in whole "
                  "rupiah (e.g. 150000, 150.000 or Rp 150.000), not '{v}'",
                  name=item.nama, v=text)
    if item.jenis is ItemKind.CENTANG and _tick(text) is None:
        return tr("'{name}' dicentang 'ada' atau 'tidak ada' (juga: ya / tidak), bukan '{v}'",
                  "'{name}' is ticked 'ada' (present) or 'tidak ada' (absent), also ya / "
                  "tidak, not '{v}'", name=item.nama, v=text)
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


def canonical(item: Item, value: str) -> str:
    """The stored form of a value :func:`value_problem` accepts: rupiah in digits, a tick as
    ``ada`` / ``tidak ada``, anything else as written less the space around it."""
    text = value.strip()
    if item.jenis is ItemKind.UANG:
        amount = parse_rupiah(text)
        return str(amount) if amount is not None else text
    if item.jenis is ItemKind.CENTANG:
        return _tick(text) or text
    if item.jenis is ItemKind.TANGGAL:
        return text
    return " ".join(text.split()) if "\n" not in text else text


def same_value(item: Item | None, a: str, b: str) -> bool:
    """Whether two recorded values of ``item`` say the same: by amount for money, by tick for
    a tick, otherwise as text without regard to case or runs of space."""
    if item is not None and item.jenis is ItemKind.UANG:
        x, y = parse_rupiah(a), parse_rupiah(b)
        if x is not None and y is not None:
            return x == y
    if item is not None and item.jenis is ItemKind.CENTANG:
        x_t, y_t = _tick(a), _tick(b)
        if x_t is not None and y_t is not None:
            return x_t == y_t
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def is_present(item: Item, value: str | None) -> bool:
    """Whether ``value`` gives ``item``: any value, but a tick ``tidak ada``."""
    if value is None:
        return False
    return not (item.jenis is ItemKind.CENTANG and _tick(value) == ABSENT)


def value_text(item: Item | None, value: str) -> str:
    """A recorded value as people read it: ``Rp10.000`` for money (whatever form it was
    stored in), a day as ``24 November 2026``, a tick as ``ada`` / ``tidak ada``."""
    return kind_text(str(item.jenis) if item is not None else None, value)


def kind_text(kind: str | None, value: str) -> str:
    """:func:`value_text` by the item's kind (``uang``, ``centang``...; None: as it is)."""
    if kind == ItemKind.UANG:
        return rupiah_text(value)
    if kind == ItemKind.CENTANG:
        tick = _tick(value)
        if tick is not None:
            return tr("ada", "present") if tick == PRESENT else tr("tidak ada", "absent")
    if kind == ItemKind.TANGGAL:
        try:
            return day_text(date.fromisoformat(value.strip()))
        except ValueError:
            return value
    return value
