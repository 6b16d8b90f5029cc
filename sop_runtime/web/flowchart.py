"""The SOP's official flowchart (the compiler's SVG) with a case's position marked: open
steps highlighted, steps done shaded; the marks are CSS on the symbols' ``data-step``."""

from __future__ import annotations

import re
from collections.abc import Iterable

from markupsafe import Markup

from sop_runtime.compiler.render_svg import render_svg
from sop_runtime.compiler.workflow import Workflow

_SAFE = re.compile(r"^[A-Za-z0-9_.-]+$")


def marked_flowchart(wf: Workflow, open_nodes: Iterable[str] = (),
                     done: Iterable[str] = ()) -> Markup:
    rules = [f'.sop-flowchart [data-step="{n}"] .sym {{ fill: #fff3bf; stroke: #b35c00; '
             f'stroke-width: 3; }}' for n in open_nodes if _SAFE.match(n)]
    rules += [f'.sop-flowchart [data-step="{n}"] .sym {{ fill: #e3f1e5; }}'
              for n in done if _SAFE.match(n)]
    drawing = render_svg(wf)
    if rules:
        drawing = drawing.replace("</svg>", f"<style>{' '.join(rules)}</style></svg>", 1)
    return Markup(drawing)
