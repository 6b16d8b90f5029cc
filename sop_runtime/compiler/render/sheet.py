"""The official SOP sheet as one self-contained HTML page, printable on A4 landscape.

Layout as on court SOP sheets (Sekma 002/2012, Permenpan-RB 35/2012):

1. the identity block: court name and SOP title on the left; Nomor SOP, dates, Disahkan
   oleh (jabatan, room to sign, nama, NIP) and Nama SOP on the right; then Dasar Hukum |
   Kualifikasi Pelaksana, Keterkaitan | Peralatan/Perlengkapan, Peringatan | Pencatatan dan
   Pendataan;
2. the procedure table: No | Kegiatan | one column per pelaksana | Mutu Baku (Kelengkapan,
   Waktu, Output) | Keterangan; its header repeats on every printed page;
3. the standar pelayanan and the sources.

The swim-lane part of each table row is a slice ("band") of one flowchart drawing: every
row holds an inline SVG whose viewBox is that row's stretch of the drawing, so symbols and
arrows stay aligned with the text of their row, and a page break between two rows cuts the
drawing exactly at the row border. Row heights are estimated from the text; should a browser
need a taller row, the band stretches with it (lines stay connected).
"""

from __future__ import annotations

import math
from bisect import bisect_right
from dataclasses import dataclass, replace
from datetime import date
from html import escape

from sop_runtime.compiler.geometry import Params, Rows
from sop_runtime.compiler.layout import Layout, layout
from sop_runtime.compiler.render.svg import (
    FONT_STACK,
    SVG_CSS,
    edge_svg,
    label_svg,
    svg_defs,
    symbol_svg,
)
from sop_runtime.compiler.textfit import wrap
from sop_runtime.compiler.workflow import EdgeKind, Node, Workflow
from sop_runtime.definition.models import Item, StepKind
from sop_runtime.i18n import current_lang, tr

PAGE_W = 1040.0  # px of content on A4 landscape with 10 mm margins (277 mm at 96 dpi)
_TEXT_COLS = {"no": 28.0, "kegiatan": 170.0, "kelengkapan": 112.0, "waktu": 66.0,
              "output": 114.0, "keterangan": 150.0}
_LANE_MIN, _LANE_MAX = 72.0, 130.0
_FONT = 10.0
_LINE = 13.0
_NOTE_LINE = 12.0
_PAD = 10.0  # cell padding (left + right, and top + bottom) plus borders
_ITEM_INDENT = 12.0  # list indent in the Kelengkapan and Output cells


@dataclass(frozen=True, slots=True)
class _Sheet:
    """Column widths of the procedure table: the pelaksana lanes share what the text
    columns leave of the A4 width; with many lanes the text columns give up to a fifth."""

    cols: dict[str, float]
    params: Params

    @classmethod
    def for_lanes(cls, lanes: int) -> _Sheet:
        lanes = max(1, lanes)
        text = sum(_TEXT_COLS.values())
        fixed = _TEXT_COLS["no"] + _TEXT_COLS["waktu"]  # these never shrink
        room = PAGE_W - 8 - text
        scale = 1.0
        if room / lanes < _LANE_MIN:
            scale = max(0.8, (PAGE_W - 8 - fixed - lanes * _LANE_MIN) / (text - fixed))
            room = PAGE_W - 8 - fixed - (text - fixed) * scale
        lane_w = max(_LANE_MIN, min(_LANE_MAX, room / lanes))
        params = Params(lane_w=lane_w, channel=28.0, box_h=30.0, capsule_h=26.0,
                        diamond_h=36.0, pentagon_w=30.0, pentagon_h=28.0, row_min=62.0,
                        elbow=7.0, slot=6.0, gutter_pad=8.0)
        cols = {k: v if k in ("no", "waktu") else round(v * scale, 1)
                for k, v in _TEXT_COLS.items()}
        return cls(cols, params)

    def width(self, lay: Layout) -> float:
        return sum(self.cols.values()) + lay.width


