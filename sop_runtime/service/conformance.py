"""Conformance of a log kept elsewhere: the SOP and the court calendar come from the store
(the SOP's current version), the rules from the engine; see :mod:`sop_runtime.conformance`."""

from __future__ import annotations

import hashlib
from pathlib import Path

from sop_runtime.compiler.workflow import Workflow
from sop_runtime.conformance.check import ConformanceReport, Progress, check
from sop_runtime.conformance.mapping import load_mapping
from sop_runtime.errors import NotFoundError
from sop_runtime.files import open_bytes
from sop_runtime.i18n import tr
from sop_runtime.service import catalog
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime


def conformance(rt: Runtime, log: Path, sop: str, mapping: Path, *,
                workers: int | None = None,
                progress: Progress | None = None) -> ConformanceReport:
    for path in (log, mapping):
        if not path.exists():
            raise NotFoundError(tr("Berkas {f} tidak ada", "File {f} does not exist", f=path))
        if not path.is_file():  # a folder, a device, a FIFO
            raise NotFoundError(tr("{f} bukan berkas biasa", "{f} is not a regular file",
                                   f=path))
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        court, calendar = catalog.court(rt, conn)
        wf = catalog.current_workflow(rt, conn, sop)
    roles = frozenset(p.id for p in court.peran)
    supervisors = frozenset(p.id for p in court.peran if p.pengawas)
    mapped = load_mapping(mapping, wf, roles)
    return check(log, wf, mapped, calendar, supervisors, workers=workers, progress=progress)


def conformance_html(rt: Runtime, report: ConformanceReport, wf: Workflow) -> str:
    """The report as a printable page, naming the files examined by their SHA-256."""
    from sop_runtime.audit.conformance_html import render_conformance
    from sop_runtime.service.letterhead import letterhead

    with rt.engine.connect() as conn:
        calendar = catalog.court(rt, conn)[1]
    return render_conformance(report, wf, calendar, letterhead(rt),
                              log_sha256=_sha256(Path(report.log)),
                              mapping_sha256=_sha256(Path(report.mapping)))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open_bytes(path) as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
