"""Audit commands: log, verify, export."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sop_runtime.cli import options as opt
from sop_runtime.cli.common import runtime
from sop_runtime.i18n import tr

if TYPE_CHECKING:
    from sop_runtime.service.differences import Difference


def log(case: opt.Case, as_json: opt.Json = False) -> None:
    """Peristiwa tersimpan perkara, dengan hash / a case's stored events, with hashes."""
    from sop_runtime.cli.common import print_json
    from sop_runtime.cli.times import court_tz, zone_name
    from sop_runtime.engine.events import utc_iso
    from sop_runtime.service import views
    from sop_runtime.service.confidential import operator
    from sop_runtime.wording import moment_text

    rt = runtime()
    view = views.case(rt, case, reader=operator())
    tz = court_tz(rt)
    if as_json:
        print_json([{
            "seq": s.seq, "type": s.type, "version": s.version,
            "occurred_at": utc_iso(s.occurred_at), "recorded_at": utc_iso(s.recorded_at),
            "actor": s.actor, "payload": s.payload, "prev_hash": s.prev_hash, "hash": s.hash,
        } for s in view.stored])
        return
    from rich.markup import escape
    from rich.table import Table

    from sop_runtime.cli.common import table_console
    from sop_runtime.service.letterhead import staff_names

    who = staff_names(rt)
    table = Table(title=tr("Log perkara {c}", "Log of case {c}", c=case))
    zone = f" ({zone_name(tz)})"
    for col in ("seq", tr("jenis", "type"), tr("langkah", "step"), tr("terjadi", "occurred") + zone,
                tr("dicatat", "recorded") + zone, tr("oleh", "actor"), "prev", "hash"):
        table.add_column(col, no_wrap=True)
    for s in view.stored:
        node = s.payload.get("node")
        occurred = moment_text(s.occurred_at, tz, seconds=True, zone=False)
        recorded = moment_text(s.recorded_at, tz, seconds=True, zone=False)
        table.add_row(str(s.seq), s.type, "-" if node is None else str(node), occurred,
                      "=" if recorded == occurred else recorded, escape(who.user(s.actor)),
                      s.prev_hash[:8], s.hash[:8])
    table_console().print(table)


def verify(
    as_json: opt.Json = False,
    workers: opt.Workers = None,
    full: Annotated[bool, typer.Option(
        "--full", help="Periksa seluruh log, juga riwayat yang sudah disegel (semua inti) / "
                       "check the whole log, the sealed history too (every core)")] = False,
) -> None:
    """Periksa yang berubah sejak segel terakhir: rantai hash, proyeksi, jurnal, dokumen,
    versi SOP dan konsistensi segel (--full: seluruh log) / verify what changed since the
    last seal: hash chains, projections, journals, documents, SOP versions and the seals'
    consistency (--full: the whole log)."""
    from rich.markup import escape

    from sop_runtime.cli.common import Exit, print_json, say
    from sop_runtime.service import integrity

    found = integrity.verify(runtime(), workers=workers, full=full)
    if as_json:
        print_json(integrity.as_json(found))
        raise typer.Exit(int(Exit.OK if found.ok else Exit.PROBLEMS))
    say(integrity.scope_text(found, tr("Untuk memeriksa semuanya: sop verify --full",
                                       "To check everything: sop verify --full")))
    report, sealed = found.chain, found.seals
    brk = report.first_break
    if report.ok:
        say(tr(
            "[bold green]✓[/] Log utuh: {e} peristiwa dalam {c} perkara terverifikasi",
            "[bold green]✓[/] Log intact: {e} events in {c} cases verified",
            e=report.events, c=report.cases))
    else:
        assert brk is not None
        say(stderr=True, message=tr(
            "[bold red]✗ Log rusak[/] pada perkara {c}, urutan {s} ({w}): {m}",
            "[bold red]✗ Log broken[/] at case {c}, seq {s} ({w}): {m}",
            c=brk.case_id, s="-" if brk.seq is None else brk.seq, w=brk.what,
            m=escape(brk.message)))
    projected = found.projections
    if projected.ok:
        say(tr("[bold green]✓[/] Proyeksi sesuai log: daftar tugas, keterlambatan dan "
               "penyimpangan {c} perkara",
               "[bold green]✓[/] Projections match the log: worklists, overdue and "
               "deviations of {c} cases", c=projected.cases))
    else:
        say(stderr=True, message=tr(
            "[bold red]✗ Proyeksi berbeda dari log[/]: {n} perbedaan",
            "[bold red]✗ Projections differ from the log[/]: {n} differences",
            n=projected.findings.total))
        _differences(projected.findings.shown, projected.findings.total)
    kept = found.journals
    if kept.ok and not found.directory:
        say(tr("[bold green]✓[/] Jurnal pengadilan utuh ({e} entri); peran, pegawai, Plh/Plt, "
               "kredensial dan definisi sesuai jurnal",
               "[bold green]✓[/] Court journals intact ({e} entries); roles, staff, Plh/Plt, "
               "credentials and definitions match them", e=kept.events))
    if kept.first_break is not None:
        say(stderr=True, message=tr(
            "[bold red]✗ Jurnal rusak[/]: {m}", "[bold red]✗ Journal broken[/]: {m}",
            m=escape(kept.first_break.message)))
    if found.directory:
        say(stderr=True, message=tr(
            "[bold red]✗ Tabel berbeda dari jurnal pengadilan[/]: {n}",
            "[bold red]✗ Tables differ from the court journals[/]: {n}",
            n=len(found.directory)))
        _differences(found.directory, len(found.directory))
    if found.versions:
        say(stderr=True, message=tr(
            "[bold red]✗ Versi SOP tersimpan telah diubah[/]: {n}",
            "[bold red]✗ Stored SOP versions were altered[/]: {n}", n=len(found.versions)))
        _differences(found.versions, len(found.versions))
    kept_files = found.documents
    if kept_files.ok and kept_files.documents:
        say(tr("[bold green]✓[/] {d} dokumen tercatat ada dan utuh ({f} berkas diperiksa)",
               "[bold green]✓[/] {d} recorded documents present and unchanged ({f} files "
               "checked)", d=kept_files.documents, f=kept_files.files))
    elif not kept_files.ok:
        say(stderr=True, message=tr(
            "[bold red]✗ Dokumen tercatat hilang atau diubah[/]: {n}",
            "[bold red]✗ Recorded documents missing or altered[/]: {n}",
            n=len(kept_files.differences)))
        _differences(kept_files.differences, len(kept_files.differences))
    from sop_runtime.cli.seals import tell_seals

    tell_seals(sealed)
    raise typer.Exit(int(Exit.OK if found.ok else Exit.PROBLEMS))


