"""The deployments sop-runtime runs, and the automation that turns deadline events into
supervisor notifications.

On one machine (a single court), ``sop orchestrate serve`` serves every deployment from its
own process (``prefect.serve``) and starts automation workers beside it. Across machines,
``sop orchestrate deploy --pool P`` registers the same flows on a process work pool,
``prefect worker start --pool P`` runs them, and ``sop orchestrate worker`` on each host
runs the automated steps (docs/operations.md, "Scaling out"); both take their schedules
from :func:`plans`. The log is sealed on two of them, every hour and at the close of each
working day, in the court's time zone. Automated steps are not a
deployment: each is a background task run handed to a long-lived automation worker
(:mod:`sop_runtime.flows.steps`).
"""

from __future__ import annotations

from contextlib import suppress
from typing import Any, cast
from uuid import UUID

from prefect.schedules import Cron

from sop_runtime.flows.applicant import notify_applicants
from sop_runtime.flows.notify import notify
from sop_runtime.flows.reports import period_report
from sop_runtime.flows.seals import seal_log
from sop_runtime.flows.steps import dispatch
from sop_runtime.flows.sweep import DEVIATION_EVENT, OVERDUE_EVENT, deadline_sweep
from sop_runtime.service.seal_schedule import Reason, SealTimes

AUTOMATION = "sop-peringatan-pengawas"
DISPATCH_RUN = 600  # seconds one dispatcher run looks for work; the next starts after it
DISPATCHER = "kirim"
SWEEP_CRON = "*/5 * * * *"
FLOWS: dict[str, Any] = {  # each deployment's flow, by the deployment's name
    "kirim": dispatch, "sapu-tenggat": deadline_sweep, "notifikasi": notify,
    "laporan-periode": period_report, "beri-tahu-pemohon": notify_applicants,
    "segel-tiap-jam": seal_log, "segel-tutup-hari": seal_log,
}
# for a work pool: files under the source tree (the same release at the same path on
# every worker host), "sop_runtime/flows/steps.py:dispatch"
ENTRYPOINTS = {name: f"{made.fn.__module__.replace('.', '/')}.py:{made.fn.__name__}"
               for name, made in FLOWS.items()}
APPLICANT_EVERY = 60  # seconds between looks for notices due to applicants


def plans(seals: SealTimes, *, dispatch_every: float = 2, sweep_cron: str = SWEEP_CRON
          ) -> dict[str, dict[str, Any]]:
    """Each deployment's schedule, concurrency limit and parameters, by name: the same
    whether ``sop orchestrate serve`` serves them or they are registered on a work pool."""
    def crons(*texts: str) -> list[Any]:  # read in the court's time zone
        return [Cron(text, timezone=seals.timezone) for text in texts]

    return {
        "kirim": {"interval": DISPATCH_RUN, "concurrency_limit": 1,
                  "parameters": {"every": dispatch_every, "for_seconds": DISPATCH_RUN - 10}},
        "sapu-tenggat": {"cron": sweep_cron, "concurrency_limit": 1},
        "notifikasi": {},
        "laporan-periode": {},
        "beri-tahu-pemohon": {"interval": APPLICANT_EVERY, "concurrency_limit": 1},
        "segel-tiap-jam": {"schedules": crons(seals.hourly), "concurrency_limit": 1,
                           "parameters": {"reason": Reason.HOURLY.value}},
        "segel-tutup-hari": {"schedules": crons(*seals.close), "concurrency_limit": 1,
                             "parameters": {"reason": Reason.CLOSE.value}},
    }


def deployments(seals: SealTimes, *, dispatch_every: float = 2,
                sweep_cron: str = SWEEP_CRON) -> list[Any]:
    """The runner deployments ``sop orchestrate serve`` serves."""
    return [FLOWS[name].to_deployment(name=name, **plan) for name, plan in
            plans(seals, dispatch_every=dispatch_every, sweep_cron=sweep_cron).items()]


def ensure_automation(notify_deployment: UUID) -> UUID:
    """The automation that runs the notification flow for every deadline event (made
    anew, so a changed deployment id is picked up)."""
    from prefect.automations import Automation
    from prefect.events.actions import RunDeployment
    from prefect.events.schemas.automations import EventTrigger, Posture

    # called from sync code, Prefect's dual sync/async methods return plain values
    with suppress(ValueError):  # not there yet
        cast(Automation, Automation.read(name=AUTOMATION)).delete()
    automation = cast(Automation, Automation(
        name=AUTOMATION,
        description="Memberi tahu pengawas setiap langkah terlambat atau penyimpangan lain "
                    "yang dicatat sapu tenggat",
        trigger=EventTrigger(expect={OVERDUE_EVENT, DEVIATION_EVENT},
                             posture=Posture.Reactive, threshold=1),
        actions=[RunDeployment(
            source="selected", deployment_id=notify_deployment,
            parameters={"message": "{{ event.payload.message }}",
                        "case_id": "{{ event.payload.case_id }}",
                        "node": "{{ event.payload.node }}",
                        "event": "{{ event.event }}"})],
    ).create())
    assert automation.id is not None
    return automation.id
