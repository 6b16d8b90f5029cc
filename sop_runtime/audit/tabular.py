"""CSV and JSON-lines exports of the event log: one line per stored event, every stored
field, so an auditor can recompute each hash from the export alone (instants in UTC as the
hash chain encodes them; ``payload`` as the stored canonical JSON).

A CSV cell that a spreadsheet would take for a formula (one beginning with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return) is written with a leading apostrophe, so it is
shown as text and never run (OWASP's advice on CSV injection). No cell of a log begins so
today (ids are patterned, the payload is a JSON object); the guard keeps it so whatever
column is added later."""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any, TextIO

import orjson

from sop_runtime.audit.rows import LogRow
from sop_runtime.engine.events import utc_iso

COLUMNS = ("case_id", "seq", "type", "version", "occurred_at", "recorded_at", "actor",
           "sop_id", "sop_version", "node", "attempt", "payload", "prev_hash", "hash")


def _node(payload: dict[str, Any]) -> tuple[str, str]:
    node = payload.get("node")
    attempt = payload.get("attempt")
    return ("" if node is None else str(node)), ("" if attempt is None else str(attempt))


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def text_cell(value: object) -> object:
    """``value`` as a CSV cell a spreadsheet shows as text, never as a formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def write_csv(rows: Iterable[LogRow], out: TextIO) -> int:
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(COLUMNS)
    n = 0
    for r in rows:
        node, attempt = _node(orjson.loads(r.payload))
        writer.writerow([text_cell(cell) for cell in (
            r.case_id, r.seq, r.type, r.version, utc_iso(r.occurred_at),
            utc_iso(r.recorded_at), r.actor or "", r.sop_id or "", r.sop_version or "", node,
            attempt, r.payload, r.prev_hash, r.hash)])
        n += 1
    return n


def write_jsonl(rows: Iterable[LogRow], out: TextIO) -> int:
    n = 0
    for r in rows:
        out.write(orjson.dumps({
            "case_id": r.case_id, "seq": r.seq, "type": r.type, "version": r.version,
            "occurred_at": utc_iso(r.occurred_at), "recorded_at": utc_iso(r.recorded_at),
            "actor": r.actor, "sop_id": r.sop_id, "sop_version": r.sop_version,
            "payload": orjson.Fragment(r.payload), "prev_hash": r.prev_hash, "hash": r.hash,
        }).decode())
        out.write("\n")
        n += 1
    return n