def _fit(wf: Workflow) -> tuple[_Sheet, Layout]:
    sheet = _Sheet.for_lanes(len(wf.roles))
    lay = layout(wf, sheet.params)
    for _ in range(3):  # the gutters and labels past the outer lanes took the last pixels
        over = sheet.width(lay) - PAGE_W
        if over <= 0.5 or sheet.params.lane_w <= _LANE_MIN:
            break
        lanes = max(1, len(wf.roles))
        lane_w = max(_LANE_MIN, sheet.params.lane_w - over / lanes)
        sheet = _Sheet(sheet.cols, replace(sheet.params, lane_w=lane_w))
        lay = layout(wf, sheet.params)
    # lanes at their minimum and a few pixels over (gutter tracks, a label past an outer
    # lane): the text columns give them up; a sheet with many lanes stays wider than A4
    text = {k: v for k, v in sheet.cols.items() if k not in ("no", "waktu")}
    over = sheet.width(lay) - PAGE_W
    if 0.5 < over <= 0.04 * sum(text.values()):
        scale = 1 - over / sum(text.values())
        sheet = _Sheet(sheet.cols | {k: math.floor(v * scale * 10) / 10
                                     for k, v in text.items()}, sheet.params)
    return sheet, lay


def sheet_layout(wf: Workflow) -> Layout:
    """The flowchart layout the sheet draws (narrower lanes than the standalone SVG)."""
    return _fit(wf)[1]


def render_html(wf: Workflow) -> str:
    """The printable SOP sheet of ``wf``."""
    sheet, lay = _fit(wf)
    row_of = {n.id: i for i, n in enumerate(wf.nodes)}
    notes = [_notes(wf, n, row_of) for n in wf.nodes]
    rows = Rows.stack([_row_height(n, ns, sheet)
                       for n, ns in zip(wf.nodes, notes, strict=True)])
    prefix = f"sop-{wf.sop_id}"
    ident = wf.document.identitas
    parts = [
        "<!DOCTYPE html>",
        f'<html lang="{current_lang()}">',
        "<head>",
        '<meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>SOP {escape(ident.nomor)} — {escape(ident.nama)}</title>",
        f"<style>{_CSS}\nsvg.band {{ font-family: {FONT_STACK}; }}\n{SVG_CSS}</style>",
        "</head>",
        f'<body data-sop="{escape(wf.sop_id)}" data-version="{escape(wf.version)}">',
        '<svg class="defs" width="0" height="0" aria-hidden="true">'
        f"{svg_defs(prefix)}</svg>",
        _identity(wf),
        _procedure(wf, sheet, lay, rows, notes, prefix),
        _service_standard(wf),
        _sources(wf),
        _footer(wf),
        "</body>",
        "</html>",
    ]
    return "\n".join(parts) + "\n"


# --------------------------------------------------------------------------- identity

_MONTHS_ID = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
              "September", "Oktober", "November", "Desember")
_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August",
              "September", "October", "November", "December")


def _date(d: date | None) -> str:
    if d is None:
        return "-"
    month = tr(_MONTHS_ID[d.month - 1], _MONTHS_EN[d.month - 1])
    return f"{d.day} {month} {d.year}"


def _list(items: list[str] | tuple[str, ...], *, numbered: bool = True) -> str:
    if not items:
        return "-"
    if len(items) == 1:
        return escape(items[0])
    tag = "ol" if numbered else "ul"
    return f"<{tag}>" + "".join(f"<li>{escape(i)}</li>" for i in items) + f"</{tag}>"


