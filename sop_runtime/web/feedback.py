"""What an action did, in a sentence for the page the browser lands on next ("Langkah 8
(Menerbitkan SKUM) dicatat selesai pada 24 November 2026 pukul 10.10 WIT."), and what a
supervisor's override would do, for its confirmation page ("Langkah 5 akan dilewati;
langkah 6 dibuka.").

Every sentence is read from the events the action recorded (or, for a confirmation, would
record): the steps opened, the case finished, the deviations flagged."""

from __future__ import annotations

from collections.abc import Iterable

from sop_runtime.compiler.workflow import Workflow
from sop_runtime.engine import events as ev
from sop_runtime.engine.deviation_text import deviation_label
from sop_runtime.i18n import tr
from sop_runtime.service.cases import Outcome
from sop_runtime.service.ready import court_zone
from sop_runtime.service.runtime import Runtime
from sop_runtime.service.tracking_code import shown
from sop_runtime.wording import moment_text


def step_name(wf: Workflow, node: str) -> str:
    """``8 (Menerbitkan SKUM)``: a step's number with its activity."""
    try:
        return f"{node} ({wf.node(node).kegiatan})"
    except KeyError:
        return node


def _names(wf: Workflow, nodes: Iterable[str]) -> str:
    return ", ".join(step_name(wf, n) for n in nodes)


def _opened(wf: Workflow, events: Iterable[ev.Event], but: str | None = None) -> list[str]:
    seen: list[str] = []
    for e in events:
        if isinstance(e, ev.StepActivated) and e.node != but and e.node not in seen:
            seen.append(e.node)
    return seen


def _after(wf: Workflow, events: tuple[ev.Event, ...], but: str | None = None) -> list[str]:
    """The sentences on what followed: the steps opened, the case finished or ended, the
    deviations recorded."""
    out = []
    opened = _opened(wf, events, but)
    if opened:
        out.append(tr("Langkah berikutnya: {s}.", "Next: step {s}.", s=_names(wf, opened))
                   if len(opened) == 1 else
                   tr("Langkah berikutnya: {s}.", "Next: steps {s}.", s=_names(wf, opened)))
    if any(isinstance(e, ev.CaseCompleted) for e in events):
        out.append(tr("Perkara selesai.", "The case is finished."))
    kinds = [deviation_label(str(e.kind)) for e in events if isinstance(e, ev.DeviationFlagged)]
    if kinds:
        out.append(tr("Dicatat sebagai penyimpangan: {k}.", "Recorded as a deviation: {k}.",
                      k="; ".join(dict.fromkeys(kinds))))
    return out


def _when(rt: Runtime, events: tuple[ev.Event, ...], kind: type[ev.Event]) -> str:
    at = next((e.occurred_at for e in events if isinstance(e, kind)), None)
    return moment_text(at or rt.now(), court_zone(rt))


def started(rt: Runtime, out: Outcome) -> str:
    first = tr("Perkara {c} dimulai ({s}).", "Case {c} started ({s}).", c=out.case_id,
               s=out.workflow.nama)
    code = [] if out.tracking_code is None else [tr(
        "Kode lacak pemohon: {k} (hanya ditampilkan sekali; cetak tanda terimanya di halaman "
        "ini dalam 5 menit, sesudahnya tanda terima memuat kode baru).",
        "The applicant's tracking code: {k} (shown only once; print its receipt on this page "
        "within 5 minutes, after that a receipt carries a new code).",
        k=shown(out.tracking_code))]
    return " ".join([first, *_after(out.workflow, out.events), *code])


def claimed(out: Outcome, node: str) -> str:
    return tr("Langkah {s} kini Anda pegang.", "You now hold step {s}.",
              s=step_name(out.workflow, node))


