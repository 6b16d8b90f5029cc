"""Grid layout of the official swim-lane flowchart (Permenpan-RB 35/2012).

One lane (column) per pelaksana in the order of ``Workflow.roles``, one row per kegiatan in
table order. Every row therefore holds exactly one symbol, which keeps orthogonal routing
simple and free of overlaps:

* a row's centre line is empty except for its own symbol: side exits of that symbol and the
  ends of rework loops coming back into it run there;
* the margins above and below the symbols are empty: elbows leave a row just above its lower
  border (``y_out``) and enter a row just below its upper border (``y_in``);
* the channels between lanes and the gutters outside the outer lanes hold no symbol: long
  edges and rework loops (back edges) run there, each on its own slot (two arrows never
  share a vertical line there, even when they lead to the same step), shorter loops inside
  longer ones so that they do not cross;
* branch and timer labels that fit nowhere inside the lanes lie past the outer lane's edge,
  which then grows to hold them: no label is clipped by the drawing's edge.

Symbols are sized and vertical positions are expressed as in
:mod:`sop_runtime.compiler.geometry`; branch and timer labels are placed by
:mod:`sop_runtime.compiler.label_placement` once the routes are known.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field, replace

from sop_runtime.compiler.geometry import Box, Params, Point, RowY, Side
from sop_runtime.compiler.label_placement import Label, label_span, place_labels
from sop_runtime.compiler.workflow import EdgeKind, Node, Transition, Workflow

_LABEL_MARGIN = 3.0  # between a label's text and the drawing's edge (its white halo is 1.5)


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

    entries = _join_entries(nodes, row, cols, sizes)
    drafts: list[_Draft] = []
    for i, n in enumerate(nodes):
        for k, t in enumerate(n.transitions):
            if t.target not in row:
                continue
            drafts.append(_route(n, t, exits[i][k], i, row[t.target], cols, sizes,
                                 exit_sides, occ, lanes_n, p,
                                 entry_dx=entries.get((n.id, k), 0.0)))
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
    labels = place_labels(drafts, boxes, paths, p, acc)
    # a label placed past an outer lane's edge widens that lane, so none is ever clipped
    spans = [label_span(lb) for lb in labels if lb is not None]
    grow_left = max([0.0, *(_LABEL_MARGIN - x0 for x0, _ in spans)])
    grow_right = max([0.0, *(x1 + _LABEL_MARGIN - acc for _, x1 in spans)])
    if grow_left or grow_right:
        widths[0] += grow_left
        widths[-1] += grow_right
        lefts = [x + grow_left if c else x for c, x in enumerate(lefts)]
        boxes = tuple(replace(b, cx=b.cx + grow_left) for b in boxes)
        paths = [tuple((x + grow_left, y) for x, y in pts) for pts in paths]
        labels = [replace(lb, x=lb.x + grow_left) if lb else None for lb in labels]
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
    fork: set[Side] = set()  # sides a split's arrows leave by, fanning out from one trunk
    for k, t in outs:
        if k in sides:
            continue
        j = row[t.target]
        if j > i and cols[j] < cols[i]:
            prefs = [Side.LEFT, Side.RIGHT, Side.BOTTOM]
        else:
            prefs = [Side.RIGHT, Side.LEFT, Side.BOTTOM]
        side = next((s for s in prefs if s not in used), prefs[0])
        if (node.is_split and t.kind is EdgeKind.NEXT and j > i and cols[j] != cols[i]
                and prefs[0] in fork):
            side = prefs[0]  # the branches of a split leave side by side, not round about
        if node.is_split and t.kind is EdgeKind.NEXT:
            fork.add(side)
        sides[k] = side
        used.add(side)
    return sides


def _join_entries(nodes: tuple[Node, ...], row: dict[str, int], cols: list[int],
                  sizes: list[tuple[float, float]]) -> dict[tuple[str, int], float]:
    """Where the arrows from the steps a join waits for (``menunggu``) meet its top, as an
    offset from its centre: each its own arrowhead, side by side, so that the drawing shows
    the join receiving every branch. Sources to the left enter on the left, the nearest
    innermost, so that the arrows do not cross; those to the right mirror them."""
    out: dict[tuple[str, int], float] = {}
    for node in nodes:
        if not node.waits or node.id not in row:
            continue
        rb = row[node.id]
        incoming: list[tuple[tuple[int, int], str, int]] = []
        for source in nodes:
            ra = row[source.id]
            if ra >= rb or source.id not in node.waits:
                continue  # only forward arrows from the awaited steps come in from above
            for k, t in enumerate(source.transitions):
                if t.target == node.id:
                    side = (cols[ra] > cols[rb]) - (cols[ra] < cols[rb])
                    incoming.append(((side, ra if side > 0 else -ra), source.id, k))
        if len(incoming) < 2:
            continue
        incoming.sort()
        w = sizes[rb][0]
        step = min(w / (len(incoming) + 1), 28.0)
        for j, (_, source_id, k) in enumerate(incoming):
            out[(source_id, k)] = (j - (len(incoming) - 1) / 2) * step
    return out


def _route(node: Node, t: Transition, side: Side, ra: int, rb: int, cols: list[int],
           sizes: list[tuple[float, float]], exit_sides: list[set[Side]], occ: _Occupancy,
           lanes_n: int, p: Params, *, entry_dx: float = 0.0) -> _Draft:
    ca, cb = cols[ra], cols[rb]
    wa, ha = sizes[ra]
    wb, hb = sizes[rb]
    centre_a, centre_b = RowY(ra, 0.5), RowY(rb, 0.5)
    y_out = RowY(ra, 1.0, -p.elbow)
    y_in = RowY(rb, 0.0, p.elbow)
    xa, xb = _ColX(ca), _ColX(cb, entry_dx)
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
        ln = _Lane(channel, lo, hi, left)
        lanes.append(ln)
        return ln

    if rb > ra:
        between_free = occ.clear(cb, ra + 1, rb - 1)
        if side is Side.BOTTOM:
            if ca == cb and between_free and not entry_dx:
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


def _assign_slots(lanes: list[_Lane], lanes_n: int) -> dict[int, int]:
    """Give every vertical run a slot in its channel so that runs sharing a stretch never
    share a line, not even two flowing into the same step: merged in a channel or a gutter,
    a rework loop could not be told from the arrow it joins, nor followed back to its
    decision. Arrows into one step meet only on its entry line, next to the arrowhead.
    Shorter runs first, so short loops nest inside long ones."""
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
    k = ln.slot % _channel_capacity(p)
    offset = (p.first_track + (k // 2) * p.slot) * (1 if k % 2 == 0 else -1)
    return lefts[ln.channel] + offset


def _channel_capacity(p: Params) -> int:
    """How many parallel runs fit between two lanes (as many each side of the border)."""
    return 2 * (1 + max(0, int((p.channel / 2 - 4.0 - p.first_track) // p.slot)))


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
