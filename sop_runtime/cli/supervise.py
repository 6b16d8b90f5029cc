"""Supervisors' commands: override (reassign, skip, reopen, cancel), sweep, overdue,
deviations."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from sop_runtime.cli import options as opt
from sop_runtime.cli.common import runtime
from sop_runtime.i18n import tr

if TYPE_CHECKING:
    from datetime import datetime, tzinfo

    from sop_runtime.service.cases import Outcome
    from sop_runtime.service.runtime import Runtime

override = typer.Typer(
    name="override",
    help="Tindakan pengawas dengan alasan wajib (dicatat sebagai penyimpangan) / "
         "supervisor actions with a mandatory reason (recorded as deviations).",
    no_args_is_help=True,
    rich_markup_mode=None,
)


def _at(rt: Runtime, text: str | None) -> tuple[tzinfo, datetime | None]:
    from sop_runtime.cli.event_text import use_court
    from sop_runtime.cli.times import court_tz, parse_moment

    use_court(rt)
    tz = court_tz(rt)
    return tz, None if text is None else parse_moment(text, tz)


def _done(out: Outcome, tz: tzinfo, as_json: bool, headline: str) -> None:
    from sop_runtime.cli.event_text import print_outcome

    print_outcome(out, tz, as_json=as_json, headline=headline)


@override.command("reassign")
def reassign(case: opt.Case, step: opt.Step, actor: opt.Supervisor,
             reason: opt.RequiredReason,
             to: Annotated[str, typer.Option("--to", metavar="USER",
                                             help="Pelaksana baru / new assignee")],
             at: opt.At = None, as_json: opt.Json = False) -> None:
    """Alihkan langkah ke pelaksana lain / reassign a step."""
    from sop_runtime.service import cases

    rt = runtime()
    tz, moment = _at(rt, at)
    out = cases.reassign(rt, case, step, actor, to, reason=reason, at=moment)
    _done(out, tz, as_json, tr("Langkah {s} perkara {c} dialihkan ke {u}",
                               "Step {s} of case {c} reassigned to {u}", s=step, c=case, u=to))


@override.command("skip")
def skip(case: opt.Case, step: opt.Step, actor: opt.Supervisor, reason: opt.RequiredReason,
         decision: Annotated[str | None, typer.Option(
             "--decision", metavar="LABEL",
             help="Cabang yang diambil (langkah keputusan) / branch to take (decision step)")
         ] = None,
         at: opt.At = None, as_json: opt.Json = False) -> None:
    """Lewati langkah / skip a step."""
    from sop_runtime.service import cases

    rt = runtime()
    tz, moment = _at(rt, at)
    out = cases.skip(rt, case, step, actor, reason=reason, decision=decision, at=moment)
    _done(out, tz, as_json, tr("Langkah {s} perkara {c} dilewati", "Step {s} of case {c} skipped",
                               s=step, c=case))


@override.command("reopen")
def reopen(case: opt.Case, step: opt.Step, actor: opt.Supervisor, reason: opt.RequiredReason,
           at: opt.At = None, as_json: opt.Json = False) -> None:
    """Buka ulang langkah (percobaan baru) / reopen a step (a new attempt)."""
    from sop_runtime.service import cases

    rt = runtime()
    tz, moment = _at(rt, at)
    out = cases.reopen(rt, case, step, actor, reason=reason, at=moment)
    _done(out, tz, as_json, tr("Langkah {s} perkara {c} dibuka ulang",
                               "Step {s} of case {c} reopened", s=step, c=case))


@override.command("cancel")
def cancel(case: opt.Case, actor: opt.Supervisor, reason: opt.RequiredReason,
           at: opt.At = None, as_json: opt.Json = False) -> None:
    """Batalkan perkara / cancel a case."""
    from sop_runtime.service import cases

    rt = runtime()
    tz, moment = _at(rt, at)
    out = cases.cancel(rt, case, actor, reason=reason, at=moment)
    _done(out, tz, as_json, tr("Perkara {c} dibatalkan", "Case {c} cancelled", c=case))


def sweep(as_json: opt.Json = False) -> None:
    """Catat langkah terlambat, waktu pelayanan terlampaui dan cabang waktu sekarang /
    record overdue steps, service breaches and timer branches now."""
    from sop_runtime.cli.common import print_json, say
    from sop_runtime.service import cases

    report = cases.sweep(runtime())
    if as_json:
        print_json({"cases": report.cases, "events": report.events, "flagged": report.flagged})
        return
    say(tr(
        "Penyisiran: {c} perkara berubah, {e} peristiwa dicatat, {f} penyimpangan ditandai",
        "Sweep: {c} cases changed, {e} events recorded, {f} deviations flagged",
        c=report.cases, e=report.events, f=report.flagged))


def overdue(
    now: Annotated[str | None, typer.Option(
        "--now", metavar="T", help="Dihitung pada waktu ini (bawaan: sekarang) / as of T")
    ] = None,
    role: Annotated[str | None, typer.Option("--role", metavar="ROLE",
                                             help="Hanya peran ini / only this role")] = None,
    sop: Annotated[str | None, typer.Option("--sop", metavar="SOP",
                                            help="Hanya SOP ini / only this SOP")] = None,
    limit: Annotated[int, typer.Option(
        "--limit", metavar="N", min=1, max=1000,
        help="Paling banyak per halaman, yang paling lama terlambat dahulu (1-1000) / at most "
             "this many per page, the longest overdue first")] = 100,
    lanjut: opt.Lanjut = None,
    as_json: opt.Json = False,
) -> None:
    """Langkah yang melewati batas waktu, satu halaman / steps past their deadline, one
    page."""
    from sop_runtime.cli.common import print_json
    from sop_runtime.cli.times import court_calendar, iso, parse_moment
    from sop_runtime.service import views
    from sop_runtime.service.confidential import operator
    from sop_runtime.wording import moment_text

    rt = runtime()
    calendar = court_calendar(rt)
    tz = calendar.tz
    moment = None if now is None else parse_moment(now, tz, option="--now")
    found = views.overdue_page(rt, reader=operator(), now=moment, role=role, sop=sop,
                               per_page=limit, cursor=lanjut)
    rows = list(found.rows)

    if as_json:
        print_json({"per_page": found.per_page, "next": found.next, "overdue": [{
            "case_id": r.task.case_id, "sop_id": r.task.sop_id, "node": r.task.node,
            "attempt": r.task.attempt, "kegiatan": r.task.kegiatan, "roles": list(r.task.roles),
            "assignee": r.task.claimed_by or r.task.assignee, "due_at": iso(r.task.due_at, tz),
            "late_seconds": r.late_seconds, "late": r.late_text,
            "register_number": r.task.register_number, "applicant": r.task.applicant,
        } for r in rows]})
        return
    from rich.markup import escape
    from rich.table import Table

    from sop_runtime.cli.cases import case_cell
    from sop_runtime.cli.common import say, say_next, table_console
    from sop_runtime.cli.event_text import shorten
    from sop_runtime.service.letterhead import staff_names

    con = table_console()
    if not rows:
        say(tr("Tidak ada langkah yang terlambat.", "No step is overdue."))
        return
    who = staff_names(rt)
    table = Table(title=tr("Langkah terlambat", "Overdue steps"))
    for col in (tr("Perkara", "Case"), "SOP", tr("Langkah", "Step"), tr("Peran", "Role"),
                tr("Dipegang", "Assignee"), tr("Batas", "Due"),
                tr("Terlambat", "Late by")):
        table.add_column(col, no_wrap=col in (tr("Perkara", "Case"), "SOP", tr("Batas", "Due")))
    for r in rows:
        t = r.task
        table.add_row(escape(case_cell(t.case_id, t.register_number, t.applicant)), t.sop_id,
                      escape(f"{t.node}. {shorten(t.kegiatan, 40)}"),
                      escape(", ".join(who.role(x) for x in t.roles)),
                      escape(who.user(t.claimed_by or t.assignee))
                      if t.claimed_by or t.assignee else "-",
                      moment_text(t.due_at, tz), r.late_text, style="red")
    con.print(table)
    say_next(found.next)


def deviations(
    case: Annotated[str | None, typer.Option("--case", metavar="CASE",
                                             help="Hanya perkara ini / only this case")] = None,
    kind: Annotated[str | None, typer.Option(
        "--kind", metavar="KIND",
        help="Hanya jenis ini (wrong_actor, overdue, ...) / only this kind")] = None,
    limit: Annotated[int, typer.Option(
        "--limit", metavar="N", min=1, max=1000,
        help="Paling banyak per halaman (1-1000) / at most this many per page")] = 50,
    lanjut: opt.Lanjut = None,
    as_json: opt.Json = False,
) -> None:
    """Penyimpangan prosedur, terbaru dahulu, satu halaman / procedure deviations, newest
    first, one page."""
    from sop_runtime.cli.common import Exit, fail, print_json
    from sop_runtime.cli.times import court_tz, iso
    from sop_runtime.engine import DeviationKind
    from sop_runtime.engine.deviation_text import deviation_label, outcome_label
    from sop_runtime.service import views
    from sop_runtime.service.confidential import operator
    from sop_runtime.wording import moment_text

    if kind is not None and kind not in {str(k) for k in DeviationKind}:
        fail(tr("Jenis penyimpangan '{k}' tidak dikenal; yang ada: {known}",
                "Unknown deviation kind '{k}'; known: {known}", k=kind,
                known=", ".join(str(k) for k in DeviationKind)), Exit.USAGE)
    rt = runtime()
    tz = court_tz(rt)
    found = views.deviation_page(rt, reader=operator(), case=case, kind=kind, per_page=limit,
                                 cursor=lanjut)
    rows = list(found.rows)
    if as_json:
        print_json({"per_page": found.per_page, "next": found.next, "deviations": [{
            "case_id": d.case_id, "seq": d.seq, "kind": d.kind, "label": deviation_label(d.kind),
            "outcome": d.outcome, "node": d.node, "attempt": d.attempt, "actor": d.actor,
            "occurred_at": iso(d.occurred_at, tz), "recorded_at": iso(d.recorded_at, tz),
            "rule": d.rule, "reason": d.reason, "evidence": dict(d.evidence),
        } for d in rows]})
        return
    from rich.markup import escape
    from rich.table import Table

    from sop_runtime.cli.cases import case_cell
    from sop_runtime.cli.common import say, say_next, table_console
    from sop_runtime.service.evidence import explain

    con = table_console()
    if not rows:
        say(tr("Tidak ada penyimpangan.", "No deviations."))
        return
    named = views.identities(rt, {d.case_id for d in rows})
    table = Table(title=tr("Penyimpangan prosedur", "Procedure deviations"))
    for col in (tr("Waktu", "When"), tr("Perkara", "Case"), tr("Langkah", "Step"),
                tr("Jenis", "Kind"), tr("Hasil", "Outcome"), tr("Oleh", "By"),
                tr("Aturan / bukti / alasan", "Rule / evidence / reason")):
        table.add_column(col, no_wrap=col in (tr("Perkara", "Case"), tr("Waktu", "When")))
    for x in explain(rt, rows):
        d = x.row
        text = "\n".join([x.rule, *x.evidence] + (
            [tr("alasan: {r}", "reason: {r}", r=d.reason)] if d.reason else []))
        applicant, number = named.get(d.case_id, (None, None))
        table.add_row(moment_text(d.occurred_at, tz),
                      escape(case_cell(d.case_id, number, applicant)), d.node or "-",
                      deviation_label(d.kind), outcome_label(d.outcome),
                      escape(x.actor if d.actor else tr("Sistem", "System")), escape(text),
                      style="red" if d.outcome == "ditolak" else None)
    con.print(table)
    say_next(found.next)
