"""``sop report``: accountability reports, per period and per case, in the terminal, as JSON,
and as printable pages (HTML, and PDF through WeasyPrint)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sop_runtime.cli import options as opt
from sop_runtime.cli.common import output_files, require_extra, runtime
from sop_runtime.i18n import tr

report_app = typer.Typer(help="Laporan pertanggungjawaban / accountability reports.",
                         no_args_is_help=True, rich_markup_mode=None)

Html = Annotated[Path | None, typer.Option(
    "--html", metavar="FILE",
    help="Tulis laporan HTML yang siap dicetak / write the printable HTML report")]
Pdf = Annotated[Path | None, typer.Option(
    "--pdf", metavar="FILE",
    help="Tulis laporan PDF (memerlukan pango) / write the PDF report (needs pango)")]
Lang = Annotated[str | None, typer.Option(
    "--lang", help="Bahasa laporan / the report's language: id | en")]


def _write(path: Path, data: str | bytes) -> None:
    """Write ``data`` to ``path`` whole or not at all."""
    from sop_runtime.cli.common import say, write_whole

    write_whole(path, data)
    say(tr("Laporan ditulis ke {f}", "Report written to {f}", f=path), stderr=True)


def _pages(page: str, html: Path | None, pdf: Path | None) -> None:
    """Write the page as HTML and/or PDF (the HTML first: it does not need pango)."""
    if html is not None:
        _write(html, page)
    if pdf is not None:
        from sop_runtime.audit.pdf import html_to_pdf

        _write(pdf, html_to_pdf(page))


@report_app.command("period")
def period(
    start: Annotated[str, typer.Option("--from", metavar="T", help="Awal periode / start")],
    end: Annotated[str, typer.Option(
        "--to", metavar="T", help="Akhir periode (tanggal saja: sampai akhir hari itu) / end "
                                  "(a date alone: to the end of that day)")],
    sop: Annotated[str | None, typer.Option("--sop", metavar="SOP",
                                            help="Hanya SOP ini / only this SOP")] = None,
    html: Html = None,
    pdf: Pdf = None,
    as_json: opt.Json = False,
    lang: Lang = None,
) -> None:
    """Angka periode: per SOP, langkah dan peran / a period's figures by SOP, step, role."""
    from rich.table import Table

    from sop_runtime.audit.figures import Timing
    from sop_runtime.cli.common import print_json, say, table_console
    from sop_runtime.cli.times import court_calendar, parse_moment
    from sop_runtime.engine.deviation_text import deviation_label
    from sop_runtime.i18n import current_lang, set_lang
    from sop_runtime.service.period import period_figures
    from sop_runtime.service.survey import results, results_json

    if lang is not None:
        set_lang(lang)
    rt = runtime()
    calendar = court_calendar(rt)
    first = parse_moment(start, calendar.tz, option="--from")
    last = parse_moment(end, calendar.tz, option="--to", end_of_day=True)
    output_files(html, pdf)
    if pdf is not None:
        require_extra("pdf")
    if html is not None or pdf is not None:
        from sop_runtime.service.period import period_html

        _pages(period_html(rt, first, last, sop=sop), html, pdf)
        return
    f = period_figures(rt, first, last, sop=sop)

    def timing(t: Timing) -> dict[str, object]:
        return {"done": t.done, "with_deadline": t.with_deadline, "on_time": t.on_time,
                "on_time_rate": t.on_time_rate, "median_seconds": t.median,
                "p90_seconds": t.p90}

    if as_json:
        print_json({
            "from": first.isoformat(), "to": last.isoformat(), "cases": dict(f.cases),
            "completed": dict(f.completed),
            "service": {k: timing(v) for k, v in f.service.items()},
            "steps": [{"sop_id": s, "node": n, **timing(t)}
                      for (s, n), t in sorted(f.steps.items())],
            "roles": {k: timing(v) for k, v in sorted(f.roles.items())},
            "deviations": dict(f.deviations), "overdue_now": f.overdue_now,
            "aging": {bucket: {"in_time": a.in_time, "overdue": a.overdue,
                               "no_limit": a.no_limit} for bucket, a in f.aging.items()},
            "load": {user: {"done": n.done, "open_held": n.open_held}
                     for user, n in sorted(f.load.items())},
            "waiting": [{"roles": list(roles), "open": n}
                        for roles, n in sorted(f.waiting.items())],
            "withheld": sorted(f.withheld),
            "ikm": results_json(results(rt, first, last, sop=sop), calendar.tz)})
        return
    if not f.cases:
        say(tr("Tidak ada perkara yang dimulai dalam periode ini.",
               "No case started in this period."))
        return

    def worked(seconds: float | None) -> str:
        return "-" if seconds is None else calendar.describe_working(int(seconds),
                                                                     current_lang())

    def rate(t: Timing) -> str:
        r = t.on_time_rate
        return "-" if r is None else f"{r:.0%} ({t.on_time}/{t.with_deadline})"

    from rich.markup import escape

    from sop_runtime.service.letterhead import staff_names

    who = staff_names(rt)
    con = table_console()
    table = Table(title=tr("Perkara per SOP", "Cases by SOP"))
    for col in ("SOP", tr("Dimulai", "Started"), tr("Selesai", "Completed"),
                tr("Tepat waktu pelayanan", "Within the service time"),
                tr("Median waktu kerja", "Median working time")):
        table.add_column(col)
    for sop_id, n in sorted(f.cases.items()):
        service = f.service.get(sop_id, Timing())
        table.add_row(sop_id, str(n), str(f.completed.get(sop_id, 0)), rate(service),
                      worked(service.median))
    con.print(table)
    table = Table(title=tr("Langkah", "Steps"))
    for col in ("SOP", tr("Langkah", "Step"), tr("Dikerjakan", "Done"),
                tr("Tepat waktu", "On time"), "Median", "P90"):
        table.add_column(col)
    for (sop_id, node), t in sorted(f.steps.items(), key=lambda kv: (kv[0][0], int(kv[0][1]))):
        table.add_row(sop_id, node, str(t.done), rate(t), worked(t.median), worked(t.p90))
    con.print(table)
    table = Table(title=tr("Peran", "Roles"))
    for col in (tr("Peran", "Role"), tr("Dikerjakan", "Done"), tr("Tepat waktu", "On time"),
                "Median", "P90"):
        table.add_column(col)
    for role, t in sorted(f.roles.items()):
        table.add_row(escape(who.role(role)), str(t.done), rate(t), worked(t.median), worked(t.p90))
    con.print(table)
    table = Table(title=tr("Penyimpangan", "Deviations"))
    table.add_column(tr("Jenis", "Kind"))
    table.add_column(tr("Jumlah", "Count"))
    for kind, n in f.deviations.most_common():
        table.add_row(deviation_label(kind), str(n))
    con.print(table)
    table = Table(title=tr("Umur langkah yang masih terbuka (hari kerja)",
                           "Age of the steps still open (working days)"))
    for col in (tr("Umur", "Age"), tr("Dalam batas", "Within the limit"),
                tr("Terlambat", "Overdue"), tr("Tanpa batas", "No limit")):
        table.add_column(col)
    for bucket, a in f.aging.items():
        table.add_row(bucket, str(a.in_time), str(a.overdue), str(a.no_limit))
    con.print(table)
    table = Table(title=tr("Beban kerja per orang", "Load per person"))
    for col in (tr("Pengguna", "User"), tr("Selesai dalam periode", "Done in the period"),
                tr("Terbuka sekarang", "Open now")):
        table.add_column(col)
    for user, load in sorted(f.load.items(), key=lambda kv: -(kv[1].done + kv[1].open_held)):
        table.add_row(escape(who.user(user)), str(load.done), str(load.open_held))
    for roles, waiting in sorted(f.waiting.items()):
        table.add_row(tr("(belum diambil) {r}", "(not taken) {r}",
                         r=escape(", ".join(who.role(r) for r in roles))), "-",
                      str(waiting))
    con.print(table)
    say(tr("Langkah terlambat saat ini: {n}", "Steps overdue now: {n}", n=f.overdue_now))
    answered = results(rt, first, last, sop=sop).overall
    if answered is not None:
        from sop_runtime.audit.ikm import number_text

        say(tr("Indeks Kepuasan Masyarakat: {u} ({m}, {k}) dari {n} responden (sop skm hasil "
               "merincinya)", "Public satisfaction index: {u} ({m}, {k}) from {n} respondents "
               "(sop skm hasil details it)", u=number_text(answered.unit),
               m=answered.grade.mutu, k=answered.grade.kinerja, n=answered.respondents))


@report_app.command("case")
def case(
    case_id: opt.Case,
    html: Html = None,
    pdf: Pdf = None,
    as_json: opt.Json = False,
    lang: Lang = None,
) -> None:
    """Laporan satu perkara: riwayat, pelaksana, penyimpangan, batas waktu, segel / one
    case's report: timeline, who, deviations, time limits, seal."""
    from sop_runtime.cli.common import print_json, table_console
    from sop_runtime.cli.times import court_tz
    from sop_runtime.i18n import set_lang
    from sop_runtime.service.casereport import case_html, case_report
    from sop_runtime.service.confidential import operator

    if lang is not None:
        set_lang(lang)
    output_files(html, pdf)
    if pdf is not None:
        require_extra("pdf")
    rt = runtime()
    report = case_report(rt, case_id, reader=operator("laporan"))
    tz = court_tz(rt)
    if html is not None or pdf is not None:
        _pages(case_html(rt, report), html, pdf)
        return
    if as_json:
        from sop_runtime.audit.case_json import case_json

        print_json(case_json(report, tz))
        return
    from sop_runtime.cli.casereport import print_case_report

    print_case_report(report, tz, table_console())
