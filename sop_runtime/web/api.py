"""The JSON API for integrations (e-Court, SIPP exports, a court's own tools), under /api,
authenticated by API tokens (``Authorization: Bearer sop_...``, issued with ``sop token
create``). Every write acts as the token's user, under the same rules as the CLI: a refused
action is recorded on the case and answered 403."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import datetime
from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, Field

from sop_runtime import __version__
from sop_runtime.i18n import tr
from sop_runtime.service import cases, views
from sop_runtime.web.deps import ApiAuditor, ApiError, ApiReader, ApiSupervisor, ApiUser, Rt


class OverrideBody(BaseModel):
    reason: str = Field(min_length=1, max_length=2000)
    to: str | None = Field(default=None, max_length=64)  # reassign: the new holder
    decision: str | None = Field(default=None, max_length=200)  # skip of a decision


class StartBody(BaseModel):
    sop: str = Field(min_length=1, max_length=64)
    fields: dict[str, str] = Field(default_factory=dict)
    at: datetime | None = None
    reason: str | None = Field(default=None, max_length=2000)


class CompleteBody(BaseModel):
    values: dict[str, str] = Field(default_factory=dict)
    decision: str | None = Field(default=None, max_length=200)
    at: datetime | None = None
    reason: str | None = Field(default=None, max_length=2000)


def _outcome(out: cases.Outcome) -> dict[str, Any]:
    return {"case_id": out.case_id, "status": str(out.state.status),
            "events": [e.TYPE for e in out.events],
            "open_steps": [{"node": s.node, "attempt": s.attempt,
                            "due_at": s.due_at.isoformat() if s.due_at else None}
                           for s in out.state.open_steps]}


def _plain(row: Any) -> Mapping[str, Any]:
    data = asdict(row) if hasattr(row, "__dataclass_fields__") else dict(row._mapping)
    return {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in data.items()}


def router() -> APIRouter:
    """The JSON API under /api."""
    api = APIRouter(prefix="/api", tags=["api"])

    @api.get("/health")
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    @api.get("/tasks")
    def tasks(rt: Rt, caller: ApiUser) -> list[Mapping[str, Any]]:
        return [_plain(t) for t in views.tasks(rt, caller.username)]

    @api.post("/cases", status_code=201)
    def start(body: StartBody, rt: Rt, caller: ApiUser) -> dict[str, Any]:
        return _outcome(cases.start_case(rt, body.sop, caller.username, fields=body.fields,
                                         at=body.at, reason=body.reason))

    @api.get("/cases/{case_id}")
    def case(case_id: str, rt: Rt, caller: ApiReader) -> dict[str, Any]:
        view = views.case(rt, case_id)
        return {"case_id": case_id, "sop_id": view.state.sop_id,
                "status": str(view.state.status),
                "events": [{"seq": s.seq, "type": s.type, "actor": s.actor,
                            "occurred_at": s.occurred_at.isoformat(),
                            "payload": s.payload} for s in view.stored],
                "open_steps": [s.node for s in view.state.open_steps]}

    @api.post("/cases/{case_id}/steps/{node}/claim")
    def claim(case_id: str, node: str, rt: Rt, caller: ApiUser) -> dict[str, Any]:
        return _outcome(cases.claim(rt, case_id, node, caller.username))

    @api.post("/cases/{case_id}/steps/{node}/complete")
    def complete(case_id: str, node: str, body: CompleteBody, rt: Rt,
                 caller: ApiUser) -> dict[str, Any]:
        return _outcome(cases.complete(rt, case_id, node, caller.username, values=body.values,
                                       decision=body.decision, at=body.at,
                                       reason=body.reason))

    @api.post("/cases/{case_id}/steps/{node}/{action}")
    def override(case_id: str, node: str, action: str, body: OverrideBody, rt: Rt,
                 caller: ApiUser) -> dict[str, Any]:
        """A supervisor's reassign, skip or reopen (the reason is required); anyone else is
        refused and the attempt recorded, as in the CLI."""
        if action == "reassign":
            if not body.to:
                raise ApiError(422, tr("'to' wajib untuk reassign", "'to' is required"))
            return _outcome(cases.reassign(rt, case_id, node, caller.username, body.to,
                                           reason=body.reason))
        if action == "skip":
            return _outcome(cases.skip(rt, case_id, node, caller.username, reason=body.reason,
                                       decision=body.decision))
        if action == "reopen":
            return _outcome(cases.reopen(rt, case_id, node, caller.username, reason=body.reason))
        raise ApiError(404, tr("Tindakan '{a}' tidak dikenal", "Unknown action '{a}'",
                               a=action))

    @api.post("/cases/{case_id}/cancel")
    def cancel(case_id: str, body: OverrideBody, rt: Rt, caller: ApiUser) -> dict[str, Any]:
        return _outcome(cases.cancel(rt, case_id, caller.username, reason=body.reason))

    @api.get("/overdue")
    def overdue(rt: Rt, caller: ApiSupervisor, limit: int = 100) -> list[dict[str, Any]]:
        return [{**_plain(late.task), "late_seconds": late.late_seconds,
                 "late": late.late_text} for late in views.overdue(rt, limit=limit)]

    @api.get("/deviations")
    def deviations(rt: Rt, caller: ApiAuditor, case: str | None = None,
                   kind: str | None = None, limit: int = 500) -> list[Mapping[str, Any]]:
        return [_plain(d) for d in views.deviations(rt, case=case, kind=kind, limit=limit)]

    @api.get("/verify")
    def verify(rt: Rt, caller: ApiAuditor) -> dict[str, Any]:
        report = views.verify(rt)
        broken = report.first_break
        return {"ok": report.ok, "events": report.events, "cases": report.cases,
                "first_break": None if broken is None else {
                    "case_id": broken.case_id, "seq": broken.seq, "what": str(broken.what)}}

    @api.get("/export/{fmt}")
    def export(fmt: str, rt: Rt, caller: ApiAuditor, case: str | None = None) -> Any:
        import io

        from fastapi.responses import Response

        from sop_runtime.audit.export import Format, export

        try:
            chosen = Format(fmt)
        except ValueError:
            raise ApiError(404, tr("Format '{f}' tidak dikenal (csv, jsonl, xes)",
                                   "Unknown format '{f}' (csv, jsonl, xes)", f=fmt)) from None
        out = io.StringIO()
        export(rt, chosen, out, case=case)
        media = {"csv": "text/csv", "jsonl": "application/x-ndjson", "xes": "application/xml"}
        return Response(out.getvalue(), media_type=f"{media[fmt]}; charset=utf-8")

    return api
