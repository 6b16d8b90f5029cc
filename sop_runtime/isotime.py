"""Instants as the machine-readable answers give them (``--json``, the JSON API)."""

from __future__ import annotations

from datetime import datetime, tzinfo


def iso(moment: datetime | None, tz: tzinfo) -> str | None:
    """ISO-8601 at the court's offset, to the second (None stays None)."""
    return None if moment is None else moment.astimezone(tz).isoformat(timespec="seconds")
