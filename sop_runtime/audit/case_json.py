"""The case report as JSON for scripts: English keys that do not change with the language,
instants in ISO-8601 in the court's time zone, durations in working seconds; the texts meant
for people (``what``, ``notes``, ``*_text``) are in the report's language."""

from __future__ import annotations

from dataclasses import asdict
from datetime import datetime, tzinfo
from typing import Any

from sop_runtime.audit.casefigures import CaseReport, Who


def _iso(moment: datetime | None, tz: tzinfo) -> str | None:
    return None if moment is None else moment.astimezone(tz).isoformat(timespec="seconds")


def _who(w: Who) -> dict[str, Any]:
    return asdict(w)


def case_json(r: CaseReport, tz: tzinfo) -> dict[str, Any]:
    s = r.seal
    seal: dict[str, Any] = {
        "covered": s.seal is not None, "head": {"seq": s.head_seq, "hash": s.head_hash},
        "seal_id": None, "sealed_at": None, "sealed_by": None, "root": None, "size": None,
        "proof": s.proof, "proof_holds": s.proof_holds if s.seal is not None else None,
        "earlier": None, "sealed_later_event": s.ahead,
    }
    if s.seal is not None:
        seal |= {"seal_id": s.seal.id, "sealed_at": _iso(s.seal.sealed_at, tz),
                 "sealed_by": s.seal.sealed_by, "root": s.seal.root, "size": s.seal.size}
    if s.earlier is not None:
        seal["earlier"] = {"seal_id": s.earlier.id, "sealed_at": _iso(s.earlier.sealed_at, tz),
                           "root": s.earlier.root, "seq": s.earlier_seq}
    v = r.service
    return {
        "case_id": r.case_id,
        "sop": {"id": r.sop_id, "nomor": r.sop_nomor, "nama": r.sop_nama, "version": r.version},
        "status": r.status, "status_text": r.status_text,
        "started_at": _iso(r.started_at, tz), "started_by": _who(r.started_by),
        "ended_at": _iso(r.ended_at, tz), "generated_at": _iso(r.generated_at, tz),
        "fields": [asdict(g) for g in r.fields],
        "open_steps": list(r.open_steps),
        "service": {"limit": v.limit, "due_at": _iso(v.due_at, tz),
                    "ended_at": _iso(v.ended_at, tz), "working_seconds": v.working_seconds,
                    "late_seconds": v.late_seconds, "met": v.met, "text": v.text},
        "steps": [{
            "node": t.node, "step": t.step, "attempt": t.attempt, "jabatan": t.jabatan,
            "status": t.status, "limit": t.limit, "activated_at": _iso(t.activated_at, tz),
            "due_at": _iso(t.due_at, tz), "completed_at": _iso(t.completed_at, tz),
            "completed_by": t.completed_by, "working_seconds": t.working_seconds,
            "late_seconds": t.late_seconds, "verdict": t.verdict, "verdict_text": t.verdict_text,
        } for t in r.steps],
        "deviations": [{
            "seq": d.seq, "kind": d.kind, "label": d.label, "outcome": d.outcome,
            "rule": d.rule, "rule_text": d.rule_text, "occurred_at": _iso(d.occurred_at, tz),
            "recorded_at": _iso(d.recorded_at, tz), "node": d.node, "step": d.step,
            "by": _who(d.who), "evidence": dict(d.evidence),
            "evidence_text": list(d.evidence_text), "reason": d.reason,
        } for d in r.deviations],
        "people": [{
            "username": p.username, "name": p.name, "jabatan": p.jabatan,
            "steps_done": list(p.steps_done), "other": list(p.other), "events": p.events,
            "deviations": p.deviations, "refused": p.refused,
        } for p in r.people],
        "timeline": [{
            "seq": e.seq, "type": e.type, "occurred_at": _iso(e.occurred_at, tz),
            "recorded_at": _iso(e.recorded_at, tz), "entered_later": e.entered_later,
            "by": _who(e.who), "node": e.node, "step": e.step, "attempt": e.attempt,
            "what": e.what, "given": [asdict(g) for g in e.given], "decision": e.decision,
            "reason": e.reason, "notes": list(e.notes),
        } for e in r.timeline],
        "chain": {"ok": r.chain.ok, "events": r.chain.events, "message": r.chain.message},
        "seal": seal,
    }
