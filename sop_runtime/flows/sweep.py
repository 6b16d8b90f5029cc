"""The deadline sweep as a scheduled flow, and the Prefect events it emits.

``sop-sapu-tenggat`` runs on a cron schedule with a concurrency limit of one. It records
through the service layer what time alone caused (overdue steps, breached service standards,
timer branches): each (step, deadline) once however often it runs, because the engine keeps
which deadline was flagged and two sweeps racing on one case conflict in the store. For
every flag it recorded, it emits a Prefect event — ``sop.step.overdue`` for an overdue step,
``sop.deviation`` for any other — whose payload carries the message a supervisor reads; an
automation turns those events into a run of the notification flow.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from prefect import flow, get_run_logger
from prefect.events import emit_event

from sop_runtime.engine import DeviationFlagged, DeviationKind
from sop_runtime.engine.deviation_text import deviation_label, lateness_text
from sop_runtime.flows.common import runtime
from sop_runtime.i18n import tr
from sop_runtime.service import cases as case_service
from sop_runtime.service import catalog, contacts
from sop_runtime.service.cases import SweepReport
from sop_runtime.service.letterhead import names
from sop_runtime.service.runtime import Runtime

OVERDUE_EVENT = "sop.step.overdue"
DEVIATION_EVENT = "sop.deviation"


@dataclass(frozen=True)
class Alert:
    event: str
    case_id: str
    node: str | None
    payload: dict[str, Any]


def alerts(rt: Runtime, report: SweepReport) -> list[Alert]:
    """What to tell supervisors about the flags ``report`` recorded, one alert per flag:
    the case, the step, who holds it, the deadline and how late in working time."""
    out: list[Alert] = []
    if not report.recorded:
        return out
    with rt.engine.connect() as conn:
        _, calendar = catalog.court(rt, conn)
        who = names(conn)
        for outcome in report.recorded:
            wf, state = outcome.workflow, outcome.state
            for e in outcome.events:
                if not isinstance(e, DeviationFlagged):
                    continue
                step = state.current(e.node) if e.node else None
                node = wf.node(e.node) if e.node else None
                holder = (step.claimed_by or step.assignee) if step else None
                role = who.role(node.role) if node is not None and node.role else "-"
                late = int(e.evidence.get("terlambat_detik", "0") or 0)
                late_text = lateness_text(e.evidence, calendar) or "-"
                held = who.user(holder) if holder else tr(
                    "belum diambil ({r})", "not taken yet ({r})", r=role)
                where = (f"langkah {node.no} ({node.kegiatan})" if node is not None
                         else "waktu pelayanan")
                message = (f"Perkara {state.case_id} ({wf.nama}): {where} "
                           f"{deviation_label(e.kind)}, terlambat {late_text}; "
                           f"pemegang: {held}.")
                event = OVERDUE_EVENT if e.kind is DeviationKind.OVERDUE else DEVIATION_EVENT
                out.append(Alert(event, state.case_id, e.node, {
                    "case_id": state.case_id, "sop_id": wf.sop_id, "node": e.node or "",
                    "attempt": e.attempt or 0, "kind": str(e.kind),
                    "kegiatan": node.kegiatan if node else "", "holder": holder or "",
                    "holder_name": held, "role": role,
                    "due": e.evidence.get("batas", ""), "late_seconds": late,
                    "late": late_text, "message": message}))
    return out


@flow(name="sop-sapu-tenggat", log_prints=False)
def deadline_sweep() -> dict[str, int]:
    """Record what time alone caused by now, and tell Prefect about every new flag; erase
    the applicants' contacts kept past the court's retention."""
    rt = runtime()
    report = case_service.sweep(rt)
    erased = contacts.erase_expired(rt)
    sent = 0
    for alert in alerts(rt, report):
        resource = {"prefect.resource.id": f"sop.case.{alert.case_id}"
                                           + (f".step.{alert.node}" if alert.node else ""),
                    "prefect.resource.name": alert.case_id}
        if emit_event(alert.event, resource=resource, payload=alert.payload) is not None:
            sent += 1
    get_run_logger().info("sapu tenggat: %d perkara, %d penyimpangan baru, %d kejadian, "
                          "%d kontak pemohon dihapus", report.cases, report.flagged, sent,
                          erased)
    return {"cases": report.cases, "flagged": report.flagged, "events": sent,
            "contacts_erased": erased}
