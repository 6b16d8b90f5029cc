"""The conformance report as a printable page, in the same frame as the period and case
reports: what was checked (the SOP's version, the log and mapping files with their SHA-256,
so the signed page names exactly what was examined), the findings by kind and by step as
charts and tables, every case with findings, and what the log could not show."""

from __future__ import annotations

from collections import Counter
from html import escape

from sop_runtime.audit.charts import AMBER, BLUE, GREY, RED, Bar, Segment, bars
from sop_runtime.audit.document import Letterhead, document, facts, seal_box, table, when
from sop_runtime.compiler.workflow import Workflow
from sop_runtime.conformance.check import ConformanceReport
from sop_runtime.conformance.findings_text import finding_text, kind_label, step_label
from sop_runtime.i18n import tr
from sop_runtime.worktime import CourtCalendar

# a printed report lists this many cases with findings; the rest are in --json
PRINTED_CASES = 500
_COLOURS = {"skipped": RED, "wrong_actor": "#6a3d9a", "out_of_order": AMBER,
            "overdue": "#d95f02", "service_overdue": "#8c510a", "missing_output": BLUE,
            "missing_input": "#6baed6", "separation_of_duties": "#e7298a", "rework": GREY,
            "wrong_branch": "#1b9e77", "missing_signer": "#b15928",
            "data": "#444444", "after_end": "#bbbbbb"}


def render_conformance(report: ConformanceReport, wf: Workflow, calendar: CourtCalendar,
                       head: Letterhead, *, log_sha256: str, mapping_sha256: str) -> str:
    cases = len(report.cases)
    with_findings = [c for c in report.cases if c.findings]
    share = f" ({report.conforming / cases:.0%})" if cases else ""
    body = [facts([
        (tr("SOP", "SOP"), escape(f"{wf.nama} ({wf.sop_id})")),
        (tr("Versi SOP", "SOP version"), f'<code class="hash">{escape(wf.version)}</code>'),
        (tr("Log", "Log"), escape(report.log)),
        (tr("Pemetaan", "Mapping"), escape(report.mapping)),
        (tr("Baris", "Rows"), escape(tr(
            "{r} dibaca, {p} diputar ulang sebagai penyelesaian langkah",
            "{r} read, {p} replayed as step completions", r=f"{report.rows:,}",
            p=f"{report.replayed:,}"))),
        (tr("Perkara", "Cases"), escape(tr(
            "{c} diperiksa; {ok} sesuai SOP{s}; {bad} dengan temuan",
            "{c} checked; {ok} follow the SOP{s}; {bad} with findings", c=f"{cases:,}",
            ok=f"{report.conforming:,}", s=share, bad=f"{len(with_findings):,}"))),
    ])]
    method = tr(
        "Setiap perkara diputar ulang langkah demi langkah dengan aturan yang sama dengan yang "
        "dipakai saat pelayanan berjalan (pelaksana, urutan, mutu baku, batas waktu menurut "
        "kalender kerja pengadilan). Penyimpangan yang hanya akibat temuan lain (mis. langkah "
        "berikut yang tampak mendahului karena langkah sebelumnya tidak pernah dikerjakan) "
        "tidak dihitung dua kali.",
        "Every case is replayed step by step under the same rules as live work (who may act, "
        "the order, the mutu baku, the time limits on the court's working calendar). A "
        "deviation that only follows from another finding (e.g. the next step appearing "
        "early because the one before it never happened) is not counted twice.")
    body.append(f'<p class="note">{escape(method)}</p>')
    totals = report.totals
    if totals:
        by_case: dict[str, set[str]] = {}
        steps: dict[str | None, Counter[str]] = {}
        for c in report.cases:
            for f in c.findings:
                by_case.setdefault(f.kind, set()).add(c.case)
                steps.setdefault(f.node, Counter())[f.kind] += 1
        body.append(f"<h2>{escape(tr('Temuan per jenis', 'Findings by kind'))}</h2>")
        body.append(bars([Bar(kind_label(k), (Segment(n, _COLOURS.get(k, GREY)),), f"{n:,}")
                          for k, n in totals.most_common()]))
        body.append(table(
            [tr("Jenis", "Kind"), (tr("Temuan", "Findings"), "n"),
             (tr("Perkara", "Cases"), "n")],
            [f"<tr><td>{escape(kind_label(k))}</td><td class=n>{n:,}</td>"
             f"<td class=n>{len(by_case[k]):,}</td></tr>" for k, n in totals.most_common()],
            widths=(64, 18, 18)))
        order = sorted(steps, key=lambda n: (n is None, int(n) if n and n.isdigit() else 0))
        kinds = [k for k, _ in totals.most_common()]
        body.append(f"<h2>{escape(tr('Temuan per langkah', 'Findings by step'))}</h2>")
        body.append(bars(
            [Bar(step_label(wf, n), tuple(Segment(steps[n][k], _COLOURS.get(k, GREY))
                                          for k in kinds if steps[n][k]),
                 f"{sum(steps[n].values()):,}") for n in order]))
        body.append(_legend(kinds))
        body.append(table(
            [tr("Langkah", "Step"), tr("Temuan", "Findings")],
            [f"<tr><td>{escape(step_label(wf, n))}</td><td>"
             + escape(", ".join(f"{kind_label(k)} {steps[n][k]}" for k in kinds
                                if steps[n][k])) + "</td></tr>" for n in order],
            widths=(55, 45)))
        body.append(f"<h2>{escape(tr('Perkara dengan temuan', 'Cases with findings'))}</h2>")
        shown = with_findings[:PRINTED_CASES]
        rows = []
        for c in shown:
            for f in c.findings:
                rows.append(
                    f"<tr><td>{escape(c.case)}</td><td class=n>{f.place}</td>"
                    f"<td class=t>{escape(when(f.at, calendar.tz))}</td>"
                    f"<td>{escape(step_label(wf, f.node, 40))}</td>"
                    f"<td>{escape(kind_label(f.kind))}: "
                    f"{escape(finding_text(f, wf, calendar))}</td></tr>")
        body.append(table([tr("Perkara", "Case"), (tr("Baris", "Row"), "n"),
                           tr("Waktu", "Time"), tr("Langkah", "Step"),
                           tr("Temuan", "Finding")], rows, widths=(16, 7, 17, 25, 35)))
        if len(with_findings) > len(shown):
            rest = tr(
                "{n} perkara lain dengan temuan tidak dicetak; semuanya ada di keluaran --json.",
                "{n} more cases with findings are not printed; all are in the --json output.",
                n=f"{len(with_findings) - len(shown):,}")
            body.append(f'<p class="note">{escape(rest)}</p>')
    else:
        none = tr("Tidak ada temuan: setiap perkara sesuai SOP.",
                  "No findings: every case follows the SOP.")
        body.append(f'<p class="ok">{escape(none)}</p>')
    body.append(_data(report, wf))
    closing = seal_box(tr("Berkas yang diperiksa (SHA-256)", "Files examined (SHA-256)"), [
        f"{escape(tr('Log', 'Log'))}: <code>{escape(log_sha256)}</code>",
        f"{escape(tr('Pemetaan', 'Mapping'))}: <code>{escape(mapping_sha256)}</code>",
        f"{escape(tr('Versi SOP', 'SOP version'))}: <code>{escape(wf.version)}</code>"])
    return document(head, title=tr("Laporan Kesesuaian Log dengan SOP",
                                   "Conformance of a Log to the SOP"),
                    subtitle=wf.nama, body="".join(body), closing=closing)


