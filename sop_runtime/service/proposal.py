"""``sop monev --usulan``: a revised definition proposed from an SOP's monev figures
(:mod:`sop_runtime.audit.revision_proposal` holds the rules); never applied by itself."""

from __future__ import annotations

from datetime import datetime, timedelta

from sop_runtime.audit.monev_figures import MonevFigures
from sop_runtime.audit.revision_proposal import MIN_CASES, Proposal, period_words, propose
from sop_runtime.errors import Damaged
from sop_runtime.i18n import tr
from sop_runtime.service import catalog
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import workflows

__all__ = ["propose_revision"]


def propose_revision(rt: Runtime, figures: MonevFigures, *,
                     min_cases: int = MIN_CASES) -> Proposal:
    """The proposal from ``figures`` (of one SOP, one period) for the version they report."""
    with rt.engine.connect() as conn:
        court_file, calendar = catalog.court(rt, conn)
        wf = catalog.workflow(rt, conn, figures.version)
        source = workflows.workflow_source(conn, figures.version)
    if source is None:  # catalog.workflow compiled it from there a moment ago
        raise Damaged(tr("Sumber SOP versi {v} hilang", "The source of SOP version {v} is "
                         "gone", v=figures.version[:12]))
    last: datetime = figures.end - timedelta(microseconds=1)
    period = period_words(figures.start.astimezone(calendar.tz).date(),
                          last.astimezone(calendar.tz).date())
    return propose(figures, wf, source, today=rt.now().astimezone(calendar.tz).date(),
                   period=period, minutes_per_day=court_file.minutes_per_working_day(),
                   min_cases=min_cases)
