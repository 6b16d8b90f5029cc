"""The period report as one self-contained HTML page that prints on A4 (and is the PDF's
source): the figures of :mod:`sop_runtime.service.period` as tables, bar charts where a
picture reads better (on-time rate per step, the age of the steps open now, each person's
load, deviations by kind), and the seal whose root goes on the signed report. The page is
``audit/templates/period.html``; the rows and charts are worked out here."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from markupsafe import Markup

from sop_runtime.audit import charts, ikm
from sop_runtime.audit.charts import Bar, Segment
from sop_runtime.audit.document import Letterhead, Names, render, span
from sop_runtime.audit.figures import AGING_BUCKETS, Load, PeriodFigures, Timing
from sop_runtime.audit.heads import SignedHead
from sop_runtime.audit.qr import qr_text_svg
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
                  signed: SignedHead | None = None,
                  sop_names: Mapping[str, str] | None = None,
                  sop_numbers: Mapping[str, str] | None = None,
                  step_names: Mapping[tuple[str, str], str] | None = None,
                  sop: str | None = None, verified: tuple[bool, int] | None = None,
                  survey: ikm.Section | None = None) -> str:
    """The report page. ``worked`` turns working seconds into words on the court's calendar,
    ``label`` names a deviation kind; ``names`` gives people's and roles' names; ``verified``
    is what ``sop verify`` found when the report was made (whole, and how many problems);
    ``survey`` the Indeks Kepuasan Masyarakat of the responses answered in the period."""
    sops = sop_names or {}
    steps = step_names or {}
    timed = sorted(f.steps.items(), key=lambda kv: (kv[0][0], int(kv[0][1])))
    groups: list[tuple[str, list[tuple[str, Timing]]]] = []
    for (sop_id, node), t in timed:
        if not groups or groups[-1][0] != sop_id:
            groups.append((sop_id, []))
        name = steps.get((sop_id, node))
        groups[-1][1].append((f"{node}. {name}" if name else node, t))
    people = sorted(f.load.items(), key=lambda kv: (-(kv[1].done + kv[1].open_held),
                                                    names.user(kv[0])))
    waiting = sorted(f.waiting.items(), key=lambda kv: -kv[1])
    deviations = (charts.bars([Bar(label(k), (Segment(float(n), charts.RED),), str(n))
                               for k, n in f.deviations.most_common()])
                  if f.deviations else None)
    return render(
        "period.html", head,
        title=tr("Laporan Pertanggungjawaban Pelaksanaan SOP",
                 "Accountability Report on the Execution of SOPs"),
        subtitle=tr("Periode {p}", "Period {p}", p=span(f.start, f.end, head.tz)),
        period=span(f.start, f.end, head.tz), numbers=sop_numbers or {},
        f=f, tz=head.tz, sop=sop, sops=sops, names=names, seal=seal, verified=verified,
        head_lines=signed.lines(head.tz) if signed else None,
        head_qr=qr_text_svg(signed.compact(), title=tr(
            "Kepala log bertanda tangan (JSON)", "The signed log head (JSON)")) if signed
        else None,
        rate=_rate, worked=worked,
        by_sop=[(sop_id, n, f.service.get(sop_id, Timing()))
                for sop_id, n in sorted(f.cases.items())],
        on_time_chart=_on_time(timed, sops, steps), step_groups=groups,
        withheld=", ".join(sops.get(x, x) for x in sorted(f.withheld)),
        roles=sorted(f.roles.items(), key=lambda kv: names.role(kv[0])),
        aging_chart=_aging(f), load_chart=_load(f, names, people) if people or f.waiting
        else None, people=people,
        waiting=[(" / ".join(names.role(r) for r in roles), n) for roles, n in waiting],
        deviation_chart=deviations, survey=survey, ikm_number=ikm.number_text,
        ikm_rounded=ikm.rounded, ikm_grades=ikm.GRADES)


def _on_time(timed: list[tuple[tuple[str, str], Timing]], sops: Mapping[str, str],
             steps: Mapping[tuple[str, str], str]) -> Markup | None:
    """The on-time rate of every step with a time limit, grouped by SOP."""
    chart: list[Bar] = []
    for (sop_id, node), t in timed:
        if not t.with_deadline:
            continue
        group = sops.get(sop_id, sop_id)
        if not any(b.heading and b.label == group for b in chart):
            chart.append(Bar(group, (), heading=True))
        rate = t.on_time_rate or 0.0
        chart.append(Bar(f"{node}. {steps.get((sop_id, node), '')}".rstrip(". "),
                         (Segment(rate, charts.rate_colour(rate)),), _rate(t)))
    return charts.bars(chart, maximum=1.0) if chart else None


def _aging(f: PeriodFigures) -> Markup | None:
    """Steps open now, by how long they have been open (working days), split by their
    deadline; None when none is open."""
    if not sum(a.total for a in f.aging.values()):
        return None
    rows = [Bar(aging_label(b), (Segment(a.in_time, charts.BLUE),
                                 Segment(a.overdue, charts.RED),
                                 Segment(a.no_limit, charts.GREY)), str(a.total))
            for b in AGING_BUCKETS for a in [f.aging[b]]]
    return charts.bars(rows, legend=[
        (charts.BLUE, tr("dalam batas", "within the limit")),
        (charts.RED, tr("terlambat", "overdue")),
        (charts.GREY, tr("tanpa batas waktu", "no time limit"))])


def _load(f: PeriodFigures, names: Names, people: list[tuple[str, Load]]) -> Markup:
    """Per person: steps done in the period's cases and steps open now in their hands; open
    steps nobody has taken, per role."""
    rows = [Bar(names.user(user),
                (Segment(load.done, charts.GREEN), Segment(load.open_held, charts.AMBER)),
                f"{load.done} + {load.open_held}" if load.open_held else str(load.done))
            for user, load in people]
    for roles, n in sorted(f.waiting.items(), key=lambda kv: -kv[1]):
        rows.append(Bar(tr("belum diambil: {r}", "not taken: {r}",
                           r=" / ".join(names.role(r) for r in roles)),
                        (Segment(n, charts.AMBER),), str(n)))
    return charts.bars(rows, legend=[
        (charts.GREEN, tr("selesai dalam periode", "done in the period")),
        (charts.AMBER, tr("terbuka sekarang", "open now"))])
