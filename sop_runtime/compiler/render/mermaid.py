"""The flowchart as Mermaid text (``flowchart TD``), for Markdown pages and quick previews.

Shapes follow the five official symbols: stadium ``([ ])`` for the capsule, rectangle
``[ ]`` for a process (a sub-SOP call with a heavy border, an automated step tinted),
rhombus ``{ }`` for a decision and the asymmetric ``>]`` for the off-page connector. One
subgraph per pelaksana (a connector without a pelaksana stays outside); branch labels on the edges
(``-->|"Ya"|``), timer edges dotted (``-.->|"6 bulan"|``), off-page connector jumps dotted
and unlabelled. Text is quoted, with quotes and Mermaid's special characters written as
entity codes.
"""

from __future__ import annotations

from sop_runtime.compiler.workflow import EdgeKind, Node, Transition, Workflow
from sop_runtime.definition.models import StepKind, Symbol

# as in the SVG: a sub-SOP call is a rectangle with a heavy border, an automated step a
# tinted rectangle (still the one process symbol)
_STYLES = {StepKind.SUB_SOP: "stroke-width:3px", StepKind.OTOMATIS: "fill:#eef3fb"}
_ENTITIES = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "`": "#96;"}


def escape_text(text: str) -> str:
    """Text safe inside a quoted Mermaid label (one line)."""
    flat = " ".join(text.split())
    return "".join(_ENTITIES.get(ch, ch) for ch in flat)


def node_id(step_id: str) -> str:
    return "s" + "".join(ch if ch.isalnum() else "_" for ch in step_id)


def _shape(node: Node) -> str:
    text = escape_text(f"{node.no}. {node.kegiatan}")
    if node.symbol is Symbol.KAPSUL:
        return f'(["{text}"])'
    if node.symbol is Symbol.BELAH_KETUPAT:
        return f'{{"{text}"}}'
    if node.symbol is Symbol.SEGILIMA:
        mark = node.connector.label if node.connector else node.id
        return f'>"{escape_text(mark)}"]'
    return f'["{text}"]'


def _edge(node: Node, t: Transition) -> str:
    src, dst = node_id(node.id), node_id(t.target)
    if t.kind is EdgeKind.TIMER:
        label = node.timer.limit.describe() if node.timer else (t.label or "")
        return f'{src} -.->|"{escape_text(label)}"| {dst}'
    if t.kind is EdgeKind.CONNECTOR:
        return f"{src} -.-> {dst}"
    if t.kind is EdgeKind.BRANCH and t.label:
        return f'{src} -->|"{escape_text(t.label)}"| {dst}'
    return f"{src} --> {dst}"


def render_mermaid(wf: Workflow) -> str:
    """``flowchart TD`` text with one node per step and one edge per transition."""
    lines = ["flowchart TD"]
    by_role: dict[str | None, list[Node]] = {}
    for node in wf.nodes:
        by_role.setdefault(node.role, []).append(node)
    for i, role in enumerate(wf.roles):
        members = by_role.get(role.id, [])
        if not members:
            continue
        lines.append(f'  subgraph lane{i}["{escape_text(role.nama)}"]')
        lines.extend(f"    {node_id(n.id)}{_shape(n)}" for n in members)
        lines.append("  end")
    known = {r.id for r in wf.roles}
    lines.extend(f"  {node_id(n.id)}{_shape(n)}" for n in wf.nodes
                 if n.role is None or n.role not in known)
    ids = {n.id for n in wf.nodes}
    lines.extend(f"  {_edge(n, t)}" for n in wf.nodes for t in n.transitions if t.target in ids)
    for kind, style in _STYLES.items():
        styled = [node_id(n.id) for n in wf.nodes if n.kind is kind]
        if styled:
            lines.append(f"  classDef {kind.value} {style}")
            lines.append(f"  class {','.join(styled)} {kind.value}")
    return "\n".join(lines) + "\n"
