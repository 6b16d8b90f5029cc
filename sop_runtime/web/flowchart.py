"""The SOP's official flowchart (the compiler's SVG) inline in a page, with a case's
position marked: open steps highlighted, steps done shaded. The marks are classes on the
steps' groups (``now``, ``done``) styled by the app's stylesheet; the drawing's own
``<style>`` is allowed by the pages' Content-Security-Policy through its hash
(:data:`STYLE_SOURCES`), so no inline style is allowed in general."""

from __future__ import annotations

import base64
import hashlib
import re
from collections.abc import Iterable, Mapping

from markupsafe import Markup

from sop_runtime.compiler.render.svg import SVG_CSS, render_svg
from sop_runtime.compiler.workflow import Workflow

# the CSP source for the flowchart's own stylesheet, the one inline style the pages carry
STYLE_SOURCES = ("'sha256-" + base64.b64encode(
    hashlib.sha256(SVG_CSS.encode("utf-8")).digest()).decode("ascii") + "'",)

_STEP = re.compile(r'<g class="step" data-step="([^"]+)">')


def marked_flowchart(wf: Workflow, open_nodes: Iterable[str] = (),
                     done: Iterable[str] = ()) -> Markup:
    now, finished = set(open_nodes), set(done)
    return classed_flowchart(wf, {n: "done" for n in finished} | {n: "now" for n in now})


def classed_flowchart(wf: Workflow, marks: Mapping[str, str]) -> Markup:
    """The flowchart with each step in ``marks`` carrying that class (``now``, ``done``;
    ``added``, ``changed``, ``removed`` on a comparison of versions)."""

    def mark(m: re.Match[str]) -> str:
        node = m.group(1)
        extra = f" {marks[node]}" if node in marks else ""
        return f'<g class="step{extra}" data-step="{node}">'

    return Markup(_STEP.sub(mark, render_svg(wf)))
