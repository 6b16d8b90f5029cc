"""An index page for a published SOP library (links to each sheet, flowchart and Mermaid)."""

from __future__ import annotations

from collections.abc import Iterable
from html import escape

from sop_runtime.compiler.workflow import Workflow
from sop_runtime.i18n import current_lang, tr


def render_index(workflows: Iterable[Workflow], court_name: str) -> str:
    rows = []
    for wf in sorted(workflows, key=lambda w: w.document.identitas.nomor):
        ident = wf.document.identitas
        limit = wf.service_limit.text if wf.service_limit else "-"
        rows.append(
            "<tr>"
            f"<td>{escape(ident.nomor)}</td>"
            f"<td>{escape(ident.nama)}</td>"
            f"<td class=num>{len(wf.nodes)}</td>"
            f"<td>{escape(limit)}</td>"
            f'<td><a href="{escape(wf.sop_id)}.html">{tr("Lembar SOP", "SOP sheet")}</a> · '
            f'<a href="{escape(wf.sop_id)}.svg">{tr("Diagram alir", "Flowchart")}</a> · '
            f'<a href="{escape(wf.sop_id)}.mmd">Mermaid</a></td>'
            f"<td><code>{escape(wf.short_version)}</code></td>"
            "</tr>"
        )
    title = tr("Pustaka SOP", "SOP library") + " — " + escape(court_name)
    return f"""<!doctype html>
<html lang="{current_lang()}">
<head><meta charset="utf-8"><title>{title}</title>
<style>
body {{ font-family: "DejaVu Sans", Arial, sans-serif; margin: 2rem; color: #111; }}
h1 {{ font-size: 1.4rem; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ border: 1px solid #444; padding: .35rem .5rem; text-align: left; vertical-align: top; }}
th {{ background: #e8e8e8; }}
td.num {{ text-align: right; }}
a {{ color: #0645ad; }}
</style></head>
<body>
<h1>{title}</h1>
<table>
<thead><tr><th>{tr("Nomor", "Number")}</th><th>{tr("Nama SOP", "SOP name")}</th>
<th>{tr("Langkah", "Steps")}</th><th>{tr("Waktu pelayanan", "Service time")}</th>
<th>{tr("Dokumen", "Documents")}</th><th>{tr("Versi", "Version")}</th></tr></thead>
<tbody>
{"".join(rows)}
</tbody></table>
</body></html>
"""
