"""A case and its steps: the case page (timeline, outputs, deviations, each step against its
limit, the flowchart with the case's position marked), the step page with its form built
from the step's mutu baku (kelengkapan, output, the decision's branches), claim and
complete, and starting a new service."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from sop_runtime.compiler.workflow import Node, Workflow
from sop_runtime.engine import CommandRejected, StepStatus
from sop_runtime.i18n import tr
from sop_runtime.isotime import read_moment
from sop_runtime.service import cases, catalog, stepform, views
from sop_runtime.service.access import Permission
from sop_runtime.service.casereport import case_and_report
from sop_runtime.service.due import steps_due
from sop_runtime.service.ready import court_zone
from sop_runtime.web import feedback, flash
from sop_runtime.web.deps import ApiError, Caller, Rt, signed_in
from sop_runtime.web.flowchart import marked_flowchart
from sop_runtime.web.forms import checked
from sop_runtime.web.render import local_input, page
from sop_runtime.web.sops import sop_names

router = APIRouter()

Viewer = Annotated[Caller, signed_in(Permission.VIEW_CASE)]
Worker = Annotated[Caller, checked(Permission.WORK)]
ID = r"^[A-Za-z0-9._-]{1,64}$"
CaseId = Annotated[str, Path(pattern=ID)]
NodeId = Annotated[str, Path(pattern=ID)]


@router.get("/perkara/baru", response_class=HTMLResponse)
def new_form(request: Request, rt: Rt, caller: Annotated[Caller, signed_in(Permission.WORK)],
             sop: str | None = None) -> HTMLResponse:
    """Choose the service; with ``?sop=`` the form also asks for that SOP's case fields."""
    from sop_runtime.service import catalog

    names = sop_names(rt)
    fields: tuple[Any, ...] = ()
    if sop is not None:
        if sop not in names:
            raise ApiError(404, tr("SOP '{s}' tidak dikenal", "Unknown SOP '{s}'", s=sop))
        with rt.engine.connect() as conn:
            fields = catalog.current_workflow(rt, conn, sop).fields
    return page(request, "new_case.html", caller=caller,
                title=tr("Layanan baru", "New service"), sops=sorted(names.items()),
                chosen=sop, fields=fields)


@router.post("/perkara/baru")
async def start(request: Request, rt: Rt, caller: Worker) -> Response:
    form = await request.form()
    sop = str(form.get("sop", ""))
    fields = {k[len("isian."):]: str(v) for k, v in form.items()
              if k.startswith("isian.") and str(v).strip()}
    out = cases.start_case(rt, sop, caller.username, fields=fields,
                           at=_moment(rt, form.get("waktu")), reason=_text(form.get("alasan")))
    return flash.redirect(request, caller, f"/perkara/{out.case_id}",
                          feedback.started(rt, out))


