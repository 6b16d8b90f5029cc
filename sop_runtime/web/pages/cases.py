"""A case and its steps: the case page (timeline, outputs, deviations, each step against its
limit, the flowchart with the case's position marked), the step page with its form built
from the step's mutu baku (kelengkapan, output, the decision's branches), claim and
complete, and starting a new service."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse, HTMLResponse, Response
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData, UploadFile

from sop_runtime.compiler.workflow import Node, Workflow
from sop_runtime.definition.models import ItemKind, Pihak
from sop_runtime.engine import CommandRejected, StepStatus
from sop_runtime.engine.parties import applicant, detail_name
from sop_runtime.errors import SopRuntimeError
from sop_runtime.i18n import tr
from sop_runtime.isotime import read_moment
from sop_runtime.service import cases, catalog, contacts, documents, stepform, views
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
# the cookie that holds, for five minutes and for the case's own pages only, the tracking code
# a start just gave: its receipt is printed with it, not with a reissued one
FRESH_CODE = "sop_kode_baru"
NodeId = Annotated[str, Path(pattern=ID)]
Sha256 = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$")]


@router.get("/perkara/baru", response_class=HTMLResponse)
def new_form(request: Request, rt: Rt, caller: Annotated[Caller, signed_in(Permission.WORK)],
             sop: str | None = None) -> HTMLResponse:
    """Choose the service; with ``?sop=`` the form also asks for that SOP's case fields."""
    from sop_runtime.service import catalog

    names = sop_names(rt)
    fields: tuple[Any, ...] = ()
    slots: list[Any] = []
    told = False  # the SOP tells the applicant at some step: the contact is asked for
    if sop is not None:
        if sop not in names:
            raise ApiError(404, tr("SOP '{s}' tidak dikenal", "Unknown SOP '{s}'", s=sop))
        with rt.engine.connect() as conn:
            wf = catalog.current_workflow(rt, conn, sop)
            fields, slots = wf.fields, party_slots(wf)
            told = any(n.notice is not None for n in wf.nodes)
    return page(request, "new_case.html", caller=caller,
                title=tr("Layanan baru", "New service"), sops=sorted(names.items()),
                chosen=sop, fields=fields, party_slots=slots, detail_name=detail_name,
                required_parties=True,
                consent_sentence=contacts.sentence(rt) if told else "")


@router.post("/perkara/baru")
async def start(request: Request, rt: Rt, caller: Worker) -> Response:
    form = await request.form()
    sop = str(form.get("sop", ""))
    fields = {k[len("isian."):]: str(v) for k, v in form.items()
              if k.startswith("isian.") and str(v).strip()}
    with rt.engine.connect() as conn:
        try:
            wf = catalog.current_workflow(rt, conn, sop)
        except SopRuntimeError:
            wf = None
    parties = _parties(wf, form) if wf is not None else []
    # in the threadpool, as a sync route: requests acting at once share a commit
    out = await run_in_threadpool(
        cases.start_case, rt, sop, caller.username, fields=fields, parties=parties,
        at=_moment(rt, form.get("waktu")), reason=_text(form.get("alasan")),
        contact=_contact(form))
    answer = flash.redirect(request, caller, f"/perkara/{out.case_id}",
                            feedback.started(rt, out))  # with the tracking code, shown once
    if out.tracking_code is not None:  # for printing its receipt without another code
        flash.keep(request, caller, answer, FRESH_CODE, out.tracking_code,
                   path=f"/perkara/{out.case_id}")
    return answer


def _contact(form: Any) -> contacts.ContactGiven | None:
    """The applicant's contact the form gives (None: no channel and no address)."""
    channel = str(form.get("kontak.saluran", "")).strip()
    address = str(form.get("kontak.alamat", "")).strip()
    if not channel and not address:
        return None
    return contacts.ContactGiven(channel, address, form.get("kontak.setuju") == "ya")


def party_slots(wf: Workflow, current: Sequence[Mapping[str, str]] = ()
                ) -> list[tuple[Pihak, list[Mapping[str, str]]]]:
    """Each party the SOP names with the inputs its form shows: the parties recorded (to
    correct), and one empty slot more where there may be several (or none is recorded)."""
    out = []
    for party in wf.parties:
        given = [p for p in current if p.get("sebutan") == party.sebutan]
        if party.banyak or not given:
            given = [*given, {}]
        out.append((party, given))
    return out


