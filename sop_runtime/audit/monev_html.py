"""The monev report and the two official forms, as printable HTML pages (the PDFs' source).

* the report (``monev.html``): per step the working time against its mutu baku waktu, the
  on-time rate, rework, deviations, waiting against handling, the load by role and person,
  the bottleneck, the service standard, and the versions side by side;
* the *Formulir Monitoring Pelaksanaan SOP* (``monev_monitoring.html``): the columns of
  Tabel 7 of the annex to Permenpan-RB 35/2012 (No, Prosedur, Penilaian terhadap penerapan,
  Catatan hasil penilaian, Tindakan yang harus diambil, Paraf penilai), the judgement and
  the notes filled from the figures, the actions left for the evaluator;
* the *Formulir Evaluasi Penerapan SOP* (``monev_evaluation.html``): the annex's evaluation
  criteria, what the data says about each, Ya/Tidak and the actions left for the evaluator.

The rules the fill follows are :mod:`sop_runtime.audit.monev_figures`'s; each page states
them in its notes, with the sources.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sop_runtime.audit import charts
from sop_runtime.audit.charts import Bar, Segment
from sop_runtime.audit.document import Letterhead, Names, gap, render, span
from sop_runtime.audit.monev_figures import (
    DEVIATION_SHARE,
    ON_TIME_GOAL,
    MonevFigures,
    StepFigures,
    VersionFigures,
)
from sop_runtime.compiler.workflow import Workflow
from sop_runtime.engine.attempts import CALENDAR_DAYS
from sop_runtime.i18n import current_lang, tr
from sop_runtime.wording import day_text
from sop_runtime.worktime import CourtCalendar

PERMENPAN = ("Peraturan Menteri PAN-RB Nomor 35 Tahun 2012 tentang Pedoman Penyusunan SOP "
             "Administrasi Pemerintahan, Lampiran, Monitoring dan Evaluasi Penerapan SOP AP")
SEKMA = ("Peraturan Sekretaris Mahkamah Agung Nomor 01 Tahun 2012 tentang Pedoman Monitoring "
         "dan Evaluasi terhadap Standar Operasional Prosedur")
MONITORING_SOURCES = (f"{PERMENPAN}, Tabel 7 Monitoring Pelaksanaan SOP AP", SEKMA)
EVALUATION_SOURCES = (f"{PERMENPAN}, kriteria evaluasi penerapan SOP AP", SEKMA)
"""Where the forms' columns and criteria come from (cited on each form)."""

CRITERIA = (
    ("kinerja", "Mampu mendorong peningkatan kinerja",
     "Able to drive better performance"),
    ("dipahami", "Mudah dipahami", "Easy to understand"),
    ("dilaksanakan", "Mudah dilaksanakan", "Easy to carry out"),
    ("peran", "Semua orang dapat menjalankan perannya masing-masing",
     "Everyone can play their own part"),
    ("masalah", "Mampu mengatasi permasalahan yang berkaitan dengan proses",
     "Able to deal with the problems of the process"),
    ("organisasi", "Mampu menjawab kebutuhan peningkatan kinerja organisasi",
     "Answers the organisation's need to perform better"),
)
"""The evaluation criteria of the annex (key, Indonesian, English)."""

UNDERSTANDING = ("missing_input", "missing_output", "wrong_branch", "contradiction")
ORDER = ("out_of_order", "skipped")
ROLES = ("wrong_actor", "separation_of_duties", "override", "missing_signer")


@dataclass(frozen=True)
class MonevContext:
    """What the pages need besides the figures: the kop, names, the calendar (durations in
    words), each version's workflow, and the deviation kinds' names."""

    figures: MonevFigures
    head: Letterhead
    names: Names
    calendar: CourtCalendar
    workflows: Mapping[str, Workflow]
    label: Callable[[str], str]

    @property
    def wf(self) -> Workflow:
        return self.workflows[self.figures.version]

    def worked(self, seconds: float | None, unit: str | None) -> str:
        """A duration in words, as its step's limit counts: calendar time for a limit in
        calendar days, working time otherwise."""
        if seconds is None:
            return "-"
        if unit == CALENDAR_DAYS:
            return gap(timedelta(seconds=seconds))
        return self.calendar.describe_working(int(seconds), current_lang())

    def version_label(self, version: str) -> str:
        """``berlaku 1 Juli 2026, revisi 3 Agustus 2026`` (the version's own dates)."""
        ident = self.workflows[version].document.identitas
        text = tr("berlaku {d}", "in force {d}", d=day_text(ident.tanggal_efektif))
        if ident.tanggal_revisi:
            text += tr(", revisi {d}", ", revised {d}", d=day_text(ident.tanggal_revisi))
        return text

    def role(self, role: str | None) -> str:
        if role is None:
            return "-"
        found = self.wf.role(role)
        return found.nama if found is not None else self.names.role(role)

    def deviations(self, counts: Mapping[str, int]) -> str:
        return ", ".join(f"{self.label(k)}: {n}" for k, n in
                         sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))) or "-"


