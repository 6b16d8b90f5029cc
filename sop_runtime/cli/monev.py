"""``sop monev SOP --dari --sampai``: the monitoring and evaluation of one SOP over a period,
in the terminal, as JSON, as the printable report (HTML, PDF) and as the two official forms
filled from the log."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sop_runtime.cli import options as opt
from sop_runtime.cli.common import output_files, require_extra, runtime
from sop_runtime.i18n import current_lang, tr

if TYPE_CHECKING:
    from rich.console import Console

    from sop_runtime.audit.monev_figures import MonevFigures
    from sop_runtime.service.runtime import Runtime


def evaluation_path(path: Path) -> Path:
    """Where the evaluation form goes beside the monitoring form ``path``:
    ``formulir.pdf`` -> ``formulir-evaluasi.pdf``."""
    return path.with_name(f"{path.stem}-evaluasi{path.suffix}")


def _page(path: Path, page: str) -> None:
    """Write ``page`` to ``path``: its PDF when the name ends in ``.pdf``, else the HTML."""
    from sop_runtime.cli.common import say, write_whole

    if path.suffix.lower() == ".pdf":
        from sop_runtime.service.monev import monev_pdf

        write_whole(path, monev_pdf(page))
    else:
        write_whole(path, page)
    say(tr("Ditulis ke {f}", "Written to {f}", f=path), stderr=True)


def monev(
    sop: Annotated[str, typer.Argument(metavar="SOP", help="SOP yang dinilai / the SOP")],
    dari: opt.Dari,
    sampai: opt.Sampai,
    versi: Annotated[str | None, typer.Option(
        "--versi", metavar="V", help="Versi yang dinilai (awal hash); bawaan: versi terbaru "
        "yang dilaksanakan dalam periode / the version (hash prefix); default: the newest "
        "carried out in the period")] = None,
    html: Annotated[Path | None, typer.Option(
        "--html", metavar="FILE", help="Tulis laporan HTML / write the HTML report")] = None,
    pdf: Annotated[Path | None, typer.Option(
        "--pdf", metavar="FILE", help="Tulis laporan PDF / write the PDF report")] = None,
    formulir: Annotated[Path | None, typer.Option(
        "--formulir", metavar="FILE", help="Tulis Formulir Monitoring (FILE) dan Formulir "
        "Evaluasi (FILE-evaluasi), PDF bila berakhiran .pdf, selain itu HTML / write the "
        "monitoring form (FILE) and the evaluation form (FILE-evaluasi), PDF for .pdf, "
        "else HTML")] = None,
    usulan: Annotated[Path | None, typer.Option(
        "--usulan", metavar="FILE", help="Tulis usulan revisi (YAML) dari bukti: batas waktu "
        "yang tidak realistis atau terlalu longgar, dengan buktinya; tidak diberlakukan / "
        "write a proposed revision (YAML) from the evidence; never applied")] = None,
    minimal: Annotated[int, typer.Option(
        "--minimal", metavar="N", min=1, help="Usulan hanya untuk langkah yang dinilai "
        "sedikitnya N kali / propose only for steps judged at least N times")] = 10,
    as_json: opt.Json = False,
) -> None:
    """Monitoring dan evaluasi satu SOP dari log / monitoring and evaluation of an SOP."""
    from sop_runtime.cli.times import court_calendar, parse_period
    from sop_runtime.service.monev import monev_figures, monev_pages

    rt = runtime()
    start, end = parse_period(dari, sampai, court_calendar(rt).tz)
    forms = (formulir, evaluation_path(formulir)) if formulir is not None else (None, None)
    output_files(html, pdf, *forms)
    if pdf is not None or any(p is not None and p.suffix.lower() == ".pdf" for p in forms):
        require_extra("pdf")
    figures = monev_figures(rt, sop, start, end, version=versi)
    if usulan is not None:
        _proposal(rt, figures, usulan, minimal, as_json)
        return
    if html is not None or pdf is not None or formulir is not None:
        pages = monev_pages(rt, figures)
        if html is not None:
            _page(html, pages.report)
        if pdf is not None:
            _write_pdf(pdf, pages.report)
        if formulir is not None:
            _page(formulir, pages.monitoring)
            _page(evaluation_path(formulir), pages.evaluation)
        return
    if as_json:
        from sop_runtime.cli.common import print_json

        print_json(figures.as_json())
        return
    from sop_runtime.cli.common import table_console

    print_monev(rt, figures, table_console())


def _proposal(rt: Runtime, figures: MonevFigures, path: Path, minimal: int,
              as_json: bool) -> None:
    """``--usulan FILE``: the proposed revision written, what changed and what was left."""
    from dataclasses import asdict

    from rich.markup import escape

    from sop_runtime.cli.common import print_json, say, write_whole
    from sop_runtime.service.proposal import propose_revision

    found = propose_revision(rt, figures, min_cases=minimal)
    if found.text is not None:
        write_whole(path, found.text)
    if as_json:
        print_json({"sop_id": found.sop_id, "version": found.version,
                    "file": str(path) if found.text is not None else None,
                    "changes": [asdict(c) for c in found.changes],
                    "left": [{"no": n, "kegiatan": k, "why": w} for n, k, w in found.left]})
        return
    for c in found.changes:
        say(tr("Langkah {n} ({k}): {a} → {b}", "Step {n} ({k}): {a} → {b}", n=c.no,
               k=escape(c.kegiatan), a=c.old, b=c.new))
        say(f"    {escape(c.evidence)}")
    for no, kegiatan, why in found.left:
        say(tr("Langkah {n} ({k}) dibiarkan: {w}", "Step {n} ({k}) left alone: {w}", n=no,
               k=escape(kegiatan), w=why))
    if found.text is None:
        say(tr("Tidak ada batas waktu yang diusulkan berubah; tidak ada berkas ditulis",
               "No limit is proposed to change; no file written"))
        return
    say(tr("Usulan ditulis ke {f}. Belum berlaku: bandingkan dengan 'sop diff {s} {v} {f}', "
           "muat dengan 'sop load {f}', lalu Ketua mengesahkan ('sop approve').",
           "The proposal is written to {f}. Not in force: compare with 'sop diff {s} {v} {f}', "
           "load with 'sop load {f}', then the Ketua approves it ('sop approve').",
           f=path, s=found.sop_id, v=found.version[:8]))


def _write_pdf(path: Path, page: str) -> None:
    """``--pdf FILE`` writes the PDF whatever the name ends in."""
    from sop_runtime.cli.common import say, write_whole
    from sop_runtime.service.monev import monev_pdf

    write_whole(path, monev_pdf(page))
    say(tr("Ditulis ke {f}", "Written to {f}", f=path), stderr=True)


def print_monev(rt: Runtime, f: MonevFigures, con: Console) -> None:
    """The figures as rich tables: the service standard, the steps, waiting and handling,
    the load, and the versions side by side."""
    from datetime import timedelta

    from rich.markup import escape
    from rich.table import Table

    from sop_runtime.audit.document import gap
    from sop_runtime.audit.monev_figures import ON_TIME_GOAL
    from sop_runtime.audit.monev_html import on_time, rate
    from sop_runtime.cli.times import court_calendar
    from sop_runtime.engine.attempts import CALENDAR_DAYS
    from sop_runtime.engine.deviation_text import deviation_label
    from sop_runtime.service.letterhead import staff_names
    from sop_runtime.service.library import stored_version

    calendar = court_calendar(rt)
    who = staff_names(rt)
    wf = stored_version(rt, f.sop_id, f.version)
    v = f.main

    def worked(seconds: int | None, unit: str | None) -> str:
        if seconds is None:
            return "-"
        if unit == CALENDAR_DAYS:
            return gap(timedelta(seconds=seconds))
        return calendar.describe_working(seconds, current_lang())

    con.print(tr("[bold]{n}[/] — versi {v}", "[bold]{n}[/] — version {v}",
                 n=escape(wf.nama), v=f.version[:12]))
    s = v.service
    verdict = "-" if s.rate is None else (
        tr("terpenuhi", "met") if s.rate >= ON_TIME_GOAL else tr("tidak terpenuhi", "not met"))
    con.print(tr("Standar pelayanan: {r} perkara tepat waktu ({v}); {c} perkara dimulai, "
                 "{o} masih berjalan", "Service standard: {r} cases in time ({v}); {c} cases "
                 "started, {o} still running", r=rate(s.met, s.met + s.missed), v=verdict,
                 c=s.cases, o=s.running))
    table = Table(title=tr("Langkah", "Steps"))
    for col in (tr("No", "No"), tr("Kegiatan", "Activity"), tr("Mutu baku", "Standard"),
                tr("Selesai", "Done"), "Median", "P80", "P90", tr("Tepat waktu", "On time"),
                tr("Ulang", "Again"), tr("Penyimpangan", "Deviations"),
                tr("Penilaian", "Judgement")):
        table.add_column(col)
    for st in v.steps.values():
        judged = "-" if st.runs_well is None else (
            tr("baik", "well") if st.runs_well else tr("tidak baik", "not well"))
        table.add_row(str(st.no), escape(st.kegiatan), escape(st.limit_text or "-"),
                      str(st.done), worked(st.work.median, st.limit_unit),
                      worked(st.work.p80, st.limit_unit), worked(st.work.p90, st.limit_unit),
                      on_time(st), str(st.rework),
                      escape(", ".join(f"{deviation_label(k)}: {n}"
                                       for k, n in st.deviations.most_common()) or "-"),
                      judged)
    con.print(table)
    table = Table(title=tr("Menunggu dan dikerjakan (median)", "Waiting and handling (median)"))
    for col in (tr("No", "No"), tr("Diambil", "Taken up"), tr("Menunggu", "Waiting"),
                tr("Dikerjakan", "Handling")):
        table.add_column(col)
    for st in v.steps.values():
        table.add_row(str(st.no), str(st.wait.count), worked(st.wait.median, st.limit_unit),
                      worked(st.handle.median, st.limit_unit))
    con.print(table)
    table = Table(title=tr("Beban per orang", "Load per person"))
    for col in (tr("Nama", "Name"), tr("Selesai", "Done"), tr("Terlambat", "Late")):
        table.add_column(col)
    for user, load in sorted(v.people.items(), key=lambda kv: -kv[1].done):
        table.add_row(escape(who.user(user)), str(load.done), str(load.late))
    con.print(table)
    if len(f.versions) > 1:
        table = Table(title=tr("Per versi", "By version"))
        table.add_column(tr("Versi", "Version"))
        table.add_column(tr("Langkah", "Steps"))
        table.add_column(tr("Tepat waktu", "On time"))
        table.add_column(tr("Standar pelayanan", "Service standard"))
        for ver in f.versions.values():
            steps = ver.steps.values()
            table.add_row(ver.version[:12], str(ver.attempts),
                          rate(sum(x.on_time for x in steps), sum(x.judged for x in steps)),
                          rate(ver.service.met, ver.service.met + ver.service.missed))
        con.print(table)
    neck = v.bottleneck
    if neck is not None:
        con.print(tr("Hambatan utama: langkah {n} ({k}), {l} terlambat",
                     "Bottleneck: step {n} ({k}), {l} late", n=neck.no,
                     k=escape(neck.kegiatan), l=neck.late))
