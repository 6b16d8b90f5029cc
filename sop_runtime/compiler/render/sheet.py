"""The official SOP sheet as one self-contained HTML page, printable on A4 landscape.

Layout as on court SOP sheets (Sekma 002/2012, Permenpan-RB 35/2012):

1. the identity block: court name and SOP title on the left; Nomor SOP, dates, Disahkan
   oleh (jabatan, room to sign, nama, NIP) and Nama SOP on the right; then Dasar Hukum |
   Kualifikasi Pelaksana, Keterkaitan | Peralatan/Perlengkapan, Peringatan | Pencatatan dan
   Pendataan;
2. the procedure table: No | Kegiatan | one column per pelaksana | Mutu Baku (Kelengkapan,
   Waktu, Output) | Keterangan; its header repeats on every printed page;
3. the standar pelayanan.

The page is headed by the court's kop surat (:mod:`.kop`). The authors' notes
(``catatan_penyusun``) and the sources (``sumber``) are not part of the official sheet: the
library page shows them to whoever maintains the SOPs.

The swim-lane part of each table row is a slice ("band") of one flowchart drawing: every
row holds an inline SVG whose viewBox is that row's stretch of the drawing, so symbols and
arrows stay aligned with the text of their row, and a page break between two rows cuts the
drawing exactly at the row border. Row heights are estimated from the text; should a browser
need a taller row, the band stretches with it (lines stay connected).

The page is ``templates/sheet.html`` (its style ``templates/sheet.css``); this module works
out what the template cannot: the column widths, the row heights and each row's band.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date

from markupsafe import Markup

from sop_runtime.compiler.geometry import Params, Rows
from sop_runtime.compiler.layout import Layout, layout
from sop_runtime.compiler.render.kop import Kop
from sop_runtime.compiler.render.svg import (
    FONT_STACK,
    SVG_CSS,
    EdgeView,
    LabelView,
    SymbolView,
    edge_view,
    label_view,
    svg_defs,
    symbol_view,
)
from sop_runtime.compiler.textfit import wrap
from sop_runtime.compiler.workflow import EdgeKind, Node, Transition, Workflow
from sop_runtime.definition.models import Item, StepKind
from sop_runtime.i18n import tr
from sop_runtime.templating import template
from sop_runtime.wording import day_text

TEMPLATES = "compiler/render/templates"
PAGE_W = 1040.0  # px of content on A4 landscape with 10 mm margins (277 mm at 96 dpi)
# the kegiatan gets the most: a long step name stays within about five lines
_TEXT_COLS = {"no": 28.0, "kegiatan": 190.0, "kelengkapan": 106.0, "waktu": 66.0,
              "output": 110.0, "keterangan": 140.0}
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


@dataclass(frozen=True, slots=True)
class _Row:
    """One kegiatan's row of the procedure table, its numbers worked out."""

    node: Node
    height: str
    band: _Band
    inputs: list[str]
    outputs: list[str]
    waktu: str
    waktu_muted: bool
    notes: list[str]


def render_html(wf: Workflow, kop: Kop | None = None,
                titles: Mapping[str, str] | None = None) -> str:
    """The printable SOP sheet of ``wf``, headed by the court's ``kop`` surat (by default
    the Mahkamah Agung and the SOP's satuan kerja, without a logo). ``titles`` names the
    library's SOPs (id -> nama), so the related SOPs (keterkaitan) read by their names."""
    sheet, lay = _fit(wf)
    row_of = {n.id: i for i, n in enumerate(wf.nodes)}
    notes = [_notes(wf, n, row_of, titles or {}) for n in wf.nodes]
    rows = Rows.stack([_row_height(n, ns, sheet)
                       for n, ns in zip(wf.nodes, notes, strict=True)])
    prefix = f"sop-{wf.sop_id}"
    widths = [sheet.cols["no"], sheet.cols["kegiatan"], *lay.col_width,
              *(sheet.cols[k] for k in ("kelengkapan", "waktu", "output", "keterangan"))]
    per_row = _routes_per_row(lay, rows)
    table = []
    for i, node in enumerate(wf.nodes):
        waktu = _waktu(node)
        table.append(_Row(node=node, height=_px(rows.heights[i]),
                          band=_band(lay, rows, i, per_row[i], prefix),
                          inputs=_items(node.inputs), outputs=_items(node.outputs),
                          waktu=waktu, waktu_muted=node.limit is None and bool(waktu),
                          notes=notes[i]))
    return template(f"{TEMPLATES}/sheet.html").render(
        wf=wf, kop=kop or default_kop(wf), rows=table,
        related=[(titles or {}).get(ref, ref) for ref in wf.document.identitas.keterkaitan],
        widths=[_px(w) for w in widths],
        total=_px(sum(widths)), date=_date, defs=svg_defs(prefix), font_stack=Markup(FONT_STACK),
        svg_css=Markup(SVG_CSS))


