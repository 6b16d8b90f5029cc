"""The monitoring and evaluation (monev) report of one SOP over a period: its figures from the
``step_attempts`` projection (kept from the log with every append), the printable report, and
the two official forms filled from the figures (audit.monev_html)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from sop_runtime.audit.monev_figures import (
    MonevFigures,
    StepFigures,
    VersionFigures,
    count_attempts,
    count_service,
    limit_amount,
)
from sop_runtime.compiler.workflow import Workflow
from sop_runtime.engine.attempts import limit_unit
from sop_runtime.errors import NotFoundError
from sop_runtime.i18n import tr
from sop_runtime.service import catalog, library
from sop_runtime.service.confidential import Reader, hidden_sops
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import step_attempts

if TYPE_CHECKING:
    from sop_runtime.audit.monev_html import MonevContext


def _no_sop(sop_id: str) -> NotFoundError:
    return NotFoundError(tr("SOP '{s}' tidak ada di pustaka", "No SOP '{s}' in the library",
                            s=sop_id))


def steps_of(wf: Workflow) -> dict[str, StepFigures]:
    """An empty :class:`StepFigures` for every step of ``wf`` someone carries out, in the
    SOP's order, with its limit as written."""
    found = {}
    for node in wf.nodes:
        if not wf.acting_roles(node):
            continue
        unit = limit_unit(node.limit)
        limit = node.limit
        found[node.id] = StepFigures(
            node.id, node.no, " ".join(node.kegiatan.split()), node.role,
            limit_text=(limit.text or limit.describe()) if limit is not None else None,
            limit_unit=unit, limit_amount=None if limit is None else limit_amount(
                unit, limit.calendar_days, limit.months, limit.working_days,
                limit.working_minutes))
    return found


def monev_figures(rt: Runtime, sop_id: str, start: datetime, end: datetime, *,
                  version: str | None = None, reader: Reader | None = None) -> MonevFigures:
    """The figures of ``sop_id`` for [``start``, ``end``): of ``version`` (a stored version
    or the start of its hash; else the newest version carried out in the period, or the one
    in force), beside every version carried out in the period."""
    if reader is not None and sop_id in hidden_sops(rt, reader):
        raise _no_sop(sop_id)  # a confidential SOP is not there for who may not read it
    stored = library.versions(rt, sop_id)  # newest loaded first; NotFoundError when none
    wanted = library.stored_version(rt, sop_id, version).version if version else None
    now = rt.now()
    with rt.engine.connect() as conn:
        ensure_ready(rt, conn)
        rows = step_attempts.for_report(conn, sop_id, start, end)
        served = step_attempts.service_for_report(conn, sop_id, start, end)
        flagged = step_attempts.deviations_for_report(conn, sop_id, start, end)
        present = {r[0] for r in rows} | {r[0] for r in served}
        order = [r.version for r in reversed(stored)]  # oldest first
        if wanted is None:
            wanted = next((v for v in reversed(order) if v in present),
                          next(r.version for r in stored if r.current))
        out = MonevFigures(sop_id, start, end, now, wanted)
        for v in order:
            if v in present or v == wanted:
                out.versions[v] = VersionFigures(
                    v, steps_of(catalog.workflow(rt, conn, v)))
    by_version: dict[str, list[tuple[object, ...]]] = {}
    for row in rows:
        by_version.setdefault(row[0], []).append(row)
    for v, figures in out.versions.items():
        count_attempts(figures, by_version.get(v, []), now)
        count_service(figures, [r for r in served if r[0] == v], now)
    for v, node, kind in flagged:
        found = out.versions.get(v)
        if found is None:
            continue
        found.deviations[kind] += 1
        if node is not None and node in found.steps:
            found.steps[node].deviations[kind] += 1
    return out


@dataclass(frozen=True)
class MonevPages:
    """The printable pages of one monev: the report, and the two official forms."""

    report: str
    monitoring: str
    evaluation: str


def monev_context(rt: Runtime, figures: MonevFigures) -> MonevContext:
    """What the pages need to show ``figures`` in words: the kop, names, the calendar, each
    version's workflow."""
    from sop_runtime.audit.monev_html import MonevContext
    from sop_runtime.engine.deviation_text import deviation_label
    from sop_runtime.service.letterhead import letterhead, names

    with rt.engine.connect() as conn:
        _, calendar = catalog.court(rt, conn)
        who = names(conn)
        workflows = {v: catalog.workflow(rt, conn, v) for v in figures.versions}
    return MonevContext(figures=figures, head=letterhead(rt), names=who, calendar=calendar,
                        workflows=workflows, label=deviation_label)


def monev_pages(rt: Runtime, figures: MonevFigures) -> MonevPages:
    """The report and the forms of ``figures`` as printable HTML pages (the court's kop,
    names in words)."""
    from sop_runtime.audit.monev_html import render_forms, render_report

    ctx = monev_context(rt, figures)
    monitoring, evaluation = render_forms(ctx)
    return MonevPages(render_report(ctx), monitoring, evaluation)


def monev_pdf(page: str) -> bytes:
    from sop_runtime.audit.pdf import html_to_pdf

    return html_to_pdf(page)

