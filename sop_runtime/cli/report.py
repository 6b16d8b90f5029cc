"""``sop report``: accountability reports (the period figures in the terminal and as JSON)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sop_runtime.cli import options as opt
from sop_runtime.cli.common import runtime
from sop_runtime.i18n import tr

report_app = typer.Typer(help="Laporan pertanggungjawaban / accountability reports.",
                         no_args_is_help=True, rich_markup_mode=None)


@report_app.command("period")
def period(
    start: Annotated[str, typer.Option("--from", metavar="T", help="Awal periode / start")],
    end: Annotated[str, typer.Option(
        "--to", metavar="T", help="Akhir periode (tanggal saja: sampai akhir hari itu) / end "
                                  "(a date alone: to the end of that day)")],
    sop: Annotated[str | None, typer.Option("--sop", metavar="SOP",
                                            help="Hanya SOP ini / only this SOP")] = None,
    html: Annotated[Path | None, typer.Option(
        "--html", metavar="FILE",
        help="Tulis laporan HTML yang siap dicetak / write the printable HTML report")] = None,
    as_json: opt.Json = False,
) -> None:
    """Angka periode: per SOP, langkah dan peran / a period's figures by SOP, step, role."""
    from rich.table import Table

    from sop_runtime.audit.figures import Timing
    from sop_runtime.cli.common import print_json, say, table_console
    from sop_runtime.cli.times import court_calendar, parse_moment
    from sop_runtime.i18n import current_lang
    from sop_runtime.service.labels import deviation_label
    from sop_runtime.service.period import period_figures

    rt = runtime()
    calendar = court_calendar(rt)
    first = parse_moment(start, calendar.tz, option="--from")
    last = parse_moment(end, calendar.tz, option="--to", end_of_day=True)
    if html is not None:
        from sop_runtime.service.period import period_html

        html.write_text(period_html(rt, first, last, sop=sop), encoding="utf-8")
        say(tr("Laporan ditulis ke {f}", "Report written to {f}", f=html))
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
            "deviations": dict(f.deviations), "overdue_now": f.overdue_now})
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
        table.add_row(role, str(t.done), rate(t), worked(t.median), worked(t.p90))
    con.print(table)
    table = Table(title=tr("Penyimpangan", "Deviations"))
    table.add_column(tr("Jenis", "Kind"))
    table.add_column(tr("Jumlah", "Count"))
    for kind, n in f.deviations.most_common():
        table.add_row(deviation_label(kind), str(n))
    con.print(table)
    say(tr("Langkah terlambat saat ini: {n}", "Steps overdue now: {n}", n=f.overdue_now))
