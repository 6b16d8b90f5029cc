"""Long reports as flows: the period report over many cases, with its progress shown in
Prefect's UI as a progress artifact, written to a file (HTML, or PDF by its suffix)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import cast
from uuid import UUID

from prefect import flow, get_run_logger
from prefect.artifacts import create_progress_artifact, update_progress_artifact

from sop_runtime.flows.common import runtime
from sop_runtime.service.period import period_html


@flow(name="sop-laporan-periode", log_prints=False)
def period_report(start: datetime, end: datetime, output: str, sop: str | None = None) -> str:
    """Write the period report for cases started in [``start``, ``end``) to ``output``."""
    # called from sync code, Prefect's dual sync/async functions return plain values
    artifact = cast(UUID, create_progress_artifact(
        progress=0.0, key="laporan-periode", description="Laporan periode: perkara dibaca"))

    def progress(done: int, total: int) -> None:
        update_progress_artifact(artifact_id=artifact, progress=100.0 * done / max(total, 1))

    page = period_html(runtime(), start, end, sop=sop, progress=progress)
    path = Path(output)
    if path.suffix.lower() == ".pdf":
        from sop_runtime.audit.pdf import html_to_pdf

        path.write_bytes(html_to_pdf(page))
    else:
        path.write_text(page, encoding="utf-8")
    update_progress_artifact(artifact_id=artifact, progress=100.0)
    get_run_logger().info("laporan periode ditulis ke %s", path)
    return str(path)
