"""Prefect flows: the work and time around the case record (see DESIGN.md, "Prefect's
place"). Prefect runs automated steps, the deadline sweep, supervisor notifications and long
reports; every change to a case still goes through :mod:`sop_runtime.service`, and Prefect
holds only links to runs. Nothing outside this package imports Prefect: the CLI's and the
web's request paths never pay for it.

Importing this package turns Prefect's telemetry off unless the environment says otherwise.
"""

from __future__ import annotations

import os

os.environ.setdefault("DO_NOT_TRACK", "1")
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
