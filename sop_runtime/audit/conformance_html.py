"""The conformance report as a printable page, in the same frame as the period and case
reports: what was checked (the SOP's version, the log and mapping files with their SHA-256,
so the signed page names exactly what was examined), the findings by kind and by step as
charts and tables, every case with findings, and what the log could not show. The page is
``audit/templates/conformance.html``; the rows and charts are worked out here."""

from __future__ import annotations

from collections import Counter

from sop_runtime.audit.charts import AMBER, BLUE, GREY, RED, Bar, Segment, bars
from sop_runtime.audit.document import Letterhead, render
from sop_runtime.compiler.workflow import Workflow
from sop_runtime.conformance.check import ConformanceReport
from sop_runtime.conformance.findings_text import (
    finding_text,
    kind_label,
    step_label,
    unused_text,
)
from sop_runtime.i18n import current_lang, tr
from sop_runtime.wording import moment_text
from sop_runtime.worktime import CourtCalendar

# a printed report lists this many cases with findings; the rest are in --json
PRINTED_CASES = 500
_COLOURS = {"skipped": RED, "wrong_actor": "#6a3d9a", "out_of_order": AMBER,
            "overdue": "#d95f02", "service_overdue": "#8c510a", "missing_output": BLUE,
            "missing_input": "#6baed6", "separation_of_duties": "#e7298a", "rework": GREY,
            "wrong_branch": "#1b9e77", "missing_signer": "#b15928", "contradiction": "#fb9a99",
            "data": "#444444", "after_end": "#bbbbbb", "no_actor": "#999999"}


def render_conformance(report: ConformanceReport, wf: Workflow, calendar: CourtCalendar,
                       head: Letterhead, *, log_sha256: str, mapping_sha256: str) -> str:
    cases = len(report.cases)
    with_findings = [c for c in report.cases if c.findings]
    totals = report.totals
    by_case: dict[str, set[str]] = {}
    steps: dict[str | None, Counter[str]] = {}
    for c in report.cases:
        for f in c.findings:
            by_case.setdefault(f.kind, set()).add(c.case)
            steps.setdefault(f.node, Counter())[f.kind] += 1
    order = sorted(steps, key=lambda n: (n is None, int(n) if n and n.isdigit() else 0))
    kinds = [k for k, _ in totals.most_common()]
    shown = with_findings[:PRINTED_CASES]
    return render(
        "conformance.html", head,
        title=tr("Laporan Kesesuaian Log dengan SOP", "Conformance of a Log to the SOP"),
        subtitle=wf.nama, report=report, wf=wf, cases=cases,
        share=f" ({report.conforming / cases:.0%})" if cases else "",
        with_findings=len(with_findings),
        kinds=[(kind_label(k), f"{n:,}", f"{len(by_case[k]):,}")
               for k, n in totals.most_common()],
        kinds_chart=bars([Bar(kind_label(k), (Segment(n, _COLOURS.get(k, GREY)),), f"{n:,}")
                          for k, n in totals.most_common()]) if totals else None,
        steps_chart=bars(
            [Bar(step_label(wf, n), tuple(Segment(steps[n][k], _COLOURS.get(k, GREY))
                                          for k in kinds if steps[n][k]),
                 f"{sum(steps[n].values()):,}") for n in order]) if totals else None,
        legend=[(_COLOURS.get(k, GREY), kind_label(k)) for k in kinds],
        steps=[(step_label(wf, n), ", ".join(f"{kind_label(k)} {steps[n][k]}" for k in kinds
                                             if steps[n][k])) for n in order],
        findings=[(c.case, f.place, moment_text(f.at, calendar.tz), step_label(wf, f.node, 40),
                   f"{kind_label(f.kind)}: {finding_text(f, wf, calendar)}")
                  for c in shown for f in c.findings],
        not_printed=len(with_findings) - len(shown), limits=_data(report, wf),
        log_end=moment_text(report.log_end, calendar.tz) if report.log_end else None,
        waiting=[(step_label(wf, o.node, 50) + (tr(
            " ({n} sudah diperiksa, hasilnya tidak ada di log)",
            " ({n} done, the outcome not in the log)", n=f"{o.undecided:,}") if o.undecided
            else ""), f"{o.cases:,}", f"{o.late:,}",
            calendar.describe_working(o.longest, current_lang()))
            for o in report.open_at_end(calendar)],
        log_sha256=log_sha256, mapping_sha256=mapping_sha256)


def _data(report: ConformanceReport, wf: Workflow) -> list[str]:
    """What the log could not show: unmapped activities, people with no role, outputs with
    no column, rows that could not be read."""
    items = []
    if report.unmapped:
        items.append(tr("Aktivitas tanpa pemetaan (tidak diputar ulang): {a}",
                        "Activities with no mapping (not replayed): {a}",
                        a="; ".join(f"{k} ({n:,})" for k, n in report.unmapped.most_common())))
    if report.ignored:
        items.append(tr("Aktivitas yang sengaja diabaikan: {a}", "Activities ignored on "
                        "purpose: {a}", a="; ".join(f"{k} ({n:,})"
                                                    for k, n in report.ignored.most_common())))
    items += unused_text(report)
    if report.unknown_people:
        items.append(tr("Pelaksana tanpa peran dalam pemetaan: {p}",
                        "People with no role in the mapping: {p}",
                        p=", ".join(report.unknown_people)))
    if report.unchecked_outputs:
        items.append(tr("Output wajib yang tidak dapat diperiksa (tidak ada kolomnya di log): "
                        "{o}", "Required outputs that cannot be checked (no column in the "
                        "log): {o}", o="; ".join(f"{step_label(wf, n, 40)}: {name}"
                                                 for n, name in report.unchecked_outputs)))
    if report.duplicates:
        items.append(tr("{n} baris tercatat dua kali persis sama; masing-masing diputar ulang "
                        "sekali", "{n} rows written twice exactly; each replayed once",
                        n=f"{report.duplicates:,}"))
    if report.unnamed:
        items.append(tr("{n} baris tidak menyebut pelaksana; dianggap dikerjakan oleh pemegang "
                        "peran {r} (pelaksana_bawaan dalam pemetaan)", "{n} rows name no one; "
                        "taken as done by a holder of {r} (the mapping's pelaksana_bawaan)",
                        n=f"{report.unnamed:,}", r=_roles(wf, report.default_roles)))
    if report.problems:
        shown = report.problems[:50]
        items.append(tr("{n} baris tidak dapat dibaca: {e}", "{n} rows cannot be read: {e}",
                        n=f"{len(report.problems):,}",
                        e="; ".join(f"{tr('baris', 'row')} {p.place}: {p.message}"
                                    for p in shown)
                        + ("; …" if len(report.problems) > len(shown) else "")))
    return items


def _roles(wf: Workflow, roles: frozenset[str]) -> str:
    return " / ".join(sorted(r.nama if (r := wf.role(x)) else x for x in roles)) or "-"