def _identity(wf: Workflow) -> str:
    ident = wf.document.identitas
    signer = ident.disahkan_oleh
    dots = "." * 48
    nama = (f'<span class="signer">{escape(signer.nama)}</span>' if signer.nama
            else f'<span class="dots">{dots}</span>')
    nip = escape(signer.nip) if signer.nip else f'<span class="dots">{"." * 40}</span>'
    right = [
        (tr("Nomor SOP", "SOP number"), escape(ident.nomor)),
        (tr("Tanggal Pembuatan", "Date drawn up"), _date(ident.tanggal_pembuatan)),
        (tr("Tanggal Revisi", "Date revised"), _date(ident.tanggal_revisi)),
        (tr("Tanggal Efektif", "Effective date"), _date(ident.tanggal_efektif)),
        (tr("Disahkan oleh", "Approved by"),
         f'<div>{escape(signer.jabatan)}</div><div class="sign-space"></div>'
         f"<div>{nama}</div><div>NIP. {nip}</div>"),
        (tr("Nama SOP", "SOP name"), f"<strong>{escape(ident.nama)}</strong>"),
    ]
    court = escape(ident.satuan_kerja.upper())
    ma = tr("MAHKAMAH AGUNG REPUBLIK INDONESIA", "SUPREME COURT OF THE REPUBLIC OF INDONESIA")
    sop = tr("STANDAR OPERASIONAL PROSEDUR", "STANDARD OPERATING PROCEDURE")
    head = [
        '<section class="identitas">',
        '<table class="ident">',
        '<colgroup><col style="width:46%"><col style="width:17%"><col></colgroup>',
        f'<tr><td class="kop" rowspan="{len(right)}">',
        '<div class="logo" aria-label="logo"></div>',
        f'<div class="ma">{ma}</div>',
        f'<div class="court">{court}</div>',
        f'<div class="sop-title">{sop}</div>',
        f'<div class="sop-name">{escape(ident.nama.upper())}</div>',
        "</td>",
    ]
    body = []
    for i, (label, value) in enumerate(right):
        body.append(("" if i == 0 else "<tr>") + f'<th class="key">{label}</th>'
                    f'<td class="val">{value}</td></tr>')
    pairs = [
        (tr("Dasar Hukum", "Legal basis"), _list(ident.dasar_hukum),
         tr("Kualifikasi Pelaksana", "Performer qualifications"),
         _list(ident.kualifikasi_pelaksana)),
        (tr("Keterkaitan", "Related SOPs"), _list(ident.keterkaitan),
         tr("Peralatan/Perlengkapan", "Equipment"), _list(ident.peralatan)),
        (tr("Peringatan", "Warning"), escape(ident.peringatan),
         tr("Pencatatan dan Pendataan", "Recording and data"), _list(ident.pencatatan)),
    ]
    lower = ['<table class="ident2"><colgroup><col style="width:50%"><col></colgroup>']
    for a, va, b, vb in pairs:
        lower.append(f"<tr><th>{a}</th><th>{b}</th></tr><tr><td>{va}</td><td>{vb}</td></tr>")
    lower.append("</table>")
    return "\n".join([*head, *body, "</table>", *lower, "</section>"])


# --------------------------------------------------------------------------- procedure


def _items(items: tuple[Item, ...]) -> list[str]:
    return [i.nama + ("" if i.wajib else " " + tr("(jika ada)", "(if any)")) for i in items]


def _waktu(node: Node) -> str:
    if node.limit is None:
        return tr("tidak ditentukan", "not specified") if node.limit_set else ""
    text = node.limit.describe()
    if node.anchor is not None:
        text += " " + node.anchor.describe()
    if node.extension is not None:
        text += "; " + tr("dapat diperpanjang {x}", "extendable by {x}",
                          x=node.extension.describe())
    return text


def _series(items: list[str]) -> str:
    """``3, 4 dan 6`` / ``3, 4 and 6``."""
    word = tr("dan", "and")
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {word} {items[-1]}"


def split_note(node: Node) -> str | None:
    """``Ke langkah 3 dan 4 bersamaan``: where a split sends the flow, or None."""
    if not node.is_split:
        return None
    targets = _series([t.target for t in node.transitions if t.kind is EdgeKind.NEXT])
    return tr("Ke langkah {n} bersamaan (tanpa saling menunggu)",
              "To steps {n} at the same time (neither waits for the other)", n=targets)


def join_note(node: Node) -> str | None:
    """``Setelah langkah 3 dan 4 selesai``: what a join waits for, or None."""
    if not node.waits:
        return None
    return tr("Setelah langkah {n} selesai", "Once steps {n} are done",
              n=_series(list(node.waits)))


