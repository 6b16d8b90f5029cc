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
