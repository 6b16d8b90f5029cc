"""Rebuilding the projections from the log: the log is the truth, the worklists, overdue
lists and deviation lists are only views of it (and the counts kept beside them,
:mod:`sop_runtime.store.tallies`)."""

from __future__ import annotations

from dataclasses import dataclass

from sop_runtime.engine.attempts import attempt_rows
from sop_runtime.service import catalog
from sop_runtime.service.cases import decode, load_case
from sop_runtime.service.projection import case_row, deviation_rows, open_step_rows
from sop_runtime.service.ready import ensure_ready
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import projections, step_attempts, tallies
from sop_runtime.store.db import begin_write
from sop_runtime.store.scan import case_ids


@dataclass(frozen=True)
class RebuildReport:
    cases: int
    events: int


def rebuild(rt: Runtime) -> RebuildReport:
    """Empty every projection and write it again from the log, in one transaction."""
    now = rt.now()
    cases = events = 0
    with begin_write(rt.engine) as conn:
        ensure_ready(rt, conn)
        calendar = catalog.court(rt, conn)[1]
        ids = list(case_ids(conn))
        projections.clear_projections(conn)
        tally = tallies.Tally()  # the counts, summed over every case and written once
        for case_id in ids:
            stored, state = load_case(conn, case_id)
            wf = catalog.workflow(rt, conn, state.version)
            projections.save_case(conn, case_row(state, stored[-1].hash, now),
                                  open_step_rows(wf, state), tally=tally)
            projections.add_deviations(conn, deviation_rows(case_id, 1, decode(stored)),
                                       tally=tally)
            step_attempts.save_attempts(conn, attempt_rows(
                state, lambda v: catalog.workflow(rt, conn, v), calendar))
            cases += 1
            events += len(stored)
        tallies.bump(conn, tally)
    return RebuildReport(cases, events)
