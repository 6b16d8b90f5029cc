"""The golden routes (tests/golden/routes.yaml) as the writer walks them, and the action its
automated steps run."""

from __future__ import annotations

import functools
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml

ROUTES = Path(__file__).resolve().parent.parent / "golden" / "routes.yaml"
GOLDEN_ACTION = "tests.crash.route:golden_outputs"


@functools.cache
def routes() -> dict[str, dict[str, dict[str, Any]]]:
    """SOP id -> step id -> the route's step (``oleh``, ``nilai``, ``keputusan``). A joint
    step (``bersama``), in the route once per signer, keeps every signer's entry under
    ``bersama`` (see :func:`signer`)."""
    data = yaml.safe_load(ROUTES.read_text(encoding="utf-8"))["rute"]
    out: dict[str, dict[str, dict[str, Any]]] = {}
    for sop, steps in data.items():
        by_node: dict[str, dict[str, Any]] = {}
        for step in steps:
            node = str(step["langkah"])
            if node in by_node:
                first = by_node[node]
                first.setdefault("bersama", [dict(first)]).append(step)
            else:
                by_node[node] = dict(step)
        out[sop] = by_node
    return out


def signer(planned: dict[str, Any], signed: Iterable[str]) -> dict[str, Any]:
    """The route's entry for the next act on ``planned``: on a joint step, the first signer
    who has not acted yet (``signed``: the usernames who have)."""
    done = set(signed)
    return next((e for e in planned.get("bersama", ()) if e["oleh"] not in done), planned)


def first_actor(sop: str) -> str:
    return str(next(iter(routes()[sop].values()))["oleh"])


def golden_outputs(ctx: Any) -> dict[str, str]:
    """An automated step's action: what the golden route records for the step (the
    service's whole transaction, without rendering the real action's documents)."""
    step = routes()[ctx.sop_id][ctx.node]
    return {str(k): str(v) for k, v in (step.get("nilai") or {}).items()}
