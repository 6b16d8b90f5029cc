"""The automation worker: a long-lived process that runs the automated steps the dispatcher
submits (``sop orchestrate worker``). It imports Prefect and the project once, opens the
court's store once, and runs up to ``concurrency`` steps at a time in threads, each a
background run of :func:`sop_runtime.flows.steps.run_action` handed to it by the Prefect
server. Start as many as the machines have cores, on one host or many: the server gives each
run to one worker.

A background run's parameters travel through Prefect's task scheduling storage: a local
folder (``PREFECT_RESULTS_LOCAL_STORAGE_PATH``, under ``PREFECT_HOME``) on one host; on
several hosts a folder every host and the dispatcher share at the same path, or a storage
block named by ``PREFECT_TASKS_SCHEDULING_DEFAULT_STORAGE_BLOCK`` (docs/operations.md).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sop_runtime.flows.common import runtime
from sop_runtime.flows.steps import run_action


def serve_steps(*, concurrency: int) -> None:
    """Run automated steps until stopped (SIGTERM or Ctrl-C)."""
    import asyncio

    from prefect.filesystems import LocalFileSystem
    from prefect.results import get_or_create_default_task_scheduling_storage
    from prefect.utilities.asyncutils import run_coro_as_sync

    runtime()  # the store opened (and a wrong SOP_DATABASE_URL said) before any work is taken
    # Resolved once: left to Prefect, every run would ask the server for its default storage.
    storage: Any = run_coro_as_sync(get_or_create_default_task_scheduling_storage())
    if isinstance(storage, LocalFileSystem):  # a folder (a block from a setting is saved)
        storage = Path(str(storage.basepath))
    asyncio.run(_serve(run_action.with_options(result_storage=storage), concurrency))


async def _serve(action: Any, concurrency: int) -> None:
    """Prefect's task worker, with one API client of each kind for all its runs (the
    runs' threads see this context): left to Prefect, every run would open a client of its
    own, and each costs about as much CPU as the step's own work."""
    from prefect.context import AsyncClientContext, SyncClientContext
    from prefect.task_worker import aserve

    async with AsyncClientContext.get_or_create():
        with SyncClientContext.get_or_create():
            await aserve(action, limit=concurrency)
