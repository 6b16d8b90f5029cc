"""Automated steps as Prefect background tasks, run by long-lived automation workers.

``sop-kirim-otomatis`` (the dispatcher: one long run at a time, looking every few seconds)
finds the automated steps waiting in the store and submits one background run of the task
``jalankan-aksi`` for each step attempt (``Task.delay``), named after the attempt. The
automation workers (``sop orchestrate worker``: ``prefect.task_worker.serve``) are
long-lived processes that keep Prefect and the project imported; the Prefect server hands
each background run to one of them over a websocket, and it runs in one of the worker's
threads. A try records through the service layer, which records a step attempt once however
many tries, duplicate runs or replays reach it. When the tries are used up, the last try
records an incident on the case and the run fails.

A worker lost in the middle of a run leaves that run Pending or Running for good. The
dispatcher sees such a run still unfinished ``STALE_AFTER`` seconds after it last changed
state, marks it Crashed and submits the attempt again (``... (ulang 2)``); the store keeps
the recording once whichever run gets there first.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import uuid4

from prefect import flow, get_run_logger, task
from prefect.runtime import task_run

from sop_runtime.flows.common import ACTION_TIMEOUT, RETRIES, RETRY_DELAY, runtime, setting
from sop_runtime.service import automation

TASK = "jalankan-aksi"
# a run not finished this long after its last change of state has lost its worker (or,
# still scheduled, the server's queue): every try used up with its time and waits, and a
# minute more (SOP_RUN_STALE_AFTER overrides)
STALE_AFTER = setting("SOP_RUN_STALE_AFTER",
                      (RETRIES + 1) * (ACTION_TIMEOUT + RETRY_DELAY) + 60)
PAGE = 200  # task runs per read (the Prefect API's default page)
SUBMITTERS = 8  # submissions in flight at once


@task(name=TASK, retries=RETRIES, retry_delay_seconds=RETRY_DELAY)
def run_action(case_id: str, node: str, attempt: int) -> dict[str, Any]:
    """One try: the action and its recording, in one transaction of the store. The last
    try that fails records the incident before the run fails."""
    rt = runtime()
    try:
        done = automation.execute(rt, automation.work_for(rt, case_id, node, attempt))
    except Exception as exc:
        if task_run.get_run_count() > RETRIES:  # the tries are used up (never outside a run)
            record_failure(case_id, node, attempt, exc, run=task_run.get_id())
        raise
    return {"recorded": done.recorded, "outputs": dict(done.outputs)}


def record_failure(case_id: str, node: str, attempt: int, exc: BaseException, *,
                   run: str | None) -> bool:
    """The tries are used up: an incident on the case (once per run)."""
    rt = runtime()
    work = automation.work_for(rt, case_id, node, attempt)
    return automation.report_failure(rt, work, f"{type(exc).__name__}: {exc}",
                                     tries=RETRIES + 1, run=run or None)


@flow(name="sop-kirim-otomatis", log_prints=False)
def dispatch(every: float = 2, for_seconds: float = 590, limit: int = 500) -> int:
    """For ``for_seconds``, look every ``every`` seconds for automated steps waiting and
    submit a background run for each step attempt that has none (or lost its worker).
    At most ``limit`` attempts are looked at a time, oldest first, which also bounds the
    server's queue of runs not yet taken. Returns how many runs it submitted."""
    from prefect.client.orchestration import get_client

    rt = runtime()
    logger = get_run_logger()
    asked = 0
    until = time.monotonic() + for_seconds
    with get_client(sync_client=True) as client:
        dispatcher = Dispatcher(client)
        while True:
            try:
                started = dispatcher.submit_waiting(automation.pending(rt, limit=limit))
            except Exception:  # logged with its traceback, on the run's page
                # the API or the store away for a moment: the next look tries again (a run
                # created before the error is found then, and not submitted twice)
                logger.exception("pengiriman langkah otomatis gagal; dicoba lagi")
                started = 0
            if started:
                logger.info("%d langkah otomatis dikirim ke pekerja", started)
            asked += started
            if time.monotonic() + every > until:
                return asked
            time.sleep(every)


def run_name(work: automation.Work, round_: int = 1) -> str:
    base = f"{work.case_id} langkah {work.node}#{work.attempt}"
    return base if round_ == 1 else f"{base} (ulang {round_})"


