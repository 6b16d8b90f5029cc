"""How events and outcomes read on the command line (Bahasa Indonesia first).

Imported only inside commands: it pulls in the engine's event classes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import suppress
from contextvars import ContextVar
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING, Any

from rich.console import Console
from rich.markup import escape

from sop_runtime.cli.common import print_json
from sop_runtime.cli.times import iso
from sop_runtime.engine import (
    ActionRefused,
    CaseCancelled,
    CaseCompleted,
    CaseMigrated,
    CaseStarted,
    DeviationFlagged,
    DeviationWithdrawn,
    Event,
    LatenessSettled,
    StepActivated,
    StepClaimed,
    StepCompleted,
    StepExtended,
    StepReassigned,
    StepSigned,
    StepSkipped,
    StepWithdrawn,
    TimerFired,
    TimerWithdrawn,
)
from sop_runtime.engine.deviation_text import (
    Who,
    deviation_label,
    finding_text,
    rule_text,
)
from sop_runtime.engine.deviation_text import describe as describe_evidence
from sop_runtime.engine.events import (
    ApplicantNotified,
    AutomationFailed,
    ConsentGiven,
    ConsentWithdrawn,
    NoticeFailed,
    PartiesRecorded,
    RegisterNumberRecorded,
    TrackingCodeReissued,
)
from sop_runtime.engine.parties import channel_name, parties_text
from sop_runtime.engine.values import value_text
from sop_runtime.i18n import tr
from sop_runtime.service.tracking_code import shown
from sop_runtime.service.views import joint_progress
from sop_runtime.wording import moment_text

if TYPE_CHECKING:
    from sop_runtime.compiler.workflow import Workflow
    from sop_runtime.service.cases import Outcome
    from sop_runtime.service.runtime import Runtime
    from sop_runtime.worktime import CourtCalendar


def shorten(text: str, width: int = 48) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def step_name(wf: Workflow, node: str | None, width: int = 48) -> str:
    if node is None:
        return "-"
    try:
        return f"{node}. {shorten(wf.node(node).kegiatan, width)}"
    except KeyError:
        return node


def pairs(values: Any, wf: Workflow | None = None, node: str | None = None) -> str:
    """``item=value; ...``, each value as people read it by the item's kind in ``wf`` (at
    step ``node``; None: the case's fields): ``taksiran_panjar=Rp10.000``."""
    items: dict[str, Any] = {}
    if wf is not None:
        with suppress(KeyError):
            items = wf.items_at(wf.node(node) if node is not None else None)
    return "; ".join(f"{k}={value_text(items.get(k), str(v))}" for k, v in dict(values).items())


def given(wf: Workflow, node: str | None, values: Any) -> str:
    """Values recorded, each by its item's name in the SOP and as people read it
    (``Tanggal putusan diucapkan: 5 November 2026``)."""
    try:
        items = wf.items_at(wf.node(node) if node is not None else None)
    except KeyError:
        items = wf.items_at(None)
    out = []
    for k, v in dict(values).items():
        item = items.get(k)
        out.append(f"{item.nama if item else k.replace('_', ' ')}: {value_text(item, str(v))}")
    return "; ".join(out)


# the court's calendar and the names of its people and roles for the command being run
# (set by :func:`use_court`): the evidence is told by the one renderer with them
_court: ContextVar[tuple[CourtCalendar, Who] | None] = ContextVar("cli_court", default=None)


def use_court(rt: Runtime) -> None:
    """Tell the events of this command with ``rt``'s calendar and names."""
    from sop_runtime.service import catalog
    from sop_runtime.service.letterhead import staff_names

    with rt.engine.connect() as conn:
        calendar = catalog.court(rt, conn)[1]
    _court.set((calendar, staff_names(rt)))


def person(username: str) -> str:
    """A person by name, with the court this command tells of (:func:`use_court`)."""
    court = _court.get()
    return court[1].user(username) if court is not None else username


def evidence(values: Any, tz: tzinfo, wf: Workflow | None = None) -> str:
    """A deviation's evidence in words, as every other surface tells it
    (:func:`sop_runtime.engine.deviation_text.describe`)."""
    court = _court.get()
    if court is None:  # a command that did not say which court: the raw facts
        return pairs(values)
    calendar, who = court
    return "; ".join(describe_evidence(
        {k: str(v) for k, v in dict(values).items()}, calendar, who,
        (lambda n: step_name(wf, n)) if wf is not None else (lambda n: n)))