def _notes(wf: Workflow, node: Node, row: dict[str, int]) -> list[str]:
    """Remarks the engine derives from the definition, shown under the SOP's own keterangan."""
    notes: list[str] = []
    here = row[node.id]
    waits = join_note(node)
    if waits:
        notes.append(waits)
    split = split_note(node)
    if split:
        notes.append(split)
    for t in node.transitions:
        if split and t.kind is EdgeKind.NEXT:
            continue
        if t.kind is EdgeKind.BRANCH:
            notes.append(tr("{l}: ke langkah {n}", "{l}: to step {n}", l=t.label or "", n=t.target))
        elif t.kind is EdgeKind.TIMER and node.timer is not None:
            notes.append(tr("Jika lewat {t}: ke langkah {n}", "If not done within {t}: to step {n}",
                            t=node.timer.limit.describe(), n=t.target))
            if node.timer.note:
                notes.append(node.timer.note)
        elif t.kind is EdgeKind.CONNECTOR:
            notes.append(tr("Bersambung ke penghubung {l} (langkah {n})",
                            "Continues at connector {l} (step {n})", l=t.label or "",
                            n=t.target))
        elif row.get(t.target) != here + 1:
            notes.append(tr("Lanjut ke langkah {n}", "Next: step {n}", n=t.target))
    if node.connector is not None and node.connector.arah == "masuk":
        notes.append(tr("Lanjutan dari penghubung {l}", "Continued from connector {l}",
                        l=node.connector.label))
    if node.kind is StepKind.SUB_SOP and node.sub_sop:
        notes.append(tr("Menjalankan SOP {s}", "Runs SOP {s}", s=node.sub_sop))
    if node.kind is StepKind.OTOMATIS:
        notes.append(tr("Dikerjakan otomatis oleh sistem", "Done automatically by the system"))
    names = [r.nama if (r := wf.role(x)) else x for x in node.roles]
    if node.joint:  # each of them acts (a berita acara both sign)
        notes.append(tr("Pelaksana bersama: {r}", "Done jointly by {r}",
                        r=_joined(names, tr(" dan ", " and "))))
    elif len(names) > 1:
        notes.append(tr("Pelaksana: {r}", "Done by {r}", r=_joined(names, tr(" atau ", " or "))))
    if node.recorded_by:
        names = [r.nama if (r := wf.role(x)) else x for x in node.recorded_by]
        notes.append(tr("Dicatat oleh {r}", "Recorded by {r}", r=", ".join(names)))
    return notes


def _joined(names: list[str], last: str) -> str:
    """``A, B dan C`` / ``A atau B``."""
    return ", ".join(names[:-1]) + last + names[-1] if len(names) > 1 else "".join(names)


def _lines(texts: list[str], width: float) -> int:
    return sum(len(wrap(t, width, _FONT)) for t in texts)


def _row_height(node: Node, notes: list[str], sheet: _Sheet) -> float:
    """Enough for the tallest cell; a little generous, so the band rarely has to stretch."""
    c = {k: w - _PAD - 2 for k, w in sheet.cols.items()}
    items = _ITEM_INDENT + 2
    heights = [
        _lines([node.kegiatan], c["kegiatan"]) * _LINE,
        _lines(_items(node.inputs), c["kelengkapan"] - items) * _LINE,
        _lines([_waktu(node)], c["waktu"]) * _LINE,
        _lines(_items(node.outputs), c["output"] - items) * _LINE,
        _lines([node.keterangan or ""], c["keterangan"]) * _LINE
        + sum(len(wrap(n, c["keterangan"], 9)) for n in notes) * _NOTE_LINE
        + (2 if notes else 0),
    ]
    return max(sheet.params.row_min, max(heights) + _PAD)


def _cell_list(texts: list[str]) -> str:
    if not texts:
        return ""
    if len(texts) == 1:
        return escape(texts[0])
    return "<ul>" + "".join(f"<li>{escape(t)}</li>" for t in texts) + "</ul>"