def rate(part: int, whole: int) -> str:
    return f"{part / whole:.0%} ({part}/{whole})" if whole else "-"


def on_time(s: StepFigures) -> str:
    return rate(s.on_time, s.judged)


def observation(ctx: MonevContext, s: StepFigures) -> str:
    """*Catatan hasil penilaian*: what the period's data says of the step, in words."""
    if not s.attempts:
        return tr("Tidak dilaksanakan dalam periode ini.", "Not carried out in this period.")
    bits = [tr("Dilaksanakan {n} kali ({d} selesai).", "Carried out {n} times ({d} done).",
               n=s.attempts, d=s.done)]
    if s.work.count:
        limit = tr(" (mutu baku {l})", " (standard {l})", l=s.limit_text) if s.limit_text \
            else tr(" (tanpa batas waktu)", " (no time limit)")
        bits.append(tr("Waktu kerja median {m}, P90 {p}{l}.", "Median working time {m}, "
                       "P90 {p}{l}.", m=ctx.worked(s.work.median, s.limit_unit),
                       p=ctx.worked(s.work.p90, s.limit_unit), l=limit))
    if s.judged:
        bits.append(tr("Tepat waktu {r}.", "On time {r}.", r=on_time(s)))
    if s.open_late:
        bits.append(tr("{n} masih terbuka melewati batas waktu.",
                       "{n} still open past the limit.", n=s.open_late))
    if s.rework:
        bits.append(tr("Dikerjakan ulang {n} kali.", "Done again {n} times.", n=s.rework))
    if s.deviations:
        bits.append(tr("Penyimpangan: {d}.", "Deviations: {d}.", d=ctx.deviations(s.deviations)))
    if s.wait.count and s.wait.median:
        bits.append(tr("Menunggu sebelum diambil: median {w}.",
                       "Waiting before taken up: median {w}.",
                       w=ctx.worked(s.wait.median, s.limit_unit)))
    return " ".join(bits)


def _reasons(s: StepFigures) -> str:
    """Why a step does not run well, by the rule."""
    why = []
    r = s.on_time_rate
    if r is not None and r < ON_TIME_GOAL:
        why.append(tr("tepat waktu di bawah {g:.0%}", "on time below {g:.0%}", g=ON_TIME_GOAL))
    limit = DEVIATION_SHARE * s.attempts
    if s.rework > limit:
        why.append(tr("pengerjaan ulang di atas {g:.0%}", "rework above {g:.0%}",
                      g=DEVIATION_SHARE))
    if any(n > limit for n in s.deviations.values()):
        why.append(tr("penyimpangan di atas {g:.0%}", "deviations above {g:.0%}",
                      g=DEVIATION_SHARE))
    return "; ".join(why)


def _common(ctx: MonevContext) -> dict[str, Any]:
    f = ctx.figures
    ident = ctx.wf.document.identitas
    return dict(
        f=f, v=f.main, ctx=ctx, ident=ident, sop_name=ctx.wf.nama,
        period=span(f.start, f.end, ctx.head.tz), tz=ctx.head.tz,
        version_label=ctx.version_label(f.version), short=f.version[:12],
        roles=", ".join(dict.fromkeys(ctx.role(s.role) for s in f.main.steps.values())),
        sources=MONITORING_SOURCES, rate=rate, on_time=on_time, goal=ON_TIME_GOAL,
        share=DEVIATION_SHARE, observation=lambda s: observation(ctx, s), reasons=_reasons)


def render_report(ctx: MonevContext) -> str:
    f = ctx.figures
    v = f.main
    versions = list(f.versions.values())
    nodes: list[str] = []
    for ver in versions:  # every node any version has, in the order they first appear
        nodes.extend(n for n in ver.steps if n not in nodes)
    return render(
        "monev.html", ctx.head,
        title=tr("Laporan Monitoring dan Evaluasi Pelaksanaan SOP",
                 "Monitoring and Evaluation Report on an SOP"),
        subtitle=f"{ctx.wf.nama} — " + tr("Periode {p}", "Period {p}",
                                           p=span(f.start, f.end, ctx.head.tz)),
        **_common(ctx), neck=v.bottleneck, service_limit=_service_limit(ctx.wf),
        on_time_chart=_on_time_chart(v), deviation_chart=_deviation_chart(ctx, v),
        people=sorted(v.people.items(), key=lambda kv: (-kv[1].done, ctx.names.user(kv[0]))),
        role_rows=sorted(v.roles.items(), key=lambda kv: -kv[1].done),
        versions=versions, compare_nodes=nodes if len(versions) > 1 else [])


def _service_limit(wf: Workflow) -> str | None:
    limit = wf.service_limit
    return (limit.text or limit.describe()) if limit is not None else None


def _on_time_chart(v: VersionFigures) -> object:
    rows = [Bar(f"{s.no}. {s.kegiatan}", (Segment(s.on_time_rate or 0.0,
                                                   charts.rate_colour(s.on_time_rate or 0.0)),),
                on_time(s)) for s in v.steps.values() if s.judged]
    return charts.bars(rows, maximum=1.0) if rows else None