def _legend(kinds: list[str]) -> str:
    """The colours of the kinds, as a line of text under the chart (it wraps on paper)."""
    return '<p class="small">' + " &nbsp; ".join(
        f'<span style="color:{_COLOURS.get(k, GREY)}">&#9632;</span> {escape(kind_label(k))}'
        for k in kinds) + "</p>"


def _data(report: ConformanceReport, wf: Workflow) -> str:
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
    if report.unknown_people:
        items.append(tr("Pelaksana tanpa peran dalam pemetaan: {p}",
                        "People with no role in the mapping: {p}",
                        p=", ".join(report.unknown_people)))
    if report.unchecked_outputs:
        items.append(tr("Output wajib yang tidak dapat diperiksa (tidak ada kolomnya di log): "
                        "{o}", "Required outputs that cannot be checked (no column in the "
                        "log): {o}", o="; ".join(f"{step_label(wf, n, 40)}: {name}"
                                                 for n, name in report.unchecked_outputs)))
    if report.problems:
        shown = report.problems[:50]
        items.append(tr("{n} baris tidak dapat dibaca: {e}", "{n} rows cannot be read: {e}",
                        n=f"{len(report.problems):,}",
                        e="; ".join(f"{tr('baris', 'row')} {p.place}: {p.message}"
                                    for p in shown)
                        + ("; …" if len(report.problems) > len(shown) else "")))
    if not items:
        return ""
    return (f"<h2>{escape(tr('Keterbatasan data log', 'What the log could not show'))}</h2>"
            "<ul>" + "".join(f"<li>{escape(i)}</li>" for i in items) + "</ul>")