def _procedure(wf: Workflow, sheet: _Sheet, lay: Layout, rows: Rows,
               notes: list[list[str]], prefix: str) -> str:
    n_roles = len(wf.roles)
    widths = [sheet.cols["no"], sheet.cols["kegiatan"], *lay.col_width,
              *(sheet.cols[k] for k in ("kelengkapan", "waktu", "output", "keterangan"))]
    cols = [f'<col style="width:{_px(w)}px">' for w in widths]
    total = sum(widths)
    head = [
        f'<section class="prosedur"><table class="proc" style="width:{_px(total)}px">',
        "<colgroup>" + "".join(cols) + "</colgroup>",
        "<thead>",
        "<tr>"
        f'<th rowspan="2" class="c-no">{tr("No", "No")}</th>'
        f'<th rowspan="2">{tr("Kegiatan", "Activity")}</th>'
        f'<th colspan="{n_roles}">{tr("Pelaksana", "Performer")}</th>'
        f'<th colspan="3">{tr("Mutu Baku", "Quality standard")}</th>'
        f'<th rowspan="2">{tr("Keterangan", "Remarks")}</th>'
        "</tr>",
        "<tr>" + "".join(f'<th class="role" data-role="{escape(r.id)}">{escape(r.nama)}</th>'
                         for r in wf.roles)
        + f'<th>{tr("Kelengkapan", "Inputs")}</th><th>{tr("Waktu", "Time")}</th>'
          f'<th>{tr("Output", "Output")}</th></tr>',
        "</thead>",
        "<tbody>",
    ]
    per_row = _routes_per_row(lay, rows)
    body = []
    for i, node in enumerate(wf.nodes):
        ket = escape(node.keterangan) if node.keterangan else ""
        if notes[i]:
            ket += '<div class="auto">' + "<br>".join(escape(x) for x in notes[i]) + "</div>"
        waktu = _waktu(node)
        waktu_html = (f'<span class="muted">{escape(waktu)}</span>'
                      if node.limit is None and waktu else escape(waktu))
        body.append(
            f'<tr data-step="{escape(node.id)}" style="height:{_px(rows.heights[i])}px">'
            f'<td class="c-no">{node.no}</td>'
            f'<td class="c-keg">{escape(node.kegiatan)}</td>'
            f'<td class="lanes" colspan="{n_roles}">{_band(lay, rows, i, per_row[i], prefix)}</td>'
            f"<td>{_cell_list(_items(node.inputs))}</td>"
            f'<td class="c-waktu">{waktu_html}</td>'
            f"<td>{_cell_list(_items(node.outputs))}</td>"
            f'<td class="c-ket">{ket}</td>'
            "</tr>")
    return "\n".join([*head, *body, "</tbody></table></section>"])


def _px(v: float) -> str:
    return f"{v:.1f}".rstrip("0").rstrip(".")


def _routes_per_row(lay: Layout, rows: Rows) -> list[list[int]]:
    """For every row, the routes that pass through its band."""
    out: list[list[int]] = [[] for _ in rows.tops]
    last = len(rows.tops) - 1
    for k, route in enumerate(lay.routes):
        ys = [rows.y(y) for _, y in route.points]
        lo = max(0, bisect_right(rows.tops, min(ys)) - 1)
        hi = min(last, bisect_right(rows.tops, max(ys)) - 1)
        for r in range(lo, hi + 1):
            out[r].append(k)
    return out


def _band(lay: Layout, rows: Rows, i: int, routes: list[int], prefix: str) -> str:
    top, h = rows.tops[i], rows.heights[i]
    w = lay.width
    parts = [
        f'<svg class="band sop-flowchart" viewBox="0 {_px(top)} {_px(w)} {_px(h)}" '
        f'preserveAspectRatio="none" width="{_px(w)}" height="{_px(h)}">'
    ]
    for x in lay.col_left[1:]:
        parts.append(f'<line class="lane-border" x1="{_px(x)}" y1="{_px(top)}" '
                     f'x2="{_px(x)}" y2="{_px(top + h)}"/>')
    parts += [edge_svg(lay.routes[k], rows, prefix) for k in routes]
    parts.append(symbol_svg(lay.boxes[i], rows, text=False))
    parts += [label_svg(r.label, rows, r.transition.kind)
              for k in routes if (r := lay.routes[k]).label and r.label.y.row == i]
    parts.append("</svg>")
    return "".join(parts)


# --------------------------------------------------------------------------- the rest


def _service_standard(wf: Workflow) -> str:
    std = wf.document.standar_pelayanan
    if std is None:
        return ""
    rows = [
        (tr("Persyaratan", "Requirements"), _list(std.persyaratan)),
        (tr("Sarana dan Prasarana", "Facilities"), _list(std.sarana_prasarana)),
        (tr("Biaya", "Fees"), escape(std.biaya)),
        (tr("Waktu Pelayanan", "Service time"),
         escape(std.waktu_pelayanan.describe()) if std.waktu_pelayanan else "-"),
        (tr("Produk Pelayanan", "Service products"), _list(std.produk)),
        (tr("Pengaduan", "Complaints"), escape(std.pengaduan)),
    ]
    body = "".join(f'<tr><th class="key">{k}</th><td>{v}</td></tr>' for k, v in rows)
    return (f'<section class="standar"><h2>{tr("Standar Pelayanan", "Service standard")}</h2>'
            f'<table class="std"><colgroup><col style="width:22%"><col></colgroup>{body}'
            "</table></section>")


