"""Commands on cases: start, tasks, claim, complete, extend, case.

Only typer is imported at module level: the service, the store and rich tables are
imported inside the commands, so ``sop tasks`` starts fast.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from sop_runtime.cli import identity, receipt
from sop_runtime.cli import options as opt
from sop_runtime.cli.common import person, runtime
from sop_runtime.cli.contacts import Kontak, Setuju, contact_given
from sop_runtime.i18n import tr

if TYPE_CHECKING:
    from datetime import datetime, tzinfo

    from sop_runtime.service.runtime import Runtime


def _at(rt: Runtime, text: str | None) -> tuple[tzinfo, datetime | None]:
    from sop_runtime.cli.event_text import use_court
    from sop_runtime.cli.times import court_tz, parse_moment

    use_court(rt)
    tz = court_tz(rt)
    return tz, None if text is None else parse_moment(text, tz)


def start(
    sop: Annotated[str, typer.Argument(metavar="SOP", help="ID SOP / SOP id")],
    actor: opt.Actor,
    field: Annotated[list[str] | None, typer.Option(
        "--field", metavar="K=V",
        help="Isian perkara (berulang) / case field (repeatable)")] = None,
    party: identity.Pihak = None,
    kontak: Kontak = None,
    agreed: Setuju = False,
    at: opt.At = None,
    reason: opt.Reason = None,
    as_json: opt.Json = False,
    tanda_terima: receipt.ReceiptFile = None,
    struk: receipt.Roll = False,
) -> None:
    """Mulai perkara baru; mencetak nomor layanannya dan kode lacak pemohon / start a case;
    prints its service number and the applicant's tracking code."""
    from sop_runtime.cli.common import say
    from sop_runtime.cli.event_text import print_outcome
    from sop_runtime.cli.times import parse_pairs
    from sop_runtime.service import cases

    fields = parse_pairs(field, "--field")
    parties = identity.parse_parties(party)
    contact = contact_given(kontak, agreed)
    receipt.check_file(tanda_terima)
    rt = runtime()
    tz, moment = _at(rt, at)
    out = cases.start_case(rt, sop, actor, fields=fields, parties=parties, at=moment,
                           reason=reason, contact=contact)
    if not as_json:
        say(out.case_id)
    print_outcome(out, tz, as_json=as_json, to_stderr=True, headline=tr(
        "Perkara {c} dimulai ({sop})", "Case {c} started ({sop})", c=out.case_id, sop=sop))
    if out.tracking_code is not None:
        receipt.give_code(rt, out.case_id, out.tracking_code, tanda_terima, struk,
                          said=as_json)


def claim(case: opt.Case, step: opt.Step, actor: opt.Actor, at: opt.At = None,
          as_json: opt.Json = False) -> None:
    """Ambil langkah untuk dikerjakan / claim a step."""
    from sop_runtime.cli.event_text import print_outcome
    from sop_runtime.service import cases

    rt = runtime()
    tz, moment = _at(rt, at)
    out = cases.claim(rt, case, step, actor, at=moment)
    print_outcome(out, tz, as_json=as_json, headline=tr(
        "Langkah {s} perkara {c} dipegang {u}", "Step {s} of case {c} is held by {u}",
        s=step, c=case, u=person(rt, actor)))


def _print_earlier(rt: Any, case: str, step: str, values: dict[str, str], *,
                   to_stderr: bool = False) -> None:
    """The values an earlier step (or the case's opening) recorded for the items of
    ``step``: what it was, where, by whom and when; marked where the value given differs."""
    from rich.console import Console
    from rich.markup import escape

    from sop_runtime.engine.values import same_value
    from sop_runtime.service import stepform, views
    from sop_runtime.service.confidential import operator

    view = views.case(rt, case, reader=operator())
    items = view.workflow.items_at(view.workflow.node(step))
    con = Console(stderr=to_stderr, highlight=False, soft_wrap=True)
    for key, r in stepform.earlier_values(rt, view, step).items():
        given = values.get(key)
        differs = given is not None and not same_value(items.get(key), r.value, given)
        con.print(("  [yellow]≠[/] " if differs else "  = ") + escape(tr(
            "tercatat sebelumnya: {n} = {v} ({w}; {by}{j}, {t})",
            "recorded before: {n} = {v} ({w}; {by}{j}, {t})", n=r.nama, v=r.text, w=r.where,
            by=r.by, j=f", {r.jabatan}" if r.jabatan else "", t=r.when)))


