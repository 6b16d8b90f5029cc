"""Grid layout of the official swim-lane flowchart (Permenpan-RB 35/2012).

One lane (column) per pelaksana in the order of ``Workflow.roles``, one row per kegiatan in
table order. Every row therefore holds exactly one symbol, which keeps orthogonal routing
simple and free of overlaps:

* a row's centre line is empty except for its own symbol: side exits of that symbol and the
  ends of rework loops coming back into it run there;
* the margins above and below the symbols are empty: elbows leave a row just above its lower
  border (``y_out``) and enter a row just below its upper border (``y_in``);
* the channels between lanes and the gutters outside the outer lanes hold no symbol: long
  edges and rework loops (back edges) run there, each on its own slot, shorter loops inside
  longer ones so that they do not cross.

Vertical positions are symbolic (:class:`RowY`: a row, a fraction of its height and an
offset in px), so the same routes serve the standalone SVG (row heights fixed by the
kegiatan column) and the HTML sheet (row heights set by the table's text);
:class:`Rows` resolves them to pixels.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from itertools import pairwise
from typing import Literal

from sop_runtime.compiler.workflow import EdgeKind, Node, Transition, Workflow
from sop_runtime.definition.models import Symbol

Anchor = Literal["start", "middle", "end"]


class Side(StrEnum):
    TOP = "top"
    BOTTOM = "bottom"
    LEFT = "left"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class RowY:
    """A vertical position: ``frac`` of row ``row``'s height (0 top, 0.5 centre, 1 bottom)
    plus ``dy`` px."""

    row: int
    frac: float
    dy: float = 0.0

    def key(self) -> tuple[int, float, float]:
        return (self.row, self.frac, self.dy)


Point = tuple[float, RowY]


@dataclass(frozen=True, slots=True)
class Params:
    """Sizes in px. ``channel`` is the free space between the symbols of neighbouring lanes."""

    lane_w: float = 150.0
    channel: float = 44.0
    box_h: float = 50.0
    capsule_h: float = 42.0
    diamond_h: float = 56.0
    pentagon_w: float = 40.0
    pentagon_h: float = 36.0
    row_min: float = 86.0
    elbow: float = 7.0      # distance of the y_out / y_in lines from the row border
    slot: float = 6.0       # distance between parallel lines in a channel or gutter
    gutter_pad: float = 10.0  # distance of the first gutter line from the symbols

    @property
    def sym_w(self) -> float:
        return self.lane_w - self.channel

    def size(self, symbol: Symbol) -> tuple[float, float]:
        if symbol is Symbol.KAPSUL:
            return self.sym_w, self.capsule_h
        if symbol is Symbol.BELAH_KETUPAT:
            return self.sym_w, self.diamond_h
        if symbol is Symbol.SEGILIMA:
            return min(self.pentagon_w, self.sym_w), self.pentagon_h
        return self.sym_w, self.box_h


@dataclass(frozen=True, slots=True)
class Box:
    """Where a step's symbol sits: centred in its lane, on its row's centre line."""

    node: Node
    row: int
    col: int
    cx: float
    w: float
    h: float

    @property
    def left(self) -> float:
        return self.cx - self.w / 2

    @property
    def right(self) -> float:
        return self.cx + self.w / 2


@dataclass(frozen=True, slots=True)
class Label:
    """A branch or timer label: ``lines`` (the text wrapped, maybe shortened with '…')
    starting with a baseline at ``y``, ``LABEL_LINE`` px apart."""

    text: str
    lines: tuple[str, ...]
    x: float
    y: RowY
    anchor: Anchor


@dataclass(frozen=True, slots=True)
class Route:
    """The orthogonal polyline of one transition, from its source's port to its target's."""

    source: Node
    transition: Transition
    points: tuple[Point, ...]
    label: Label | None

    @property
    def target(self) -> str:
        return self.transition.target


@dataclass(frozen=True, slots=True)
class Layout:
    params: Params
    col_left: tuple[float, ...]
    col_width: tuple[float, ...]
    boxes: tuple[Box, ...]   # one per node, in table (row) order
    routes: tuple[Route, ...]

    @property
    def width(self) -> float:
        return sum(self.col_width)

    @property
    def rows(self) -> int:
        return len(self.boxes)


@dataclass(frozen=True, slots=True)
class Rows:
    """Row tops and heights in px; resolves :class:`RowY` positions."""

    tops: tuple[float, ...]
    heights: tuple[float, ...]

    @classmethod
    def stack(cls, heights: Sequence[float], top: float = 0.0) -> Rows:
        tops: list[float] = []
        y = top
        for h in heights:
            tops.append(y)
            y += h
        return cls(tuple(tops), tuple(heights))

    @property
    def bottom(self) -> float:
        return self.tops[-1] + self.heights[-1] if self.tops else 0.0

    def y(self, pos: RowY) -> float:
        return self.tops[pos.row] + pos.frac * self.heights[pos.row] + pos.dy

    def y_centre(self, row: int) -> float:
        return self.tops[row] + self.heights[row] / 2


# --------------------------------------------------------------------------- text metrics

_NARROW = dict.fromkeys("ijl.,:;'!|", 0.24) | dict.fromkeys("ftI/ ()[]-r", 0.32)
_WIDE = dict.fromkeys("mwMW", 0.86) | dict.fromkeys("CDGHNOQRU", 0.76)


def text_width(text: str, size: float, *, bold: bool = False) -> float:
    """Estimated width in px of ``text`` in Arial/Liberation Sans (a little generous)."""
    units = 0.0
    for ch in text:
        w = _NARROW.get(ch) or _WIDE.get(ch)
        if w is None:
            w = 0.68 if ch.isupper() else 0.5 if ch in "ckvxyzs" else 0.56
        units += w
    return units * size * (1.1 if bold else 1.03)


def wrap(text: str, width: float, size: float, *, max_lines: int | None = None,
         bold: bool = False) -> list[str]:
    """Greedy word wrap to ``width`` px; past ``max_lines`` the last line ends in '…'."""
    words = text.split()
    lines: list[str] = []
    line = ""
    for word in words:
        cand = f"{line} {word}" if line else word
        if text_width(cand, size, bold=bold) <= width or not line:
            line = cand
        else:
            lines.append(line)
            line = word
        while text_width(line, size, bold=bold) > width and len(line) > 1:
            cut = _fit(line, width, size, bold)
            lines.append(line[:cut])
            line = line[cut:]
    if line:
        lines.append(line)
    if max_lines is not None and len(lines) > max_lines:
        lines = lines[:max_lines]
        last = lines[-1]
        while last and text_width(last + "…", size, bold=bold) > width:
            last = last[:-1]
        lines[-1] = last.rstrip(" ,;:-") + "…"
    return lines


def _fit(text: str, width: float, size: float, bold: bool) -> int:
    cut = len(text)
    while cut > 1 and text_width(text[:cut], size, bold=bold) > width:
        cut -= 1
    return cut


# --------------------------------------------------------------------------- placement


def columns(wf: Workflow) -> list[int]:
    """The lane of every node; a connector without a pelaksana takes a neighbour's lane."""
    lane = {r.id: i for i, r in enumerate(wf.roles)}
    nodes = wf.nodes
    cols: list[int | None] = [lane.get(n.role) if n.role else None for n in nodes]
    row = {n.id: i for i, n in enumerate(nodes)}
    preds: dict[str, list[int]] = {}
    for i, n in enumerate(nodes):
        for t in n.transitions:
            preds.setdefault(t.target, []).append(i)
    for i, n in enumerate(nodes):
        if cols[i] is not None:
            continue
        outgoing = n.connector is not None and n.connector.arah == "keluar"
        if outgoing:
            near = [p for p in preds.get(n.id, []) if cols[p] is not None]
        else:
            near = [row[t.target] for t in n.transitions if t.target in row
                    and cols[row[t.target]] is not None]
        near += [j for j in (i - 1, i + 1) if 0 <= j < len(nodes) and cols[j] is not None]
        cols[i] = cols[near[0]] if near else 0
    return [c if c is not None else 0 for c in cols]


