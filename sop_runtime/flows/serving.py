"""Serving the deployments on this machine, or registering them on a work pool."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast
from uuid import UUID

from prefect import serve

from sop_runtime.flows.deployments import (
    DISPATCHER,
    ENTRYPOINTS,
    deployments,
    ensure_automation,
    plans,
)
from sop_runtime.service.seal_schedule import SealTimes

ROOT = Path(__file__).resolve().parents[2]


def cron_problem(text: str) -> str | None:
    """Why ``text`` is not a schedule Prefect takes (five cron fields); None when it is."""
    from prefect.client.schemas.schedules import CronSchedule
    from pydantic import ValidationError

    try:
        CronSchedule(cron=text)
    except ValidationError as exc:
        return "; ".join(str(e.get("msg", "")).removeprefix("Value error, ")
                         for e in exc.errors())
    return None


def serve_all(seals: SealTimes, *, dispatch_every: float, sweep_cron: str) -> None:
    """Register every deployment and the notification automation, then serve them from
    this process until it is stopped."""
    found = deployments(seals, dispatch_every=dispatch_every, sweep_cron=sweep_cron)
    ids = {d.name: d.apply() for d in found}
    ensure_automation(ids["notifikasi"])
    start_dispatcher()
    serve(*found, print_starting_message=False)


def start_dispatcher() -> None:
    """A dispatcher run now (its schedule only starts the next one after a whole period;
    the concurrency limit keeps it to one at a time)."""
    from prefect.deployments import run_deployment

    run_deployment(f"sop-kirim-otomatis/{DISPATCHER}", timeout=0, as_subflow=False)


def deploy_to_pool(pool: str, seals: SealTimes, *, dispatch_every: float,
                   sweep_cron: str) -> list[str]:
    """Register the same deployments on ``pool`` (a process work pool: each worker host
    has sop-runtime installed and SOP_DATABASE_URL pointing at the court's store, and
    SOP_SIGNING_KEY for signed seals)."""
    from prefect import Flow, flow

    schedules = plans(seals, dispatch_every=dispatch_every, sweep_cron=sweep_cron)
    ids: dict[str, UUID] = {}
    for name, entrypoint in ENTRYPOINTS.items():
        # called from sync code, Prefect's dual sync/async functions return plain values
        remote = cast(Flow[Any, Any], flow.from_source(source=str(ROOT),
                                                       entrypoint=entrypoint))
        ids[name] = cast(UUID, remote.deploy(
            name=name, work_pool_name=pool, build=False, push=False, print_next_steps=False,
            **schedules[name]))
    ensure_automation(ids["notifikasi"])
    start_dispatcher()
    return sorted(ids)
