"""Instants on the court's clock: aware datetimes in, integer microsecond ticks inside.

Every instant the calendar receives must carry its time zone; a naive datetime is refused
with :class:`NaiveDatetimeError` (a ``ValueError``), because guessing the zone of a deadline
is how deadlines end up an hour (or two: WIB vs WIT) wrong. Inside the calendar an instant is
a *tick*: whole microseconds since the Unix epoch (UTC). Ticks make interval arithmetic exact
and independent of wall-clock quirks; they are turned back into datetimes in the court's
zone only on the way out.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, tzinfo

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
TICKS_PER_SECOND = 1_000_000
TICKS_PER_MINUTE = 60 * TICKS_PER_SECOND
_ONE_TICK = timedelta(microseconds=1)


class NaiveDatetimeError(ValueError):
    """A datetime without a time zone was given to the court calendar."""

    def __init__(self, value: datetime) -> None:
        super().__init__(
            f"waktu '{value.isoformat()}' tidak memiliki zona waktu; sertakan zona waktunya "
            f"(mis. +09:00 untuk WIT) / datetime '{value.isoformat()}' is naive (no time "
            "zone); give an aware datetime (e.g. +09:00 for WIT)")
        self.value = value


def require_aware(value: datetime) -> datetime:
    """Return ``value`` unchanged if it is timezone-aware, else raise NaiveDatetimeError."""
    if not isinstance(value, datetime):
        raise TypeError(f"expected a datetime, got {type(value).__name__}")
    if value.tzinfo is None or value.utcoffset() is None:
        raise NaiveDatetimeError(value)
    return value


def to_ticks(value: datetime) -> int:
    """Microseconds since the epoch of an aware datetime (exact, no float rounding)."""
    return (require_aware(value) - EPOCH) // _ONE_TICK


def from_ticks(ticks: int, tz: tzinfo) -> datetime:
    """The instant ``ticks`` as an aware datetime in ``tz``."""
    return (EPOCH + timedelta(microseconds=ticks)).astimezone(tz)
