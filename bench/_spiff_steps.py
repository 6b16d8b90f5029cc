"""SpiffWorkflow's side of bench/transitions.py, run in a scratch environment that has
SpiffWorkflow (never the project's: it imports nothing of sop_runtime).

Each SOP's golden route becomes a BPMN process of as many user tasks in a row, parsed once.
Cases are started and advanced in the same waves as the service's (the parent sends the
plan), one step at a time: a start creates the workflow and runs its engine steps; a step
finds the READY user task, sets the route's values as its data, runs it and the engine
steps after it. After every start or step the whole workflow is serialized with
``BpmnWorkflowSerializer`` and written to SQLite (WAL, ``synchronous=FULL``, as the
service's store) in a transaction of its own. The workflow stays in memory between steps
(as the service keeps a case's state), so no step deserializes; with argv[3] ``read``, each
step first reads the workflow back from the database and deserializes it (as a server with
several workers must).

Protocol (JSON lines): argv[1] is the plan file ({"routes": {sop: [values, ...]},
"waves": [[[slot, sop], ...], ...]}), argv[2] the database file. On stdin ``{"actions": n}``
runs the next n actions and answers ``{"actions": n, "seconds": s, "cpu": c}``; ``{"end":
true}`` checks the run (every workflow completed and stored) and answers ``{"version": v,
"workflows": w, "steps": k}``.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import time
from collections.abc import Iterator
from itertools import pairwise
from typing import Any

from SpiffWorkflow.bpmn.parser import BpmnParser
from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
from SpiffWorkflow.bpmn.workflow import BpmnWorkflow
from SpiffWorkflow.util.task import TaskState
from SpiffWorkflow.version import __version__

NS = "http://www.omg.org/spec/BPMN/20100524/MODEL"


def bpmn(process: str, steps: int) -> str:
    """A process of ``steps`` user tasks in a row."""
    nodes = ["start"] + [f"t{i}" for i in range(1, steps + 1)] + ["end"]
    body = ['<bpmn:startEvent id="start"/>']
    body += [f'<bpmn:userTask id="t{i}" name="Langkah {i}"/>' for i in range(1, steps + 1)]
    body.append('<bpmn:endEvent id="end"/>')
    body += [f'<bpmn:sequenceFlow id="f{i}" sourceRef="{a}" targetRef="{b}"/>'
             for i, (a, b) in enumerate(pairwise(nodes))]
    return (f'<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions xmlns:bpmn="{NS}" '
            f'id="d_{process}" targetNamespace="http://sop-runtime/bench">'
            f'<bpmn:process id="{process}" isExecutable="true">{"".join(body)}'
            '</bpmn:process></bpmn:definitions>')


def process_id(sop: str) -> str:
    return "p_" + sop.replace("-", "_")


class Spiff:
    def __init__(self, plan: dict[str, Any], path: str, read: bool) -> None:
        self.read = read
        self.routes: dict[str, list[dict[str, str]]] = plan["routes"]
        parser = BpmnParser()
        for sop, route in self.routes.items():
            parser.add_bpmn_str(bpmn(process_id(sop), len(route)).encode(), f"{sop}.bpmn")
        self.specs = {sop: parser.get_spec(process_id(sop)) for sop in self.routes}
        self.serializer = BpmnWorkflowSerializer()
        self.db = sqlite3.connect(path, isolation_level=None)
        for pragma in ("PRAGMA journal_mode=WAL", "PRAGMA synchronous=FULL"):
            self.db.execute(pragma)
        self.db.execute("CREATE TABLE IF NOT EXISTS workflows (id INTEGER PRIMARY KEY, "
                        "sop TEXT NOT NULL, step INTEGER NOT NULL, completed INTEGER NOT NULL,"
                        " serialization TEXT NOT NULL)")
        self.live: dict[int, BpmnWorkflow] = {}
        self.steps = 0
        self.actions = self._actions(plan["waves"])

    def _actions(self, waves: list[list[list[Any]]]) -> Iterator[tuple[int, str, int]]:
        """(slot, sop, k): start (k = 0) or do step k, in the service's order."""
        for wave in waves:
            members = [(int(s), str(sop)) for s, sop in wave]
            yield from ((s, sop, 0) for s, sop in members)
            for k in range(1, max(len(self.routes[sop]) for _, sop in members) + 1):
                yield from ((s, sop, k) for s, sop in members if k <= len(self.routes[sop]))

    def act(self, slot: int, sop: str, k: int) -> None:
        if k == 0:
            wf = BpmnWorkflow(self.specs[sop])
            wf.do_engine_steps()
            self.live[slot] = wf
        else:
            wf = self.live[slot]
            if self.read:
                (stored,) = self.db.execute("SELECT serialization FROM workflows WHERE id = ?",
                                            (slot,)).fetchone()
                wf = self.serializer.deserialize_json(stored)
            ready = wf.get_tasks(state=TaskState.READY, manual=True)
            if len(ready) != 1 or ready[0].task_spec.name != f"t{k}":
                raise SystemExit(f"spiff: {sop} case {slot} step {k}: ready {ready}")
            ready[0].data.update(self.routes[sop][k - 1])
            ready[0].run()
            wf.do_engine_steps()
        stored = self.serializer.serialize_json(wf)
        self.db.execute("BEGIN IMMEDIATE")
        self.db.execute("INSERT INTO workflows (id, sop, step, completed, serialization) "
                        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET step = "
                        "excluded.step, completed = excluded.completed, serialization = "
                        "excluded.serialization", (slot, sop, k, int(wf.is_completed()),
                                                   stored))
        self.db.execute("COMMIT")
        self.steps += 1
        if wf.is_completed():
            del self.live[slot]
        else:
            self.live[slot] = wf

    def run(self, n: int) -> dict[str, Any]:
        t0, c0 = time.perf_counter(), time.process_time()
        done = 0
        for slot, sop, k in self.actions:
            self.act(slot, sop, k)
            done += 1
            if done == n:
                break
        return {"actions": done, "seconds": time.perf_counter() - t0,
                "cpu": time.process_time() - c0}

    def end(self) -> dict[str, Any]:
        workflows, completed = self.db.execute(
            "SELECT count(*), sum(completed) FROM workflows").fetchone()
        if self.live or workflows != completed:
            raise SystemExit(f"spiff: {len(self.live)} workflows not completed")
        last = self.db.execute("SELECT serialization FROM workflows LIMIT 1").fetchone()
        if last is not None and not self.serializer.deserialize_json(last[0]).is_completed():
            raise SystemExit("spiff: a stored workflow does not read back completed")
        return {"version": __version__, "workflows": workflows, "steps": self.steps}


def main() -> None:
    with open(sys.argv[1], encoding="utf-8") as f:
        plan = json.load(f)
    spiff = Spiff(plan, sys.argv[2], sys.argv[3:] == ["read"])
    for line in sys.stdin:
        ask = json.loads(line)
        answer = spiff.end() if ask.get("end") else spiff.run(int(ask["actions"]))
        print(json.dumps(answer), flush=True)
        if ask.get("end"):
            break


if __name__ == "__main__":
    main()
