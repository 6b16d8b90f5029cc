"""The supervisor's pages, "Pengawasan": what is overdue (grouped by SOP, step, role and
holder, with the worst lateness in working time), the most overdue steps each with its
override forms, the open steps' age and who holds how many, the deviations by kind; and one
case's override page (reassign, skip, extend, reopen, cancel).

Every override carries a mandatory reason and goes through the SOP's rules: a refusal is
recorded on the case and answered 403 by the app's handler; the engine records the
override itself as a deviation.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated
from urllib.parse import urlencode, urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from sop_runtime.audit.charts import BLUE, GREEN, GREY, RED, Bar, Segment, bars
from sop_runtime.compiler.workflow import Node
from sop_runtime.engine.state import StepState
from sop_runtime.i18n import tr
from sop_runtime.service import cases, views
from sop_runtime.service.access import Permission
from sop_runtime.service.supervision import Age, Candidate, Held, candidates, overview
from sop_runtime.web.deps import ApiError, Caller, Rt, signed_in
from sop_runtime.web.forms import checked, safe_next
from sop_runtime.web.pages.cases import CaseId
from sop_runtime.web.render import page

router = APIRouter()

Supervisor = Annotated[Caller, signed_in(Permission.SUPERVISE)]
Acting = Annotated[Caller, checked(Permission.SUPERVISE)]
Text = Annotated[str, Form()]

HOME = "/pengawasan"
SHOWN = 100          # the most overdue steps listed
REASON_MAX = 2000


def text_field(value: str, *, what: tuple[str, str], required: bool = True,
               longest: int = 200) -> str:
    """A form field's text, stripped; a clear 422 when it is missing or too long."""
    text = value.strip()
    if required and not text:
        raise ApiError(422, tr("{w} wajib diisi", "{w} is required", w=tr(*what)))
    if len(text) > longest:
        raise ApiError(422, tr("{w} terlalu panjang (paling banyak {n} karakter)",
                               "{w} is too long (at most {n} characters)", w=tr(*what),
                               n=longest))
    return text


def _reason(value: str) -> str:
    return text_field(value, what=("Alasan", "The reason"), longest=REASON_MAX)


def _back(kembali: str, **done: str) -> RedirectResponse:
    """303 to the page the form came from (a local path; else the overview), saying what
    was done."""
    path = urlsplit(safe_next(kembali or HOME)).path or HOME
    return RedirectResponse(f"{path}?{urlencode(done)}", status_code=303)


_DONE = {
    "alihkan": ("Langkah {n} perkara {c} dialihkan ke {u}.",
                "Step {n} of case {c} reassigned to {u}."),
    "lewati": ("Langkah {n} perkara {c} dilewati; tindakan ini dicatat sebagai penyimpangan.",
               "Step {n} of case {c} skipped; this override is recorded as a deviation."),
    "buka-ulang": ("Langkah {n} perkara {c} dibuka ulang.", "Step {n} of case {c} reopened."),
    "perpanjang": ("Batas waktu langkah {n} perkara {c} diperpanjang.",
                   "The deadline of step {n} of case {c} was extended."),
    "batal": ("Perkara {c} dibatalkan.", "Case {c} cancelled."),
}


def _notice(request: Request) -> str | None:
    q = request.query_params
    found = _DONE.get(q.get("tindakan", ""))
    if found is None:
        return None
    return tr(*found, n=q.get("langkah", "-"), c=q.get("perkara", "-"), u=q.get("ke", "-"))


def _aging_chart(aging: list[Age]) -> Markup:
    rows = [Bar(a.label, (Segment(a.overdue, RED), Segment(a.in_time, GREEN),
                          Segment(a.no_limit, GREY)), text=str(a.total)) for a in aging]
    return Markup(bars(rows, label_width=150, legend=(
        (RED, tr("terlambat", "overdue")), (GREEN, tr("dalam batas", "within limit")),
        (GREY, tr("tanpa batas", "no limit")))))


def _load_chart(load: list[Held]) -> Markup:
    rows = [Bar(f"{h.name} ({h.username})", (Segment(h.overdue, RED), Segment(h.rest, BLUE)),
                text=tr("{n} ({o} terlambat)", "{n} ({o} overdue)", n=h.total, o=h.overdue))
            for h in load]
    return Markup(bars(rows, legend=(
        (RED, tr("terlambat", "overdue")),
        (BLUE, tr("belum terlambat atau tanpa batas", "not overdue, or no limit")))))


@router.get("/pengawasan", response_class=HTMLResponse)
def supervision(request: Request, rt: Rt, caller: Supervisor) -> HTMLResponse:
    view = overview(rt, reader=caller.reader, limit=SHOWN)
    return page(request, "supervise.html", caller=caller, title=tr("Pengawasan", "Supervision"),
                view=view, shown=SHOWN, notice=_notice(request),
                aging_chart=_aging_chart(view.aging),
                load_chart=_load_chart(view.load) if view.load else None)


