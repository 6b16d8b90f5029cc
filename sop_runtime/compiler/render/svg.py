"""The official swim-lane flowchart as a standalone SVG (Permenpan-RB 35/2012 symbols).

Drawn from :mod:`sop_runtime.compiler.layout`: a title line, a header row (No, Kegiatan, one
cell per pelaksana), then one row per kegiatan with the step number, the wrapped kegiatan
text and the step's symbol in its pelaksana's lane. Only the five official symbols are
used: capsule (``rect`` with ``rx``), process (``rect``), decision and off-page connector
(``polygon``) and the arrow (``polyline`` ending in a ``marker``). Every symbol carries
``class="sym sym-<symbol>"`` and ``data-step`` so tests and web pages can find it; its full
kegiatan is in a ``<title>`` for hover.

The drawing is ``templates/flowchart.svg``; its pieces are the macros of
``templates/_shapes.svg``, shared with the HTML sheet's bands. This module places them:
:func:`symbol_view`, :func:`edge_view` and :func:`label_view` turn the layout into the
coordinates and texts the macros draw (escaping is the templates' job).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from markupsafe import Markup

from sop_runtime.compiler.geometry import Box, Params, Rows
from sop_runtime.compiler.label_placement import LABEL_LINE, Label
from sop_runtime.compiler.layout import Layout, Route, layout
from sop_runtime.compiler.textfit import wrap
from sop_runtime.compiler.workflow import EdgeKind, Workflow
from sop_runtime.definition.models import Symbol
from sop_runtime.i18n import tr
from sop_runtime.templating import template

TEMPLATES = "compiler/render/templates"

FONT_STACK = "Arial, 'Liberation Sans', Helvetica, 'DejaVu Sans', sans-serif"

SVG_CSS = """
.sop-flowchart .sym { fill: #fff; stroke: #111; stroke-width: 1.3; }
.sop-flowchart .sym.jenis-otomatis { fill: #eef3fb; }
.sop-flowchart .sym.jenis-sub_sop { fill: #f6f6f6; stroke-width: 2.2; }
.sop-flowchart .sym-text { font-size: 9px; fill: #111; text-anchor: middle; }
.sop-flowchart .sym-text.connector { font-size: 11px; font-weight: bold; }
.sop-flowchart .edge { fill: none; stroke: #111; stroke-width: 1.2; stroke-linejoin: round; }
.sop-flowchart .edge-lewat_waktu { stroke: #8a2a0a; stroke-dasharray: 5 3; }
.sop-flowchart .edge-penghubung { stroke: #777; stroke-dasharray: 1.5 3; }
.sop-flowchart .label { font-size: 9px; fill: #111; paint-order: stroke; stroke: #fff;
  stroke-width: 3px; stroke-linejoin: round; }
.sop-flowchart .label-lewat_waktu { fill: #8a2a0a; font-style: italic; }
.sop-flowchart .grid { stroke: #444; stroke-width: 0.8; fill: none; }
.sop-flowchart .grid-lane { stroke: #999; stroke-width: 0.6; }
.sop-flowchart .head { fill: #eceff3; stroke: #444; stroke-width: 0.8; }
.sop-flowchart .head-text { font-size: 10px; font-weight: bold; fill: #111; text-anchor: middle; }
.sop-flowchart .cell-text { font-size: 10px; fill: #111; }
.sop-flowchart .no-text { font-size: 10px; fill: #111; text-anchor: middle; }
.sop-flowchart .title-text { font-size: 13px; font-weight: bold; fill: #111; }
.sop-flowchart .subtitle-text { font-size: 10px; fill: #333; }
"""

_NO_W = 34.0
_KEGIATAN_W = 230.0
_TITLE_H = 42.0
_HEAD_H = 40.0
_CELL_FONT = 10.0
_CELL_LINE = 13.0


def _n(v: float) -> str:
    """A coordinate, short."""
    return f"{v:.1f}".rstrip("0").rstrip(".")


_MARKER_COLOUR = {EdgeKind.NEXT: "#111", EdgeKind.TIMER: "#8a2a0a", EdgeKind.CONNECTOR: "#777"}


def marker_id(prefix: str, kind: EdgeKind) -> str:
    colour = kind if kind in _MARKER_COLOUR else EdgeKind.NEXT
    return f"{prefix}-panah-{colour.value}"


def _markers(prefix: str) -> list[tuple[str, str]]:
    """Arrowhead markers: black for the flow, brown for timers, grey for connector jumps."""
    return [(marker_id(prefix, kind), colour) for kind, colour in _MARKER_COLOUR.items()]


def _shapes() -> Any:
    """The macros of ``templates/_shapes.svg``."""
    return template(f"{TEMPLATES}/_shapes.svg").module


def svg_defs(prefix: str) -> Markup:
    """The ``<defs>`` with the arrowhead markers of a drawing whose ids start ``prefix``."""
    return Markup(_shapes().defs(_markers(prefix)))


TextLine = tuple[str, str, str, str]  # class, x, y, text


def _text_lines(lines: list[str], cx: float, cy: float, line_h: float,
                cls: str) -> list[TextLine]:
    top = cy - (len(lines) - 1) * line_h / 2 + line_h * 0.35
    return [(cls, _n(cx), _n(top + i * line_h), s) for i, s in enumerate(lines)]


@dataclass(frozen=True, slots=True)
class SymbolView:
    """One step's symbol placed: a ``rect`` (``rx`` for the capsule) or a ``polygon``."""

    step: str
    cls: str
    title: str
    texts: list[TextLine]
    x: str = ""
    y: str = ""
    w: str = ""
    h: str = ""
    rx: str = ""
    points: str = ""


@dataclass(frozen=True, slots=True)
class EdgeView:
    kind: str
    source: str
    target: str
    label: str | None
    points: str
    marker: str


@dataclass(frozen=True, slots=True)
class LabelView:
    kind: str
    anchor: str
    title: str | None  # the full text, when the lines had to shorten it
    lines: list[tuple[str, str, str]]  # x, y, text


def symbol_view(box: Box, rows: Rows, *, text: bool = True) -> SymbolView:
    """One step's symbol (with its hover title and, if ``text``, its wrapped kegiatan)."""
    node = box.node
    cx, cy, w, h = box.cx, rows.y_centre(box.row), box.w, box.h
    cls = f"sym sym-{node.symbol.value} jenis-{node.kind.value}"
    x0, y0 = cx - w / 2, cy - h / 2
    texts: list[TextLine] = []
    if node.symbol is Symbol.SEGILIMA:
        mark = node.connector.label if node.connector else node.id
        texts = _text_lines(wrap(mark, w - 6, 11, max_lines=1, bold=True), cx, cy - h / 8, 12,
                            "sym-text connector")
    elif text:
        texts = _text_lines(_symbol_lines(box), cx, cy, 10.5, "sym-text")
    if node.symbol in (Symbol.KAPSUL, Symbol.KOTAK):
        return SymbolView(node.id, cls, _hover(box), texts, x=_n(x0), y=_n(y0), w=_n(w),
                          h=_n(h), rx=_n(h / 2) if node.symbol is Symbol.KAPSUL else "")
    if node.symbol is Symbol.BELAH_KETUPAT:
        pts = [(cx, y0), (cx + w / 2, cy), (cx, y0 + h), (cx - w / 2, cy)]
    else:
        pts = [(x0, y0), (x0 + w, y0), (x0 + w, cy + h / 6), (cx, y0 + h), (x0, cy + h / 6)]
    return SymbolView(node.id, cls, _hover(box), texts, points=_points(pts))


def _hover(box: Box) -> str:
    node = box.node
    return f"{node.no}. {node.kegiatan}"  # a sub-SOP's kegiatan names the SOP it runs


def _symbol_lines(box: Box) -> list[str]:
    node, w, h = box.node, box.w, box.h
    if node.symbol is Symbol.BELAH_KETUPAT:
        return wrap(node.kegiatan, w * 0.58, 9, max_lines=2)
    if node.symbol is Symbol.KAPSUL:
        return wrap(node.kegiatan, w - h * 0.55, 9, max_lines=max(1, int((h - 8) // 10.5)))
    return wrap(node.kegiatan, w - 8, 9, max_lines=max(1, int((h - 6) // 10.5)))


def _points(pts: list[tuple[float, float]]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in pts)


def edge_view(route: Route, rows: Rows, prefix: str) -> EdgeView:
    """One transition as an orthogonal polyline with an arrowhead at its target."""
    kind = route.transition.kind
    return EdgeView(kind=kind.value, source=route.source.id, target=route.target,
                    label=route.transition.label,
                    points=_points([(x, rows.y(y)) for x, y in route.points]),
                    marker=marker_id(prefix, kind))


def label_view(label: Label, rows: Rows, kind: EdgeKind) -> LabelView:
    """A branch or timer label; when it had to be shortened, the full text is its title."""
    y = rows.y(label.y)
    cut = " ".join(label.lines) != label.text
    return LabelView(kind=kind.value, anchor=label.anchor, title=label.text if cut else None,
                     lines=[(_n(label.x), _n(y + i * LABEL_LINE), line)
                            for i, line in enumerate(label.lines)])


def _row_heights(wf: Workflow, params: Params) -> list[float]:
    heights = []
    for node in wf.nodes:
        lines = len(wrap(node.kegiatan, _KEGIATAN_W - 12, _CELL_FONT))
        heights.append(max(params.row_min, lines * _CELL_LINE + 14))
    return heights


def render_svg(wf: Workflow, *, params: Params | None = None) -> str:
    """The swim-lane flowchart of ``wf`` as a standalone SVG document."""
    p = params or Params()
    lay = layout(wf, p)
    left = _NO_W + _KEGIATAN_W
    top = _TITLE_H + _HEAD_H
    rows = Rows.stack(_row_heights(wf, p), top)
    width = left + lay.width + 1
    prefix = f"sop-{wf.sop_id}"
    return template(f"{TEMPLATES}/flowchart.svg").render(
        wf=wf, width=_n(width), height=_n(rows.bottom + 1), font_stack=Markup(FONT_STACK),
        svg_css=Markup(SVG_CSS), markers=_markers(prefix), subtitle=_subtitle(wf),
        left=_n(left), top=_n(top), bottom=_n(rows.bottom), width_inner=_n(left + lay.width),
        heads=_heads(wf, lay, left), rows=_grid_rows(wf, rows),
        verticals=_verticals(wf, lay, left),
        edges=[edge_view(r, rows, prefix) for r in lay.routes],
        symbols=[symbol_view(b, rows) for b in lay.boxes],
        labels=[label_view(r.label, rows, r.transition.kind) for r in lay.routes if r.label])


def _subtitle(wf: Workflow) -> str:
    ident = wf.document.identitas
    return tr("Nomor SOP {n} · {s} · versi {v}", "SOP number {n} · {s} · version {v}",
              n=ident.nomor, s=ident.satuan_kerja, v=wf.short_version)


def _heads(wf: Workflow, lay: Layout,
           left: float) -> list[tuple[str, str, str, str, list[TextLine]]]:
    """The header cells (No, Kegiatan, one per pelaksana): x, y, width, height, text."""
    cells = [(0.0, _NO_W, tr("No", "No")), (_NO_W, _KEGIATAN_W, tr("Kegiatan", "Activity"))]
    for i, role in enumerate(wf.roles):
        cells.append((left + lay.col_left[i], lay.col_width[i], role.nama))
    out = []
    for x, w, text in cells:
        lines = wrap(text, w - 8, 10, max_lines=3, bold=True)
        line_h = 11.5 if len(lines) < 3 else 10.5
        out.append((_n(x), _n(_TITLE_H), _n(w), _n(_HEAD_H),
                    _text_lines(lines, x + w / 2, _TITLE_H + _HEAD_H / 2, line_h, "head-text")))
    return out


@dataclass(frozen=True, slots=True)
class _GridRow:
    texts: list[TextLine]  # the step number, then the wrapped kegiatan
    bottom: str


def _grid_rows(wf: Workflow, rows: Rows) -> list[_GridRow]:
    out = []
    for i, node in enumerate(wf.nodes):
        y0, h = rows.tops[i], rows.heights[i]
        cy = y0 + h / 2
        lines = wrap(node.kegiatan, _KEGIATAN_W - 12, _CELL_FONT)
        first = cy - (len(lines) - 1) * _CELL_LINE / 2 + 3.5
        texts = [("no-text", _n(_NO_W / 2), _n(cy + 3.5), str(node.no))]
        texts += [("cell-text", _n(_NO_W + 6), _n(first + k * _CELL_LINE), s)
                  for k, s in enumerate(lines)]
        out.append(_GridRow(texts, _n(y0 + h)))
    return out


def _verticals(wf: Workflow, lay: Layout, left: float) -> list[tuple[str, str]]:
    """The table's vertical lines (class, x): its frame, then the lane borders."""
    out = [("grid", _n(x)) for x in (0.0, _NO_W, left, left + lay.width)]
    out += [("grid grid-lane", _n(left + lay.col_left[i])) for i in range(1, len(wf.roles))]
    return out