def _deviation_chart(ctx: MonevContext, v: VersionFigures) -> object:
    rows = [Bar(ctx.label(k), (Segment(float(n), charts.RED),), str(n))
            for k, n in v.deviations.most_common()]
    return charts.bars(rows) if rows else None


def render_forms(ctx: MonevContext) -> tuple[str, str]:
    """The monitoring form and the evaluation form."""
    f = ctx.figures
    monitoring = render(
        "monev_monitoring.html", ctx.head, signed=False,
        title=tr("Formulir Monitoring Pelaksanaan SOP", "SOP Monitoring Form"),
        subtitle=ctx.wf.nama, **_common(ctx))
    evaluation = render(
        "monev_evaluation.html", ctx.head, signed=False,
        title=tr("Formulir Evaluasi Penerapan SOP", "SOP Evaluation Form"),
        subtitle=ctx.wf.nama, **{**_common(ctx), "sources": EVALUATION_SOURCES},
        criteria=[(tr(ind, en), hint) for (key, ind, en) in CRITERIA
                  for hint in [evaluation_hint(ctx, f, key)]])
    return monitoring, evaluation


def evaluation_hint(ctx: MonevContext, f: MonevFigures, key: str) -> str:
    """What the period's data says about one evaluation criterion (the evaluator decides)."""
    v = f.main
    steps = [s for s in v.steps.values() if s.attempts]
    if not steps:
        return tr("Tidak ada pelaksanaan dalam periode ini.", "Nothing carried out in this "
                  "period.")
    dev = v.deviations
    if key == "kinerja":
        return _comparison_hint(ctx, f)
    if key == "dipahami":
        n = sum(dev[k] for k in UNDERSTANDING)
        rework = sum(s.rework for s in steps)
        return tr("{n} penyimpangan kelengkapan/isian/cabang; {r} pengerjaan ulang.",
                  "{n} deviations of inputs, values or branches; {r} steps done again.",
                  n=n, r=rework)
    if key == "dilaksanakan":
        poor = [s for s in steps if s.runs_well is False]
        judged = sum(s.judged for s in steps)
        timely = sum(s.on_time for s in steps)
        return tr("Tepat waktu {r} dari langkah yang berbatas waktu; {p} dari {n} langkah "
                  "tidak berjalan dengan baik; {o} langkah di luar urutan atau dilewati.",
                  "On time {r} of the steps with a limit; {p} of {n} steps do not run well; "
                  "{o} steps out of order or skipped.",
                  r=rate(timely, judged), p=len(poor), n=len(steps),
                  o=sum(dev[k] for k in ORDER))
    if key == "peran":
        shares = ", ".join(f"{ctx.role(r)} {load.done}" for r, load in
                           sorted(v.roles.items(), key=lambda kv: -kv[1].done))
        return tr("{n} penyimpangan pelaksana/pemisahan tugas/pengesampingan; langkah "
                  "selesai per peran: {s}.",
                  "{n} deviations of actor, separation of duties or override; steps done by "
                  "role: {s}.", n=sum(dev[k] for k in ROLES), s=shares or "-")
    if key == "masalah":
        neck = v.bottleneck
        where = tr("Hambatan utama: langkah {n} ({k}), {l} terlambat",
                   "Main bottleneck: step {n} ({k}), {l} late", n=neck.no or neck.node,
                   k=neck.kegiatan, l=neck.late) if neck else tr("Tidak ada hambatan",
                                                               "No bottleneck")
        return tr("{w}; {o} langkah masih terbuka melewati batas.",
                  "{w}; {o} steps still open past their limit.", w=where,
                  o=sum(s.open_late for s in steps))
    s = v.service
    return tr("Standar waktu pelayanan dipenuhi pada {r} perkara; {c} perkara dimulai dalam "
              "periode.", "The service standard time was met in {r} cases; {c} cases started "
              "in the period.", r=rate(s.met, s.met + s.missed), c=s.cases)


def _comparison_hint(ctx: MonevContext, f: MonevFigures) -> str:
    versions = list(f.versions)
    at = versions.index(f.version)
    if at == 0:
        return tr("Tidak ada versi sebelumnya yang dilaksanakan dalam periode ini untuk "
                  "dibandingkan.", "No earlier version was carried out in this period to "
                  "compare with.")
    before, after = f.versions[versions[at - 1]], f.main

    def timely(v: VersionFigures) -> str:
        steps = v.steps.values()
        return rate(sum(s.on_time for s in steps), sum(s.judged for s in steps))

    return tr("Tepat waktu sebelum revisi {a}, sesudah {b}; standar pelayanan dipenuhi "
              "sebelum {c}, sesudah {d}.", "On time before the revision {a}, after {b}; "
              "service standard met before {c}, after {d}.",
              a=timely(before), b=timely(after),
              c=rate(before.service.met, before.service.met + before.service.missed),
              d=rate(after.service.met, after.service.met + after.service.missed))
