"""``sop skm``: the Survei Kepuasan Masyarakat (Permenpan-RB 14/2017) at the desk. ``isi``
types in a paper questionnaire of a completed request; ``hasil`` shows the Indeks Kepuasan
Masyarakat of a period, per service and over every service (``--saran``: the suggestions,
for staff)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from sop_runtime.cli import options as opt
from sop_runtime.cli.common import Exit, fail, runtime
from sop_runtime.i18n import tr

if TYPE_CHECKING:
    from datetime import datetime, tzinfo

    from sop_runtime.service.survey import SurveyResults

skm_app = typer.Typer(help="Survei Kepuasan Masyarakat (Permenpan-RB 14/2017) / the public "
                           "satisfaction survey.", no_args_is_help=True, rich_markup_mode=None)


def parse_values(text: str) -> dict[str, int]:
    """``4,3,3,2,3,3,4,3,3``: the nine answers in the questionnaire's order, as a mapping by
    unsur; exit 2 naming what is wrong."""
    from sop_runtime.audit.ikm import KEYS

    parts = [p.strip() for p in text.split(",")]
    if len(parts) != len(KEYS):
        fail(tr("--nilai: {n} nilai; survei ini punya {m} unsur, tulis semuanya berurutan, "
                "dipisah koma (mis. 4,3,3,2,3,3,4,3,3)",
                "--nilai: {n} values; the survey has {m} unsur, give them all in order, "
                "separated by commas (e.g. 4,3,3,2,3,3,4,3,3)", n=len(parts), m=len(KEYS)),
             Exit.USAGE)
    values: dict[str, int] = {}
    for no, (key, part) in enumerate(zip(KEYS, parts, strict=True), start=1):
        if not part.isdigit() or not 1 <= int(part) <= 4:
            fail(tr("--nilai: unsur {no} bernilai '{v}'; setiap nilai 1, 2, 3 atau 4",
                    "--nilai: unsur {no} is '{v}'; each value is 1, 2, 3 or 4", no=no, v=part),
                 Exit.USAGE)
        values[key] = int(part)
    return values


@skm_app.command("isi")
def isi(
    case: opt.Case,
    nilai: Annotated[str, typer.Option(
        "--nilai", metavar="N,N,...", help="Sembilan nilai 1-4 sesuai urutan kuesioner / the "
        "nine answers 1-4 in the questionnaire's order")],
    actor: opt.Actor,
    saran: Annotated[str | None, typer.Option(
        "--saran", metavar="TEXT", help="Saran dan masukan / suggestion")] = None,
    jenis_kelamin: Annotated[str | None, typer.Option(
        "--jenis-kelamin", metavar="L|P", help="Profil (boleh kosong) / profile (optional)")
    ] = None,
    pendidikan: Annotated[str | None, typer.Option(
        "--pendidikan", metavar="SD|SMP|SMA|S1|S2|S3")] = None,
    pekerjaan: Annotated[str | None, typer.Option(
        "--pekerjaan", metavar="PNS|TNI|POLRI|SWASTA|WIRAUSAHA|LAINNYA")] = None,
    tanggal: Annotated[str | None, typer.Option(
        "--tanggal", metavar="T", help="Kapan kuesioner diisi (bawaan: sekarang) / when the "
        "form was filled in (default: now)")] = None,
) -> None:
    """Catat kuesioner kertas / type in a paper questionnaire."""
    from sop_runtime.cli.common import say
    from sop_runtime.cli.times import court_tz, parse_moment
    from sop_runtime.service import survey

    values = parse_values(nilai)
    rt = runtime()
    at = parse_moment(tanggal, court_tz(rt), option="--tanggal") if tanggal else None
    profile = {k: v.upper() for k, v in (("jenis_kelamin", jenis_kelamin),
                                         ("pendidikan", pendidikan),
                                         ("pekerjaan", pekerjaan)) if v}
    survey.submit(rt, case, values, saran=saran, profile=profile, cara="kertas",
                  entered_by=actor, at=at)
    say(tr("Survei permohonan {c} dicatat (kuesioner kertas).",
           "The survey of request {c} is recorded (paper questionnaire).", c=case))


@skm_app.command("hasil")
def hasil(
    dari: opt.Dari,
    sampai: opt.Sampai,
    layanan: Annotated[str | None, typer.Option(
        "--layanan", metavar="SOP", help="Hanya layanan ini / this service only")] = None,
    saran: Annotated[bool, typer.Option(
        "--saran", help="Tampilkan juga saran responden (hanya untuk petugas) / show the "
        "suggestions too (staff only)")] = False,
    as_json: opt.Json = False,
) -> None:
    """Indeks Kepuasan Masyarakat suatu periode / the IKM of a period."""
    from sop_runtime.cli.common import print_json, say
    from sop_runtime.cli.times import court_tz, parse_period
    from sop_runtime.service import survey

    rt = runtime()
    tz = court_tz(rt)
    start, end = parse_period(dari, sampai, tz)
    found = survey.results(rt, start, end, sop=layanan)
    said = survey.suggestions(rt, start, end, sop=layanan) if saran else []
    if as_json:
        data = survey.results_json(found, tz)
        if saran:
            data["suggestions"] = [{"service": name, "day": when.astimezone(tz).date()
                                    .isoformat(), "text": text} for name, when, text in said]
        print_json(data)
        return
    if found.overall is None:
        say(tr("Belum ada responden survei dalam periode ini.",
               "No survey respondent in this period."))
        return
    _print(found, said, tz)


def _print(found: SurveyResults, said: list[tuple[str, datetime, str]], tz: tzinfo) -> None:
    from rich.markup import escape
    from rich.table import Table

    from sop_runtime.audit.ikm import number_text, rounded
    from sop_runtime.cli.common import table_console
    from sop_runtime.wording import day_text

    assert found.overall is not None
    con = table_console()
    table = Table(title=tr("Indeks Kepuasan Masyarakat", "Public Satisfaction Index"))
    for col in (tr("Layanan", "Service"), tr("Responden", "Respondents"), "IKM",
                tr("Mutu", "Grade"), tr("Kinerja", "Performance")):
        table.add_column(col)
    for s in found.services:
        table.add_row(escape(s.nama), str(s.ikm.respondents), number_text(s.ikm.unit),
                      s.ikm.grade.mutu, s.ikm.grade.kinerja)
    overall = found.overall
    table.add_row(tr("Seluruh layanan", "Every service"), str(overall.respondents),
                  number_text(overall.unit), overall.grade.mutu, overall.grade.kinerja,
                  style="bold")
    con.print(table)
    table = Table(title=tr("Nilai per unsur (seluruh responden)",
                           "Per unsur (every respondent)"))
    for col in ("No", tr("Unsur", "Unsur"), "NRR", tr("NRR tertimbang", "Weighted NRR"),
                tr("Mutu", "Grade")):
        table.add_column(col)
    for u in overall.unsur:
        table.add_row(str(u.unsur.no), u.unsur.name, number_text(rounded(u.nrr, 2)),
                      number_text(rounded(u.weighted, 3)), u.grade.mutu)
    con.print(table)
    if said:
        table = Table(title=tr("Saran responden (jangan dipublikasikan)",
                               "Suggestions (not for publication)"))
        for col in (tr("Tanggal", "Day"), tr("Layanan", "Service"), tr("Saran", "Suggestion")):
            table.add_column(col)
        for name, when, text in said:
            table.add_row(day_text(when.astimezone(tz).date()), escape(name), escape(text))
        con.print(table)
