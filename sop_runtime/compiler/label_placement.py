"""Placement of the branch and timer labels beside the arrows of the swim-lane flowchart.

Each label goes next to its arrow, near the source, at the first of a few candidate spots
where it fits inside its row and covers no line, symbol or other label (see
:func:`place_labels`). The routes are laid out first (:mod:`sop_runtime.compiler.layout`);
only what placement needs of an arrow is asked for (:class:`Arrow`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Literal, Protocol

from sop_runtime.compiler.geometry import Box, Params, Point, Rows, RowY, Side
from sop_runtime.compiler.textfit import text_width, wrap
from sop_runtime.compiler.workflow import EdgeKind, Node, Transition

Anchor = Literal["start", "middle", "end"]

LABEL_SIZE = 9.0
LABEL_LINE = 10.0
_Rect = tuple[float, float, float, float]


@dataclass(frozen=True, slots=True)
class Label:
    """A branch or timer label: ``lines`` (the text wrapped, maybe shortened with '…')
    starting with a baseline at ``y``, ``LABEL_LINE`` px apart."""

    text: str
    lines: tuple[str, ...]
    x: float
    y: RowY
    anchor: Anchor


class Arrow(Protocol):
    """What label placement needs of a routed transition: the transition, the side of its
    source symbol it leaves by, that symbol's height and whether another transition leaves
    by the same side (a fan-out)."""

    @property
    def node(self) -> Node: ...

    @property
    def transition(self) -> Transition: ...

    @property
    def side(self) -> Side: ...

    @property
    def height(self) -> float: ...

    @property
    def shared(self) -> bool: ...


def place_labels(arrows: Sequence[Arrow], boxes: tuple[Box, ...],
                 paths: list[tuple[Point, ...]], p: Params, width: float) -> list[Label | None]:
    """The label of every arrow (None for an arrow without one), ``paths[k]`` being the
    route of ``arrows[k]`` and ``width`` the width of the drawing.

    A label that fits nowhere inside the drawing (a branch leaving a symbol in an outer lane
    towards the edge) is placed past the edge, at most :func:`spill` px; the layout then
    widens its outer lanes by what :func:`label_span` says the labels need."""
    return _Labels(boxes, paths, p, width).place(arrows)


def spill(p: Params) -> float:
    """How far past the outer lanes a label may be placed (the drawing then grows): about
    a symbol's width, so that a long label wraps rather than widening the drawing much."""
    return max(60.0, 0.8 * p.lane_w)


def label_span(label: Label) -> tuple[float, float]:
    """The horizontal extent of a label's text (estimated, a little generous)."""
    w = max(text_width(line, LABEL_SIZE) for line in label.lines)
    x0 = label.x - (w if label.anchor == "end" else w / 2 if label.anchor == "middle" else 0)
    return x0, x0 + w


def _label_text(node: Node, t: Transition) -> str | None:
    if t.kind is EdgeKind.BRANCH:
        return t.label
    if t.kind is EdgeKind.TIMER:
        if node.timer is not None and node.timer.target == t.target:
            return node.timer.limit.describe()
        return t.label
    return None


