"""Where one step action's time goes on SQLite: the parts every engine keeping this record
must run in Python, against the whole action through the service.

The golden routes are walked through the service layer (as ``bench/transitions.py`` walks
them, one action at a time), with these parts timed where the service calls them:

- ``decide``: every rule of the engine (actor, order, time, inputs and outputs, separation
  of duties, deviations);
- ``apply``: the fold of the new events into the case's state;
- ``to_record``: each event's stored payload;
- ``chain_hashes``: each event's canonical JSON and SHA-256, chained;
- the statements' parameters: each value converted as its column stores it.

What is left of the action is the shell: the projections' and counts' rows, the step
attempts, the group committer, the transaction, and the database's own work (which the
ceiling of ``bench/transitions.py`` pays too). Set beside that ceiling's milliseconds per
action, the parts bound the ratio any shell could reach: ceiling / (ceiling + parts).

Ends with ``pure parts per action: X ms`` (CPU of this process). SOP_BENCH_QUICK=1: fewer
rounds.
"""

from __future__ import annotations

import functools
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from _common import (
    DEFINITIONS,
    QUICK,
    SteppingClock,
    load_routes,
    machine,
    sqlite_backend,
    table,
    walk_route,
)

import sop_runtime.service.cases as service_cases
import sop_runtime.store.events as store_events
import sop_runtime.store.rawexec as rawexec
from sop_runtime.service import setup
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import db

ROUNDS = 2 if QUICK else 8  # walks of every golden route, after one that warms up

PARTS: list[tuple[Any, str, str]] = [
    (service_cases, "decide", "decide: every rule"),
    (service_cases, "apply", "apply: the fold"),
    (service_cases, "to_record", "to_record: the stored payloads"),
    (store_events, "chain_hashes", "chain_hashes: canonical JSON and SHA-256"),
    (rawexec._Compiled, "parameters", "the statements' parameters"),
]


def timed(spent: Counter[str], key: str, fn: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        t0 = time.process_time()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[key] += time.process_time() - t0
    return wrapper


def main() -> None:
    print(machine())
    routes = load_routes()
    spent: Counter[str] = Counter()
    for owner, name, key in PARTS:
        setattr(owner, name, timed(spent, key, getattr(owner, name)))
    with sqlite_backend("parts") as backend:
        rt = Runtime(db.make_engine(backend.url), SteppingClock())
        setup.init(rt, DEFINITIONS)

        def walk() -> int:
            actions = 0
            for sop, route in routes.items():
                walk_route(rt, sop, route)
                actions += len(route) + 1  # the start, then each step
            return actions

        walk()  # warms the caches up
        spent.clear()
        cpu, wall, actions = time.process_time(), time.perf_counter(), 0
        for _ in range(ROUNDS):
            actions += walk()
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        rt.engine.dispose()
    per = {key: spent[key] / actions * 1000 for _, _, key in PARTS}
    pure = sum(per.values())
    whole = cpu / actions * 1000
    print(f"SQLite, {actions} actions one at a time ({ROUNDS} walks of the "
          f"{len(routes)} golden routes); CPU ms per action")
    print(table(["part", "ms", "share"],
                [[key, f"{ms:.3f}", f"{ms / whole:.0%}"] for key, ms in per.items()]
                + [["the pure parts", f"{pure:.3f}", f"{pure / whole:.0%}"],
                   ["the rest: the shell and the database", f"{whole - pure:.3f}",
                    f"{(whole - pure) / whole:.0%}"],
                   ["the whole action (CPU)", f"{whole:.3f}", "100%"],
                   ["the whole action (wall)", f"{wall / actions * 1000:.3f}", ""]]))
    print("beside bench/transitions.py's ceiling C ms an action, no shell can pass "
          "C / (C + the pure parts)")
    print(f"pure parts per action: {pure:.3f} ms")


if __name__ == "__main__":
    main()
