"""The period report as one self-contained HTML page that prints on A4: the figures of
:mod:`sop_runtime.service.period` as tables, bar charts where a picture reads better (on-time
rate per step, deviations by kind), and the seal whose root goes on the signed report."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, tzinfo
from html import escape

from sop_runtime.audit.figures import PeriodFigures, Timing
from sop_runtime.i18n import tr
from sop_runtime.store.seals import SealRow

_CSS = """
@page { size: A4; margin: 16mm 14mm; }
body { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 10pt; color: #111; margin: 0; }
h1 { font-size: 15pt; margin: 0 0 2mm; } h2 { font-size: 12pt; margin: 7mm 0 2mm; }
.meta { color: #333; margin-bottom: 4mm; }
table { border-collapse: collapse; width: 100%; page-break-inside: auto; }
th, td { border: 0.3mm solid #888; padding: 1.2mm 2mm; text-align: left; vertical-align: top; }
th { background: #e8eef4; } td.n { text-align: right; white-space: nowrap; }
tr { page-break-inside: avoid; } thead { display: table-header-group; }
.late { color: #a40000; font-weight: bold; }
.chart { margin: 2mm 0 4mm; } .chart text { font-size: 11px; fill: #111; }
@media screen { body { margin: 10mm auto; max-width: 190mm; } }
.seal { border: 0.4mm solid #333; padding: 3mm; margin-top: 6mm; page-break-inside: avoid; }
.seal code { font-size: 9pt; word-break: break-all; }
.sign { margin-top: 8mm; display: flex; justify-content: flex-end; }
.sign div { width: 70mm; text-align: center; } .sign .space { height: 22mm; }
"""


def _bars(rows: Sequence[tuple[str, float, str]], *, width: int = 640, maximum: float = 1.0,
          colour: Callable[[float], str] = lambda _: "#2f6f9f") -> str:
    """A horizontal bar chart: (label, value, text shown at the bar's end)."""
    bar_h, gap, label_w = 16, 5, 250
    height = len(rows) * (bar_h + gap) + gap
    parts = [f'<svg class="chart" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}">']
    span = width - label_w - 70
    for i, (label, value, text) in enumerate(rows):
        y = gap + i * (bar_h + gap)
        w = 0 if maximum <= 0 else max(0.0, min(1.0, value / maximum)) * span
        parts.append(f'<text x="{label_w - 6}" y="{y + bar_h - 3}" text-anchor="end">'
                     f"{escape(label)}</text>")
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_h}" '
                     f'fill="{colour(value)}"/>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + bar_h - 3}">{escape(text)}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _rate(t: Timing) -> str:
    r = t.on_time_rate
    return "-" if r is None else f"{r:.0%} ({t.on_time}/{t.with_deadline})"


def render_period(f: PeriodFigures, *, court: str, tz: tzinfo, generated: datetime,
                  worked: Callable[[float | None], str], label: Callable[[str], str],
                  seal: SealRow | None, role_names: Mapping[str, str] | None = None) -> str:
    """The report page. ``worked`` turns working seconds into words on the court's calendar,
    ``label`` names a deviation kind, ``role_names`` the roles (jabatan) by id."""
    names = role_names or {}
    def day(moment: datetime) -> str:
        return moment.astimezone(tz).strftime("%Y-%m-%d %H:%M")

    title = tr("Laporan Pertanggungjawaban Pelaksanaan SOP",
               "Accountability Report on the Execution of SOPs")
    out = [f'<!DOCTYPE html><html lang="{tr("id", "en")}"><head><meta charset="utf-8">'
           f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>",
           f"<h1>{escape(title)}</h1>",
           f'<div class="meta">{escape(court)} · {escape(tr("Periode", "Period"))} '
           f"{day(f.start)} – {day(f.end)} · {escape(tr('dibuat', 'generated'))} "
           f"{day(generated)}</div>"]

    out.append(f"<h2>{escape(tr('Perkara per SOP', 'Cases by SOP'))}</h2><table><thead><tr>")
    for col in ("SOP", tr("Dimulai", "Started"), tr("Selesai", "Completed"),
                tr("Tepat waktu pelayanan", "Within the service time"),
                tr("Median waktu kerja", "Median working time")):
        out.append(f"<th>{escape(col)}</th>")
    out.append("</tr></thead><tbody>")
    for sop_id, n in sorted(f.cases.items()):
        service = f.service.get(sop_id, Timing())
        out.append(f"<tr><td>{escape(sop_id)}</td><td class=n>{n}</td>"
                   f"<td class=n>{f.completed.get(sop_id, 0)}</td>"
                   f"<td class=n>{escape(_rate(service))}</td>"
                   f"<td class=n>{escape(worked(service.median))}</td></tr>")
    out.append("</tbody></table>")

    timed = [((s, n), t) for (s, n), t in sorted(f.steps.items(),
                                                 key=lambda kv: (kv[0][0], int(kv[0][1])))]
    with_deadline = [(f"{s} · {n}", t) for (s, n), t in timed if t.with_deadline]
    if with_deadline:
        out.append(f"<h2>{escape(tr('Ketepatan waktu per langkah', 'On time per step'))}</h2>")
        out.append(_bars([(label, t.on_time_rate or 0.0, _rate(t)) for label, t in with_deadline],
                         colour=lambda v: "#2f7f3f" if v >= 0.9 else "#c08a00" if v >= 0.6
                         else "#a40000"))
    out.append(f"<h2>{escape(tr('Langkah', 'Steps'))}</h2><table><thead><tr>")
    for col in ("SOP", tr("Langkah", "Step"), tr("Dikerjakan", "Done"),
                tr("Tepat waktu", "On time"), "Median", "P90"):
        out.append(f"<th>{escape(col)}</th>")
    out.append("</tr></thead><tbody>")
    for (sop_id, node), t in timed:
        late = t.on_time_rate is not None and t.on_time_rate < 1
        out.append(f"<tr><td>{escape(sop_id)}</td><td class=n>{escape(node)}</td>"
                   f"<td class=n>{t.done}</td>"
                   f"<td class='n{' late' if late else ''}'>{escape(_rate(t))}</td>"
                   f"<td class=n>{escape(worked(t.median))}</td>"
                   f"<td class=n>{escape(worked(t.p90))}</td></tr>")
    out.append("</tbody></table>")

    out.append(f"<h2>{escape(tr('Peran', 'Roles'))}</h2><table><thead><tr>")
    for col in (tr("Peran", "Role"), tr("Dikerjakan", "Done"), tr("Tepat waktu", "On time"),
                "Median", "P90"):
        out.append(f"<th>{escape(col)}</th>")
    out.append("</tr></thead><tbody>")
    for role, t in sorted(f.roles.items()):
        out.append(f"<tr><td>{escape(names.get(role, role))}</td><td class=n>{t.done}</td>"
                   f"<td class=n>{escape(_rate(t))}</td><td class=n>{escape(worked(t.median))}"
                   f"</td><td class=n>{escape(worked(t.p90))}</td></tr>")
    out.append("</tbody></table>")

    out.append(f"<h2>{escape(tr('Penyimpangan prosedur', 'Procedure deviations'))}</h2>")
    if f.deviations:
        top = max(f.deviations.values())
        out.append(_bars([(label(k), float(n), str(n))
                          for k, n in f.deviations.most_common()],
                         maximum=float(top), colour=lambda _: "#a40000"))
    else:
        out.append(f"<p>{escape(tr('Tidak ada penyimpangan.', 'No deviations.'))}</p>")
    overdue = tr("Langkah terlambat saat laporan dibuat", "Steps overdue when the report was made")
    out.append(f"<p>{escape(overdue)}: <b>{f.overdue_now}</b></p>")

    out.append('<div class="seal">')
    if seal is None:
        out.append(escape(tr("Log belum disegel: jalankan 'sop seal create' sebelum laporan "
                             "ditandatangani.", "The log is not sealed yet: run 'sop seal "
                             "create' before the report is signed.")))
    else:
        out.append(f"{escape(tr('Segel log', 'Log seal'))} #{seal.id} · {day(seal.sealed_at)} · "
                   f"{seal.size} {escape(tr('perkara', 'cases'))}<br>"
                   f"{escape(tr('Akar Merkle (SHA-256)', 'Merkle root (SHA-256)'))}: "
                   f"<code>{seal.root}</code>")
    out.append("</div>")
    out.append(f'<div class="sign"><div>{escape(tr("Ketua Pengadilan", "President of the Court"))}'
               f'<div class="space"></div>(..............................)</div></div>')
    out.append("</body></html>")
    return "".join(out)