class _Occupancy:
    """Which lanes hold a symbol in which rows, answering 'is this stretch free' in O(1)."""

    def __init__(self, cols: list[int], lanes: int) -> None:
        self.prefix = [[0] * (len(cols) + 1) for _ in range(lanes)]
        for c in range(lanes):
            acc = self.prefix[c]
            for r, col in enumerate(cols):
                acc[r + 1] = acc[r] + (col == c)

    def clear(self, col: int, first: int, last: int) -> bool:
        if last < first:
            return True
        return self.prefix[col][last + 1] - self.prefix[col][first] == 0


@dataclass(eq=False)
class _Lane:
    """A vertical run in a channel (0 = left gutter, n = right gutter, else between lanes)."""

    channel: int
    lo: tuple[int, float, float]
    hi: tuple[int, float, float]
    joins: tuple[str, tuple[int, float, float]]  # target step and where the run ends
    toward_left: bool  # the run is reached leftwards from the source (so the left gutter)
    slot: int = 0
    x: float = 0.0


@dataclass(frozen=True, slots=True)
class _ColX:
    col: int
    dx: float = 0.0


_X = _ColX | _Lane


@dataclass
class _Draft:
    node: Node
    transition: Transition
    points: list[tuple[_X, RowY]]
    side: Side
    height: float  # of the source symbol
    lanes: list[_Lane] = field(default_factory=list)
    shared: bool = False  # another transition leaves by the same side (a fan-out)