class Dispatcher:
    """Submits the runs of the step attempts waiting, and remembers what it submitted: an
    attempt it submitted less than ``STALE_AFTER`` ago costs nothing on the next look. An
    attempt it does not know (it started after the run was submitted) or submitted long
    ago is looked up on the API, all of them in one read."""

    def __init__(self, client: Any) -> None:
        self.client = client
        self.submitted: dict[str, float] = {}  # work key -> when (monotonic)

    def submit_waiting(self, waiting: Sequence[automation.Work]) -> int:
        """Submit the run of each of ``waiting`` that has none, or whose newest run was
        lost with its worker; returns how many runs were submitted."""
        now = time.monotonic()
        keys = {w.key for w in waiting}
        self.submitted = {k: t for k, t in self.submitted.items() if k in keys}
        check = [w for w in waiting if now - self.submitted.get(w.key, -math.inf) >= STALE_AFTER]
        submit = self._to_submit(check)
        if submit:
            _submit(submit)
            for work, _ in submit:
                self.submitted[work.key] = now
        return len(submit)

    def _to_submit(self, works: Sequence[automation.Work]) -> list[tuple[automation.Work, int]]:
        firsts = _runs_named(self.client, [run_name(w) for w in works]) if works else {}
        submit: list[tuple[automation.Work, int]] = []
        for work in works:
            first = firsts.get(run_name(work))
            if not first:
                submit.append((work, 1))
                continue
            mine = first if not _lost(first[-1]) else _all_rounds(self.client, work)
            if _lost(mine[-1]):
                _crash(self.client, mine[-1])
                submit.append((work, len(mine) + 1))
            else:  # still queued or running: looked at again after STALE_AFTER
                self.submitted[work.key] = time.monotonic() - _age(mine[-1])
        return submit


def _runs_named(client: Any, names: Iterable[str]) -> dict[str, list[Any]]:
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterName

    found: dict[str, list[Any]] = {}
    wanted = sorted(set(names))
    for i in range(0, len(wanted), PAGE):
        chunk = wanted[i:i + PAGE]
        offset = 0
        while True:
            page = client.read_task_runs(task_run_filter=TaskRunFilter(
                name=TaskRunFilterName(any_=chunk)), limit=PAGE, offset=offset)
            for r in page:
                found.setdefault(r.name, []).append(r)
            if len(page) < PAGE:
                break
            offset += PAGE
    for runs in found.values():
        runs.sort(key=lambda r: r.created)
    return found


def _all_rounds(client: Any, work: automation.Work) -> list[Any]:
    from prefect.client.schemas.filters import TaskRunFilter, TaskRunFilterName

    base = run_name(work)
    runs = client.read_task_runs(task_run_filter=TaskRunFilter(
        name=TaskRunFilterName(like_=base)))
    mine = [r for r in runs if r.name == base or r.name.startswith(base + " (ulang ")]
    return sorted(mine, key=lambda r: r.created)


def _lost(run: Any) -> bool:
    """Crashed, or not finished long after its last change of state: taken by a worker
    that went away (Pending, Running), or scheduled in a queue the server lost when it
    restarted. A run that failed after its tries is an incident, left for a supervisor."""
    state = run.state
    if state is None:
        return False
    if state.is_crashed():
        return True
    if state.is_final():
        return False
    return _age(run) >= STALE_AFTER


def _age(run: Any) -> float:
    """Seconds since ``run`` last changed state."""
    return time.time() - run.state.timestamp.timestamp() if run.state else 0.0


def _crash(client: Any, run: Any) -> None:
    """Say the lost run is lost, so nothing waits on it."""
    from prefect.states import Crashed

    if not run.state.is_crashed():
        client.set_task_run_state(run.id, Crashed(
            message="pekerja hilang; dikirim ulang oleh pengirim"), force=True)


def _submit(items: Sequence[tuple[automation.Work, int]]) -> None:
    """Background runs of ``run_action`` for ``items`` (work, round), named after them,
    several in flight at once over one connection.

    What ``Task.delay`` does, without what a step does not need: the parameters kept in the
    task scheduling storage for the worker, and the run created Scheduled (deferred), which
    puts it in the server's queue for the workers. Not the submitter's context (settings,
    tags), which a worker would rebuild on every run, nor a flow run to belong to."""
    from prefect.utilities.asyncutils import run_coro_as_sync

    run_coro_as_sync(_submit_all(items))


async def _submit_all(items: Sequence[tuple[automation.Work, int]]) -> None:
    from prefect.client.orchestration import get_client
    from prefect.results import ResultStore, get_or_create_default_task_scheduling_storage
    from prefect.states import Scheduled
    from prefect.task_worker import store_parameters

    storage = await get_or_create_default_task_scheduling_storage()
    store = await ResultStore(result_storage=storage).aupdate_for_task(run_action)
    gate = asyncio.Semaphore(SUBMITTERS)

    async def one(client: Any, work: automation.Work, round_: int) -> None:
        async with gate:
            key = uuid4()
            state: Any = Scheduled()
            state.state_details.deferred = True
            state.state_details.task_parameters_id = key
            await store_parameters(store, key, {"parameters": {
                "case_id": work.case_id, "node": work.node, "attempt": work.attempt}})
            await client.create_task_run(
                task=run_action, name=run_name(work, round_), flow_run_id=None,
                dynamic_key=f"{run_action.task_key}-{key.hex}", state=state)

    async with get_client() as client:
        await asyncio.gather(*(one(client, work, round_) for work, round_ in items))
