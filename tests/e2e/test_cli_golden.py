"""A golden path for every SOP in definitions/, played through the real CLI.

The routes are in ``tests/golden/routes.yaml`` (``rute``): per SOP, the steps in order,
each with the step (``langkah``), who does it (``oleh``), the branch taken (``keputusan``,
for decisions) and the values it records (``nilai``: kelengkapan, outputs, case fields).
The case must end (status ``selesai``) with every step of the route done by its person, no
step left open, no deviation, and a log that verifies.

The routes' own clock (``mulai``, ``menit_per_langkah``) is for the pure-core test; here
the steps are done now, one after the other, as a clerk at the desk would (a time given
with ``--at`` would be an entry recorded later, which is a different story).

A step done by ``sistem`` is an automated step: it is run as the orchestrator runs it,
through the service (:func:`sop_runtime.service.automation.execute`), on the court's
database; what it records must be the route's ``nilai``, except a document, whose reference
must name the file the action wrote (and its SHA-256).
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

import pytest
import yaml

from sop_runtime.definition.models import ItemKind
from sop_runtime.engine.values import same_value
from sop_runtime.service import automation, cases, catalog
from sop_runtime.service.runtime import Runtime
from tests.conftest import DEFINITIONS, ROOT
from tests.e2e.court import Court, new_court

ROUTES = ROOT / "tests" / "golden" / "routes.yaml"
SOPS = sorted(p.stem for p in DEFINITIONS.glob("*.yaml") if p.stem != "court")


def _routes() -> dict[str, Any]:
    data = yaml.safe_load(ROUTES.read_text(encoding="utf-8"))
    routes = data.get("rute", data) if isinstance(data, dict) else None
    assert isinstance(routes, dict), f"{ROUTES}: expected 'rute', a mapping of SOP id to route"
    return routes


def _steps(route: Any) -> tuple[list[dict[str, Any]], dict[str, str]]:
    """(steps, case fields) of one route, written as a list of steps or as a mapping."""
    if isinstance(route, dict):
        fields = route.get("isian") or {}
        route = route.get("langkah") or route.get("rute") or route.get("steps")
    else:
        fields = {}
    assert isinstance(route, list) and route, "a route is a non-empty list of steps"
    return route, {str(k): str(v) for k, v in fields.items()}


def _variants(value: Any) -> list[Any]:
    """One SOP may have one route, or several (a list of routes, or named routes)."""
    if isinstance(value, dict) and not {"langkah", "rute", "steps"} & value.keys():
        return list(value.values())
    if isinstance(value, list) and value and isinstance(value[0], list):
        return value
    return [value]


def test_every_sop_has_a_route() -> None:
    if not ROUTES.exists():
        pytest.skip(f"{ROUTES.relative_to(ROOT)} is not written yet")
    assert sorted(_routes()) == SOPS


@pytest.mark.parametrize("sop_id", SOPS)
def test_golden_path(sop_id: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOP_DEFINITIONS", str(DEFINITIONS))  # the actions' fee table
    if not ROUTES.exists():
        pytest.skip(f"{ROUTES.relative_to(ROOT)} is not written yet")
    routes = _routes()
    assert sop_id in routes, f"no route for {sop_id} in {ROUTES.name}"
    for n, variant in enumerate(_variants(routes[sop_id])):
        where = tmp_path / f"route{n}"
        where.mkdir()
        _play(new_court(where), sop_id, *_steps(variant))


def _play(court: Court, sop_id: str, steps: list[dict[str, Any]], fields: dict[str, str]
          ) -> None:
    start_args = [f"--field={k}={v}" for k, v in fields.items()]
    case = court.start(sop_id, str(steps[0]["oleh"]), *start_args)
    open_now = [s["node"] for s in court.json("case", case)["open_steps"]]
    for step in steps:
        node = str(step["langkah"])
        assert node in open_now, f"{sop_id}: step {node} is not open (open: {open_now})"
        if step["oleh"] == automation.SYSTEM:
            open_now = _automated(court, case, node, step.get("nilai") or {})
            continue
        extra: list[str] = []
        if step.get("keputusan") is not None:
            extra += ["--decision", str(step["keputusan"])]
        for key, value in (step.get("nilai") or {}).items():
            extra.append(f"--output={key}={value}")
        out = court.json("complete", case, node, "--as", str(step["oleh"]), *extra)
        assert out["deviations"] == [], f"{sop_id} step {node}: {out['deviations']}"
        open_now = [s["node"] for s in out["open_steps"]]
    view = court.json("case", case)
    assert view["status"] == "selesai", f"{sop_id}: still open at {open_now}"
    assert view["open_steps"] == []
    done = [(str(e["node"]), e["actor"]) for e in view["timeline"]
            if e["type"] == "step_completed"]
    # a joint step (bersama) is in the route once per signer, in a row; the last completes it
    completing = [s for s, after in zip(steps, [*steps[1:], None], strict=True)
                  if after is None or after["langkah"] != s["langkah"]]
    assert done == [(str(s["langkah"]), str(s["oleh"])) for s in completing]
    assert court.json("deviations", "--case", case)["deviations"] == []
    assert court.json("verify")["ok"] is True


def _automated(court: Court, case: str, node: str, expected: dict[str, Any]) -> list[str]:
    """Run the automated step ``node`` as the orchestrator would; the open steps after it."""
    rt = Runtime.open(court.url)
    try:
        work = automation.work_for(rt, case, node, 1)
        documents = court.root / "dokumen"
        done = automation.execute(rt, work, documents=documents)
        with rt.engine.connect() as conn:
            _, state = cases.load_case(conn, case)
            wf = catalog.workflow(rt, conn, state.version)
        items = wf.items_at(wf.node(node))
    finally:
        rt.engine.dispose()
    assert done.recorded, f"step {node} was not recorded"
    assert set(done.outputs) == {str(k) for k in expected}, done.outputs
    for key, value in expected.items():
        got = done.outputs[str(key)]
        if items[str(key)].jenis is ItemKind.DOKUMEN:
            name, _, digest = got.partition(" sha256:")
            written = documents / name
            assert written.is_file(), f"{got}: no such file in {documents}"
            assert hashlib.sha256(written.read_bytes()).hexdigest()[:16] == digest, got
            # beside it, the store's sub-folders: the same bytes kept by their hash
            assert sorted(p.name for p in documents.iterdir() if p.is_file()) == [name]
            assert (documents / digest[:2]).is_dir()
        elif items[str(key)].jenis is ItemKind.UANG:  # stored as digits: the same amount
            assert got.isdigit() and same_value(items[str(key)], got, str(value)), \
                (key, got, value)
        else:
            assert got == str(value), (key, got, value)
    return [s["node"] for s in court.json("case", case)["open_steps"]]