def layout(wf: Workflow, params: Params | None = None) -> Layout:
    """Place every symbol and route every transition."""
    p = params or Params()
    nodes = wf.nodes
    lanes_n = max(1, len(wf.roles))
    cols = columns(wf)
    row = {n.id: i for i, n in enumerate(nodes)}
    sizes = [p.size(n.symbol) for n in nodes]
    occ = _Occupancy(cols, lanes_n)
    exits = [_assign_ports(n, i, row, cols) for i, n in enumerate(nodes)]
    exit_sides = [set(e.values()) for e in exits]

    drafts: list[_Draft] = []
    for i, n in enumerate(nodes):
        for k, t in enumerate(n.transitions):
            if t.target not in row:
                continue
            drafts.append(_route(n, t, exits[i][k], i, row[t.target], cols, sizes,
                                 exit_sides, occ, lanes_n, p))
    all_lanes = [ln for d in drafts for ln in d.lanes]
    slots = _assign_slots(all_lanes, lanes_n)
    capacity = _channel_capacity(p)
    crowded = [ln for ln in all_lanes if 0 < ln.channel < lanes_n and ln.slot >= capacity]
    if crowded:  # a channel is full: the runs that do not fit go round by a gutter
        for ln in crowded:
            ln.channel = 0 if ln.toward_left else lanes_n
        slots = _assign_slots(all_lanes, lanes_n)
    gl = _gutter_extra(slots.get(0, 0), p)
    gr = _gutter_extra(slots.get(lanes_n, 0), p)
    widths = [p.lane_w] * lanes_n
    widths[0] += gl
    widths[-1] += gr
    lefts: list[float] = []
    acc = 0.0
    for w in widths:
        lefts.append(acc)
        acc += w
    centres = [lefts[c] + p.lane_w / 2 + (gl if c == 0 else 0.0) for c in range(lanes_n)]
    for ln in all_lanes:
        ln.x = _lane_x(ln, lefts, centres, lanes_n, p)

    def x_of(x: _X) -> float:
        return x.x if isinstance(x, _Lane) else centres[x.col] + x.dx

    boxes = tuple(Box(n, i, cols[i], centres[cols[i]], *sizes[i]) for i, n in enumerate(nodes))
    paths = [_simplify(tuple((x_of(x), y) for x, y in d.points)) for d in drafts]
    per_side = Counter((d.node.id, d.side) for d in drafts)
    for d in drafts:
        d.shared = per_side[(d.node.id, d.side)] > 1
    labels = _Labels(boxes, paths, p, acc).place(drafts)
    routes = tuple(Route(d.node, d.transition, pts, label)
                   for d, pts, label in zip(drafts, paths, labels, strict=True))
    return Layout(p, tuple(lefts), tuple(widths), boxes, routes)


