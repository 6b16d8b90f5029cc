"""The web app as ``bench/web.py`` serves it: ``uvicorn --factory --app-dir bench
_webapp:app``, :func:`sop_runtime.web.app.create_app` over the store in
``SOP_DATABASE_URL``, on a clock stopped at ``SOP_BENCH_NOW`` (the moment the bench's data
is generated around, so the same steps are overdue on every run), cookies without the
Secure flag (plain http to 127.0.0.1).

Not a bench itself: ``make bench`` skips ``bench/_*.py``.
"""

from __future__ import annotations

import os
from datetime import datetime

from fastapi import FastAPI

from sop_runtime.service.runtime import Runtime
from sop_runtime.web.app import create_app


def app() -> FastAPI:
    now = datetime.fromisoformat(os.environ["SOP_BENCH_NOW"])
    rt = Runtime.open(os.environ["SOP_DATABASE_URL"], clock=lambda: now)
    return create_app(rt, secure_cookies=False)
