"""``sop verify`` by default: what changed since the newest seal, in O(new entries).

What a seal holds was checked when ``sop verify`` ran before it, and the seal fixes it by a
root that goes on the signed report, so the history it covers is not read again:

- the **cases appended to** since the seal (found by id, as the seal found its entries):
  each one's whole chain and projections (a case is short, so this is O(new events x the
  length of a case)), and its newest sealed event still in the log as sealed;
- the **journal entries** since the seal, each journal's chain from its sealed entry;
- the **documents** the new events record;
- the stored **SOP versions** and the **tables the journals describe** (both small);
- the **seals**: each one's root from the tree's stored nodes, each extending the one
  before (:func:`sop_runtime.service.seals.check` without ``full``).

``sop verify --full`` reads everything (:func:`sop_runtime.service.integrity.verify`).
"""

from __future__ import annotations

from sop_runtime.service.differences import Findings
from sop_runtime.service.integrity import (
    ProjectionCheck,
    Verification,
    check_documents,
    check_span_in,
    check_versions,
    merged,
)
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.chain import Span, VerifyReport, journal_chain

CASES_PER_SPAN = 500  # touched cases read in one query


def verify_changed(rt: Runtime) -> Verification | None:
    """What changed since the newest seal of the log tree (None when there is none yet:
    everything is new, and the caller checks everything)."""
    from sop_runtime.service import journals
    from sop_runtime.service.ready import ensure_ready
    from sop_runtime.service.seals import check as check_seals
    from sop_runtime.store import logtree
    from sop_runtime.store.chain import verify_journals
    from sop_runtime.store.journal import JOURNALS
    from sop_runtime.store.seals import newest_log_seal

    with rt.engine.connect() as conn:
        if conn.dialect.name != "sqlite":
            conn.execution_options(isolation_level="REPEATABLE READ")
        with conn.begin():  # one snapshot for all of it
            ensure_ready(rt, conn)
            newest = newest_log_seal(conn)
            if newest is None:
                return None
            touched, new_events = logtree.touched_since(conn, newest.events_through)
            chains = [journal_chain(j) for j in JOURNALS]
            starts = {c: (seq, hash_) for c, (_, seq, hash_) in
                      logtree.newest_positioned(conn, chains, newest.size).items()}
            kept = verify_journals(conn, after_id=newest.journal_through, starts=starts)
            versions = tuple(check_versions(rt, conn))
            directory = tuple(journals.check(conn))
            documents = check_documents(rt, conn, after_id=newest.events_through)
            parts: list[tuple[VerifyReport, ProjectionCheck]] = [
                check_span_in(rt, conn, Span(cases=tuple(touched[lo:lo + CASES_PER_SPAN])))
                for lo in range(0, len(touched), CASES_PER_SPAN)]
    chain, projected = merged(parts) if parts else (
        VerifyReport(True, 0, 0), ProjectionCheck(0, Findings()))
    sealed = check_seals(rt, full=False, touched=touched)
    return Verification(chain, projected, versions, kept, directory, sealed, documents,
                        mode="changed", since_seal=newest.id, new_events=new_events,
                        new_entries=kept.events)

