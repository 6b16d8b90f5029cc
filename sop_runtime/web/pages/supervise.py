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
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from markupsafe import Markup

from sop_runtime.audit.charts import BLUE, GREEN, GREY, RED, Bar, Segment, bars
from sop_runtime.compiler.workflow import Node
from sop_runtime.engine.parties import applicant
from sop_runtime.engine.state import StepState
from sop_runtime.i18n import tr
from sop_runtime.service import cases, migration, preview, views
from sop_runtime.service.access import Permission
from sop_runtime.service.due import steps_due
from sop_runtime.service.ready import court_zone
from sop_runtime.service.supervision import Age, Candidate, Held, candidates, overview
from sop_runtime.web import feedback, flash
from sop_runtime.web.deps import ApiError, Caller, Rt, signed_in
from sop_runtime.web.forms import checked, safe_next
from sop_runtime.web.pages.cases import CaseId
from sop_runtime.web.render import page, person_name

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


def _path(kembali: str) -> str:
    return urlsplit(safe_next(kembali or HOME)).path or HOME


def _back(request: Request, caller: Caller, kembali: str, message: str) -> RedirectResponse:
    """303 to the page the form came from (a local path; else the overview), carrying what
    was done for that page to say once."""
    return flash.redirect(request, caller, _path(kembali), message)


def _confirm(request: Request, caller: Caller, seen: preview.Preview, *, action: str,
             title: tuple[str, str], what: str, fields: dict[str, str],
             yes: tuple[str, str], back: str,
             no: tuple[str, str] = ("Batal", "Cancel")) -> HTMLResponse:
    """The confirmation step of an override not lightly taken back (skip, reopen, cancel):
    what it will do, and the same form again with ``konfirmasi=ya``. Only that second post
    acts; "Batal" goes back without posting anything."""
    return page(request, "confirm.html", caller=caller, title=tr(*title), what=what,
                refused=seen.refused, action=action, fields=fields, yes=tr(*yes),
                back=back, no=tr(*no), case_id=seen.outcome.case_id,
                sop_name=seen.outcome.workflow.nama,
                here=back)  # the language switch goes back, never to a post-only address


CONFIRMED = "ya"


def _aging_chart(aging: list[Age]) -> Markup:
    rows = [Bar(a.label, (Segment(a.overdue, RED), Segment(a.in_time, GREEN),
                          Segment(a.no_limit, GREY)), text=str(a.total)) for a in aging]
    return Markup(bars(rows, label_width=150, legend=(
        (RED, tr("terlambat", "overdue")), (GREEN, tr("dalam batas", "within limit")),
        (GREY, tr("tanpa batas", "no limit")))))


def _load_chart(load: list[Held]) -> Markup:
    rows = [Bar(h.name, (Segment(h.overdue, RED), Segment(h.rest, BLUE)),
                text=tr("{n} ({o} terlambat)", "{n} ({o} overdue)", n=h.total, o=h.overdue))
            for h in load]
    return Markup(bars(rows, legend=(
        (RED, tr("terlambat", "overdue")),
        (BLUE, tr("belum terlambat atau tanpa batas", "not overdue, or no limit")))))


@router.get("/pengawasan", response_class=HTMLResponse)
def supervision(request: Request, rt: Rt, caller: Supervisor) -> HTMLResponse:
    view = overview(rt, reader=caller.reader, limit=SHOWN)
    return page(request, "supervise.html", caller=caller, title=tr("Pengawasan", "Supervision"),
                view=view, shown=SHOWN,
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
                         c=" · ".join(x for x in (view.state.register_number,
                                                   applicant(view.state.parties), case_id)
                                      if x)),
                case_id=case_id, state=view.state, wf=wf, steps=steps,
                due=dict(zip((s.node.id for s in steps), steps_due(
                    rt, [(case_id, s.node.id, s.step.due_at if s.step.is_open else None)
                         for s in steps]), strict=True)),
                holders={u: person_name(rt, u) for s in steps
                         for u in (s.step.claimed_by, s.step.assignee) if u},
                here_path=f"/pengawasan/perkara/{case_id}",
                versions=migration.running_versions(rt, view.state.sop_id),
                local_date=lambda m: m.astimezone(court_zone(rt)).date())