def _sources(wf: Workflow) -> str:
    items = []
    for s in wf.document.sumber:
        note = f'<div class="muted">{escape(s.catatan)}</div>' if s.catatan else ""
        items.append(f"<li><strong>{escape(s.pengadilan)}</strong>: {escape(s.judul)}<br>"
                     f'<a href="{escape(s.url)}">{escape(s.url)}</a>{note}</li>')
    return (f'<section class="sumber"><h2>{tr("Sumber", "Sources")}</h2>'
            f'<ol>{"".join(items)}</ol></section>')


def _footer(wf: Workflow) -> str:
    return (f'<footer>{escape(wf.document.identitas.nomor)} · '
            f'{tr("versi", "version")} <code>{escape(wf.short_version)}</code> · '
            f"{escape(wf.sop_id)}</footer>")


_CSS = """
@page { size: A4 landscape; margin: 10mm; }
* { box-sizing: border-box; }
html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
body { margin: 16px; color: #111; background: #fff;
       font: 11px/1.3 Arial, 'Liberation Sans', Helvetica, 'DejaVu Sans', sans-serif; }
@media print { body { margin: 0; } }
table { border-collapse: collapse; }
th, td { border: 1px solid #222; vertical-align: top; padding: 4px 5px; text-align: left; }
ol, ul { margin: 0; padding-left: 16px; }
.muted { color: #666; }
.dots { letter-spacing: 1px; color: #333; }
section { margin-bottom: 14px; width: max-content; max-width: 100%; }
.identitas { width: 100%; max-width: 1040px; break-after: page; }
.ident, .ident2 { width: 100%; table-layout: fixed; }
.ident2 { border-top: none; }
.ident2 th { background: #eceff3; text-align: center; }
.kop { text-align: center; vertical-align: middle; padding: 14px; }
.logo { width: 64px; height: 64px; margin: 0 auto 8px; border: 1px dashed #bbb;
         border-radius: 50%; }
.ma { font-weight: bold; font-size: 13px; }
.court { font-weight: bold; font-size: 15px; margin-top: 2px; }
.sop-title { margin-top: 14px; font-size: 11px; letter-spacing: .5px; }
.sop-name { margin-top: 4px; font-weight: bold; font-size: 14px; }
.key { width: 17%; background: #f6f7f9; font-weight: bold; }
.sign-space { height: 46px; }
.signer { font-weight: bold; text-decoration: underline; }
.proc { table-layout: fixed; font-size: 10px; line-height: 13px; }
.proc thead th { background: #eceff3; text-align: center; vertical-align: middle;
                 font-weight: bold; }
.proc tbody tr { break-inside: avoid; page-break-inside: avoid; }
.proc td { padding: 4px 5px; word-wrap: break-word; }
.proc ul { padding-left: 12px; }
.c-no { text-align: center !important; }
.c-waktu { text-align: center; overflow-wrap: normal !important; }
.c-ket .auto { color: #444; font-size: 9px; line-height: 12px; margin-top: 2px; }
td.lanes { position: relative; padding: 0; }
svg.band { position: absolute; left: 0; top: 0; width: 100%; height: 100%; display: block;
           overflow: hidden; }
.lane-border { stroke: #222; stroke-width: 1; vector-effect: non-scaling-stroke; }
svg.defs { position: absolute; width: 0; height: 0; overflow: hidden; }
h2 { font-size: 13px; margin: 10px 0 6px; text-transform: uppercase; }
.standar { width: 100%; max-width: 1040px; break-before: page; }
.std { width: 100%; table-layout: fixed; }
.sumber { max-width: 1040px; }
.sumber li { margin-bottom: 4px; }
.sumber a { color: #0b4f9c; word-break: break-all; }
footer { margin-top: 12px; font-size: 9px; color: #666; }
"""