SHOWN_IN_TERMINAL = 50


def _differences(shown: Sequence[Difference], total: int) -> None:
    """The differences as a table on standard error (at most :data:`SHOWN_IN_TERMINAL`)."""
    from rich.markup import escape
    from rich.table import Table

    from sop_runtime.cli.common import err_console, say
    from sop_runtime.service.differences import SHOWN

    table = Table(show_edge=False)
    for col in (tr("perkara / versi", "case / version"), tr("tabel", "table"),
                tr("perbedaan", "difference")):
        table.add_column(col, overflow="fold")
    for d in shown[:SHOWN_IN_TERMINAL]:
        table.add_row(escape(d.subject), d.table_label, escape(d.message))
    err_console().print(table)
    if total > SHOWN_IN_TERMINAL:
        say(stderr=True, message=tr("... dan {n} lagi ('sop verify --json' memuat {k} pertama)",
                                    "... and {n} more ('sop verify --json' holds the first {k})",
                                    n=total - SHOWN_IN_TERMINAL, k=min(total, SHOWN)))


class Format(StrEnum):
    csv = "csv"
    jsonl = "jsonl"
    xes = "xes"


def export(
    fmt: Annotated[Format, typer.Option("--format", "-f", help="csv | jsonl | xes")],
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE",
        help="Berkas keluaran (bawaan: stdout) / output file (default: stdout)")] = None,
    case: Annotated[str | None, typer.Option(
        "--case", metavar="CASE", help="Hanya perkara ini / only this case")] = None,
) -> None:
    """Ekspor log peristiwa (CSV, JSON lines, XES) / export the event log."""
    from sop_runtime.cli.common import say, whole_file
    from sop_runtime.service.confidential import operator
    from sop_runtime.service.export import Format as Kind
    from sop_runtime.service.export import export as write

    rt = runtime()
    kind = Kind(fmt.value)
    if output is None:
        write(rt, kind, sys.stdout, case=case, reader=operator("ekspor"))
        sys.stdout.flush()
        return
    with whole_file(output) as out:
        n = write(rt, kind, out, case=case, reader=operator("ekspor"))
    say(stderr=True, message=tr("{n} peristiwa ditulis ke {f}", "{n} events written to {f}",
                           n=n, f=output))


def rebuild(as_json: opt.Json = False) -> None:
    """Bangun ulang proyeksi (daftar tugas, keterlambatan, penyimpangan) dari log /
    rebuild the projections (worklists, overdue, deviations) from the log."""
    from sop_runtime.cli.common import print_json, say
    from sop_runtime.service.rebuild import rebuild as rebuild_projections

    report = rebuild_projections(runtime())
    if as_json:
        print_json({"cases": report.cases, "events": report.events})
        return
    say(tr("[bold green]✓[/] Proyeksi dibangun ulang dari {e} peristiwa dalam {c} perkara",
           "[bold green]✓[/] Projections rebuilt from {e} events in {c} cases",
           e=report.events, c=report.cases))
