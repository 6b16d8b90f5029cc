"""Working time as people say it: ``2 hari kerja 3 jam 15 menit``.

A duration in working seconds is split into working days of the court's *average* working-day
length (the weekly working minutes, breaks excluded, averaged over the working weekdays), then
hours and minutes; seconds are dropped (rounded down). Parts that are zero are left out; zero
itself is ``0 menit`` / ``0 min``. A negative duration of a minute or more gets a leading
minus sign.
"""

from __future__ import annotations

_WORDS = {
    "id": ("{n} hari kerja", "{n} hari kerja", "{n} jam", "{n} menit"),
    "en": ("{n} working day", "{n} working days", "{n} h", "{n} min"),
}


def describe_working(seconds: int, minutes_per_working_day: int, lang: str = "id") -> str:
    """Describe ``seconds`` of working time in ``lang`` (``id`` or ``en``)."""
    words = _WORDS.get(lang)
    if words is None:
        raise ValueError(f"bahasa '{lang}' tidak didukung (id, en) / "
                         f"language '{lang}' is not supported (id, en)")
    if minutes_per_working_day <= 0:
        raise ValueError("minutes_per_working_day must be positive")
    one_day, many_days, hours_word, minutes_word = words
    days, rest = divmod(abs(seconds), minutes_per_working_day * 60)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    sign = "-" if seconds < 0 and (days or hours or minutes) else ""
    parts = []
    if days:
        parts.append((one_day if days == 1 else many_days).format(n=days))
    if hours:
        parts.append(hours_word.format(n=hours))
    if minutes or not parts:
        parts.append(minutes_word.format(n=minutes))
    return sign + " ".join(parts)


# lateness in the unit its limit is written in (see CourtCalendar.lateness): the Indonesian
# phrase, the English one for one and for more
_DAYS = {"hari": ("{n} hari kalender", "{n} calendar day", "{n} calendar days"),
         "hari_kerja": ("{n} hari kerja", "{n} working day", "{n} working days")}
UNITS = ("hari", "hari_kerja", "menit_kerja", "menit")


def describe_lateness(unit: str, amount: int, minutes_per_working_day: int,
                      lang: str = "id") -> str:
    """``2 hari kalender`` / ``1 hari kerja`` / ``1 jam 5 menit kerja`` / ``4 jam 5 menit di
    luar jam kerja``: an amount of lateness in its unit, in ``lang``."""
    if unit == "menit_kerja":
        working = describe_working(amount * 60, minutes_per_working_day, lang)
        if lang == "id":  # "3 jam 45 menit kerja"; "2 hari kerja" says it already
            return working if working.endswith("hari kerja") else f"{working} kerja"
        return working if working.endswith(("day", "days")) else f"{working} of working time"
    if unit == "menit":
        hours, minutes = divmod(amount, 60)
        words = _WORDS["id" if lang == "id" else "en"]
        text = " ".join([words[2].format(n=hours)] * bool(hours)
                        + [words[3].format(n=minutes)] * bool(minutes or not hours))
        return (f"{text} di luar jam kerja" if lang == "id"
                else f"{text} outside office hours")
    if unit not in _DAYS:
        raise ValueError(f"satuan keterlambatan tidak dikenal / unknown unit '{unit}'")
    id_, one, many = _DAYS[unit]
    return (id_ if lang == "id" else one if amount == 1 else many).format(n=amount)