def describe(e: Event, wf: Workflow, tz: tzinfo) -> tuple[str, list[str]]:
    """(what happened, further details) for one event."""
    said = _DESCRIBE.get(type(e))
    if said is None:
        return e.TYPE, []
    details: list[str] = []
    return said(e, wf, tz, details), details


def _case_started(e: CaseStarted, wf: Workflow, tz: tzinfo, details: list[str]) -> str:
    what = tr("Perkara dimulai: {sop} (versi {v})", "Case started: {sop} (version {v})",
              sop=e.sop_id, v=e.version[:12])
    if e.fields:
        details.append(tr("isian: {x}", "fields: {x}", x=given(wf, None, e.fields)))
    if e.parties:
        details.append(tr("para pihak: {x}", "parties: {x}", x=parties_text(e.parties)))
    if e.service_due:
        details.append(tr("batas waktu pelayanan {t}", "service due {t}",
                          t=moment_text(e.service_due, tz)))
    return what


def _parties_recorded(e: PartiesRecorded, wf: Workflow, tz: tzinfo, details: list[str]
                      ) -> str:
    details.append(parties_text(e.parties))
    if e.reason:
        details.append(tr("alasan: {r}", "reason: {r}", r=e.reason))
    return tr("Para pihak dicatat", "Parties recorded")


def _register_number_recorded(e: RegisterNumberRecorded, wf: Workflow, tz: tzinfo,
                              details: list[str]) -> str:
    if e.reason:
        details.append(tr("alasan: {r}", "reason: {r}", r=e.reason))
    return tr("Nomor perkara dicatat: {n}", "Register number recorded: {n}", n=e.number)


def _tracking_code_reissued(e: TrackingCodeReissued, wf: Workflow, tz: tzinfo,
                            details: list[str]) -> str:
    return tr("Kode lacak diterbitkan ulang; kode sebelumnya tidak berlaku lagi",
              "Tracking code reissued; the earlier code no longer works")


def _consent_given(e: ConsentGiven, wf: Workflow, tz: tzinfo, details: list[str]) -> str:
    details.append(tr("persetujuan: {c}", "consent: {c}", c=e.consent))
    return tr("Pemohon setuju diberi tahu melalui {c}", "The applicant agreed to be told "
              "through {c}", c=channel_name(e.channel))


def _consent_withdrawn(e: ConsentWithdrawn, wf: Workflow, tz: tzinfo, details: list[str]
                       ) -> str:
    if e.reason:
        details.append(tr("alasan: {r}", "reason: {r}", r=e.reason))
    return tr("Pemohon menarik persetujuan; kontaknya dihapus", "The applicant withdrew "
              "consent; the contact was erased")


def _applicant_notified(e: ApplicantNotified, wf: Workflow, tz: tzinfo, details: list[str]
                        ) -> str:
    details.append(tr("pesan: {m}", "message: {m}", m=e.message))
    return tr("Pemohon diberi tahu melalui {c} — {s}", "The applicant was told through {c} — "
              "{s}", c=channel_name(e.channel), s=step_name(wf, e.node, 36))


def _notice_failed(e: NoticeFailed, wf: Workflow, tz: tzinfo, details: list[str]) -> str:
    details.append(tr("gagal setelah {n} kali: {e}", "failed after {n} tries: {e}",
                      n=e.tries, e=e.error))
    return tr("Pemberitahuan kepada pemohon gagal ({c}) — {s}", "The notice to the applicant "
              "failed ({c}) — {s}", c=channel_name(e.channel), s=step_name(wf, e.node, 36))


def _step_activated(e: StepActivated, wf: Workflow, tz: tzinfo, details: list[str]) -> str:
    what = tr("Langkah aktif: {s}", "Step active: {s}", s=step_name(wf, e.node))
    if e.attempt > 1:
        what += tr(" (percobaan ke-{n})", " (attempt {n})", n=e.attempt)
    if e.due_at:
        details.append(tr("batas {t}", "due {t}", t=moment_text(e.due_at, tz)))
    if e.timer_due:
        details.append(tr("batas tunggu {t}", "timer {t}", t=moment_text(e.timer_due, tz)))
    if e.early:
        details.append(tr("dikerjakan sebelum urutannya", "done ahead of the flow"))
    if e.reopened:
        details.append(tr("dibuka ulang oleh pengawas", "reopened by a supervisor"))
    return what


def _step_claimed(e: StepClaimed, wf: Workflow, tz: tzinfo, details: list[str]) -> str:
    what = tr("Langkah diambil: {s}", "Step claimed: {s}", s=step_name(wf, e.node))
    return what


