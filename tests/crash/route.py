"""The golden routes (tests/golden/routes.yaml) as the writer walks them, and the action its
automated steps run."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

ROUTES = Path(__file__).resolve().parent.parent / "golden" / "routes.yaml"
GOLDEN_ACTION = "tests.crash.route:golden_outputs"


@functools.cache
def routes() -> dict[str, dict[str, dict[str, Any]]]:
    """SOP id -> step id -> the route's step (``oleh``, ``nilai``, ``keputusan``)."""
    data = yaml.safe_load(ROUTES.read_text(encoding="utf-8"))["rute"]
    return {sop: {str(step["langkah"]): step for step in steps} for sop, steps in data.items()}


def first_actor(sop: str) -> str:
    return str(next(iter(routes()[sop].values()))["oleh"])


def golden_outputs(ctx: Any) -> dict[str, str]:
    """An automated step's action: what the golden route records for the step (the
    service's whole transaction, without rendering the real action's documents)."""
    step = routes()[ctx.sop_id][ctx.node]
    return {str(k): str(v) for k, v in (step.get("nilai") or {}).items()}
