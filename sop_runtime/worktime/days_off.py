"""Days the court is closed although its weekly hours say it would be open.

Three sources, each named so a clerk can see *why* a day does not count:

* national holidays (``hari_libur.nasional``): the ``holidays`` package, Indonesia,
  category ``public``, names in Bahasa Indonesia;
* cuti bersama (``hari_libur.cuti_bersama``): the same package, category ``government``;
* the court's own closures (``hari_libur.penutupan``): one day, or ``tanggal`` to ``sampai``
  inclusive.

A date may carry several names (a closure on a national holiday); they are joined with
``"; "``, national first, then cuti bersama, then closures. Holiday tables are built one
year at a time, on first use, in memory.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta

import holidays

from sop_runtime.definition.court import HariLibur

_LANGUAGE = "id"


class DaysOff:
    """Names of the non-working dates of one court, built lazily per year."""

    __slots__ = ("_by_year", "_closures", "cuti_bersama", "national")

    def __init__(self, *, national: bool = True, cuti_bersama: bool = True,
                 closures: Iterable[tuple[date, date, str]] = ()) -> None:
        self.national = national
        self.cuti_bersama = cuti_bersama
        self._closures: dict[date, list[str]] = {}
        for first, last, name in closures:
            if last < first:
                raise ValueError(
                    f"penutupan '{name}': 'sampai' ({last}) sebelum 'tanggal' ({first}) / "
                    f"closure '{name}': 'sampai' ({last}) is before 'tanggal' ({first})")
            day = first
            while day <= last:
                self._closures.setdefault(day, []).append(name)
                day += timedelta(days=1)
        self._by_year: dict[int, Mapping[date, str]] = {}

    @classmethod
    def from_court(cls, hari_libur: HariLibur) -> DaysOff:
        """Build from the court file's ``hari_libur`` block."""
        return cls(
            national=hari_libur.nasional,
            cuti_bersama=hari_libur.cuti_bersama,
            closures=[(c.tanggal, c.sampai or c.tanggal, c.nama) for c in hari_libur.penutupan],
        )

    def __repr__(self) -> str:
        return (f"DaysOff(national={self.national}, cuti_bersama={self.cuti_bersama}, "
                f"closures={len(self._closures)} days)")

    def name(self, day: date) -> str | None:
        """Why ``day`` is a day off (holiday, cuti bersama or closure), or None."""
        table = self._by_year.get(day.year)
        if table is None:
            table = self._build(day.year)
        return table.get(day)

    def in_year(self, year: int) -> Mapping[date, str]:
        """Every named day off of ``year`` (weekends included when a holiday falls on them)."""
        table = self._by_year.get(year)
        return table if table is not None else self._build(year)

    def _build(self, year: int) -> Mapping[date, str]:
        names: dict[date, list[str]] = {}
        for enabled, category in ((self.national, "public"),
                                  (self.cuti_bersama, "government")):
            if not enabled:
                continue
            for day, text in _indonesia(year, category).items():
                names.setdefault(day, []).extend(text.split("; "))
        for day, closure_names in self._closures.items():
            if day.year == year:
                names.setdefault(day, []).extend(closure_names)
        table = {day: "; ".join(dict.fromkeys(parts)) for day, parts in sorted(names.items())}
        self._by_year[year] = table
        return table


def _indonesia(year: int, category: str) -> dict[date, str]:
    calendar = holidays.country_holidays(
        "ID", years=year, categories=(category,), language=_LANGUAGE)
    return {day: str(text) for day, text in calendar.items()}