def _step_signed(e: StepSigned, wf: Workflow, tz: tzinfo, details: list[str]) -> str:
    role = wf.role(e.role)
    what = tr("Bertindak sebagai {r}: {s}", "Acted as {r}: {s}",
              r=role.nama if role else e.role, s=step_name(wf, e.node))
    if e.outputs:
        details.append(tr("output: {x}", "outputs: {x}", x=given(wf, e.node, e.outputs)))
    details.extend(_documents(e.documents))
    if e.as_delegate:
        details.append(tr("sebagai Plh/Plt", "as acting officer"))
    return what


def _documents(documents: Mapping[str, Mapping[str, str | int]]) -> list[str]:
    """Each file given with an act: its name, type, size in words and the start of its
    SHA-256 (``sop log`` shows the whole)."""
    from sop_runtime.service.documents import KIND_NAMES as kinds
    from sop_runtime.wording import size_text

    return [tr("berkas: {f} ({k}, {s}, SHA-256 {h}…)", "file: {f} ({k}, {s}, SHA-256 {h}…)",
               f=d.get("nama", ""), k=kinds.get(str(d.get("jenis")), d.get("jenis")),
               s=size_text(int(d.get("ukuran", 0))), h=str(d.get("sha256", ""))[:16])
            for d in documents.values()]


def _step_completed(e: StepCompleted, wf: Workflow, tz: tzinfo, details: list[str]) -> str:
    what = tr("Langkah selesai: {s}", "Step done: {s}", s=step_name(wf, e.node))
    if e.decision:
        details.append(tr("keputusan: {d}", "decision: {d}", d=e.decision))
    if e.finding:
        details.append(tr("ditentukan dari data: {w}", "decided by the data: {w}",
                          w=finding_text(e.finding, lambda n: step_name(wf, n))))
    if e.outputs:
        details.append(tr("output: {x}", "outputs: {x}", x=given(wf, e.node, e.outputs)))
    details.extend(_documents(e.documents))
    if e.as_delegate:
        details.append(tr("sebagai Plh/Plt {r}", "as acting {r}", r=e.as_delegate))
    if e.next:
        details.append(tr("lanjut ke {n}", "next {n}", n=", ".join(e.next)))
    if e.reason:
        details.append(tr("keterangan: {r}", "note: {r}", r=e.reason))
    return what


def _step_extended(e: StepExtended, wf: Workflow, tz: tzinfo, details: list[str]) -> str:
    what = tr("Batas diperpanjang: {s}", "Deadline extended: {s}", s=step_name(wf, e.node))
    details.append(tr("batas baru {t}; alasan: {r}", "new due {t}; reason: {r}",
                      t=moment_text(e.due_at, tz), r=e.reason))
    return what


def _step_reassigned(e: StepReassigned, wf: Workflow, tz: tzinfo, details: list[str]) -> str:
    what = tr("Dialihkan ke {u}: {s}", "Reassigned to {u}: {s}", u=person(e.assignee),
              s=step_name(wf, e.node))
    details.append(tr("alasan: {r}", "reason: {r}", r=e.reason))
    return what


def _step_skipped(e: StepSkipped, wf: Workflow, tz: tzinfo, details: list[str]) -> str:
    what = tr("Langkah dilewati: {s}", "Step skipped: {s}", s=step_name(wf, e.node))
    details.append(tr("alasan: {r}", "reason: {r}", r=e.reason))
    return what


def _timer_fired(e: TimerFired, wf: Workflow, tz: tzinfo, details: list[str]) -> str:
    what = tr("Waktu tunggu habis: {s}", "Timer ran out: {s}", s=step_name(wf, e.node))
    if e.next:
        details.append(tr("lanjut ke {n}", "next {n}", n=", ".join(e.next)))
    return what


def _timer_withdrawn(e: TimerWithdrawn, wf: Workflow, tz: tzinfo, details: list[str]) -> str:
    what = tr("Waktu tunggu ditarik: {s}", "Timer withdrawn: {s}", s=step_name(wf, e.node))
    details.append(tr("batas {t}; alasan: {r}", "due {t}; reason: {r}",
                      t=moment_text(e.due, tz), r=e.reason))
    return what


def _step_withdrawn(e: StepWithdrawn, wf: Workflow, tz: tzinfo, details: list[str]) -> str:
    what = tr("Langkah ditarik: {s}", "Step withdrawn: {s}", s=step_name(wf, e.node))
    details.append(tr("alasan: {r}", "reason: {r}", r=e.reason))
    return what