def complete(
    case: opt.Case,
    step: opt.Step,
    actor: opt.Actor,
    output: Annotated[list[str] | None, typer.Option(
        "--output", metavar="K=V",
        help="Kelengkapan/output/isian (berulang) / input, output or field (repeatable)")] = None,
    decision: Annotated[str | None, typer.Option(
        "--decision", metavar="LABEL", help="Label cabang keputusan / decision branch label")
    ] = None,
    berkas: Annotated[list[str] | None, typer.Option(
        "--berkas", metavar="ITEM=PATH",
        help="Lampirkan berkas (PDF, JPEG, PNG) untuk dokumen langkah (berulang) / attach a "
             "file for a document of the step (repeatable)")] = None,
    at: opt.At = None,
    reason: opt.Reason = None,
    as_json: opt.Json = False,
) -> None:
    """Selesaikan langkah / complete a step."""
    from sop_runtime.cli.event_text import print_outcome
    from sop_runtime.cli.times import parse_pairs
    from sop_runtime.engine import CommandRejected
    from sop_runtime.service import documents

    values = parse_pairs(output, "--output")
    files = _files(parse_pairs(berkas, "--berkas"))
    rt = runtime()
    tz, moment = _at(rt, at)
    try:
        out = documents.complete_with_files(rt, case, step, actor, files=files, values=values,
                                            decision=decision, at=moment, reason=reason)
    except CommandRejected as exc:
        if exc.code == "contradiction_reason":  # what was recorded, before the refusal
            _print_earlier(rt, case, step, values, to_stderr=True)
        raise
    if not as_json:
        _print_earlier(rt, case, step, values)
    from sop_runtime.engine import StepCompleted, StepSigned

    partial = any(isinstance(e, StepSigned) for e in out.events) and not any(
        isinstance(e, StepCompleted) and e.node == step for e in out.events)
    print_outcome(out, tz, as_json=as_json, headline=tr(
        "Tindakan {u} pada langkah bersama {s} perkara {c} dicatat",
        "{u}'s act on joint step {s} of case {c} recorded", s=step, c=case,
        u=person(rt, actor))
        if partial else tr(
        "Langkah {s} perkara {c} dicatat selesai oleh {u}",
        "Step {s} of case {c} recorded as done by {u}", s=step, c=case,
        u=person(rt, actor)))


def _files(pairs: dict[str, str]) -> list[Any]:
    """The files ``--berkas ITEM=PATH`` names, read (at most one byte over the limit, so an
    oversized file is refused without reading it whole)."""
    from pathlib import Path

    from sop_runtime.cli.common import Exit, fail
    from sop_runtime.files import open_bytes
    from sop_runtime.service.documents import Upload, size_limit

    limit = size_limit()
    out = []
    for item, text in pairs.items():
        path = Path(text)
        try:
            if path.is_dir():
                raise IsADirectoryError(text)
            with open_bytes(path) as f:
                data = f.read(limit + 1)
        except OSError as exc:
            fail(tr("--berkas {i}: berkas '{p}' tidak dapat dibaca ({e})",
                    "--berkas {i}: the file '{p}' cannot be read ({e})", i=item, p=text,
                    e=exc.strerror or type(exc).__name__), Exit.NOT_FOUND)
        out.append(Upload(item=item, name=path.name, data=data))
    return out


def extend(case: opt.Case, step: opt.Step, actor: opt.Actor, reason: opt.RequiredReason,
           at: opt.At = None, as_json: opt.Json = False) -> None:
    """Pakai perpanjangan waktu yang diizinkan SOP / use the extension the SOP allows."""
    from sop_runtime.cli.event_text import print_outcome
    from sop_runtime.engine import StepExtended
    from sop_runtime.service import cases
    from sop_runtime.wording import moment_text

    rt = runtime()
    tz, moment = _at(rt, at)
    out = cases.extend(rt, case, step, actor, reason=reason, at=moment)
    due = next((e.due_at for e in out.events if isinstance(e, StepExtended)), None)
    print_outcome(out, tz, as_json=as_json, headline=tr(
        "Batas langkah {s} perkara {c} diperpanjang sampai {t}",
        "The deadline of step {s} of case {c} is extended to {t}", s=step, c=case,
        t=moment_text(due, tz)))


