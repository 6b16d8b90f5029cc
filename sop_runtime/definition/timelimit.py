"""Time limits as SOPs write them: ``10 menit``, ``± 5 menit``, ``2 jam``, ``1 hari kerja``,
``14 hari`` (calendar days), ``5 bulan``, ranges such as ``15-30 menit``, and ISO-8601
durations (``PT30M``, ``P3D``, ``P6M``).

Meaning on the court's calendar (applied by ``worktime``):

* ``detik``/``menit``/``jam`` and the time part of ISO durations are *working* time,
  counted only inside office hours;
* ``hari kerja`` are working days;
* ``hari`` (or ``hari kalender``), ``minggu``/``pekan`` (7 days) and the day part of ISO
  durations are calendar days; ``bulan``/``tahun`` are calendar months. A calendar deadline
  whose last day is not a working day rolls forward to the next working day.

A range (``15-30 menit``) limits at its upper bound. ``±``, ``kurang lebih`` and
``rata-rata`` mark the figure as approximate, which is kept for display only.

A limit is at most ten years: 120 months, 3,650 calendar days, 2,600 working days or
20,000 working hours (:data:`MOST`); a limit that mixes units counts each part as its share
of these, and the shares together may not pass one. Nothing a court writes comes near it,
and a due time counted from any instant the interfaces take (up to the year 2100) or any date
a case holds stays far inside the calendar.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from fractions import Fraction

from sop_runtime.i18n import tr


class TimeLimitError(ValueError):
    """The text is not a time limit; the message says why, in the current language."""


MOST = {"months": 120, "calendar_days": 3650, "working_days": 2600,
        "working_minutes": 20_000 * 60}
"""The longest limit in each unit: ten years (see the module docstring)."""

_DIGITS = 9  # a number in a limit has at most this many digits (ten years is 3,650 days)


@dataclass(frozen=True, slots=True, order=True)
class TimeLimit:
    working_minutes: int = 0
    working_days: int = 0
    calendar_days: int = 0
    months: int = 0
    approx: bool = False
    text: str = ""
    same_day: bool = False  # "pada hari itu juga": by the end of the day it starts on

    def canonical(self) -> str:
        """A stable spelling used for hashing and machine output (ISO-like, with WD for
        working days and a ``~`` prefix when approximate)."""
        parts = []
        if self.months:
            parts.append(f"{self.months}M")
        if self.calendar_days:
            parts.append(f"{self.calendar_days}D")
        if self.working_days:
            parts.append(f"{self.working_days}WD")
        date = "".join(parts) or ("0D" if self.same_day else "")
        time = f"T{self.working_minutes}M" if self.working_minutes else ""
        return ("~" if self.approx else "") + "P" + date + time

    def nominal_minutes(self, minutes_per_working_day: int) -> int:
        """Working minutes this limit allows at most, for static comparison of limits.

        Calendar days count as working days at 5/7, rounded up (one calendar day may hold a
        whole working day), a month as 30 days.
        """
        days = self.calendar_days + 30 * self.months
        working_days = self.working_days + -(-days * 5 // 7) + int(self.same_day)
        return self.working_minutes + working_days * minutes_per_working_day

    def describe(self) -> str:
        """Human text in the current language (``2 jam``, ``14 hari kalender``...)."""
        bits: list[str] = []
        if self.same_day:
            bits.append(tr("hari itu juga", "the same day"))
        if self.months:
            bits.append(tr("{n} bulan", "{n} months", n=self.months))
        if self.calendar_days:
            bits.append(tr("{n} hari kalender", "{n} calendar days", n=self.calendar_days))
        if self.working_days:
            bits.append(tr("{n} hari kerja", "{n} working days", n=self.working_days))
        if self.working_minutes:
            h, m = divmod(self.working_minutes, 60)
            if h and not m:
                bits.append(tr("{n} jam", "{n} h", n=h))
            elif h:
                bits.append(tr("{h} jam {m} menit", "{h} h {m} min", h=h, m=m))
            else:
                bits.append(tr("{n} menit", "{n} min", n=m))
        return ("± " if self.approx else "") + " ".join(bits)


_APPROX = re.compile(r"^(±|\+/-|\+-|kurang\s+lebih|kira-kira|rata-rata|rata2|sekitar)\s*", re.I)
_MAX = re.compile(
    r"^(maks(?:imal|imum)?\.?|paling\s+lama|selambat-lambatnya|selama-lamanya|paling\s+lambat"
    r"|dalam\s+(?:tenggang\s+)?waktu|max\.?)\s*", re.I)
# "pada hari itu juga" and its like: by the end of the day the limit starts on
_SAME_DAY = re.compile(r"^(pada\s+)?hari\s+(itu\s+juga|yang\s+sama)$", re.I)
_PAREN = re.compile(r"\([^)]*\)")
_NUM = r"\d+(?:[.,]\d+)?"
_RANGE_SEP = r"\s*(?:-|–|—|s\.?\s?d\.?|s/d|sampai(?:\s+dengan)?|hingga)\s*"
_PART = re.compile(
    rf"^(?P<lo>{_NUM})(?:{_RANGE_SEP}(?P<hi>{_NUM}))?\s*"
    r"(?P<unit>hari\s+kerja|hari\s+kalender|detik|menit|mnt|jam|hari|minggu|pekan|bulan|tahun)\b\s*",
    re.I,
)
_ISO = re.compile(
    r"^P(?!$)(?:(?P<y>\d+)Y)?(?:(?P<mo>\d+)M)?(?:(?P<w>\d+)W)?(?:(?P<d>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<h>\d+(?:[.,]\d+)?)H)?(?:(?P<mi>\d+(?:[.,]\d+)?)M)?(?:(?P<s>\d+)S)?)?$"
)

NO_LIMIT_WORDS = frozenset({"tidak ditentukan", "-", "tidak ada", "none"})


def _num(text: str, original: str) -> Fraction:
    """The number ``text`` (of the limit ``original``), never one too long to be a limit."""
    whole, _, part = text.replace(",", ".").partition(".")
    if len(whole.lstrip("0")) > _DIGITS:
        raise TimeLimitError(_too_long_message(original))
    if len(part) > _DIGITS:
        raise TimeLimitError(tr("'{t}': terlalu banyak angka di belakang koma",
                                "'{t}': too many decimals", t=original))
    return Fraction(text.replace(",", "."))


def _too_long_message(text: str) -> str:
    return tr("'{t}': batas waktu paling lama 10 tahun (120 bulan, 3.650 hari, 2.600 hari kerja "
              "atau 20.000 jam kerja)",
              "'{t}': a time limit is at most 10 years (120 months, 3,650 days, 2,600 working "
              "days or 20,000 working hours)", t=text)


def _whole(value: Fraction, unit: str, original: str) -> int:
    if value.denominator != 1:
        raise TimeLimitError(tr(
            "'{t}': {unit} harus bilangan bulat", "'{t}': {unit} must be a whole number",
            t=original, unit=unit))
    return int(value)


def parse_time_limit(text: str) -> TimeLimit:
    """Parse a limit as SOPs write it. Raises :class:`TimeLimitError` with a clear message
    (on a limit longer than ten years too: see :data:`MOST`)."""
    original = str(text).strip()
    if not original:
        raise TimeLimitError(tr("batas waktu kosong", "empty time limit"))
    iso = _ISO.match(original.upper())
    if iso:
        return _from_iso(iso, original)
    rest = _PAREN.sub(" ", original).strip()
    approx = False
    while True:
        m = _APPROX.match(rest) or _MAX.match(rest)
        if not m:
            break
        approx = approx or bool(_APPROX.match(rest))
        rest = rest[m.end():]
    if _SAME_DAY.match(" ".join(rest.split())):
        return TimeLimit(approx=approx, text=original, same_day=True)
    minutes = Fraction(0)
    wd = cd = mo = 0
    matched = False
    while rest:
        m = _PART.match(rest)
        if not m:
            raise TimeLimitError(tr(
                "'{t}' tidak dikenali; contoh yang sah: '10 menit', '± 5 menit', '2 jam', "
                "'1 hari kerja', '14 hari', '6 bulan', 'PT30M'",
                "'{t}' is not recognised; valid examples: '10 menit', '± 5 menit', '2 jam', "
                "'1 hari kerja', '14 hari', '6 bulan', 'PT30M'", t=original))
        matched = True
        lo = _num(m["lo"], original)
        value = _num(m["hi"], original) if m["hi"] else lo
        if m["hi"] and value < lo:
            raise TimeLimitError(tr(
                "'{t}': rentang terbalik", "'{t}': the range is reversed", t=original))
        unit = " ".join(m["unit"].lower().split())
        if unit == "detik":
            minutes += value / 60
        elif unit in ("menit", "mnt"):
            minutes += value
        elif unit == "jam":
            minutes += value * 60
        elif unit == "hari kerja":
            wd += _whole(value, unit, original)
        elif unit in ("hari", "hari kalender"):
            cd += _whole(value, unit, original)
        elif unit in ("minggu", "pekan"):
            cd += 7 * _whole(value, unit, original)
        elif unit == "bulan":
            mo += _whole(value, unit, original)
        else:  # tahun
            mo += 12 * _whole(value, unit, original)
        rest = rest[m.end():].strip()
        rest = re.sub(r"^(dan|,)\s*", "", rest, flags=re.I)
    if not matched:
        raise TimeLimitError(tr("'{t}' tidak dikenali", "'{t}' is not recognised", t=original))
    return _make(math.ceil(minutes), wd, cd, mo, approx, original)


def _from_iso(m: re.Match[str], original: str) -> TimeLimit:
    def grab(name: str) -> Fraction:
        return _num(m[name], original) if m[name] else Fraction(0)

    minutes = grab("h") * 60 + grab("mi") + grab("s") / 60
    days = int(grab("d")) + 7 * int(grab("w"))
    months = int(grab("mo")) + 12 * int(grab("y"))
    return _make(math.ceil(minutes), 0, days, months, False, original)


def _make(minutes: int, wd: int, cd: int, mo: int, approx: bool, original: str) -> TimeLimit:
    if not (minutes or wd or cd or mo):
        raise TimeLimitError(tr(
            "'{t}': batas waktu harus lebih dari nol", "'{t}': a time limit must be above zero",
            t=original))
    share = (Fraction(mo, MOST["months"]) + Fraction(cd, MOST["calendar_days"])
             + Fraction(wd, MOST["working_days"]) + Fraction(minutes, MOST["working_minutes"]))
    if share > 1:
        raise TimeLimitError(_too_long_message(original))
    return TimeLimit(minutes, wd, cd, mo, approx, original)
