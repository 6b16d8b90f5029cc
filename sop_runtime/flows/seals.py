"""The scheduled seals as a flow: ``sop-segel-log``, deployed twice (every hour, and at the
close of each working day; :mod:`sop_runtime.service.seal_schedule` says when).

Each run seals through the service layer as the system account, only if the log grew since
the newest seal, and logs what it did: the seal's number, the entries it took, and whether
the court's key signed it. A seal left unsigned because no key is set in this worker's
environment (``SOP_SIGNING_KEY``) is a warning: a witness cannot hold an unsigned head.
"""

from __future__ import annotations

import logging
from typing import Any

from prefect import flow, get_run_logger

from sop_runtime.flows.common import runtime
from sop_runtime.service.runtime import Runtime
from sop_runtime.service.seal_schedule import Reason, scheduled_seal

WHY = {Reason.HOURLY: "segel tiap jam", Reason.CLOSE: "segel penutupan hari kerja"}

Logger = logging.Logger | logging.LoggerAdapter[Any]


def seal_and_say(rt: Runtime, reason: Reason, logger: Logger) -> dict[str, Any]:
    """Seal if the log grew, say what was done, and return it (the run's result)."""
    done = scheduled_seal(rt, reason)
    why = WHY[reason]
    result: dict[str, Any] = {"reason": str(reason), "day": done.day.isoformat(),
                              "working_day": done.sealed is not None, "seal": None,
                              "added": 0, "size": 0, "signed": False}
    if done.sealed is None:
        logger.info("%s: %s bukan hari kerja pengadilan; tidak ada segel dibuat (segel tiap "
                    "jam tetap berjalan)", why, done.day.isoformat())
        return result
    made, before = done.sealed.seal, done.sealed.previous
    if made is None:
        if before is None:
            logger.info("%s: log masih kosong; tidak ada segel dibuat", why)
        else:
            logger.info("%s: tidak ada entri baru sejak segel #%d (%d entri); tidak ada "
                        "segel dibuat", why, before.id, before.size)
            result["size"] = before.size
        return result
    result.update(seal=made.id, added=done.sealed.added, size=made.size, signed=made.signed)
    if made.signed:
        logger.info("%s: segel #%d, %d entri baru (%d seluruhnya), ditandatangani kunci %s",
                    why, made.id, done.sealed.added, made.size, made.signed_with)
    else:
        logger.warning("%s: segel #%d, %d entri baru (%d seluruhnya), TIDAK ditandatangani: "
                       "SOP_SIGNING_KEY tidak diisi di lingkungan pekerja ini, maka saksi "
                       "tidak dapat memegang kepalanya", why, made.id, done.sealed.added,
                       made.size)
    return result


@flow(name="sop-segel-log", log_prints=False)
def seal_log(reason: Reason = Reason.HOURLY) -> dict[str, Any]:
    """Seal the log as the system account if it grew since the newest seal."""
    return seal_and_say(runtime(), Reason(reason), get_run_logger())
