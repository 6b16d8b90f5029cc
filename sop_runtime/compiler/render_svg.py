"""The official swim-lane flowchart as a standalone SVG (Permenpan-RB 35/2012 symbols).

Drawn from :mod:`sop_runtime.compiler.layout`: a title line, a header row (No, Kegiatan, one
cell per pelaksana), then one row per kegiatan with the step number, the wrapped kegiatan
text and the step's symbol in its pelaksana's lane. Only the five official symbols are
used: capsule (``rect`` with ``rx``), process (``rect``), decision and off-page connector
(``polygon``) and the arrow (``polyline`` ending in a ``marker``). Every symbol carries
``class="sym sym-<symbol>"`` and ``data-step`` so tests and web pages can find it; its full
kegiatan is in a ``<title>`` for hover.

The drawing pieces (:func:`symbol_svg`, :func:`edge_svg`, :func:`label_svg`,
:func:`svg_defs`) are shared with the HTML sheet.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from sop_runtime.compiler.geometry import Box, Params, Rows
from sop_runtime.compiler.label_placement import LABEL_LINE, Label
from sop_runtime.compiler.layout import Layout, Route, layout
from sop_runtime.compiler.textfit import wrap
from sop_runtime.compiler.workflow import EdgeKind, Workflow
from sop_runtime.definition.models import StepKind, Symbol
from sop_runtime.i18n import tr

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


def svg_defs(prefix: str) -> str:
    """Arrowhead markers: black for the flow, brown for timers, grey for connector jumps."""
    out = []
    for kind, colour in _MARKER_COLOUR.items():
        out.append(
            f'<marker id="{marker_id(prefix, kind)}" viewBox="0 0 10 10" refX="10" refY="5" '
            f'markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{colour}"/></marker>')
    return "<defs>" + "".join(out) + "</defs>"


def _text_lines(lines: list[str], cx: float, cy: float, line_h: float, cls: str) -> str:
    top = cy - (len(lines) - 1) * line_h / 2 + line_h * 0.35
    return "".join(
        f'<text class="{cls}" x="{_n(cx)}" y="{_n(top + i * line_h)}">{escape(s)}</text>'
        for i, s in enumerate(lines))


def symbol_svg(box: Box, rows: Rows, *, text: bool = True) -> str:
    """One step's symbol (with its hover title and, if ``text``, its wrapped kegiatan)."""
    node = box.node
    cx, cy, w, h = box.cx, rows.y_centre(box.row), box.w, box.h
    cls = f"sym sym-{node.symbol.value} jenis-{node.kind.value}"
    data = f'data-step={quoteattr(node.id)}'
    x0, y0 = cx - w / 2, cy - h / 2
    if node.symbol is Symbol.KAPSUL:
        shape = (f'<rect class="{cls}" {data} x="{_n(x0)}" y="{_n(y0)}" width="{_n(w)}" '
                 f'height="{_n(h)}" rx="{_n(h / 2)}"/>')
    elif node.symbol is Symbol.KOTAK:
        shape = (f'<rect class="{cls}" {data} x="{_n(x0)}" y="{_n(y0)}" width="{_n(w)}" '
                 f'height="{_n(h)}"/>')
    elif node.symbol is Symbol.BELAH_KETUPAT:
        pts = [(cx, y0), (cx + w / 2, cy), (cx, y0 + h), (cx - w / 2, cy)]
        shape = f'<polygon class="{cls}" {data} points="{_points(pts)}"/>'
    else:
        pts = [(x0, y0), (x0 + w, y0), (x0 + w, cy + h / 6), (cx, y0 + h), (x0, cy + h / 6)]
        shape = f'<polygon class="{cls}" {data} points="{_points(pts)}"/>'
    title = f"<title>{escape(_hover(box))}</title>"
    inner = ""
    if node.symbol is Symbol.SEGILIMA:
        mark = node.connector.label if node.connector else node.id
        inner = _text_lines(wrap(mark, w - 6, 11, max_lines=1, bold=True), cx, cy - h / 8, 12,
                            "sym-text connector")
    elif text:
        inner = _text_lines(_symbol_lines(box), cx, cy, 10.5, "sym-text")
    return f'<g class="step" data-step={quoteattr(node.id)}>{title}{shape}{inner}</g>'


def _hover(box: Box) -> str:
    node = box.node
    text = f"{node.no}. {node.kegiatan}"
    if node.kind is StepKind.SUB_SOP and node.sub_sop:
        text += f" [SOP: {node.sub_sop}]"
    return text