def _lateness_settled(e: LatenessSettled, wf: Workflow, tz: tzinfo, details: list[str]) -> str:
    what = tr("Keterlambatan akhir: {k} (urutan {n})", "Final lateness: {k} (seq {n})",
              k=deviation_label(e.kind), n=e.seq)
    if e.node:
        what += f" — {step_name(wf, e.node, 36)}"
    details.append(evidence(e.evidence, tz, wf))
    return what


def _deviation_withdrawn(e: DeviationWithdrawn, wf: Workflow, tz: tzinfo,
                         details: list[str]) -> str:
    what = tr("Penyimpangan ditarik: {k} (urutan {n})", "Deviation withdrawn: {k} (seq {n})",
              k=deviation_label(e.kind), n=e.seq)
    if e.node:
        what += f" — {step_name(wf, e.node, 36)}"
    details.append(tr("alasan: {r}", "reason: {r}", r=e.reason))
    return what


def _deviation_flagged(e: DeviationFlagged, wf: Workflow, tz: tzinfo, details: list[str]) -> str:
    what = tr("Penyimpangan: {k}", "Deviation: {k}", k=deviation_label(e.kind))
    if e.node:
        what += f" — {step_name(wf, e.node, 36)}"
    details.append(tr("aturan: {r}", "rule: {r}", r=rule_text(e.rule)))
    if e.evidence:
        details.append(evidence(e.evidence, tz, wf))
    if e.reason:
        details.append(tr("alasan: {r}", "reason: {r}", r=e.reason))
    return what


def _action_refused(e: ActionRefused, wf: Workflow, tz: tzinfo, details: list[str]) -> str:
    kinds = e.detail.get("pelanggaran", str(e.kind or e.code)).split(",")
    what = tr("DITOLAK ({k}): {c}", "REFUSED ({k}): {c}",
              k="; ".join(deviation_label(k) for k in kinds), c=e.command)
    if e.node:
        what += f" — {step_name(wf, e.node, 36)}"
    facts = {k: v for k, v in e.detail.items() if k not in ("pelanggaran",)}
    if facts:
        details.append(evidence(facts, tz, wf))
    if e.reason:
        details.append(tr("alasan: {r}", "reason: {r}", r=e.reason))
    return what


def _automation_failed(e: AutomationFailed, wf: Workflow, tz: tzinfo, details: list[str]) -> str:
    what = tr("INSIDEN: langkah otomatis gagal — {s}", "INCIDENT: automated step failed — {s}",
              s=step_name(wf, e.node, 36))
    details.append(tr("aksi {a} gagal setelah {n} kali: {e}",
                      "action {a} failed after {n} tries: {e}", a=e.action, n=e.tries,
                      e=e.error))
    return what


def _case_completed(e: CaseCompleted, wf: Workflow, tz: tzinfo, details: list[str]) -> str:
    what = tr("Perkara selesai (langkah {n})", "Case completed (step {n})", n=e.end_node)
    return what


def _case_cancelled(e: CaseCancelled, wf: Workflow, tz: tzinfo, details: list[str]) -> str:
    what = tr("Perkara dibatalkan", "Case cancelled")
    details.append(tr("alasan: {r}", "reason: {r}", r=e.reason))
    return what


def _case_migrated(e: CaseMigrated, wf: Workflow, tz: tzinfo, details: list[str]) -> str:
    what = tr("Perkara dipindahkan ke versi {b} (dari {a})", "Case moved to version {b} "
              "(from {a})", a=e.from_version[:12], b=e.to_version[:12])
    for m in e.steps:
        due = (tr(", batas {t}", ", due {t}", t=moment_text(_instant(m["batas"]), tz))
               if m.get("batas") else "")
        details.append(tr("langkah {a} → {s}{d}", "step {a} → {s}{d}", a=m["langkah"],
                          s=step_name(wf, m["ke"]), d=due))
    details.append(tr("alasan: {r}", "reason: {r}", r=e.reason))
    return what


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text)


# each event type's words (describe); a type not here is shown by its stored name
_DESCRIBE: dict[type[Event], Callable[[Any, Workflow, tzinfo, list[str]], str]] = {
    CaseStarted: _case_started,
    PartiesRecorded: _parties_recorded,
    RegisterNumberRecorded: _register_number_recorded,
    TrackingCodeReissued: _tracking_code_reissued,
    ConsentGiven: _consent_given,
    ConsentWithdrawn: _consent_withdrawn,
    ApplicantNotified: _applicant_notified,
    NoticeFailed: _notice_failed,
    StepActivated: _step_activated,
    StepClaimed: _step_claimed,
    StepSigned: _step_signed,
    StepCompleted: _step_completed,
    StepExtended: _step_extended,
    StepReassigned: _step_reassigned,
    StepSkipped: _step_skipped,
    TimerFired: _timer_fired,
    TimerWithdrawn: _timer_withdrawn,
    StepWithdrawn: _step_withdrawn,
    LatenessSettled: _lateness_settled,
    DeviationWithdrawn: _deviation_withdrawn,
    DeviationFlagged: _deviation_flagged,
    ActionRefused: _action_refused,
    AutomationFailed: _automation_failed,
    CaseCompleted: _case_completed,
    CaseCancelled: _case_cancelled,
    CaseMigrated: _case_migrated,
}


