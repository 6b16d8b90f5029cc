"""The supervisor notification: the flow an automation runs for each ``sop.step.overdue``
or ``sop.deviation`` event. It sends the message (in Bahasa Indonesia: the case, the step,
who holds it, how late) through Apprise, which Prefect already carries, to every target in
``SOP_NOTIFY``: Apprise URLs (``mailtos://``, ``tgram://``, ``json://`` webhooks...) or
files (``file:///path`` or a plain path), which get one JSON line per notification."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

from prefect import flow, get_run_logger

TITLE = "Peringatan SOP"


def targets() -> list[str]:
    return [t for t in os.environ.get("SOP_NOTIFY", "").replace(",", " ").split() if t]


def send(message: str, *, case_id: str, node: str, event: str,
         to: list[str] | None = None, title: str = TITLE,
         recipient: str | None = None) -> int:
    """Send ``message`` to every target; returns how many took it. ``recipient``: who a
    file target is for (as a gateway would be told; Apprise URLs carry it themselves)."""
    sent = 0
    for target in targets() if to is None else to:
        if target.startswith("file://") or "://" not in target:
            path = Path(target.removeprefix("file://"))
            path.parent.mkdir(parents=True, exist_ok=True)
            line = {"at": datetime.now(UTC).isoformat(), "event": event, "case_id": case_id,
                    "node": node, "title": title, "message": message}
            if recipient is not None:
                line["kepada"] = recipient
            with path.open("a", encoding="utf-8") as f:
                f.write(json.dumps(line, ensure_ascii=False) + "\n")
            sent += 1
            continue
        import apprise

        hub = apprise.Apprise()
        if not hub.add(target):
            raise ValueError(f"SOP_NOTIFY: alamat tidak dikenal Apprise: {target}")
        if hub.notify(title=title, body=message):
            sent += 1
    return sent


@flow(name="sop-notifikasi", log_prints=False)
def notify(message: str, case_id: str = "", node: str = "", event: str = "") -> int:
    sent = send(message, case_id=case_id, node=node, event=event)
    get_run_logger().info("notifikasi %s langkah %s: %d tujuan", case_id, node, sent)
    if targets() and sent == 0:
        raise RuntimeError("tidak satu pun tujuan SOP_NOTIFY menerima notifikasi")
    return sent