def completed(rt: Runtime, out: Outcome, node: str) -> str:
    wf = out.workflow
    if not any(isinstance(e, ev.StepCompleted) and e.node == node for e in out.events):
        first = tr("Tindakan Anda pada langkah bersama {s} dicatat pada {t}; langkah ini "
                   "selesai setelah semua pelaksananya bertindak.",
                   "Your act on joint step {s} was recorded at {t}; the step is done once "
                   "all its officers have acted.", s=step_name(wf, node),
                   t=_when(rt, out.events, ev.StepSigned))
    else:
        first = tr("Langkah {s} dicatat selesai pada {t}.", "Step {s} recorded as done at {t}.",
                   s=step_name(wf, node), t=_when(rt, out.events, ev.StepCompleted))
        decision = next((e.decision for e in out.events
                         if isinstance(e, ev.StepCompleted) and e.node == node), None)
        if decision:
            first += " " + tr("Keputusan: {d}.", "Decision: {d}.", d=decision)
    return " ".join([first, *_after(wf, out.events, but=node)])


def reassigned(out: Outcome, node: str, name: str) -> str:
    return " ".join([tr("Langkah {s} perkara {c} dialihkan kepada {u}.",
                        "Step {s} of case {c} reassigned to {u}.",
                        s=step_name(out.workflow, node), c=out.case_id, u=name),
                     *_after(out.workflow, out.events, but=node)])


def extended(rt: Runtime, out: Outcome, node: str) -> str:
    due = next((e.due_at for e in out.events if isinstance(e, ev.StepExtended)), None)
    first = tr("Batas waktu langkah {s} perkara {c} diperpanjang sampai {t}.",
               "The deadline of step {s} of case {c} is extended to {t}.",
               s=step_name(out.workflow, node), c=out.case_id,
               t=moment_text(due, court_zone(rt)))
    return " ".join([first, *_after(out.workflow, out.events, but=node)])


def skipped(out: Outcome, node: str) -> str:
    return " ".join([tr("Langkah {s} perkara {c} dilewati.", "Step {s} of case {c} skipped.",
                        s=step_name(out.workflow, node), c=out.case_id),
                     *_after(out.workflow, out.events, but=node)])


def reopened(out: Outcome, node: str) -> str:
    return " ".join([tr("Langkah {s} perkara {c} dibuka ulang.", "Step {s} of case {c} reopened.",
                        s=step_name(out.workflow, node), c=out.case_id),
                     *_after(out.workflow, out.events, but=node)])


def cancelled(out: Outcome) -> str:
    return " ".join([tr("Perkara {c} dibatalkan.", "Case {c} cancelled.", c=out.case_id),
                     *_after(out.workflow, out.events)])


# -- what an override would do, for its confirmation page --------------------------------

def will_skip(preview: Outcome, node: str, reason: str) -> str:
    wf = preview.workflow
    opened = _opened(wf, preview.events, but=node)
    first = tr("Langkah {s} akan dilewati", "Step {s} will be skipped", s=step_name(wf, node))
    then = (tr("; langkah {n} dibuka.", "; step {n} opens.", n=_names(wf, opened)) if opened
            else tr("; perkara selesai.", "; the case finishes.")
            if any(isinstance(e, ev.CaseCompleted) for e in preview.events) else ".")
    return first + then + " " + tr("Alasan: {r}", "Reason: {r}", r=reason)


def will_reopen(preview: Outcome, node: str, reason: str) -> str:
    wf = preview.workflow
    return (tr("Langkah {s} akan dibuka ulang dan harus dikerjakan lagi.",
               "Step {s} will be reopened and must be done again.", s=step_name(wf, node))
            + " " + tr("Alasan: {r}", "Reason: {r}", r=reason))


def will_cancel(preview: Outcome, reason: str) -> str:
    """``preview.state``: the case as it stands, before the cancellation."""
    wf = preview.workflow
    closing = [s.node for s in preview.state.open_steps]
    first = tr("Perkara {c} akan dibatalkan dan tidak dapat dilanjutkan.",
               "Case {c} will be cancelled and cannot go on.", c=preview.case_id)
    if closing:
        first += " " + tr("Langkah yang masih terbuka ditutup: {s}.",
                          "The steps still open are closed: {s}.", s=_names(wf, closing))
    return first + " " + tr("Alasan: {r}", "Reason: {r}", r=reason)
