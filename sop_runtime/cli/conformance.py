"""``sop conformance``: replay a log kept elsewhere (CSV, XES) through the SOP's rules."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sop_runtime.cli import options as opt
from sop_runtime.cli.common import output_files, require_extra, runtime
from sop_runtime.i18n import tr

if TYPE_CHECKING:

    from sop_runtime.compiler.workflow import Workflow
    from sop_runtime.conformance.check import ConformanceReport
    from sop_runtime.worktime import CourtCalendar

SHOWN_CASES = 30


def conformance(
    log: Annotated[Path, typer.Argument(metavar="LOG", help="Log CSV atau XES / CSV or XES log")],
    sop: Annotated[str, typer.Option("--sop", metavar="SOP", help="SOP acuan / the SOP")],
    mapping: Annotated[Path, typer.Option(
        "--map", metavar="MAP", help="Berkas pemetaan (YAML) / mapping file (YAML)")],
    workers: opt.Workers = None,
    html: Annotated[Path | None, typer.Option(
        "--html", metavar="FILE", help="Tulis laporan HTML / write the HTML report")] = None,
    pdf: Annotated[Path | None, typer.Option(
        "--pdf", metavar="FILE", help="Tulis laporan PDF / write the PDF report")] = None,
    as_json: opt.Json = False,
) -> None:
    """Periksa kesesuaian log dengan SOP / check a log's conformance to an SOP."""
    from sop_runtime.cli.common import err_console, print_json, say
    from sop_runtime.service import catalog
    from sop_runtime.service.conformance import conformance as run

    output_files(html, pdf)
    if pdf is not None:
        require_extra("pdf")
    rt = runtime()
    with _progress(enabled=not as_json) as progress:
        report = run(rt, log, sop, mapping, workers=workers, progress=progress)
    with rt.engine.connect() as conn:
        wf = catalog.current_workflow(rt, conn, sop)
        calendar = catalog.court(rt, conn)[1]
    if html is not None or pdf is not None:
        from sop_runtime.service.conformance import conformance_html

        page = conformance_html(rt, report, wf)
        if html is not None:
            _write(html, page.encode("utf-8"))
            say(tr("Laporan ditulis ke {f}", "Report written to {f}", f=html), stderr=as_json)
        if pdf is not None:
            from sop_runtime.audit.pdf import html_to_pdf

            _write(pdf, html_to_pdf(page))
            say(tr("Laporan ditulis ke {f}", "Report written to {f}", f=pdf), stderr=as_json)
    if as_json:
        from sop_runtime.conformance.jsonform import report_json

        print_json(report_json(report, calendar.tz))
        return
    _print(report, wf, calendar)
    err_console().print(tr(
        "{n} baris diputar ulang dalam {s:.1f} d ({r:,.0f} baris/d, {w} proses)",
        "{n} rows replayed in {s:.1f} s ({r:,.0f} rows/s, {w} processes)",
        n=report.replayed, s=report.replay_seconds,
        r=report.replayed / report.replay_seconds if report.replay_seconds else 0,
        w=report.workers), style="dim")


def _write(path: Path, data: bytes) -> None:
    from sop_runtime.cli.common import write_whole

    write_whole(path, data)


class _progress:
    """Progress bars on the terminal (stderr): rows read, then cases replayed."""

    def __init__(self, *, enabled: bool) -> None:
        from sop_runtime.cli.common import err_console

        console = err_console()
        self.bar: Any = None
        if enabled and console.is_terminal:
            from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

            self.bar = Progress("{task.description}", BarColumn(), MofNCompleteColumn(),
                                TimeRemainingColumn(), console=console, transient=True)
        self.tasks: dict[str, Any] = {}

    def __enter__(self) -> Any:
        if self.bar is None:
            return None
        self.bar.start()
        names = {"read": tr("Membaca log", "Reading the log"),
                 "replay": tr("Memutar ulang perkara", "Replaying cases")}

        def update(stage: str, done: int, total: int | None) -> None:
            task = self.tasks.get(stage)
            if task is None:
                for other in self.tasks.values():
                    self.bar.update(other, visible=False)
                task = self.tasks[stage] = self.bar.add_task(names[stage], total=total)
            self.bar.update(task, completed=done)

        return update

    def __exit__(self, *exc: object) -> None:
        if self.bar is not None:
            self.bar.stop()


