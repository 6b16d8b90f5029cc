"""The web app as ``bench/web.py`` serves it: ``uvicorn --factory --app-dir bench
_webapp:app``, :func:`sop_runtime.web.app.create_app` over the store in
``SOP_DATABASE_URL``, on a clock that starts at ``SOP_BENCH_NOW`` (the moment the bench's
data is generated around, so the same steps are overdue on every run) and runs on in real
time (the minute turns during a run, as it does for a supervisor reloading the page),
cookies without the Secure flag (plain http to 127.0.0.1).

Not a bench itself: ``make bench`` skips ``bench/_*.py``.
"""

from __future__ import annotations

import os
import time
from datetime import datetime, timedelta

from fastapi import FastAPI

from sop_runtime.service.runtime import Runtime
from sop_runtime.web.app import create_app


def app() -> FastAPI:
    start = datetime.fromisoformat(os.environ["SOP_BENCH_NOW"])
    began = time.monotonic()
    rt = Runtime.open(os.environ["SOP_DATABASE_URL"],
                      clock=lambda: start + timedelta(seconds=time.monotonic() - began))
    return create_app(rt, secure_cookies=False)