# -- the outcome of one action ----------------------------------------------------------

def outcome_json(out: Outcome, tz: tzinfo) -> dict[str, Any]:
    wf = out.workflow
    activated = [{
        "node": e.node, "attempt": e.attempt, "kegiatan": wf.node(e.node).kegiatan,
        "due_at": iso(e.due_at, tz), "timer_due": iso(e.timer_due, tz),
    } for e in out.events if isinstance(e, StepActivated)]
    deviations = [{
        "kind": str(e.kind), "label": deviation_label(e.kind), "rule": e.rule, "node": e.node,
        "evidence": dict(e.evidence), "reason": e.reason,
    } for e in out.events if isinstance(e, DeviationFlagged)]
    state = out.state
    code = {} if out.tracking_code is None else {"kode_lacak": shown(out.tracking_code)}
    return {
        "case_id": out.case_id,
        **code,
        "sop_id": state.sop_id,
        "version": state.version,
        "status": str(state.status) if state.status else None,
        "events": [e.TYPE for e in out.events],
        "activated": activated,
        "deviations": deviations,
        "open_steps": [{"node": s.node, "attempt": s.attempt, "due_at": iso(s.due_at, tz),
                        "assignee": s.assignee,
                        **({"acted": dict(s.signed)} if s.signed else {})}
                       for s in state.open_steps],
        **({"decided_by_data": found} if (found := {
            e.node: dict(e.finding) for e in out.events
            if isinstance(e, StepCompleted) and e.finding}) else {}),
        "service_due": iso(state.service_due, tz),
    }


def print_outcome(out: Outcome, tz: tzinfo, *, as_json: bool, headline: str,
                  to_stderr: bool = False) -> None:
    """What an action recorded: the next steps with their due times, deviations flagged."""
    if as_json:
        print_json(outcome_json(out, tz))
        return
    wf = out.workflow
    con = Console(stderr=to_stderr, highlight=False, soft_wrap=True)
    con.print(f"[bold green]✓[/] {escape(headline)}")
    for e in out.events:
        if isinstance(e, StepActivated):
            due = tr(" — batas {t}", " — due {t}", t=moment_text(e.due_at, tz)) if e.due_at else ""
            con.print(tr("  langkah berikut: {s}{d}", "  next step: {s}{d}",
                         s=escape(step_name(wf, e.node, 60)), d=due))
        elif isinstance(e, DeviationFlagged):
            what, details = describe(e, wf, tz)
            con.print(f"  [yellow]⚠ {escape(what)}[/]"
                      + (f" [dim]({escape('; '.join(details))})[/]" if details else ""))
        elif isinstance(e, StepSigned):
            current = out.state.current(e.node)
            joint = joint_progress(wf, current) if current is not None else None
            if joint:
                con.print(tr("  langkah bersama: {j}", "  joint step: {j}", j=escape(joint)))
        elif isinstance(e, StepCompleted) and e.finding:
            con.print(tr("  keputusan {d} ditentukan dari data: {w}",
                         "  decision {d} decided by the data: {w}", d=escape(e.decision or ""),
                         w=escape(finding_text(e.finding, lambda n: step_name(wf, n)))))
        elif isinstance(e, TimerWithdrawn | StepWithdrawn | DeviationWithdrawn | TimerFired
                        | LatenessSettled):
            what, details = describe(e, wf, tz)
            con.print(f"  [cyan]↺ {escape(what)}[/]"
                      + (f" [dim]({escape('; '.join(details))})[/]" if details else ""))
        elif isinstance(e, CaseMigrated):
            what, details = describe(e, wf, tz)
            con.print(f"  {escape(what)}")
            for line in details:
                con.print(f"    {escape(line)}")
        elif isinstance(e, CaseCompleted):
            con.print(tr("  [bold]perkara selesai[/]", "  [bold]case completed[/]"))
        elif isinstance(e, CaseCancelled):
            con.print(tr("  [bold]perkara dibatalkan[/]", "  [bold]case cancelled[/]"))
