"""Audit commands: log, verify, export."""

from __future__ import annotations

import sys
from contextlib import suppress
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from sop_runtime.cli import options as opt
from sop_runtime.cli.common import runtime
from sop_runtime.i18n import tr


def log(case: opt.Case, as_json: opt.Json = False) -> None:
    """Peristiwa tersimpan perkara, dengan hash / a case's stored events, with hashes."""
    from sop_runtime.cli.common import print_json
    from sop_runtime.cli.times import court_tz, show, zone_name
    from sop_runtime.engine.events import utc_iso
    from sop_runtime.service import views

    rt = runtime()
    view = views.case(rt, case)
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

    table = Table(title=tr("Log perkara {c}", "Log of case {c}", c=case))
    zone = f" ({zone_name(tz)})"
    for col in ("seq", tr("jenis", "type"), tr("langkah", "step"), tr("terjadi", "occurred") + zone,
                tr("dicatat", "recorded") + zone, tr("oleh", "actor"), "prev", "hash"):
        table.add_column(col, no_wrap=True)
    for s in view.stored:
        node = s.payload.get("node")
        occurred = show(s.occurred_at, tz, seconds=True, zone=False)
        recorded = show(s.recorded_at, tz, seconds=True, zone=False)
        table.add_row(str(s.seq), s.type, "-" if node is None else str(node), occurred,
                      "=" if recorded == occurred else recorded, escape(s.actor or "-"),
                      s.prev_hash[:8], s.hash[:8])
    table_console().print(table)


def verify(
    as_json: opt.Json = False,
    workers: opt.Workers = None,
) -> None:
    """Periksa rantai hash seluruh log dan setiap segel / verify the whole log's hash chain
    and every seal."""
    from rich.markup import escape

    from sop_runtime.cli.common import Exit, print_json, say
    from sop_runtime.service import seals, views

    rt = runtime()
    report = views.verify(rt, workers=workers)
    sealed = seals.check(rt)
    brk, sbrk = report.first_break, sealed.first_break
    ok = report.ok and sealed.ok
    if as_json:
        print_json({
            "ok": ok, "cases": report.cases, "events": report.events,
            "first_break": None if brk is None else {
                "case_id": brk.case_id, "seq": brk.seq, "what": brk.what,
                "message": brk.message},
            "seals": {"ok": sealed.ok, "checked": sealed.seals, "first_break": None
                      if sbrk is None else {
                          "seal_id": sbrk.seal_id, "case_id": sbrk.case_id, "seq": sbrk.seq,
                          "what": sbrk.what, "message": sbrk.message}},
        })
        raise typer.Exit(int(Exit.OK if ok else Exit.PROBLEMS))
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
    if sbrk is not None:
        say(stderr=True, message=tr(
            "[bold red]✗ Segel dilanggar[/] ({w}): {m}", "[bold red]✗ Seal broken[/] ({w}): {m}",
            w=sbrk.what, m=escape(sbrk.message)))
    elif sealed.seals:
        say(tr("[bold green]✓[/] {n} segel cocok dengan log",
               "[bold green]✓[/] {n} seals match the log", n=sealed.seals))
    raise typer.Exit(int(Exit.OK if ok else Exit.PROBLEMS))


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
    from sop_runtime.audit.export import Format as Kind
    from sop_runtime.audit.export import export as write
    from sop_runtime.cli.common import cannot_write, say

    rt = runtime()
    kind = Kind(fmt.value)
    if output is None:
        write(rt, kind, sys.stdout, case=case)
        sys.stdout.flush()
        return
    partial = output.with_name(output.name + ".part")
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        with partial.open("w", encoding="utf-8", newline="") as out:
            n = write(rt, kind, out, case=case)
        partial.replace(output)
    except OSError as exc:
        with suppress(OSError):  # its folder may be what cannot be written
            partial.unlink(missing_ok=True)
        cannot_write(output, exc)
    except BaseException:
        with suppress(OSError):
            partial.unlink(missing_ok=True)
        raise
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