def _symbol_lines(box: Box) -> list[str]:
    node, w, h = box.node, box.w, box.h
    if node.symbol is Symbol.BELAH_KETUPAT:
        return wrap(node.kegiatan, w * 0.58, 9, max_lines=2)
    if node.symbol is Symbol.KAPSUL:
        return wrap(node.kegiatan, w - h * 0.55, 9, max_lines=max(1, int((h - 8) // 10.5)))
    return wrap(node.kegiatan, w - 8, 9, max_lines=max(1, int((h - 6) // 10.5)))


def _points(pts: list[tuple[float, float]]) -> str:
    return " ".join(f"{_n(x)},{_n(y)}" for x, y in pts)


def edge_svg(route: Route, rows: Rows, prefix: str) -> str:
    """One transition as an orthogonal polyline with an arrowhead at its target."""
    kind = route.transition.kind
    pts = [(x, rows.y(y)) for x, y in route.points]
    label = route.transition.label
    extra = f" data-label={quoteattr(label)}" if label else ""
    return (f'<polyline class="edge edge-{kind.value}" data-from={quoteattr(route.source.id)} '
            f'data-to={quoteattr(route.target)} data-kind="{kind.value}"{extra} '
            f'points="{_points(pts)}" marker-end="url(#{marker_id(prefix, kind)})"/>')


def label_svg(label: Label, rows: Rows, kind: EdgeKind) -> str:
    """A branch or timer label; when it had to be shortened, the full text is its title."""
    y = rows.y(label.y)
    cut = " ".join(label.lines) != label.text
    title = f"<title>{escape(label.text)}</title>" if cut else ""
    return "".join(
        f'<text class="label label-{kind.value}" x="{_n(label.x)}" '
        f'y="{_n(y + i * LABEL_LINE)}" text-anchor="{label.anchor}">{title}{escape(line)}</text>'
        for i, line in enumerate(label.lines))


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
    height = rows.bottom + 1
    prefix = f"sop-{wf.sop_id}"
    ident = wf.document.identitas
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{_n(width)}" height="{_n(height)}" '
        f'viewBox="0 0 {_n(width)} {_n(height)}" font-family={quoteattr(FONT_STACK)} '
        f'class="sop-flowchart" data-sop={quoteattr(wf.sop_id)} data-version="{wf.version}">',
        f"<title>{escape(ident.nama)}</title>",
        f"<style>{SVG_CSS}</style>",
        svg_defs(prefix),
        f'<rect x="0" y="0" width="{_n(width)}" height="{_n(height)}" fill="#fff"/>',
        f'<text class="title-text" x="6" y="18">{escape(ident.nama)}</text>',
        f'<text class="subtitle-text" x="6" y="34">'
        f'{escape(_subtitle(wf))}</text>',
        _grid(wf, lay, rows, left, top),
        f'<g class="lanes" transform="translate({_n(left)},0)">',
        '<g class="edges">',
        *(edge_svg(r, rows, prefix) for r in lay.routes),
        "</g>",
        '<g class="symbols">',
        *(symbol_svg(b, rows) for b in lay.boxes),
        "</g>",
        '<g class="labels">',
        *(label_svg(r.label, rows, r.transition.kind) for r in lay.routes if r.label),
        "</g></g></svg>",
    ]
    return "\n".join(out) + "\n"


def _subtitle(wf: Workflow) -> str:
    ident = wf.document.identitas
    return tr("Nomor SOP {n} · {s} · versi {v}", "SOP number {n} · {s} · version {v}",
              n=ident.nomor, s=ident.satuan_kerja, v=wf.short_version)


def _grid(wf: Workflow, lay: Layout, rows: Rows, left: float, top: float) -> str:
    width = left + lay.width
    head_y = _TITLE_H
    out = ['<g class="table">']
    cells = [(0.0, _NO_W, tr("No", "No")), (_NO_W, _KEGIATAN_W, tr("Kegiatan", "Activity"))]
    for i, role in enumerate(wf.roles):
        cells.append((left + lay.col_left[i], lay.col_width[i], role.nama))
    for x, w, text in cells:
        out.append(f'<rect class="head" x="{_n(x)}" y="{_n(head_y)}" width="{_n(w)}" '
                   f'height="{_n(_HEAD_H)}"/>')
        lines = wrap(text, w - 8, 10, max_lines=3, bold=True)
        line_h = 11.5 if len(lines) < 3 else 10.5
        out.append(_text_lines(lines, x + w / 2, head_y + _HEAD_H / 2, line_h, "head-text"))
    for i, node in enumerate(wf.nodes):
        y0, h = rows.tops[i], rows.heights[i]
        cy = y0 + h / 2
        out.append(f'<text class="no-text" x="{_n(_NO_W / 2)}" y="{_n(cy + 3.5)}">'
                   f"{node.no}</text>")
        lines = wrap(node.kegiatan, _KEGIATAN_W - 12, _CELL_FONT)
        first = cy - (len(lines) - 1) * _CELL_LINE / 2 + 3.5
        out.extend(f'<text class="cell-text" x="{_n(_NO_W + 6)}" y="{_n(first + k * _CELL_LINE)}">'
                   f"{escape(s)}</text>" for k, s in enumerate(lines))
        out.append(f'<line class="grid" x1="0" y1="{_n(y0 + h)}" x2="{_n(width)}" '
                   f'y2="{_n(y0 + h)}"/>')
    bottom = rows.bottom
    for x in (0.0, _NO_W, left, width):
        out.append(f'<line class="grid" x1="{_n(x)}" y1="{_n(top)}" x2="{_n(x)}" '
                   f'y2="{_n(bottom)}"/>')
    for i in range(1, len(wf.roles)):
        x = left + lay.col_left[i]
        out.append(f'<line class="grid grid-lane" x1="{_n(x)}" y1="{_n(top)}" x2="{_n(x)}" '
                   f'y2="{_n(bottom)}"/>')
    out.append("</g>")
    return "".join(out)