def tasks(actor: opt.Actor, limit: Annotated[int, typer.Option(
        "--limit", metavar="N", min=1, max=1000,
        help="Paling banyak per halaman, yang paling cepat jatuh tempo dahulu (1-1000) / at "
             "most this many per page, the soonest due first")] = 200,
        lanjut: opt.Lanjut = None, as_json: opt.Json = False) -> None:
    """Daftar tugas: langkah terbuka yang boleh Anda kerjakan / worklist: open steps you may do."""
    from sop_runtime.cli.times import court_tz, iso, zone_name
    from sop_runtime.service import views
    from sop_runtime.service.due import due_words
    from sop_runtime.wording import moment_text

    rt = runtime()
    found = views.task_page(rt, actor, per_page=limit, cursor=lanjut)
    rows = list(found.rows)
    words = due_words(rt, rows)
    tz = court_tz(rt)
    if as_json:
        from sop_runtime.cli.common import print_json

        print_json({"per_page": found.per_page, "next": found.next, "tasks": [{
            "case_id": t.case_id, "sop_id": t.sop_id, "node": t.node, "attempt": t.attempt,
            "kegiatan": t.kegiatan, "roles": list(t.roles), "assignee": t.assignee,
            "claimed_by": t.claimed_by, "activated_at": iso(t.activated_at, tz),
            "due_at": iso(t.due_at, tz), "overdue": t.overdue,
            "due_text": d.text if d is not None else None,
            "register_number": t.register_number, "applicant": t.applicant,
        } for t, d in zip(rows, words, strict=True)]})
        return
    from rich.markup import escape
    from rich.table import Table

    from sop_runtime.cli.common import say, say_next, table_console
    from sop_runtime.cli.event_text import shorten
    from sop_runtime.service.letterhead import staff_names

    who = staff_names(rt)
    table = Table(title=tr("Tugas {u}", "Tasks of {u}", u=who.user(actor)))
    for col in (tr("Perkara", "Case"), "SOP", tr("Langkah", "Step"), tr("Kegiatan", "Activity"),
                tr("Batas", "Due") + f" ({zone_name(tz)})", tr("Waktu", "Time"),
                tr("Dipegang", "Assignee")):
        table.add_column(col, no_wrap=col not in (tr("Kegiatan", "Activity"),
                                                  tr("Waktu", "Time")))
    for t, d in zip(rows, words, strict=True):
        due = moment_text(t.due_at, tz, zone=False)
        if t.overdue:
            due += tr(" (terlambat)", " (overdue)")
        holder = t.claimed_by or t.assignee
        table.add_row(escape(case_cell(t.case_id, t.register_number, t.applicant)), t.sop_id,
                      t.node, escape(shorten(t.kegiatan)), due,
                      escape(d.text) if d is not None else "-",
                      escape(who.user(holder)) if holder else "-",
                      style="red" if t.overdue else None)
    con = table_console()
    if not rows:
        say(tr("Tidak ada tugas untuk {u}.", "No tasks for {u}.", u=who.user(actor)))
        return
    con.print(table)
    say_next(found.next)


def case(case: opt.Case, as_json: opt.Json = False) -> None:
    """Riwayat dan posisi perkara / a case's timeline and where it stands."""
    from sop_runtime.cli.times import court_tz
    from sop_runtime.service import views
    from sop_runtime.service.confidential import operator

    rt = runtime()
    view = views.case(rt, case, reader=operator())
    tz = court_tz(rt)
    if as_json:
        from sop_runtime.cli.common import print_json

        print_json(_case_json(view, tz))
    else:
        from sop_runtime.cli.event_text import use_court
        from sop_runtime.service.letterhead import staff_names

        use_court(rt)
        _print_case(view, tz, rt.now(), staff_names(rt))


def _case_json(view: Any, tz: tzinfo) -> dict[str, Any]:
    from sop_runtime.cli.times import iso

    state, wf = view.state, view.workflow
    return {
        "case_id": state.case_id, "sop_id": state.sop_id, "sop_nama": wf.nama,
        "version": state.version, "status": str(state.status),
        "started_at": iso(state.started_at, tz), "started_by": state.started_by,
        "ended_at": iso(state.ended_at, tz), "service_due": iso(state.service_due, tz),
        "fields": dict(state.fields), "register_number": state.register_number,
        "parties": [dict(p) for p in state.parties],
        "open_steps": [{
            "node": s.node, "attempt": s.attempt, "kegiatan": wf.node(s.node).kegiatan,
            "status": str(s.status), "due_at": iso(s.due_at, tz), "assignee": s.assignee,
            "claimed_by": s.claimed_by,
            **({"joint": {"acted": dict(s.signed), "awaiting": [
                r for r in wf.node(s.node).roles if r not in s.signed]}}
               if wf.node(s.node).joint else {}),
        } for s in state.open_steps],
        "timeline": [{
            "seq": s.seq, "type": s.type, "occurred_at": iso(s.occurred_at, tz),
            "recorded_at": iso(s.recorded_at, tz),
            "entry_gap_seconds": int((s.recorded_at - s.occurred_at).total_seconds()),
            "actor": s.actor, **s.payload,
        } for s in view.stored],
    }