def _assign_ports(node: Node, i: int, row: dict[str, int], cols: list[int]) -> dict[int, Side]:
    """Which side each outgoing transition leaves by: the nearest forward step below, the
    others to the side facing their target (rework loops to the right gutter)."""
    outs = [(k, t) for k, t in enumerate(node.transitions) if t.target in row]
    forward = [(row[t.target], t.kind is EdgeKind.TIMER, k) for k, t in outs if row[t.target] > i]
    sides: dict[int, Side] = {}
    used: set[Side] = set()
    if forward:
        primary = min(forward, key=lambda f: (f[1], f[0]))[2]
        sides[primary] = Side.BOTTOM
        used.add(Side.BOTTOM)
    for k, t in outs:
        if k in sides:
            continue
        j = row[t.target]
        if j > i and cols[j] < cols[i]:
            prefs = [Side.LEFT, Side.RIGHT, Side.BOTTOM]
        else:
            prefs = [Side.RIGHT, Side.LEFT, Side.BOTTOM]
        side = next((s for s in prefs if s not in used), prefs[0])
        sides[k] = side
        used.add(side)
    return sides


def _route(node: Node, t: Transition, side: Side, ra: int, rb: int, cols: list[int],
           sizes: list[tuple[float, float]], exit_sides: list[set[Side]], occ: _Occupancy,
           lanes_n: int, p: Params) -> _Draft:
    ca, cb = cols[ra], cols[rb]
    wa, ha = sizes[ra]
    wb, hb = sizes[rb]
    centre_a, centre_b = RowY(ra, 0.5), RowY(rb, 0.5)
    y_out = RowY(ra, 1.0, -p.elbow)
    y_in = RowY(rb, 0.0, p.elbow)
    xa, xb = _ColX(ca), _ColX(cb)
    if side is Side.BOTTOM:
        start: tuple[_X, RowY] = (xa, RowY(ra, 0.5, ha / 2))
    else:
        start = (_ColX(ca, wa / 2 if side is Side.RIGHT else -wa / 2), centre_a)
    top_b: tuple[_X, RowY] = (xb, RowY(rb, 0.5, -hb / 2))
    pts: list[tuple[_X, RowY]] = [start]
    lanes: list[_Lane] = []

    def lane(channel: int, a: RowY, b: RowY) -> _Lane:
        lo, hi = sorted((a.key(), b.key()))
        left = side is Side.LEFT or (side is Side.BOTTOM and 2 * channel <= lanes_n)
        ln = _Lane(channel, lo, hi, (t.target, b.key()), left)
        lanes.append(ln)
        return ln

    if rb > ra:
        between_free = occ.clear(cb, ra + 1, rb - 1)
        if side is Side.BOTTOM:
            if ca == cb and between_free:
                pts.append(top_b)
            elif between_free:
                pts += [(xa, y_out), (xb, y_out), top_b]
            else:
                ch = cb if cb > ca else cb + 1
                ln = lane(ch, y_out, y_in)
                pts += [(xa, y_out), (ln, y_out), (ln, y_in), (xb, y_in), top_b]
        else:
            toward = cb > ca if side is Side.RIGHT else cb < ca
            if toward and between_free:
                pts += [(xb, centre_a), top_b]
            else:
                ch = ca + 1 if side is Side.RIGHT else ca
                ln = lane(ch, centre_a, y_in)
                pts += [(ln, centre_a), (ln, y_in), (xb, y_in), top_b]
    else:
        gutter = 0 if side is Side.LEFT else lanes_n
        entry = Side.LEFT if gutter == 0 else Side.RIGHT
        side_free = entry not in exit_sides[rb]
        head_y = y_out if side is Side.BOTTOM else centre_a
        tail_y = centre_b if side_free else y_in
        ln = lane(gutter, head_y, tail_y)
        if side is Side.BOTTOM:
            pts.append((xa, y_out))
        pts += [(ln, head_y), (ln, tail_y)]
        if side_free:
            pts.append((_ColX(cb, wb / 2 if entry is Side.RIGHT else -wb / 2), centre_b))
        else:
            pts += [(xb, y_in), top_b]
    return _Draft(node, t, pts, side, ha, lanes)