@router.get("/perkara/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, rt: Rt, case_id: CaseId, caller: Viewer) -> HTMLResponse:
    view, report = case_and_report(rt, case_id, reader=caller.reader)
    open_nodes = [s.node for s in view.state.open_steps]
    done = [s.node for s in view.state.steps if s.status is StepStatus.DONE]
    due = steps_due(rt, [(case_id, s.node, s.due_at) for s in view.state.open_steps])
    return page(request, "case.html", caller=caller, title=tr("Perkara {c}", "Case {c}",
                                                               c=case_id),
                report=report, state=view.state, open_nodes=open_nodes, due=due,
                flowchart=marked_flowchart(view.workflow, open_nodes, done))


def _node(wf: Workflow, node: str) -> Node:
    try:
        return wf.node(node)
    except KeyError:
        raise ApiError(404, tr("Langkah '{n}' tidak ada dalam SOP ini",
                               "Step '{n}' is not in this SOP", n=node)) from None


@router.get("/perkara/{case_id}/langkah/{node}", response_class=HTMLResponse)
def step_page(request: Request, rt: Rt, case_id: CaseId, node: NodeId,
              caller: Viewer) -> HTMLResponse:
    return _step_page(request, rt, case_id, node, caller)


def _step_page(request: Request, rt: Any, case_id: str, node: str, caller: Caller, *,
               entered: dict[str, str] | None = None, late: dict[str, str] | None = None,
               problem: str | None = None, status: int = 200) -> HTMLResponse:
    """The step's form; when it is shown again to be put right, with what a refused post
    gave (``entered`` values, the ``late`` entry's time and reason) and why it was refused
    (``problem``)."""
    view = views.case(rt, case_id, reader=caller.reader)
    step = _node(view.workflow, node)
    current = next((s for s in view.state.open_steps if s.node == node), None)
    acting = view.workflow.acting_roles(step)
    if step.joint and current is not None:  # the roles whose act is still awaited
        acting = tuple(r for r in acting if r not in current.signed)
    with rt.engine.connect() as conn:
        granted = catalog.directory(rt, conn).grant_any(caller.username, acting, rt.now())
    names = [r.nama if (r := view.workflow.role(role)) else role for role in acting]
    if step.joint:
        mine = (current is not None and granted is not None
                and caller.username not in current.signed.values())
    else:
        mine = current is not None and (current.assignee == caller.username or (
            current.assignee is None and granted is not None))
    joint = views.joint_progress(view.workflow, current) if current is not None else None
    return page(request, "step.html", caller=caller, mine=mine, acting_names=names,
                joint=joint, data_decided=step.data_decided,
                title=tr("Langkah {n}: {k}", "Step {n}: {k}", n=node, k=step.kegiatan),
                case_id=case_id, state=view.state, node=step, open=current,
                wf=view.workflow, decisions=step.branch_labels,
                lane=view.workflow.role(step.role or ""),
                earlier=stepform.earlier_values(rt, view, node) if current else {},
                entered=entered or {}, late=late or {}, problem=problem, status=status,
                now=rt.now(), now_local=local_input(rt, rt.now()),
                due=steps_due(rt, [(case_id, node, current.due_at)])[0]
                if current is not None else None)


def _text(value: Any) -> str | None:
    text = str(value).strip() if value is not None else ""
    return text or None


def _moment(rt: Any, value: Any) -> datetime | None:
    """The real time of an act entered later (a ``datetime-local`` field in court time)."""
    text = _text(value)
    if text is None:
        return None
    try:
        return read_moment(text, court_zone(rt))
    except (ValueError, OverflowError) as exc:
        raise ApiError(422, tr("Waktu '{t}' tidak mungkin ({why}); tulis YYYY-MM-DDTHH:MM",
                               "Time '{t}' is not a possible time ({why}); write "
                               "YYYY-MM-DDTHH:MM", t=text, why=exc)) from None


@router.post("/perkara/{case_id}/langkah/{node}/ambil")
def claim(request: Request, rt: Rt, case_id: CaseId, node: NodeId, caller: Worker) -> Response:
    out = cases.claim(rt, case_id, node, caller.username)
    return flash.redirect(request, caller, f"/perkara/{case_id}/langkah/{node}",
                          feedback.claimed(out, node))


@router.post("/perkara/{case_id}/langkah/{node}/selesai")
async def complete(request: Request, rt: Rt, case_id: CaseId, node: NodeId,
                   caller: Worker) -> Response:
    form = await request.form()
    values = {k[len("nilai."):]: str(v) for k, v in form.items()
              if k.startswith("nilai.") and str(v).strip()}
    # the reason a value differs from the one recorded earlier, and the late entry's
    reasons = [r for r in (_text(form.get("alasan_beda")), _text(form.get("alasan"))) if r]
    try:
        out = cases.complete(rt, case_id, node, caller.username, values=values,
                             decision=_text(form.get("keputusan")),
                             at=_moment(rt, form.get("waktu")), reason="; ".join(reasons) or None)
    except CommandRejected as exc:
        if exc.code != "contradiction_reason":
            raise
        # the form again, as it was filled in, asking for the reason
        late = {k: str(form.get(k) or "") for k in ("waktu", "alasan")}
        return _step_page(request, rt, case_id, node, caller, entered=values, late=late,
                          problem=str(exc), status=422)
    return flash.redirect(request, caller, f"/perkara/{case_id}",
                          feedback.completed(rt, out, node))
