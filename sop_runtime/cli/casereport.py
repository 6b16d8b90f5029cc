"""``sop report case`` in the terminal: the case report's sections as rich tables (Bahasa
Indonesia first). Imported only by that command."""

from __future__ import annotations

from datetime import tzinfo

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from sop_runtime.audit.casefigures import CaseReport, Who
from sop_runtime.audit.document import gap
from sop_runtime.i18n import tr
from sop_runtime.wording import moment_text


def _who(w: Who) -> str:
    parts = [w.name]
    if w.delegation or w.jabatan:
        parts.append(f"({w.delegation or w.jabatan})")
    if w.on_behalf_of:
        parts.append(tr("atas nama {p}", "on behalf of {p}", p=w.on_behalf_of))
    return escape(" ".join(parts))


def print_case_report(r: CaseReport, tz: tzinfo, con: Console) -> None:
    _print_head(r, tz, con)
    _print_steps(r, tz, con)
    _print_deviations_and_people(r, tz, con)
    _print_timeline(r, tz, con)
    _print_seal(r, tz, con)


def _print_head(r: CaseReport, tz: tzinfo, con: Console) -> None:
    """The case: SOP, status, times, service standard, hash chain."""
    head = Table.grid(padding=(0, 2))
    head.add_column(style="bold")
    head.add_column()
    head.add_row(tr("Nomor perkara", "Register number"),
                 escape(r.register_number or tr("belum ada", "none yet")))
    head.add_row(tr("Nomor layanan", "Service number"), escape(r.case_id))
    head.add_row(tr("Para pihak", "Parties"),
                 escape("\n".join(r.parties) or tr("belum dicatat", "not recorded yet")))
    head.add_row("SOP", escape(f"{r.sop_nama} ({r.sop_nomor}; {r.sop_id}, "
                               f"{tr('versi', 'version')} {r.version[:12]})"))
    head.add_row(tr("Status", "Status"), escape(r.status_text))
    head.add_row(tr("Dimulai", "Started"), escape(f"{moment_text(r.started_at, tz)} — ")
                 + _who(r.started_by))
    head.add_row(tr("Berakhir", "Ended"), escape(moment_text(r.ended_at, tz)))
    service = escape(r.service.text)
    if r.service.met is not None:
        service = f"[{'green' if r.service.met else 'red'}]{service}[/]"
    head.add_row(tr("Waktu pelayanan", "Service time"),
                 escape(r.service.limit or tr("tidak ditetapkan", "not set")) + " — " + service)
    chain = (tr("[green]utuh[/] ({n} peristiwa diperiksa)", "[green]intact[/] ({n} events "
                "checked)", n=r.chain.events) if r.chain.ok
             else f"[red]{escape(r.chain.message or tr('rusak', 'broken'))}[/]")
    head.add_row(tr("Rantai hash", "Hash chain"), chain)
    con.print(head)


def _print_steps(r: CaseReport, tz: tzinfo, con: Console) -> None:
    """Each step against its limit."""
    table = Table(title=tr("Langkah dan batas waktu", "Steps and their time limits"), expand=True)
    table.add_column(tr("Langkah", "Step"), ratio=3)
    table.add_column(tr("Pelaksana", "Role"), ratio=1, min_width=12)
    for col in (tr("Batas", "Limit"), tr("Aktif", "Active"), tr("Selesai", "Done")):
        table.add_column(col, no_wrap=True)
    table.add_column(tr("Oleh", "By"), ratio=1, min_width=12)
    table.add_column(tr("Waktu kerja", "Working time"), ratio=1, min_width=10)
    table.add_column(tr("Status", "Status"), ratio=1, min_width=14)
    for s in r.steps:
        name = s.step + (tr(" (percobaan ke-{n})", " (attempt {n})", n=s.attempt)
                         if s.attempt > 1 else "")
        style = {"late": "red", "overdue": "red", "on_time": "green"}.get(s.verdict)
        table.add_row(escape(name), escape(s.jabatan), escape(s.limit or "-"),
                      moment_text(s.activated_at, tz), moment_text(s.completed_at, tz),
                      escape(s.completed_by or "-"), escape(s.working_text),
                      f"[{style}]{escape(s.verdict_text)}[/]" if style
                      else escape(s.verdict_text))
    con.print(table)