@router.get("/pengawasan/perkara")
def find_case(request: Request, rt: Rt, caller: Supervisor, perkara: str = "") -> Response:
    """The look-up box: a register number, a service number or a name; the one case found
    opens, several are listed."""
    from sop_runtime.web.pages.find import look_up

    return look_up(request, rt, caller, perkara, target="/pengawasan/perkara/",
                   title=tr("Tindakan pengawas: pilih perkara", "Supervisor actions: choose "
                            "the case"))


@dataclass(frozen=True)
class CaseStep:
    step: StepState
    node: Node
    candidates: tuple[Candidate, ...]


@router.get("/pengawasan/perkara/{case_id}", response_class=HTMLResponse)
def case_overrides(request: Request, rt: Rt, case_id: CaseId, caller: Supervisor) -> HTMLResponse:
    view = views.case(rt, case_id, reader=caller.reader)
    wf = view.workflow
    latest = {s.node: s for s in view.state.steps}  # each node's newest attempt
    steps = []
    for node_id, step in latest.items():
        try:
            node = wf.node(node_id)
        except KeyError:
            continue
        steps.append(CaseStep(step, node, candidates(rt, wf.acting_roles(node))
                              if step.is_open else ()))
    steps.sort(key=lambda s: (not s.step.is_open, s.node.no))
    status_text = {"aktif": tr("aktif", "active"), "diklaim": tr("diambil", "claimed"),
                   "selesai": tr("selesai", "done"), "dilewati": tr("dilewati", "skipped"),
                   "lewat_waktu": tr("lewat waktu", "expired"),
                   "dibatalkan": tr("dibatalkan", "cancelled"),
                   "ditarik": tr("ditarik", "withdrawn")}
    return page(request, "supervise_case.html", caller=caller, status_text=status_text,
                title=tr("Tindakan pengawas: perkara {c}", "Supervisor actions: case {c}",
                         c=case_id),
                case_id=case_id, state=view.state, wf=wf, steps=steps,
                notice=_notice(request), here_path=f"/pengawasan/perkara/{case_id}")


@router.post("/pengawasan/alihkan")
def reassign(rt: Rt, caller: Acting, case: Text = "", node: Text = "", to: Text = "",
             alasan: Text = "", kembali: Text = HOME) -> RedirectResponse:
    case_id = text_field(case, what=("Perkara", "The case"), longest=40)
    step = text_field(node, what=("Langkah", "The step"), longest=64)
    user = text_field(to, what=("Pelaksana baru", "The new assignee"), longest=64)
    cases.reassign(rt, case_id, step, caller.username, user, reason=_reason(alasan))
    return _back(kembali, tindakan="alihkan", perkara=case_id, langkah=step, ke=user)


@router.post("/pengawasan/lewati")
def skip(rt: Rt, caller: Acting, case: Text = "", node: Text = "", alasan: Text = "",
         keputusan: Text = "", kembali: Text = HOME) -> RedirectResponse:
    case_id = text_field(case, what=("Perkara", "The case"), longest=40)
    step = text_field(node, what=("Langkah", "The step"), longest=64)
    decision = text_field(keputusan, what=("Keputusan", "The decision"), required=False)
    cases.skip(rt, case_id, step, caller.username, reason=_reason(alasan),
               decision=decision or None)
    return _back(kembali, tindakan="lewati", perkara=case_id, langkah=step)


@router.post("/pengawasan/buka-ulang")
def reopen(rt: Rt, caller: Acting, case: Text = "", node: Text = "", alasan: Text = "",
           kembali: Text = HOME) -> RedirectResponse:
    case_id = text_field(case, what=("Perkara", "The case"), longest=40)
    step = text_field(node, what=("Langkah", "The step"), longest=64)
    cases.reopen(rt, case_id, step, caller.username, reason=_reason(alasan))
    return _back(kembali, tindakan="buka-ulang", perkara=case_id, langkah=step)


@router.post("/pengawasan/perpanjang")
def extend(rt: Rt, caller: Acting, case: Text = "", node: Text = "", alasan: Text = "",
           kembali: Text = HOME) -> RedirectResponse:
    case_id = text_field(case, what=("Perkara", "The case"), longest=40)
    step = text_field(node, what=("Langkah", "The step"), longest=64)
    cases.extend(rt, case_id, step, caller.username, reason=_reason(alasan))
    return _back(kembali, tindakan="perpanjang", perkara=case_id, langkah=step)


@router.post("/perkara/{case_id}/batal")
def cancel(rt: Rt, case_id: CaseId, caller: Acting, alasan: Text = "",
           kembali: Text = "") -> RedirectResponse:
    cases.cancel(rt, case_id, caller.username, reason=_reason(alasan))
    return _back(kembali or f"/pengawasan/perkara/{case_id}", tindakan="batal",
                 perkara=case_id)
