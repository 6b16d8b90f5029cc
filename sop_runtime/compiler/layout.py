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

    lane_w: float = 140.0
    channel: float = 36.0
    box_h: float = 44.0
    capsule_h: float = 38.0
    diamond_h: float = 52.0
    pentagon_w: float = 40.0
    pentagon_h: float = 36.0
    row_min: float = 80.0
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
    text: str
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
    labels = _Labels(boxes, paths, p).place(drafts)
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
        ln = _Lane(channel, lo, hi)
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
_Rect = tuple[float, float, float, float]


class _Labels:
    """Puts each branch or timer label next to its arrow, near the source, at the first of a
    few candidate spots that covers no line, symbol or other label (judged on rows of the
    minimum height; rows only grow, so the spots stay clear)."""

    def __init__(self, boxes: tuple[Box, ...], paths: list[tuple[Point, ...]],
                 p: Params) -> None:
        self.rows = Rows.stack([p.row_min] * len(boxes))
        self.boxes = boxes
        self.taken: dict[int, list[_Rect]] = {}
        self.segments: dict[int, list[tuple[int, _Rect]]] = {}
        last = len(boxes) - 1
        for k, pts in enumerate(paths):
            for (xa, ya), (xb, yb) in pairwise(pts):
                y1, y2 = sorted((self.rows.y(ya), self.rows.y(yb)))
                first = max(0, int(y1 // p.row_min))
                for r in range(first, min(last, int(y2 // p.row_min)) + 1):
                    self.segments.setdefault(r, []).append((k, (min(xa, xb), y1, max(xa, xb), y2)))
        self.paths = paths

    def place(self, drafts: list[_Draft]) -> list[Label | None]:
        out: list[Label | None] = []
        for k, d in enumerate(drafts):
            text = _label_text(d.node, d.transition)
            if not text:
                out.append(None)
                continue
            pts = self.paths[k]
            lo, hi = sorted((pts[0][0], pts[1][0]))
            crossings = sorted({seg[0] for j, seg in self.segments.get(pts[0][1].row, [])
                                if j != k and seg[0] == seg[2] and lo < seg[0] < hi},
                               key=lambda x: abs(x - pts[0][0]))
            candidates = _candidates(text, d.side, pts, d.height, crossings)
            label = next((c for c in candidates if self._free(c, k)), candidates[0])
            self.taken.setdefault(label.y.row, []).append(self._rect(label))
            out.append(label)
        return out

    def _rect(self, label: Label) -> _Rect:
        w = text_width(label.text, LABEL_SIZE)
        x0 = label.x - (w if label.anchor == "end" else w / 2 if label.anchor == "middle" else 0)
        y = self.rows.y(label.y)
        return (x0 - 1, y - LABEL_SIZE * 0.75, x0 + w + 1, y + 2)

    def _free(self, label: Label, own: int) -> bool:
        r = self._rect(label)
        row = label.y.row
        box = self.boxes[row]
        cy = self.rows.y_centre(row)
        shapes = [(box.left, cy - box.h / 2, box.right, cy + box.h / 2), *self.taken.get(row, [])]
        lines = [seg for k, seg in self.segments.get(row, []) if k != own]
        return not any(_overlap(r, o) for o in shapes + lines)


def _overlap(a: _Rect, b: _Rect) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]


def _candidates(text: str, side: Side, pts: tuple[Point, ...], h: float,
                crossings: list[float]) -> list[Label]:
    """Spots next to the first stretch of the arrow, best first: at its start, past each
    line that crosses it, or past its first corner."""
    (x0, y0), (x1, _) = pts[0], pts[1]
    row = y0.row
    if side is Side.BOTTOM:
        below = RowY(row, 0.5, h / 2 + LABEL_SIZE)
        left = Label(text, x0 - 4, below, "end")
        right = Label(text, x0 + 4, below, "start")
        goes_right = len(pts) > 2 and pts[2][0] > x1 + 0.5
        return [left, right] if goes_right else [right, left]
    sign = 1 if side is Side.RIGHT else -1
    anchor: Anchor = "start" if side is Side.RIGHT else "end"
    above, under = RowY(row, 0.5, -4), RowY(row, 0.5, LABEL_SIZE + 3)
    near = x0 + 4 * sign
    corner = x1 + 4 * sign
    spots = [Label(text, x, y, anchor) for x in (near, *(c + 4 * sign for c in crossings))
             for y in (above, under)]
    if abs(x1 - x0) < text_width(text, LABEL_SIZE) + 10:  # the arrow turns soon
        spots = [Label(text, corner, above, anchor), *spots]
    return [*spots, Label(text, corner, under, anchor)]


def _assign_slots(lanes: list[_Lane], lanes_n: int) -> dict[int, int]:
    """Give every vertical run a slot in its channel so that runs sharing a stretch never
    share a line; shorter runs first, so short loops nest inside long ones."""
    by_channel: dict[int, list[_Lane]] = {}
    for ln in lanes:
        by_channel.setdefault(ln.channel, []).append(ln)
    used: dict[int, int] = {}
    for ch, runs in by_channel.items():
        runs.sort(key=lambda r: (r.hi[0] - r.lo[0], r.lo))
        taken: list[list[_Lane]] = []
        for r in runs:
            for s, occupants in enumerate(taken):
                if all(r.hi < o.lo or o.hi < r.lo for o in occupants):
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
    half = p.channel / 2
    first = min(9.0, half - 5.0)
    room = 1 + max(0, int((half - 4.0 - first) // p.slot))  # slots on each side
    k = ln.slot % (2 * room)
    offset = (first + (k // 2) * p.slot) * (1 if k % 2 == 0 else -1)
    return lefts[ln.channel] + offset


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
