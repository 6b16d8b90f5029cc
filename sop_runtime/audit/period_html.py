"""The period report as one self-contained HTML page that prints on A4 (and is the PDF's
source): the figures of :mod:`sop_runtime.service.period` as tables, bar charts where a
picture reads better (on-time rate per step, the age of the steps open now, each person's
load, deviations by kind), and the seal whose root goes on the signed report."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from html import escape

from sop_runtime.audit import charts
from sop_runtime.audit.charts import Bar, Segment
from sop_runtime.audit.document import (
    Letterhead,
    Names,
    document,
    facts,
    seal_box,
    span,
    table,
    when,
)
from sop_runtime.audit.figures import AGING_BUCKETS, PeriodFigures, Timing
from sop_runtime.i18n import tr
from sop_runtime.store.seals import SealRow


def _rate(t: Timing) -> str:
    r = t.on_time_rate
    return "-" if r is None else f"{r:.0%} ({t.on_time}/{t.with_deadline})"


def aging_label(bucket: str) -> str:
    return {"<1": tr("< 1 hari kerja", "< 1 working day"),
            "1-2": tr("1–2 hari kerja", "1–2 working days"),
            "3-5": tr("3–5 hari kerja", "3–5 working days"),
            ">5": tr("> 5 hari kerja", "> 5 working days")}.get(bucket, bucket)


def render_period(f: PeriodFigures, head: Letterhead, *, worked: Callable[[float | None], str],
                  label: Callable[[str], str], seal: SealRow | None, names: Names,
                  sop_names: Mapping[str, str] | None = None,
                  step_names: Mapping[tuple[str, str], str] | None = None,
                  sop: str | None = None, verified: tuple[bool, int] | None = None) -> str:
    """The report page. ``worked`` turns working seconds into words on the court's calendar,
    ``label`` names a deviation kind; ``names`` gives people's and roles' names; ``verified``
    is what ``sop verify`` found when the report was made (whole, and how many problems)."""
    sops = sop_names or {}
    steps = step_names or {}
    tz = head.tz
    title = tr("Laporan Pertanggungjawaban Pelaksanaan SOP",
               "Accountability Report on the Execution of SOPs")
    period = tr("Periode {p}", "Period {p}", p=span(f.start, f.end, tz))
    out = [facts([
        (tr("Periode", "Period"), escape(tr("{a} s.d. {b}", "{a} to {b}", a=when(f.start, tz),
                                            b=when(f.end, tz)))),
        ("SOP", escape(sops.get(sop, sop) if sop else tr("semua SOP", "every SOP"))),
        (tr("Perkara dimulai", "Cases started"), str(sum(f.cases.values()))),
        (tr("Perkara selesai", "Cases completed"), str(sum(f.completed.values()))),
        (tr("Langkah terlambat saat laporan dibuat", "Steps overdue when the report was made"),
         f'<span class="{"late" if f.overdue_now else "ok"}">{f.overdue_now}</span>'),
    ])]

    out.append(f"<h2>{escape(tr('Perkara per SOP', 'Cases by SOP'))}</h2>")
    rows = []
    for sop_id, n in sorted(f.cases.items()):
        service = f.service.get(sop_id, Timing())
        rows.append(f"<tr><td>{escape(sops.get(sop_id, sop_id))}<br>"
                    f'<span class="muted small">{escape(sop_id)}</span></td>'
                    f"<td class=n>{n}</td><td class=n>{f.completed.get(sop_id, 0)}</td>"
                    f"<td class=n>{escape(_rate(service))}</td>"
                    f"<td class=n>{escape(worked(service.median))}</td></tr>")
    out.append(table(["SOP", (tr("Dimulai", "Started"), "n"), (tr("Selesai", "Completed"), "n"),
                      (tr("Tepat waktu pelayanan", "Within the service time"), "n"),
                      (tr("Median waktu kerja", "Median working time"), "n")], rows))

    timed = sorted(f.steps.items(), key=lambda kv: (kv[0][0], int(kv[0][1])))
    with_deadline = [(key, t) for key, t in timed if t.with_deadline]
    if with_deadline:
        out.append(f"<h2>{escape(tr('Ketepatan waktu per langkah', 'On time per step'))}</h2>")
        chart: list[Bar] = []
        for (sop_id, node), t in with_deadline:
            group = sops.get(sop_id, sop_id)
            if not any(b.heading and b.label == group for b in chart):
                chart.append(Bar(group, (), heading=True))
            rate = t.on_time_rate or 0.0
            chart.append(Bar(f"{node}. {steps.get((sop_id, node), '')}".rstrip(". "),
                             (Segment(rate, charts.rate_colour(rate)),), _rate(t)))
        out.append(charts.bars(chart, maximum=1.0))
    out.append(f"<h2>{escape(tr('Langkah', 'Steps'))}</h2>")
    rows, current = [], None
    for (sop_id, node), t in timed:
        if current != sop_id:
            current = sop_id
            rows.append(f'<tr class="group"><td colspan="5">{escape(sops.get(sop_id, sop_id))}'
                        "</td></tr>")
        late = t.on_time_rate is not None and t.on_time_rate < 1
        name = steps.get((sop_id, node))
        step = f"{node}. {name}" if name else node
        rows.append(f"<tr><td>{escape(step)}</td>"
                    f"<td class=n>{t.done}</td>"
                    f"<td class='n{' late' if late else ''}'>{escape(_rate(t))}</td>"
                    f"<td class=n>{escape(worked(t.median))}</td>"
                    f"<td class=n>{escape(worked(t.p90))}</td></tr>")
    out.append(table([tr("Langkah", "Step"), (tr("Dikerjakan", "Done"), "n"),
                      (tr("Tepat waktu", "On time"), "n"), ("Median", "n"), ("P90", "n")], rows))
    if f.withheld:
        note = tr("Perkara {s} bersifat rahasia: langkahnya tidak dirinci di sini, hanya "
                  "dihitung dalam jumlah per SOP, per peran dan penyimpangan.",
                  "The cases of {s} are confidential: their steps are not itemised here, "
                  "only counted in the totals by SOP, by role and in the deviations.",
                  s=", ".join(sops.get(x, x) for x in sorted(f.withheld)))
        out.append(f'<p class="muted small">{escape(note)}</p>')

    out.append(f"<h2>{escape(tr('Peran', 'Roles'))}</h2>")
    rows = [f"<tr><td>{escape(names.role(role))}</td><td class=n>{t.done}</td>"
            f"<td class=n>{escape(_rate(t))}</td><td class=n>{escape(worked(t.median))}</td>"
            f"<td class=n>{escape(worked(t.p90))}</td></tr>"
            for role, t in sorted(f.roles.items(), key=lambda kv: names.role(kv[0]))]
    out.append(table([tr("Peran", "Role"), (tr("Dikerjakan", "Done"), "n"),
                      (tr("Tepat waktu", "On time"), "n"), ("Median", "n"), ("P90", "n")], rows))

    out.append(_aging(f))
    out.append(_load(f, names))

    out.append(f"<h2>{escape(tr('Penyimpangan prosedur', 'Procedure deviations'))}</h2>")
    if f.deviations:
        out.append(charts.bars([Bar(label(k), (Segment(float(n), charts.RED),), str(n))
                                for k, n in f.deviations.most_common()]))
    else:
        out.append(f"<p>{escape(tr('Tidak ada penyimpangan.', 'No deviations.'))}</p>")

    if seal is None:
        closing = seal_box(tr("Segel log", "Log seal"), [escape(tr(
            "Log belum disegel: jalankan 'sop seal create' sebelum laporan ditandatangani.",
            "The log is not sealed yet: run 'sop seal create' before the report is signed."))])
    else:
        closing = seal_box(tr("Segel log #{n}", "Log seal #{n}", n=seal.id), [
            escape(tr("{t} oleh {u} · {n} perkara", "{t} by {u} · {n} cases",
                      t=when(seal.sealed_at, tz), u=names.user(seal.sealed_by), n=seal.cases)),
            f"{escape(tr('Akar Merkle (SHA-256)', 'Merkle root (SHA-256)'))}: "
            f"<code>{seal.root}</code>"])
    if verified is not None:
        closing += _verified(*verified)
    return document(head, title=title, subtitle=period, body="".join(out), closing=closing)


def _verified(whole: bool, problems: int) -> str:
    """What ``sop verify`` found when the report was made, under the seal box."""
    if whole:
        return '<p class="verified">' + escape(tr(
            "Log, tabel turunan, jurnal dan segel diverifikasi saat laporan dibuat: utuh.",
            "The log, derived tables, journals and seals were verified when the report was "
            "made: intact.")) + "</p>"
    return '<p class="verified broken"><strong>' + escape(tr(
        "PERINGATAN: pemeriksaan saat laporan dibuat menemukan {n} masalah (sop verify); "
        "angka laporan ini tidak boleh ditandatangani sebelum diperiksa.",
        "WARNING: the check made with this report found {n} problems (sop verify); its "
        "figures must not be signed before they are examined.", n=problems)) + "</strong></p>"


def _aging(f: PeriodFigures) -> str:
    """Steps open now, by how long they have been open (working days), split by their
    deadline."""
    out = [f"<h2>{escape(tr('Umur langkah yang masih terbuka', 'Age of the steps still open'))}"
           "</h2>"]
    total = sum(a.total for a in f.aging.values())
    if not total:
        out.append(f"<p>{escape(tr('Tidak ada langkah terbuka.', 'No open steps.'))}</p>")
        return "".join(out)
    rows = [Bar(aging_label(b), (Segment(a.in_time, charts.BLUE),
                                 Segment(a.overdue, charts.RED),
                                 Segment(a.no_limit, charts.GREY)), str(a.total))
            for b in AGING_BUCKETS for a in [f.aging[b]]]
    out.append(charts.bars(rows, legend=[
        (charts.BLUE, tr("dalam batas", "within the limit")),
        (charts.RED, tr("terlambat", "overdue")),
        (charts.GREY, tr("tanpa batas waktu", "no time limit"))]))
    note = tr("Semua langkah terbuka saat laporan dibuat; umur dihitung dalam hari kerja penuh "
              "menurut kalender pengadilan.",
              "Every step open when the report was made; the age counts whole working days on "
              "the court's calendar.")
    out.append(f'<p class="note">{escape(note)}</p>')
    return "".join(out)


def _load(f: PeriodFigures, names: Names) -> str:
    """Per person: steps done in the period's cases and steps open now in their hands; open
    steps nobody has taken, per role."""
    out = [f"<h2>{escape(tr('Beban kerja per orang', 'Load per person'))}</h2>"]
    people = sorted(f.load.items(), key=lambda kv: (-(kv[1].done + kv[1].open_held),
                                                    names.user(kv[0])))
    if not people and not f.waiting:
        out.append(f"<p>{escape(tr('Belum ada langkah yang dikerjakan.', 'No steps done.'))}"
                   "</p>")
        return "".join(out)
    rows = [Bar(names.user(user),
                (Segment(load.done, charts.GREEN), Segment(load.open_held, charts.AMBER)),
                f"{load.done} + {load.open_held}" if load.open_held else str(load.done))
            for user, load in people]
    for roles, n in sorted(f.waiting.items(), key=lambda kv: -kv[1]):
        rows.append(Bar(tr("belum diambil: {r}", "not taken: {r}",
                           r=" / ".join(names.role(r) for r in roles)),
                        (Segment(n, charts.AMBER),), str(n)))
    out.append(charts.bars(rows, legend=[
        (charts.GREEN, tr("selesai dalam periode", "done in the period")),
        (charts.AMBER, tr("terbuka sekarang", "open now"))]))
    rows_html = [f"<tr><td>{escape(names.user(user))}</td><td>{escape(names.jabatan(user))}</td>"
                 f"<td class=n>{load.done}</td><td class=n>{load.open_held}</td></tr>"
                 for user, load in people]
    rows_html += [f'<tr><td class="muted">{escape(tr("(belum diambil)", "(not taken)"))}</td>'
                  f"<td>{escape(' / '.join(names.role(r) for r in roles))}</td>"
                  f"<td class=n>-</td><td class=n>{n}</td></tr>"
                  for roles, n in sorted(f.waiting.items(), key=lambda kv: -kv[1])]
    out.append(table([tr("Nama", "Name"), tr("Jabatan", "Role"),
                      (tr("Selesai dalam periode", "Done in the period"), "n"),
                      (tr("Terbuka sekarang", "Open now"), "n")], rows_html))
    return "".join(out)
