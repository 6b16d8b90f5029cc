"""An index page for a published SOP library (links to each sheet, flowchart and Mermaid),
from the template ``templates/index.html``."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sop_runtime.compiler.render.kop import Kop
from sop_runtime.compiler.workflow import Workflow
from sop_runtime.templating import template


@dataclass(frozen=True, slots=True)
class _Row:
    nomor: str
    nama: str
    steps: int
    limit: str
    sop_id: str
    version: str


def render_index(workflows: Iterable[Workflow], court_name: str, kop: Kop | None = None) -> str:
    """The index page, headed by the court's ``kop`` surat when there is one."""
    rows = [_Row(nomor=wf.document.identitas.nomor, nama=wf.document.identitas.nama,
                 steps=len(wf.nodes), limit=wf.service_limit.text if wf.service_limit else "-",
                 sop_id=wf.sop_id, version=wf.short_version)
            for wf in sorted(workflows, key=lambda w: w.document.identitas.nomor)]
    return template("compiler/render/templates/index.html").render(
        rows=rows, court_name=court_name, kop=kop)
