"""A clock a test sets and moves by hand: what the runtime reads as now."""

from __future__ import annotations

from datetime import datetime, timedelta


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def tick(self, **delta: float) -> None:
        """Move on by ``delta`` (``timedelta``'s keywords; five minutes when none)."""
        self.now += timedelta(**delta) if delta else timedelta(minutes=5)
