"""Coordinates of the swim-lane flowchart, shared by the layout, label placement and renderers.

Vertical positions are symbolic (:class:`RowY`: a row, a fraction of its height and an
offset in px), so the same routes serve the standalone SVG (row heights fixed by the
kegiatan column) and the HTML sheet (row heights set by the table's text);
:class:`Rows` resolves them to pixels. :class:`Params` holds the sizes of lanes, symbols and
routing lines; :class:`Box` is where a step's symbol sits.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum

from sop_runtime.compiler.workflow import Node
from sop_runtime.definition.models import Symbol


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

    @property
    def first_track(self) -> float:
        """Distance of a channel's first tracks from the lane border, one each side."""
        return min(9.0, self.channel / 2 - 5.0)

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

