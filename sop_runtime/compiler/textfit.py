"""Text measuring and wrapping for the flowchart and the SOP sheet.

No font is loaded: widths are estimated from per-character factors for Arial/Liberation
Sans, a little generous so that text drawn by any of the fonts in the stack fits.
"""

from __future__ import annotations

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

