"""Bar charts for the printable reports: inline SVG, no script, legible on paper.

A chart is a list of rows, each a label and one or more segments (stacked left to right),
with the text shown at the bar's end. Labels too long for the label column are shortened
with an ellipsis; the full label stays in the row's ``<title>`` (a tooltip on screen).
The drawing is ``audit/templates/chart.svg``; the positions are worked out here.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from sop_runtime.templating import template

BLUE = "#2f6f9f"
GREEN = "#2f7f3f"
AMBER = "#c08a00"
RED = "#a40000"
GREY = "#9a9a9a"

_BAR_H, _GAP, _CHAR_W = 16, 5, 6.4   # px; _CHAR_W: DejaVu Sans at 11px, on average


@dataclass(frozen=True, slots=True)
class Segment:
    value: float
    colour: str


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    segments: tuple[Segment, ...]
    text: str = ""        # shown after the bar (the figure in words or numbers)
    heading: bool = False  # a group's heading: its label in bold across the row, no bar


def fit(text: str, width_px: float) -> str:
    """``text`` shortened with an ellipsis to about ``width_px`` at the charts' font size."""
    room = max(4, int(width_px / _CHAR_W))
    text = " ".join(text.split())
    return text if len(text) <= room else text[: room - 1].rstrip() + "…"


def rate_colour(rate: float) -> str:
    """Green from 90 %, amber from 60 %, red below."""
    return GREEN if rate >= 0.9 else AMBER if rate >= 0.6 else RED


@dataclass(frozen=True, slots=True)
class _Row:
    """A bar placed: its baseline and top, the label as shown and in full, the segments'
    (x, width, colour), and where its text starts."""

    heading: bool
    baseline: int
    top: int
    label: str
    title: str
    segments: list[tuple[str, str, str]]
    text: str
    text_x: str


def bars(rows: Sequence[Bar], *, maximum: float | None = None, width: int = 660,
         label_width: int = 260, legend: Sequence[tuple[str, str]] = ()) -> Markup:
    """A horizontal (stacked) bar chart. ``maximum`` is the value of a full bar (default:
    the largest row's total); ``legend`` is (colour, text) pairs drawn under the bars."""
    totals = [sum(s.value for s in r.segments) for r in rows]
    top = maximum if maximum is not None else max(totals, default=0.0)
    legend_h = 20 if legend else 0
    height = len(rows) * (_BAR_H + _GAP) + _GAP + legend_h
    span = width - label_width - 90
    placed = []
    for i, row in enumerate(rows):
        y = _GAP + i * (_BAR_H + _GAP)
        if row.heading:
            placed.append(_Row(True, y + _BAR_H - 4, y, fit(row.label, width), row.label, [],
                               "", ""))
            continue
        x = float(label_width)
        segments = []
        for seg in row.segments:
            w = 0.0 if top <= 0 else max(0.0, min(1.0, seg.value / top)) * span
            if w > 0:
                segments.append((f"{x:.1f}", f"{w:.1f}", seg.colour))
            x += w
        placed.append(_Row(False, y + _BAR_H - 4, y, fit(row.label, label_width - 10),
                           row.label, segments, row.text, f"{x + 4:.1f}"))
    keys = []
    y = height - legend_h + 6
    x = float(label_width)
    for colour, text in legend:
        keys.append((f"{x:.1f}", f"{x + 14:.1f}", y, colour, text))
        x += 14 + len(text) * _CHAR_W + 16
    return Markup(template("audit/templates/chart.svg").render(
        width=width, height=height, rows=placed, label_x=label_width - 6, bar_h=_BAR_H,
        legend=keys))