# --------------------------------------------------------------------------- identity


def default_kop(wf: Workflow) -> Kop:
    """The kop surat of a sheet drawn without the court file: the Mahkamah Agung and the
    SOP's satuan kerja."""
    return Kop(above=(tr("Mahkamah Agung Republik Indonesia",
                         "Supreme Court of the Republic of Indonesia"),),
               court=wf.document.identitas.satuan_kerja)

def _date(d: date | None) -> str:
    return "-" if d is None else day_text(d)



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


def _notes(wf: Workflow, node: Node, row: dict[str, int],
           titles: Mapping[str, str]) -> list[str]:
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
        if not (split and t.kind is EdgeKind.NEXT):
            notes.extend(_transition_notes(node, t, row, here))
    if node.connector is not None and node.connector.arah == "masuk":
        notes.append(tr("Lanjutan dari penghubung {l}", "Continued from connector {l}",
                        l=node.connector.label))
    if node.kind is StepKind.SUB_SOP and node.sub_sop:
        notes.append(tr("Menjalankan SOP {s}", "Runs SOP {s}",
                        s=titles.get(node.sub_sop, node.sub_sop)))
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


def _transition_notes(node: Node, t: Transition, row: dict[str, int], here: int) -> list[str]:
    """Where a transition leads, when the drawing alone does not say it: a branch, a timer
    (with its note), a connector, or a next step that is not the row below."""
    if t.kind is EdgeKind.BRANCH:
        return [tr("{l}: ke langkah {n}", "{l}: to step {n}", l=t.label or "", n=t.target)]
    if t.kind is EdgeKind.TIMER and node.timer is not None:
        said = [tr("Jika lewat {t}: ke langkah {n}", "If not done within {t}: to step {n}",
                   t=node.timer.limit.describe(), n=t.target)]
        return [*said, node.timer.note] if node.timer.note else said
    if t.kind is EdgeKind.CONNECTOR:
        return [tr("Bersambung ke penghubung {l} (langkah {n})",
                   "Continues at connector {l} (step {n})", l=t.label or "", n=t.target)]
    if row.get(t.target) != here + 1:
        return [tr("Lanjut ke langkah {n}", "Next: step {n}", n=t.target)]
    return []


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


@dataclass(frozen=True, slots=True)
class _Band:
    """A row's stretch of the flowchart (drawn by the ``band`` macro of ``_shapes.svg``)."""

    top: str
    bottom: str
    w: str
    h: str
    borders: list[str]
    edges: list[EdgeView]
    symbol: SymbolView
    labels: list[LabelView]


def _band(lay: Layout, rows: Rows, i: int, routes: list[int], prefix: str) -> _Band:
    top, h = rows.tops[i], rows.heights[i]
    return _Band(top=_px(top), bottom=_px(top + h), w=_px(lay.width), h=_px(h),
                 borders=[_px(x) for x in lay.col_left[1:]],
                 edges=[edge_view(lay.routes[k], rows, prefix) for k in routes],
                 symbol=symbol_view(lay.boxes[i], rows, text=False),
                 labels=[label_view(r.label, rows, r.transition.kind)
                         for k in routes if (r := lay.routes[k]).label and r.label.y.row == i])
