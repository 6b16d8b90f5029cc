"""Automated steps as Prefect runs.

``sop-kirim-otomatis`` (the dispatcher: one long run at a time, looking every few seconds)
finds the automated steps waiting in the store and starts one run of the
``sop-langkah-otomatis`` deployment for each step attempt, with the attempt as the run's
idempotency key: however often the dispatcher sees the step, Prefect keeps one run for it.
The run's task tries the action with retries and a timeout; each try records through the
service layer, which records a step attempt once however many tries, duplicate runs or
replays reach it. When the tries are used up, the run records an incident on the case and
fails.
"""

from __future__ import annotations

import time
from typing import Any

from prefect import flow, get_run_logger, task
from prefect.deployments import run_deployment
from prefect.runtime import flow_run

from sop_runtime.flows.common import ACTION_TIMEOUT, RETRIES, RETRY_DELAY, runtime, setting
from sop_runtime.service import automation

AUTOMATED = "sop-langkah-otomatis/langkah-otomatis"  # flow name / deployment name
# a run taken by a worker and not finished this long after has lost its worker: every try
# used up with its timeout and waits, and a minute more (SOP_RUN_STALE_AFTER overrides)
STALE_AFTER = setting("SOP_RUN_STALE_AFTER",
                      (RETRIES + 1) * (ACTION_TIMEOUT + RETRY_DELAY) + 60)


@task(name="jalankan-aksi", retries=RETRIES, retry_delay_seconds=RETRY_DELAY,
      timeout_seconds=ACTION_TIMEOUT)
def run_action(case_id: str, node: str, attempt: int) -> dict[str, Any]:
    """One try: the action and its recording, in one transaction of the store."""
    rt = runtime()
    done = automation.execute(rt, automation.work_for(rt, case_id, node, attempt))
    return {"recorded": done.recorded, "outputs": dict(done.outputs)}


@flow(name="sop-langkah-otomatis", log_prints=False)
def automated_step(case_id: str, node: str, attempt: int) -> dict[str, Any]:
    """Do the automated step ``node`` (attempt ``attempt``) of case ``case_id``."""
    logger = get_run_logger()
    try:
        result = run_action(case_id, node, attempt)
    except Exception as exc:
        recorded = record_failure(case_id, node, attempt, exc, run=flow_run.get_id())
        logger.error("langkah %s perkara %s gagal setelah %d kali%s", node, case_id,
                     RETRIES + 1, "; insiden dicatat" if recorded else "")
        raise
    logger.info("langkah %s perkara %s: %s", node, case_id,
                "dicatat" if result["recorded"] else "sudah dicatat sebelumnya")
    return result


def record_failure(case_id: str, node: str, attempt: int, exc: BaseException, *,
                   run: str | None) -> bool:
    """The tries are used up: an incident on the case (once per run)."""
    rt = runtime()
    work = automation.work_for(rt, case_id, node, attempt)
    return automation.report_failure(rt, work, f"{type(exc).__name__}: {exc}",
                                     tries=RETRIES + 1, run=run or None)


@flow(name="sop-kirim-otomatis", log_prints=False)
def dispatch(every: float = 10, for_seconds: float = 590, limit: int = 500) -> int:
    """For ``for_seconds``, look every ``every`` seconds for automated steps waiting and
    start a run for each step attempt (once: the attempt is the run's idempotency key).
    One long run rather than a run per look: a run is a new process, and a court's machine
    should not start one every few seconds. Returns how many runs it started or rescued."""
    from prefect.client.orchestration import get_client

    rt = runtime()
    asked = 0
    until = time.monotonic() + for_seconds
    with get_client(sync_client=True) as client:
        while True:
            for work in automation.pending(rt, limit=limit):
                asked += start_or_rescue(client, work)
            if time.monotonic() + every > until:
                return asked
            time.sleep(every)


def run_name(work: automation.Work, round_: int = 1) -> str:
    base = f"{work.case_id} langkah {work.node}#{work.attempt}"
    return base if round_ == 1 else f"{base} (ulang {round_})"


def start_or_rescue(client: Any, work: automation.Work) -> int:
    """Start the run of ``work`` if it has none; if its newest run was lost with its worker
    (crashed, or still not finished long after the tries could take), start another. A run
    that failed after its tries is an incident, left for a supervisor. The store records
    the step once whichever run gets there. Returns 1 when a run was asked for."""
    from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName
    from prefect.client.schemas.sorting import FlowRunSort

    runs = client.read_flow_runs(
        flow_run_filter=FlowRunFilter(name=FlowRunFilterName(like_=run_name(work))),
        sort=FlowRunSort.START_TIME_DESC, limit=20)
    mine = [r for r in runs if r.name == run_name(work) or r.name.startswith(
        run_name(work) + " (ulang ")]
    if mine:
        newest = max(mine, key=lambda r: r.created)
        state = newest.state
        if state is not None and (state.is_completed() or state.is_failed()
                                  or state.is_cancelled()):
            return 0
        lost = state is not None and state.is_crashed()
        # taken by a worker (pending, running) and silent since: the worker is gone. A run
        # still scheduled waits for a free worker and is not lost.
        taken = state is not None and (state.is_running() or state.is_pending())
        since = time.time() - state.timestamp.timestamp() if state is not None else 0.0
        if not lost and not (taken and since >= STALE_AFTER):
            return 0
        round_ = len(mine) + 1
        if not lost:  # the worker went away with it: say so, so nothing waits on it
            from prefect.states import Crashed

            client.set_flow_run_state(newest.id, Crashed(
                message="pekerja hilang; dijalankan ulang oleh pengirim"), force=True)
    else:
        round_ = 1
    run_deployment(AUTOMATED, parameters={"case_id": work.case_id, "node": work.node,
                                          "attempt": work.attempt},
                   timeout=0, as_subflow=False, flow_run_name=run_name(work, round_),
                   idempotency_key=work.key if round_ == 1 else f"{work.key}#{round_}")
    return 1
