"""Audit commands: log, verify, export."""

from __future__ import annotations

import sys
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
    from sop_runtime.cli.times import court_calendar, show
    from sop_runtime.engine.events import utc_iso
    from sop_runtime.service import views

    rt = runtime()
    view = views.case(rt, case)
    tz = court_calendar(rt).tz
    if as_json:
        print_json([{
            "seq": s.seq, "type": s.type, "version": s.version,
            "occurred_at": utc_iso(s.occurred_at), "recorded_at": utc_iso(s.recorded_at),
            "actor": s.actor, "payload": s.payload, "prev_hash": s.prev_hash, "hash": s.hash,
        } for s in view.stored])
        return
    from rich.markup import escape
    from rich.table import Table

    from sop_runtime.cli.common import console

    table = Table(title=tr("Log perkara {c}", "Log of case {c}", c=case))
    for col in ("seq", tr("jenis", "type"), tr("terjadi", "occurred"),
                tr("dicatat", "recorded"), tr("oleh", "actor"), "prev", "hash",
                tr("langkah", "step")):
        table.add_column(col)
    for s in view.stored:
        node = s.payload.get("node")
        table.add_row(str(s.seq), s.type, show(s.occurred_at, tz, seconds=True),
                      show(s.recorded_at, tz, seconds=True), escape(s.actor or "-"),
                      s.prev_hash[:10], s.hash[:10], "-" if node is None else str(node))
    console().print(table)


def verify(as_json: opt.Json = False) -> None:
    """Periksa rantai hash seluruh log / verify the whole log's hash chain."""
    from sop_runtime.cli.common import Exit, console, err_console, print_json
    from sop_runtime.service import views

    report = views.verify(runtime())
    brk = report.first_break
    if as_json:
        print_json({
            "ok": report.ok, "cases": report.cases, "events": report.events,
            "first_break": None if brk is None else {
                "case_id": brk.case_id, "seq": brk.seq, "what": brk.what,
                "message": brk.message},
        })
    elif report.ok:
        console().print(tr(
            "[bold green]✓[/] Log utuh: {e} peristiwa dalam {c} perkara terverifikasi",
            "[bold green]✓[/] Log intact: {e} events in {c} cases verified",
            e=report.events, c=report.cases))
    else:
        assert brk is not None
        from rich.markup import escape

        err_console().print(tr(
            "[bold red]✗ Log rusak[/] pada perkara {c}, urutan {s} ({w}): {m}",
            "[bold red]✗ Log broken[/] at case {c}, seq {s} ({w}): {m}",
            c=brk.case_id, s="-" if brk.seq is None else brk.seq, w=brk.what,
            m=escape(brk.message)))
    raise typer.Exit(int(Exit.OK if report.ok else Exit.PROBLEMS))


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
    from sop_runtime.cli.common import err_console, fail

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
        partial.unlink(missing_ok=True)
        fail(tr("tidak dapat menulis {f}: {e}", "cannot write {f}: {e}", f=output, e=exc))
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    err_console().print(tr("{n} peristiwa ditulis ke {f}", "{n} events written to {f}",
                           n=n, f=output))