def _print_deviations_and_people(r: CaseReport, tz: tzinfo, con: Console) -> None:
    """The deviations (or a line saying there were none), and who did what."""
    if r.deviations:
        table = Table(title=tr("Penyimpangan prosedur", "Procedure deviations"), expand=True)
        table.add_column("#")
        table.add_column(tr("Waktu", "When"), no_wrap=True)
        for col in (tr("Jenis", "Kind"), tr("Langkah", "Step"), tr("Aturan", "Rule"),
                    tr("Bukti", "Evidence"), tr("Alasan", "Reason"), tr("Oleh", "By")):
            table.add_column(col, ratio=2 if col == tr("Bukti", "Evidence") else 1)
        for d in r.deviations:
            kind = d.label + (tr(" (ditolak)", " (refused)") if d.outcome == "ditolak" else "")
            table.add_row(str(d.seq), moment_text(d.occurred_at, tz), escape(kind),
                          escape(d.step or "-"), escape(d.rule_text),
                          escape("; ".join(d.evidence_text) or "-"), escape(d.reason or "-"),
                          _who(d.who), style="red" if d.outcome == "ditolak" else "yellow")
        con.print(table)
    else:
        con.print(tr("Tidak ada penyimpangan.", "No deviations."))

    table = Table(title=tr("Siapa mengerjakan apa", "Who did what"))
    for col in (tr("Nama", "Name"), tr("Jabatan", "Role"),
                tr("Langkah diselesaikan", "Steps done"), tr("Tindakan lain", "Other acts"),
                tr("Peristiwa", "Events"), tr("Penyimpangan", "Deviations"),
                tr("Ditolak", "Refused")):
        table.add_column(col)
    for p in r.people:
        table.add_row(escape(p.name), escape(p.jabatan), escape(", ".join(p.steps_done) or "-"),
                      escape("; ".join(p.other) or "-"), str(p.events), str(p.deviations),
                      str(p.refused))
    con.print(table)


def _print_timeline(r: CaseReport, tz: tzinfo, con: Console) -> None:
    """The whole timeline, with what was given, decided and noted at each event."""
    table = Table(title=tr("Riwayat lengkap", "The whole timeline"), expand=True)
    table.add_column("#")
    table.add_column(tr("Terjadi", "Happened"), no_wrap=True)
    table.add_column(tr("Dicatat", "Recorded"))
    table.add_column(tr("Oleh", "By"), ratio=1)
    table.add_column(tr("Langkah", "Step"), ratio=1)
    table.add_column(tr("Peristiwa", "Event"), ratio=2)
    for e in r.timeline:
        recorded = (f"{moment_text(e.recorded_at, tz)} (+{gap(e.recorded_at - e.occurred_at)})"
                    if e.entered_later else "")
        lines = [escape(e.what)]
        lines += [escape(f"  {g.name}: {g.value}") for g in e.given]
        if e.decision:
            lines.append(escape("  " + tr("keputusan: {d}", "decision: {d}", d=e.decision)))
        if e.reason:
            lines.append(escape("  " + tr("alasan: {r}", "reason: {r}", r=e.reason)))
        lines += [f"  [dim]{escape(n)}[/]" for n in e.notes]
        style = {"deviation_flagged": "yellow", "action_refused": "red"}.get(e.type)
        table.add_row(str(e.seq), moment_text(e.occurred_at, tz), recorded, _who(e.who),
                      escape(e.step or "-"), "\n".join(lines), style=style)
    con.print(table)


def _print_seal(r: CaseReport, tz: tzinfo, con: Console) -> None:
    """The seal that covers the case, or the latest that covered it earlier."""
    cover = r.seal
    if cover.seal is not None:
        holds = (tr("[green]sah[/]", "[green]valid[/]") if cover.proof_holds
                 else tr("[red]TIDAK SAH[/]", "[red]INVALID[/]"))
        con.print(tr(
            "Segel #{n} ({t}, oleh {u}) mencakup perkara ini sampai peristiwa #{q}; akar "
            "Merkle {root}; bukti inklusi {ok}.",
            "Seal #{n} ({t}, by {u}) covers this case up to event #{q}; Merkle root {root}; "
            "inclusion proof {ok}.", n=cover.seal.id, t=moment_text(cover.seal.sealed_at, tz),
            u=escape(cover.sealed_by or cover.seal.sealed_by), q=cover.head_seq,
            root=cover.seal.root, ok=holds))
    else:
        text = tr("Belum ada segel yang mencakup keadaan perkara ini sekarang (peristiwa #{q}).",
                  "No seal covers this case as it stands now (event #{q}) yet.",
                  q=cover.head_seq)
        if cover.earlier is not None:
            text += " " + tr(
                "Segel terakhir yang mencakup keadaan sebelumnya: #{n} ({t}), sampai peristiwa "
                "#{q}.", "The latest seal that covered an earlier state: #{n} ({t}), up to "
                "event #{q}.", n=cover.earlier.id, t=moment_text(cover.earlier.sealed_at, tz),
                q=cover.earlier_seq)
        con.print(f"[yellow]{escape(text)}[/]")