def _parties(wf: Workflow, form: Any) -> list[dict[str, str]]:
    """The parties a form names (``pihak.<party>.<slot>.<detail>``), in the SOP's order;
    empty slots left out."""
    slots: dict[tuple[int, int], dict[str, str]] = {}
    for key, value in form.items():
        parts = str(key).split(".")
        if len(parts) != 4 or parts[0] != "pihak" or not (parts[1].isdigit()
                                                          and parts[2].isdigit()):
            continue
        i, j = int(parts[1]), int(parts[2])
        if i >= len(wf.parties) or j > 50 or not str(value).strip():
            continue
        slots.setdefault((i, j), {"sebutan": wf.parties[i].sebutan})[parts[3]] = str(value)
    return [slots[k] for k in sorted(slots)]


@router.post("/perkara/{case_id}/pihak")
async def record_parties(request: Request, rt: Rt, case_id: CaseId, caller: Worker
                         ) -> Response:
    form = await request.form()
    view = views.case(rt, case_id, reader=caller.reader)
    await run_in_threadpool(cases.record_parties, rt, case_id, caller.username,
                            _parties(view.workflow, form), reason=_text(form.get("alasan")))
    return flash.redirect(request, caller, f"/perkara/{case_id}",
                          tr("Para pihak dicatat", "The parties are recorded"))


@router.post("/perkara/{case_id}/nomor")
async def record_register_number(request: Request, rt: Rt, case_id: CaseId, caller: Worker
                                 ) -> Response:
    form = await request.form()
    out = await run_in_threadpool(cases.record_register_number, rt, case_id,
                                  caller.username, str(form.get("nomor", ""))[:200],
                                  reason=_text(form.get("alasan")))
    return flash.redirect(request, caller, f"/perkara/{case_id}", tr(
        "Nomor perkara {n} dicatat", "Register number {n} recorded",
        n=out.state.register_number))


@router.get("/perkara/{case_id}", response_class=HTMLResponse)
def case_page(request: Request, rt: Rt, case_id: CaseId, caller: Viewer) -> HTMLResponse:
    view, report = case_and_report(rt, case_id, reader=caller.reader)
    open_nodes = [s.node for s in view.state.open_steps]
    done = [s.node for s in view.state.steps if s.status is StepStatus.DONE]
    due = steps_due(rt, [(case_id, s.node, s.due_at) for s in view.state.open_steps])
    state = view.state
    named = " · ".join(x for x in (state.register_number, applicant(state.parties)) if x)
    return page(request, "case.html", caller=caller, title=tr(
        "Perkara {n} ({c})", "Case {n} ({c})", n=named, c=case_id) if named else tr(
        "Perkara {c}", "Case {c}", c=case_id),
                report=report, state=view.state, open_nodes=open_nodes, due=due,
                party_slots=party_slots(view.workflow, view.state.parties),
                detail_name=detail_name, required_parties=False,
                flowchart=marked_flowchart(view.workflow, open_nodes, done),
                fresh_code=flash.kept(request, caller, FRESH_CODE))


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
    uploads = any(i.jenis is ItemKind.DOKUMEN for i in (*step.inputs, *step.outputs))
    return page(request, "step.html", caller=caller, mine=mine, acting_names=names,
                uploads=uploads, document_limit_mb=documents.size_limit() // documents.MB,
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
        files = await _uploads(form)
        out = await run_in_threadpool(
            documents.complete_with_files, rt, case_id, node, caller.username, values=values,
            files=files, decision=_text(form.get("keputusan")),
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


async def _uploads(form: FormData) -> list[documents.Upload]:
    """The files chosen in a step form (``berkas.<item>``), each read to one byte over the
    limit at most (an oversized one is refused by its size, not read whole)."""
    limit = documents.size_limit()
    out = []
    for key, value in form.multi_items():
        if key.startswith("berkas.") and isinstance(value, UploadFile) and value.filename:
            data = await value.read(limit + 1)
            out.append(documents.Upload(key[len("berkas."):], value.filename, data))
    return out


@router.get("/perkara/{case_id}/dokumen/{sha256}")
def download(rt: Rt, case_id: CaseId, sha256: Sha256,
             caller: Annotated[Caller, signed_in()]) -> Response:
    """A document a case records, to whoever may read the case (a confidential case's only
    to its readers): its bytes as kept, checked against the recorded SHA-256."""
    if not caller.may(Permission.VIEW_CASE):
        raise ApiError(403, tr(
            "Dokumen perkara hanya dapat diunduh oleh pegawai pengadilan yang boleh melihat "
            "perkara (staf, pengawas dan pemeriksa); akun Anda tidak memegang peran itu.",
            "A case's documents can be downloaded only by court staff who may see cases "
            "(staff, supervisors and examiners); your account holds no such role."))
    found = documents.document_to_read(rt, case_id, sha256, caller.reader)
    path = documents.document_path(rt, found)
    return FileResponse(path, media_type=found.jenis, filename=found.nama,
                        content_disposition_type="attachment",
                        headers={"Cache-Control": "private, no-store"})