def _label_text(node: Node, t: Transition) -> str | None:
    if t.kind is EdgeKind.BRANCH:
        return t.label
    if t.kind is EdgeKind.TIMER:
        if node.timer is not None and node.timer.target == t.target:
            return node.timer.limit.describe()
        return t.label
    return None


LABEL_SIZE = 9.0
LABEL_LINE = 10.0
_Rect = tuple[float, float, float, float]


class _Labels:
    """Puts each branch or timer label next to its arrow, near the source, at the first of a
    few candidate spots where it fits inside its row and covers no line, symbol or other
    label, preferring spots where the whole text fits. Judged on rows of the minimum
    height: rows only grow, and a label keeps its distance from its row's centre."""

    def __init__(self, boxes: tuple[Box, ...], paths: list[tuple[Point, ...]], p: Params,
                 width: float) -> None:
        self.rows = Rows.stack([p.row_min] * len(boxes))
        self.boxes, self.paths, self.p, self.width = boxes, paths, p, width
        self.taken: dict[int, list[_Rect]] = {}
        self.segments: dict[int, list[tuple[int, int, _Rect]]] = {}  # route, index, box
        self.own = -1  # the route whose label is being placed
        self.over_lines = False  # whether that label may lie over lines
        last = len(boxes) - 1
        for k, pts in enumerate(paths):
            for j, ((xa, ya), (xb, yb)) in enumerate(pairwise(pts)):
                y1, y2 = sorted((self.rows.y(ya), self.rows.y(yb)))
                seg = (min(xa, xb), y1, max(xa, xb), y2)
                for r in range(max(0, int(y1 // p.row_min)), min(last, int(y2 // p.row_min)) + 1):
                    self.segments.setdefault(r, []).append((k, j, seg))

    def place(self, drafts: list[_Draft]) -> list[Label | None]:
        out: list[Label | None] = []
        for k, d in enumerate(drafts):
            text = _label_text(d.node, d.transition)
            if not text:
                out.append(None)
                continue
            self.own = k
            label = self._best(text, d) or self._best(text, d, over_lines=True)
            if label is None:
                start = self.paths[k][0]
                label = Label(text, (text,), start[0] + 4, RowY(start[1].row, 0.5, -4), "start")
            self.taken.setdefault(label.y.row, []).append(self._rect(label))
            out.append(label)
        return out

    def _best(self, text: str, d: _Draft, *, over_lines: bool = False) -> Label | None:
        """The first free spot, one showing the whole text if any. Where every spot is
        crossed by some line (narrow lanes, many long arrows), a label may lie over lines:
        its white halo keeps it legible; symbols and other labels are still avoided."""
        self.over_lines = over_lines
        pts = self.paths[self.own]
        spots = [c for c in self._candidates(text, d.side, pts, d.height, d.shared) if c]
        free = [c for c in spots if self._free(c)]
        whole = [c for c in free if " ".join(c.lines) == text]
        self.over_lines = False
        best = whole or free
        return best[0] if best else None

    def _candidates(self, text: str, side: Side, pts: tuple[Point, ...], h: float,
                    shared: bool) -> list[Label | None]:
        """Spots next to the first stretch of the arrow, best first: at its start, past each
        line that crosses it, or past its first corner. Arrows fanning out of one side share
        their first stretch, so their labels go where each turns away."""
        (x0, y0), (x1, _) = pts[0], pts[1]
        row = y0.row
        wide = 2 * self.p.lane_w
        if side is Side.BOTTOM:  # beside the stub under the symbol, else by its lower corners
            below, beside = h / 2 + LABEL_SIZE, h / 2 - 2
            half = self.boxes[row].w / 2 + 4
            goes_right = len(pts) > 2 and pts[2][0] > x1 + 0.5
            sides: list[tuple[float, Anchor]] = [(-1, "end"), (1, "start")]
            if not goes_right:
                sides.reverse()
            return [self._spot(text, x0 + sign * off, anchor, row, dy, 1, wide)
                    for dy, off in ((below, 4.0), (beside, half)) for sign, anchor in sides]
        sign = 1 if side is Side.RIGHT else -1
        out: Anchor = "start" if side is Side.RIGHT else "end"
        inner: Anchor = "end" if out == "start" else "start"
        under, above = LABEL_SIZE + 3, -4.0  # first baseline under / last one above the line
        corner, before = x1 + 4 * sign, x1 - 4 * sign
        if shared:  # beside the corner, stacked under and above the shared stretch
            return [self._spot(text, x, anchor, row, dy, 1, wide)
                    for dy in (under, under + LABEL_LINE, above, above - LABEL_LINE,
                               under + 2 * LABEL_LINE, above - 2 * LABEL_LINE)
                    for x, anchor in ((corner, out), (before, inner))]
        lo, hi = sorted((x0, x1))
        crossings = sorted({seg[0] for k, _, seg in self.segments.get(row, [])
                            if k != self.own and seg[0] == seg[2] and lo < seg[0] < hi},
                           key=lambda x: abs(x - x0))
        pref = max(90.0, 1.4 * self.p.lane_w)
        spots: list[Label | None] = [self._spot(text, corner, out, row, above, 2, pref)]
        for x in (x0 + 4 * sign, *(c + 4 * sign for c in crossings)):
            spots += [self._spot(text, x, out, row, above, 2, pref),
                      self._spot(text, x, out, row, under, 2, pref)]
        return [*spots, self._spot(text, corner, out, row, under, 2, pref),
                self._spot(text, before, inner, row, under, 2, pref)]

    def _spot(self, text: str, x: float, anchor: Anchor, row: int, dy: float, max_lines: int,
              pref: float) -> Label | None:
        """A label at ``x`` wrapped to the room free in its direction, or None if there is
        hardly any. ``dy`` (from the row's centre) is the first baseline when positive, the
        last one when negative, so that the lines grow away from the centre line."""
        up = dy < 0
        first = dy - (max_lines - 1) * LABEL_LINE if up else dy
        last = dy if up else dy + (max_lines - 1) * LABEL_LINE
        cy = self.rows.y_centre(row)
        top, bottom = cy + first - LABEL_SIZE * 0.75, cy + last + 2
        room = (self.width - 2 - x) if anchor == "start" else x - 2
        for o in self._obstacles(row):
            if o[3] < top or o[1] > bottom:
                continue
            if o[0] <= x <= o[2]:
                return None
            if anchor == "start" and o[0] > x:
                room = min(room, o[0] - x - 2)
            elif anchor == "end" and o[2] < x:
                room = min(room, x - o[2] - 2)
        if room < min(24.0, text_width(text, LABEL_SIZE)):
            return None
        lines = tuple(wrap(text, min(pref, room), LABEL_SIZE, max_lines=max_lines))
        baseline = dy - (len(lines) - 1) * LABEL_LINE if up else dy
        return Label(text, lines, x, RowY(row, 0.5, baseline), anchor)

    def _obstacles(self, row: int) -> list[_Rect]:
        """The symbol, the labels and the lines in a row, but the first stretch of the arrow
        being labelled, which its label sits beside."""
        box = self.boxes[row]
        cy = self.rows.y_centre(row)
        lines = [] if self.over_lines else [
            seg for k, j, seg in self.segments.get(row, []) if k != self.own or j > 0]
        return [(box.left, cy - box.h / 2, box.right, cy + box.h / 2),
                *self.taken.get(row, []), *lines]

    def _rect(self, label: Label) -> _Rect:
        w = max(text_width(line, LABEL_SIZE) for line in label.lines)
        x0 = label.x - (w if label.anchor == "end" else w / 2 if label.anchor == "middle" else 0)
        y = self.rows.y(label.y)
        bottom = y + (len(label.lines) - 1) * LABEL_LINE + 2
        return (x0 - 1, y - LABEL_SIZE * 0.75, x0 + w + 1, bottom)

    def _free(self, label: Label) -> bool:
        r = self._rect(label)
        row = label.y.row
        inside_row = self.rows.tops[row] < r[1] and r[3] < self.rows.tops[row] + self.p.row_min
        inside = r[0] >= 1 and r[2] <= self.width - 1 and inside_row
        return inside and not any(_overlap(r, o) for o in self._obstacles(row))


def _overlap(a: _Rect, b: _Rect) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _assign_slots(lanes: list[_Lane], lanes_n: int) -> dict[int, int]:
    """Give every vertical run a slot in its channel so that runs sharing a stretch never
    share a line, unless they flow into the same step the same way (then they merge, as
    flowcharts draw a join); shorter runs first, so short loops nest inside long ones."""
    by_channel: dict[int, list[_Lane]] = {}
    for ln in lanes:
        by_channel.setdefault(ln.channel, []).append(ln)
    used: dict[int, int] = {}
    for ch, runs in by_channel.items():
        runs.sort(key=lambda r: (r.hi[0] - r.lo[0], r.lo))
        taken: list[list[_Lane]] = []
        for r in runs:
            for s, occupants in enumerate(taken):
                if all(r.hi < o.lo or o.hi < r.lo or r.joins == o.joins for o in occupants):
                    r.slot = s
                    occupants.append(r)
                    break
            else:
                r.slot = len(taken)
                taken.append([r])
        used[ch] = len(taken)
    return used


def _gutter_extra(slots: int, p: Params) -> float:
    if slots == 0:
        return 0.0
    need = p.gutter_pad + (slots - 1) * p.slot + 8.0
    return max(0.0, need - p.channel / 2)


def _lane_x(ln: _Lane, lefts: list[float], centres: list[float], lanes_n: int,
            p: Params) -> float:
    half = p.sym_w / 2
    if ln.channel == 0:
        return centres[0] - half - p.gutter_pad - ln.slot * p.slot
    if ln.channel >= lanes_n:
        return centres[-1] + half + p.gutter_pad + ln.slot * p.slot
    # slots alternate right and left of the lane border, clear of it and of the symbols
    k = ln.slot % _channel_capacity(p)
    offset = (_first_offset(p) + (k // 2) * p.slot) * (1 if k % 2 == 0 else -1)
    return lefts[ln.channel] + offset


def _first_offset(p: Params) -> float:
    return min(9.0, p.channel / 2 - 5.0)


def _channel_capacity(p: Params) -> int:
    """How many parallel runs fit between two lanes (as many each side of the border)."""
    return 2 * (1 + max(0, int((p.channel / 2 - 4.0 - _first_offset(p)) // p.slot)))


def _simplify(pts: tuple[Point, ...]) -> tuple[Point, ...]:
    """Drop repeated points and middle points of straight runs."""
    out: list[Point] = []
    for pt in pts:
        if out and abs(out[-1][0] - pt[0]) < 1e-6 and out[-1][1] == pt[1]:
            continue
        if len(out) >= 2:
            (x1, y1), (x2, y2) = out[-2], out[-1]
            if (abs(x1 - x2) < 1e-6 and abs(x2 - pt[0]) < 1e-6) or (y1 == y2 == pt[1]):
                out[-1] = pt
                continue
        out.append(pt)
    return tuple(out)