def _print(report: ConformanceReport, wf: Workflow, calendar: CourtCalendar) -> None:
    from rich.table import Table

    from sop_runtime.cli.common import say, table_console
    from sop_runtime.cli.event_text import step_name
    from sop_runtime.conformance.findings_text import finding_text, kind_label
    from sop_runtime.wording import moment_text

    tz = calendar.tz

    con = table_console()
    cases = len(report.cases)
    say(tr("SOP {sop} (versi {v}); log {log}\n{r} baris dibaca, {p} diputar ulang; {c} perkara: "
           "{ok} selesai sesuai SOP, {bad} dengan temuan, {u} belum selesai pada akhir log",
           "SOP {sop} (version {v}); log {log}\n{r} rows read, {p} replayed; {c} cases: "
           "{ok} finished conforming, {bad} with findings, {u} unfinished at the log's end",
           sop=report.sop_id, v=wf.short_version, log=report.log, r=report.rows,
           p=report.replayed, c=cases, ok=report.conforming, bad=report.with_findings,
           u=report.unfinished))
    totals = report.totals
    if totals:
        by_case: dict[str, set[str]] = {}
        for c in report.cases:
            for f in c.findings:
                by_case.setdefault(f.kind, set()).add(c.case)
        table = Table(title=tr("Temuan per jenis", "Findings by kind"))
        for col in (tr("Jenis", "Kind"), tr("Jumlah", "Count"), tr("Perkara", "Cases")):
            table.add_column(col)
        for kind, n in totals.most_common():
            table.add_row(kind_label(kind), str(n), str(len(by_case[kind])))
        con.print(table)
        steps: dict[str, dict[str, int]] = {}
        for c in report.cases:
            for f in c.findings:
                steps.setdefault(f.node or "-", {}).setdefault(f.kind, 0)
                steps[f.node or "-"][f.kind] += 1
        table = Table(title=tr("Temuan per langkah", "Findings by step"))
        table.add_column(tr("Langkah", "Step"))
        table.add_column(tr("Temuan", "Findings"))
        for node in sorted(steps, key=lambda n: (n == "-", int(n) if n.isdigit() else 0, n)):
            label = step_name(wf, node) if node != "-" else tr("(seluruh perkara)",
                                                               "(the whole case)")
            table.add_row(label, ", ".join(f"{kind_label(k)} {n}"
                                           for k, n in sorted(steps[node].items())))
        con.print(table)
        table = Table(title=tr("Perkara dengan temuan", "Cases with findings"))
        for col in (tr("Perkara", "Case"), tr("Baris", "Row"), tr("Waktu", "Time"),
                    tr("Langkah", "Step"), tr("Temuan", "Finding")):
            table.add_column(col)
        shown = [c for c in report.cases if c.findings][:SHOWN_CASES]
        for c in shown:
            for f in c.findings:
                table.add_row(c.case, str(f.place), moment_text(f.at, tz) if f.at else "-",
                              step_name(wf, f.node, 32),
                              f"{kind_label(f.kind)}: {finding_text(f, wf, calendar)}")
        con.print(table)
        hidden = report.with_findings - len(shown)
        if hidden > 0:
            say(tr("... dan {n} perkara lain dengan temuan (semua: --json atau --html)",
                   "... and {n} more cases with findings (all: --json or --html)", n=hidden))
    else:
        say(tr("[bold green]✓[/] Tidak ada temuan: setiap perkara sesuai SOP",
               "[bold green]✓[/] No findings: every case follows the SOP"))
    _print_unfinished(report, wf, calendar)
    _print_data(report, wf)


def _print_unfinished(report: ConformanceReport, wf: Workflow, calendar: CourtCalendar) -> None:
    """The cases the log's end cut short, by the step they wait at."""
    from rich.table import Table

    from sop_runtime.cli.common import table_console
    from sop_runtime.cli.event_text import step_name
    from sop_runtime.i18n import current_lang
    from sop_runtime.wording import moment_text

    waiting = report.open_at_end(calendar)
    if not waiting or report.log_end is None:
        return
    table = Table(title=tr("Perkara belum selesai pada akhir log ({end})",
                           "Cases unfinished at the log's end ({end})",
                           end=moment_text(report.log_end, calendar.tz)))
    for col in (tr("Menunggu di langkah", "Waiting at step"), tr("Perkara", "Cases"),
                tr("Lewat batas waktu", "Past the limit"),
                tr("Terlama terbuka", "Open longest")):
        table.add_column(col)
    for o in waiting:
        label = step_name(wf, o.node, 40)
        if o.undecided:
            label += tr(" ({n} sudah diperiksa, hasilnya tidak ada di log)",
                        " ({n} done, the outcome not in the log)", n=o.undecided)
        table.add_row(label, str(o.cases), str(o.late),
                      calendar.describe_working(o.longest, current_lang()))
    table_console().print(table)


def _print_data(report: ConformanceReport, wf: Workflow) -> None:
    from rich.markup import escape

    from sop_runtime.cli.common import say
    from sop_runtime.cli.event_text import step_name
    from sop_runtime.conformance.findings_text import unused_text

    if report.unmapped:
        say(tr("Aktivitas tanpa pemetaan (tidak diputar): {a}",
               "Activities with no mapping (not replayed): {a}",
               a="; ".join(f"{k!r} ×{n}" for k, n in report.unmapped.most_common(10))))
    for line in unused_text(report):
        say(f"[yellow]{tr('Peringatan', 'Warning')}:[/] {escape(line)}")
    if report.unknown_people:
        say(tr("Pelaksana tanpa peran dalam pemetaan: {p}",
               "People with no role in the mapping: {p}", p=", ".join(report.unknown_people)))
    if report.unchecked_outputs:
        say(tr("Output wajib yang tidak dapat diperiksa (tidak ada kolomnya di log): {o}",
               "Required outputs that cannot be checked (no column in the log): {o}",
               o="; ".join(f"{step_name(wf, n, 24)}: {name}"
                           for n, name in report.unchecked_outputs)))
    if report.duplicates:
        say(tr("{n} baris tercatat dua kali persis sama (diputar sekali)",
               "{n} rows written twice exactly (replayed once)", n=report.duplicates))
    if report.unnamed:
        say(tr("{n} baris tanpa nama pelaksana dianggap dikerjakan oleh pelaksana_bawaan",
               "{n} rows naming nobody taken as done by pelaksana_bawaan", n=report.unnamed))
    if report.problems:
        say(tr("{n} baris tidak dapat dibaca, mis. {e}", "{n} rows cannot be read, e.g. {e}",
               n=len(report.problems),
               e="; ".join(f"{tr('baris', 'row')} {p.place}: {p.message}"
                           for p in report.problems[:3])))