@router.post("/pengawasan/alihkan")
def reassign(request: Request, rt: Rt, caller: Acting, case: Text = "", node: Text = "",
             to: Text = "", alasan: Text = "", kembali: Text = HOME) -> RedirectResponse:
    case_id = text_field(case, what=("Perkara", "The case"), longest=40)
    step = text_field(node, what=("Langkah", "The step"), longest=64)
    user = text_field(to, what=("Pelaksana baru", "The new assignee"), longest=64)
    out = cases.reassign(rt, case_id, step, caller.username, user, reason=_reason(alasan))
    return _back(request, caller, kembali,
                 feedback.reassigned(out, step, person_name(rt, user)))


@router.post("/pengawasan/lewati", response_model=None)
def skip(request: Request, rt: Rt, caller: Acting, case: Text = "", node: Text = "",
         alasan: Text = "", keputusan: Text = "", kembali: Text = HOME,
         konfirmasi: Text = "") -> HTMLResponse | RedirectResponse:
    case_id = text_field(case, what=("Perkara", "The case"), longest=40)
    step = text_field(node, what=("Langkah", "The step"), longest=64)
    decision = text_field(keputusan, what=("Keputusan", "The decision"), required=False)
    reason = _reason(alasan)
    if konfirmasi != CONFIRMED:
        seen = preview.skip(rt, case_id, step, caller.username, reason=reason,
                            decision=decision or None)
        return _confirm(request, caller, seen, action="/pengawasan/lewati",
                        title=("Lewati langkah ini?", "Skip this step?"),
                        what=feedback.will_skip(seen.outcome, step, reason),
                        yes=("Ya, lewati", "Yes, skip"),
                        back=_path(kembali), fields={
                            "case": case_id, "node": step, "alasan": reason,
                            "keputusan": decision, "kembali": _path(kembali)})
    out = cases.skip(rt, case_id, step, caller.username, reason=reason,
                     decision=decision or None)
    return _back(request, caller, kembali, feedback.skipped(out, step))


@router.post("/pengawasan/buka-ulang", response_model=None)
def reopen(request: Request, rt: Rt, caller: Acting, case: Text = "", node: Text = "",
           alasan: Text = "", kembali: Text = HOME,
           konfirmasi: Text = "") -> HTMLResponse | RedirectResponse:
    case_id = text_field(case, what=("Perkara", "The case"), longest=40)
    step = text_field(node, what=("Langkah", "The step"), longest=64)
    reason = _reason(alasan)
    if konfirmasi != CONFIRMED:
        seen = preview.reopen(rt, case_id, step, caller.username, reason=reason)
        return _confirm(request, caller, seen, action="/pengawasan/buka-ulang",
                        title=("Buka ulang langkah ini?", "Reopen this step?"),
                        what=feedback.will_reopen(seen.outcome, step, reason),
                        yes=("Ya, buka ulang", "Yes, reopen"),
                        back=_path(kembali), fields={
                            "case": case_id, "node": step, "alasan": reason,
                            "kembali": _path(kembali)})
    out = cases.reopen(rt, case_id, step, caller.username, reason=reason)
    return _back(request, caller, kembali, feedback.reopened(out, step))


@router.post("/pengawasan/perpanjang")
def extend(request: Request, rt: Rt, caller: Acting, case: Text = "", node: Text = "",
           alasan: Text = "", kembali: Text = HOME) -> RedirectResponse:
    case_id = text_field(case, what=("Perkara", "The case"), longest=40)
    step = text_field(node, what=("Langkah", "The step"), longest=64)
    out = cases.extend(rt, case_id, step, caller.username, reason=_reason(alasan))
    return _back(request, caller, kembali, feedback.extended(rt, out, step))


@router.post("/perkara/{case_id}/batal", response_model=None)
def cancel(request: Request, rt: Rt, case_id: CaseId, caller: Acting, alasan: Text = "",
           kembali: Text = "", konfirmasi: Text = "") -> HTMLResponse | RedirectResponse:
    reason = _reason(alasan)
    back = kembali or f"/pengawasan/perkara/{case_id}"
    if konfirmasi != CONFIRMED:
        seen = preview.cancel(rt, case_id, caller.username, reason=reason)
        return _confirm(request, caller, seen, action=f"/perkara/{case_id}/batal",
                        title=("Batalkan perkara ini?", "Cancel this case?"),
                        what=feedback.will_cancel(seen.outcome, reason),
                        no=("Tidak, kembali", "No, go back"),
                        yes=("Ya, batalkan perkara", "Yes, cancel the case"),
                        back=_path(back), fields={"alasan": reason, "kembali": _path(back)})
    out = cases.cancel(rt, case_id, caller.username, reason=reason)
    return _back(request, caller, back, feedback.cancelled(out))
