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

from sop_runtime.flows.common import ACTION_TIMEOUT, RETRIES, RETRY_DELAY, runtime
from sop_runtime.service import automation

AUTOMATED = "sop-langkah-otomatis/langkah-otomatis"  # flow name / deployment name


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
    should not start one every few seconds. Returns how many runs it asked for."""
    rt = runtime()
    asked = 0
    until = time.monotonic() + for_seconds
    while True:
        for work in automation.pending(rt, limit=limit):
            run_deployment(AUTOMATED, parameters={"case_id": work.case_id, "node": work.node,
                                                  "attempt": work.attempt},
                           timeout=0, idempotency_key=work.key, as_subflow=False,
                           flow_run_name=f"{work.case_id} langkah {work.node}#{work.attempt}")
            asked += 1
        if time.monotonic() + every > until:
            return asked
        time.sleep(every)
