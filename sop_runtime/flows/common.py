"""What every flow shares: the court's store (one Runtime per process, from
``SOP_DATABASE_URL``) and the tuning read from the environment."""

from __future__ import annotations

import os
from functools import cache

from sop_runtime.service.runtime import Runtime


@cache
def runtime() -> Runtime:
    return Runtime.open()


def setting(name: str, default: float) -> float:
    """A number from the environment (``SOP_ACTION_RETRIES``...), or ``default``."""
    value = os.environ.get(name)
    return float(value) if value else default


# automated steps: tries after the first, the wait between tries, and the time one try is
# expected to take at most (the dispatcher's wait before it submits a silent step again is
# built on it; a try runs in a worker thread, which Prefect cannot interrupt)
RETRIES = int(setting("SOP_ACTION_RETRIES", 3))
RETRY_DELAY = setting("SOP_ACTION_RETRY_DELAY", 10)
ACTION_TIMEOUT = setting("SOP_ACTION_TIMEOUT", 120)