class _Labels:
    """Puts each branch or timer label next to its arrow, near the source, at the first of a
    few candidate spots where it fits inside its row and covers no line, symbol or other
    label, preferring spots where the whole text fits. Judged on rows of the minimum
    height: rows only grow, and a label keeps its distance from its row's centre."""

    def __init__(self, boxes: tuple[Box, ...], paths: list[tuple[Point, ...]], p: Params,
                 width: float) -> None:
        self.rows = Rows.stack([p.row_min] * len(boxes))
        self.boxes, self.paths, self.p, self.width = boxes, paths, p, width
        self.lo, self.hi = 0.0, width  # where a label may lie: the drawing, or past its edges
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

    def place(self, arrows: Sequence[Arrow]) -> list[Label | None]:
        out: list[Label | None] = []
        for k, d in enumerate(arrows):
            text = _label_text(d.node, d.transition)
            if not text:
                out.append(None)
                continue
            self.own = k
            label = self._choose(text, d)
            if label is None:
                start = self.paths[k][0]
                label = Label(text, (text,), start[0] + 4, RowY(start[1].row, 0.5, -4), "start")
            self.taken.setdefault(label.y.row, []).append(self._rect(label))
            out.append(label)
        return out

    def _choose(self, text: str, d: Arrow) -> Label | None:
        """The best spot: the whole text inside the drawing, else the whole text past its
        edge (the drawing grows, a label is never clipped), else shortened inside, else
        shortened past the edge, else over lines inside, else over lines past the edge."""
        tries = ((False, False, True), (True, False, True), (False, False, False),
                 (True, False, False), (False, True, False), (True, True, False))
        for past_edge, over_lines, whole in tries:
            label = self._best(text, d, over_lines=over_lines, past_edge=past_edge,
                               whole=whole)
            if label is not None:
                return label
        return None

    def _best(self, text: str, d: Arrow, *, over_lines: bool, past_edge: bool,
              whole: bool) -> Label | None:
        """The first free spot, one showing the whole text if any (only such a spot if
        ``whole``). Where every spot is crossed by some line (narrow lanes, many long
        arrows), a label may lie over lines: its white halo keeps it legible; symbols and
        other labels are still avoided."""
        self.over_lines = over_lines
        extra = spill(self.p) if past_edge else 0.0
        self.lo, self.hi = -extra, self.width + extra
        pts = self.paths[self.own]
        spots = [c for c in self._candidates(text, d.side, pts, d.height, d.shared) if c]
        free = [c for c in spots if self._free(c)]
        full = [c for c in free if " ".join(c.lines) == text]
        self.over_lines = False
        self.lo, self.hi = 0.0, self.width
        best = full if whole else full or free
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
        beyond = self._beyond(x1, sign, row)
        if beyond != x1:  # the arrow turns into a bundle of tracks: past the bundle
            spots += [self._spot(text, beyond + 4 * sign, out, row, dy, 2, pref)
                      for dy in (above, under)]
        for x in (x0 + 4 * sign, *(c + 4 * sign for c in crossings)):
            spots += [self._spot(text, x, out, row, above, 2, pref),
                      self._spot(text, x, out, row, under, 2, pref)]
        return [*spots, self._spot(text, corner, out, row, under, 2, pref),
                self._spot(text, before, inner, row, under, 2, pref)]

    def _beyond(self, x: float, sign: int, row: int) -> float:
        """The last of the vertical lines in ``row`` that follow ``x`` in direction ``sign``
        one track apart (the parallel tracks of a channel, either side of its lane border,
        or of a gutter), or ``x`` if none."""
        xs = sorted({seg[0] for k, _, seg in self.segments.get(row, [])
                     if k != self.own and seg[0] == seg[2] and (seg[0] - x) * sign > 0},
                    key=lambda v: (v - x) * sign)
        apart = max(self.p.slot, 2 * self.p.first_track) + 0.5
        for v in xs:
            if (v - x) * sign > apart:
                break
            x = v
        return x

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
        room = (self.hi - 2 - x) if anchor == "start" else x - self.lo - 2
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
        x0, x1 = label_span(label)
        y = self.rows.y(label.y)
        bottom = y + (len(label.lines) - 1) * LABEL_LINE + 2
        return (x0 - 1, y - LABEL_SIZE * 0.75, x1 + 1, bottom)

    def _free(self, label: Label) -> bool:
        r = self._rect(label)
        row = label.y.row
        inside_row = self.rows.tops[row] < r[1] and r[3] < self.rows.tops[row] + self.p.row_min
        inside = r[0] >= self.lo + 1 and r[2] <= self.hi - 1 and inside_row
        return inside and not any(_overlap(r, o) for o in self._obstacles(row))


def _overlap(a: _Rect, b: _Rect) -> bool:
    return a[0] <= b[2] and b[0] <= a[2] and a[1] <= b[3] and b[1] <= a[3]

