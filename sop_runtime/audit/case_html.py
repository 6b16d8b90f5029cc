"""The accountability report of one case as a printable page (A4; the PDF's source): who
did what and in which role, each step against its time limit, the service standard, the
deviations with their evidence and reasons, the whole timeline, and the seal that covers
the case with its inclusion proof. The page is ``audit/templates/case.html``; every text
from the log reaches it as data and is escaped there."""

from __future__ import annotations

from sop_runtime.audit.casefigures import CaseReport, Entry
from sop_runtime.audit.document import Letterhead, render
from sop_runtime.i18n import tr

_VERDICT_CLASS = {"late": "late", "overdue": "late", "on_time": "ok"}


def _row_class(e: Entry) -> str:
    if e.type == "deviation_flagged":
        return "deviation"
    if e.type == "action_refused":
        return "refused"
    return "system" if e.who.username is None else ""


def _kpis(r: CaseReport) -> list[tuple[str, str]]:
    """The four figures across the top: events, steps done, deviations, the hash chain."""
    done = sum(1 for s in r.steps if s.status == "selesai")
    refused = sum(1 for d in r.deviations if d.outcome == "ditolak")
    chain = (tr("utuh", "intact") if r.chain.ok else tr("RUSAK", "BROKEN"))
    return [(str(len(r.timeline)), tr("peristiwa dalam log", "events in the log")),
            (str(done), tr("langkah selesai", "steps done")),
            (str(len(r.deviations) - refused), tr("penyimpangan dicatat", "deviations recorded")
             + (tr(" (+{n} ditolak)", " (+{n} refused)", n=refused) if refused else "")),
            (chain, tr("rantai hash perkara", "the case's hash chain"))]


def render_case(r: CaseReport, head: Letterhead) -> str:
    """The case report page."""
    return render("case.html", head,
                  title=tr("Laporan Pertanggungjawaban Perkara", "Case Accountability Report"),
                  subtitle=" · ".join(x for x in (r.register_number, r.case_id, r.sop_nama)
                                      if x), r=r, tz=head.tz, kpis=_kpis(r),
                  verdict_class=_VERDICT_CLASS, row_class=_row_class)