def _case_head(state: Any, wf: Any, tz: tzinfo, now: datetime, names: Any) -> Any:
    """The head of ``sop case``: the SOP, status, times, service due and the fields."""
    from rich.markup import escape
    from rich.table import Table

    from sop_runtime.wording import moment_text

    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    from sop_runtime.engine.parties import party_text

    head.add_row(tr("Nomor layanan", "Service number"), state.case_id)
    head.add_row(tr("Nomor perkara", "Register number"),
                 escape(state.register_number or tr("belum ada", "none yet")))
    head.add_row(tr("Para pihak", "Parties"), escape("\n".join(
        party_text(p) for p in state.parties) or tr("belum dicatat", "not recorded yet")))
    head.add_row("SOP", escape(f"{state.sop_id} — {wf.nama} ({state.version[:12]})"))
    head.add_row(tr("Status", "Status"), str(state.status))
    head.add_row(tr("Dimulai", "Started"),
                 escape(f"{moment_text(state.started_at, tz)} ({names.user(state.started_by)})"))
    if state.ended_at:
        head.add_row(tr("Berakhir", "Ended"), moment_text(state.ended_at, tz))
    late = state.service_due is not None and state.is_active and now > state.service_due
    head.add_row(tr("Waktu pelayanan s.d.", "Service due"),
                 moment_text(state.service_due, tz) + (tr(" (terlampaui)", " (exceeded)")
                                                if late else ""))
    if state.fields:
        from sop_runtime.cli.event_text import given

        head.add_row(tr("Isian", "Fields"), escape(given(wf, None, state.fields)))
    return head


def _print_case(view: Any, tz: tzinfo, now: datetime, names: Any) -> None:
    from datetime import timedelta

    from rich.markup import escape
    from rich.table import Table

    from sop_runtime.audit.document import gap
    from sop_runtime.cli.common import say, table_console
    from sop_runtime.cli.event_text import describe, step_name
    from sop_runtime.engine import ActionRefused, DeviationFlagged, StepCompleted
    from sop_runtime.service import views
    from sop_runtime.wording import moment_text

    state, wf = view.state, view.workflow
    con = table_console()
    con.print(_case_head(state, wf, tz, now, names))

    table = Table(title=tr("Riwayat", "Timeline"), show_lines=False)
    for col in ("#", tr("Terjadi", "Happened"), tr("Dicatat", "Recorded"), tr("Oleh", "By")):
        table.add_column(col, no_wrap=col != tr("Dicatat", "Recorded"))
    table.add_column(tr("Apa", "What"), ratio=1)
    for i, (stored, event) in enumerate(zip(view.stored, view.events, strict=True)):
        what, details = describe(event, view.workflow_at(i), tz)
        recorded = ""
        delta = stored.recorded_at - stored.occurred_at
        if delta >= timedelta(minutes=1):
            recorded = f"{moment_text(stored.recorded_at, tz)} (+{gap(delta)})"
        who = names.user(stored.actor)
        if isinstance(event, StepCompleted) and event.on_behalf_of:
            who += tr(" atas nama {p}", " on behalf of {p}", p=names.role(event.on_behalf_of))
        style = None
        if isinstance(event, DeviationFlagged):
            style = "yellow"
        elif isinstance(event, ActionRefused):
            style = "red"
        text = escape(what) + "".join(f"\n  [dim]{escape(d)}[/]" for d in details)
        table.add_row(str(stored.seq), moment_text(stored.occurred_at, tz), recorded, escape(who),
                      text, style=style)
    con.print(table)

    if state.open_steps:
        pos = Table(title=tr("Posisi sekarang", "Where it stands"))
        for col in (tr("Langkah", "Step"), tr("Status", "Status"), tr("Batas", "Due"),
                    tr("Dipegang", "Assignee")):
            pos.add_column(col)
        for s in state.open_steps:
            overdue = s.due_at is not None and now > s.due_at
            joint = views.joint_progress(wf, s)
            pos.add_row(escape(step_name(wf, s.node, 60)),
                        str(s.status) + (f"\n{escape(joint)}" if joint else ""),
                        moment_text(s.due_at, tz) + (tr(" (terlambat)", " (overdue)")
                                              if overdue else ""),
                        escape(names.user(s.claimed_by or s.assignee))
                        if s.claimed_by or s.assignee else "-",
                        style="red" if overdue else None)
        con.print(pos)
    elif state.is_active:
        say(tr("Tidak ada langkah terbuka.", "No open steps."))


def case_cell(case_id: str, register_number: str | None, applicant: str | None) -> str:
    """A case in a table cell: its register number and applicant beside its service
    number."""
    lines = [case_id]
    if register_number:
        lines.insert(0, register_number)
    if applicant:
        lines.append(applicant)
    return "\n".join(lines)
