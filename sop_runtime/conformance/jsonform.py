"""A conformance report as JSON: what ``sop conformance --json`` prints and what the API's
``POST /api/conformance`` answers."""

from __future__ import annotations

from datetime import tzinfo
from typing import Any

from sop_runtime.conformance.check import ConformanceReport
from sop_runtime.conformance.replay import Finding
from sop_runtime.isotime import iso


def report_json(report: ConformanceReport, tz: tzinfo, *, log: str | None = None,
                mapping: str | None = None) -> dict[str, Any]:
    """The report; ``log`` and ``mapping`` name the files otherwise than the report does
    (an upload by its own name rather than the server's path)."""

    def finding(f: Finding) -> dict[str, Any]:
        return {"kind": f.kind, "step": f.node, "at": iso(f.at, tz), "row": f.place,
                "detail": dict(f.detail), "reason": f.reason}

    return {
        "sop_id": report.sop_id, "version": report.version, "log": log or report.log,
        "mapping": mapping or report.mapping, "rows": report.rows, "replayed": report.replayed,
        "other_lifecycle_rows": report.not_done_rows, "cases": len(report.cases),
        "conforming": report.conforming, "with_findings": report.with_findings,
        "unfinished": report.unfinished, "log_end": iso(report.log_end, tz),
        "duplicate_rows": report.duplicates, "default_actor_rows": report.unnamed,
        "totals": dict(report.totals),
        "case_results": [{
            "case": c.case, "rows": c.rows, "completed": c.completed,
            "unfinished": c.unfinished, "open_steps": list(c.open_steps),
            "open_at_end": [{"step": o.node, "since": iso(o.since, tz),
                             "due": iso(o.due, tz), "undecided": o.undecided}
                            for o in c.open_at_end],
            "duplicate_rows": c.duplicates,
            "findings": [finding(f) for f in c.findings],
            "consequences": [finding(f) for f in c.consequences]} for c in report.cases],
        "unmapped_activities": dict(report.unmapped),
        "ignored_activities": dict(report.ignored),
        "unknown_people": report.unknown_people,
        "unused_activities": [{"activity": a, "did_you_mean": m}
                              for a, m in report.unused_activities],
        "unused_people": [{"person": a, "did_you_mean": m} for a, m in report.unused_people],
        "unchecked_outputs": [{"step": n, "output": name}
                              for n, name in report.unchecked_outputs],
        "unreadable_rows": [{"row": p.place, "case": p.case, "message": p.message}
                            for p in report.problems],
        "seconds": {"read": round(report.read_seconds, 3),
                    "replay": round(report.replay_seconds, 3)},
        "workers": report.workers,
    }
