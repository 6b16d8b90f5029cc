"""A writer for the crash tests: works a court's database through the service layer as its
clerks would, and says on standard output which actions were acknowledged.

    python -m tests.crash.writer URL --seed N [--actions N]   work (N actions, or until killed)
    python -m tests.crash.writer URL --serve                  serve rounds (below)

It keeps a few cases of several SOPs open at once and, chosen by ``random.Random(seed)``,
starts a case, claims a step, or completes a step with what the golden route
(tests/golden/routes.yaml) records for it; automated steps go through the automation
service; now and then a step is attempted by someone the route does not name (a deviation
recorded, or a refusal under ``penegakan: tolak``). Cases already open in the database
(left by an earlier run) are taken up where their log stands.

One line per outcome, written with a single unbuffered ``write`` once the service call has
returned (so after the commit)::

    GO <pid>                                   the open cases are known; writing starts
    ACK <case> <seq> <hash> <action> <step>    committed: the case's log now ends at seq/hash
    REFUSED <case> <step> <code>               refused by the procedure (the attempt is
                                               recorded, but it is no acknowledged action)
    CONFLICT <case> <step>                     someone else moved the case first
    ERROR <what>                               anything else: a bug, the program exits 1

``--serve`` imports everything once, says ``READY``, then for each ``run <seed>`` line on
standard input forks a child that works with that seed (a process of its own, with its own
connections, as if started afresh, without paying Python's start-up for each round), says
``PID <pid>``, and once the child has ended ``EXIT <pid> <code>`` (-9 after a kill -9).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import traceback
from collections.abc import Callable
from dataclasses import replace

from sop_runtime.engine.rejections import StaleAction
from sop_runtime.engine.state import CaseState, CaseStatus
from sop_runtime.service import automation, cases, views
from sop_runtime.service.cases import Outcome, Refused
from sop_runtime.service.confidential import Withheld, operator
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import queries
from sop_runtime.store.errors import ConcurrencyConflict
from tests.crash.route import GOLDEN_ACTION, first_actor, routes, signer

OPEN_CASES = 6         # cases kept open side by side
START_SHARE = 0.2      # chance of starting a case while fewer than OPEN_CASES are open
CLAIM_SHARE = 0.3      # chance of claiming an unclaimed step before completing it
STRANGER_SHARE = 0.06  # chance of an unclaimed step attempted by someone the route does not name


def say(line: str) -> None:
    os.write(1, (line + "\n").encode())


class Writer:
    def __init__(self, rt: Runtime, seed: int, say: Callable[[str], None] = say) -> None:
        self.rt = rt
        self.say = say
        self.rng = random.Random(seed)
        self.routes = routes()
        # open cases of the routes' SOPs -> their state (None: to be read from the log)
        self.open: dict[str, CaseState | None] = {}

    def discover(self) -> None:
        """Take up the cases an earlier run left open."""
        with self.rt.engine.connect() as conn:
            for row in queries.cases(conn, status=str(CaseStatus.ACTIVE)):
                if row.sop_id in self.routes:
                    self.open[row.case_id] = None

    def act(self) -> None:
        """One action, chosen at random."""
        if len(self.open) < OPEN_CASES and (not self.open or self.rng.random() < START_SHARE):
            self.start()
        else:
            self.advance(self.rng.choice(sorted(self.open)))

    def start(self) -> None:
        sop = self.rng.choice(sorted(self.routes))
        out = cases.start_case(self.rt, sop, first_actor(sop))
        self.acknowledged(out.case_id, "start", "-")

    def state(self, case_id: str) -> CaseState:
        state = self.open[case_id]
        if state is None:
            state = views.case(self.rt, case_id, reader=operator()).state
            self.open[case_id] = state
        return state

    def advance(self, case_id: str) -> None:
        state = self.state(case_id)
        route = self.routes[state.sop_id]
        steps = [s for s in state.open_steps if s.node in route]
        if state.status is not CaseStatus.ACTIVE or not steps:
            del self.open[case_id]  # ended, or off the route: leave it
            return
        step = self.rng.choice(steps)
        planned = signer(route[step.node], step.signed.values())
        actor = str(planned["oleh"])
        values = {str(k): str(v) for k, v in (planned.get("nilai") or {}).items()}
        decision = planned.get("keputusan")
        try:
            if actor == automation.SYSTEM:
                work = automation.work_for(self.rt, case_id, step.node, step.attempt)
                done = automation.execute(self.rt, replace(work, action=GOLDEN_ACTION))
                if done.recorded:
                    self.acknowledged(case_id, "auto", step.node)
                else:
                    self.moved(case_id, step.node)
                return
            roll = self.rng.random()
            if step.claimed_by is None and roll < CLAIM_SHARE:
                self.done(cases.claim(self.rt, case_id, step.node, actor), "claim", step.node)
                return
            if step.claimed_by is None and roll < CLAIM_SHARE + STRANGER_SHARE:
                actor = self.stranger(state.sop_id)
            self.done(cases.complete(self.rt, case_id, step.node, actor, values=values,
                                     decision=None if decision is None else str(decision)),
                      "complete", step.node)
        except Refused as refused:
            self.say(f"REFUSED {case_id} {step.node} {refused.refusal.code}")
            self.open[case_id] = None  # the attempt moved the log: read it again
        except Withheld:  # a confidential case is not there for a stranger: nothing written
            self.say(f"WITHHELD {case_id} {step.node}")
        except (ConcurrencyConflict, StaleAction):
            self.moved(case_id, step.node)

    def stranger(self, sop: str) -> str:
        """Someone who does no step of ``sop``'s route (so no later step of the case is
        theirs: a separation of duties cannot block the route)."""
        own = {str(s["oleh"]) for s in self.routes[sop].values()}
        others = sorted({str(s["oleh"]) for r in self.routes.values() for s in r.values()}
                        - own - {automation.SYSTEM})
        return self.rng.choice(others)

    def moved(self, case_id: str, node: str) -> None:
        self.say(f"CONFLICT {case_id} {node}")
        self.open[case_id] = None

    def done(self, out: Outcome, action: str, node: str) -> None:
        self.acknowledged(out.case_id, action, node)

    def acknowledged(self, case_id: str, action: str, node: str) -> None:
        recalled = self.rt.recalled(case_id)
        assert recalled is not None, f"{case_id}: the service kept no head after the commit"
        (seq, hash_), state = recalled
        self.say(f"ACK {case_id} {seq} {hash_} {action} {node}")
        if state.status is CaseStatus.ACTIVE:
            self.open[case_id] = state
        else:
            self.open.pop(case_id, None)


def work(url: str, seed: int, actions: int | None) -> int:
    rt = Runtime.open(url)
    try:
        writer = Writer(rt, seed)
        writer.discover()
        say(f"GO {os.getpid()}")
        done = 0
        while actions is None or done < actions:
            writer.act()
            done += 1
        return 0
    except Exception:
        say("ERROR " + " | ".join(traceback.format_exc().strip().splitlines()))
        return 1
    finally:
        rt.engine.dispose()


def warm_up(url: str) -> None:
    """Do in this process, once, what every child would otherwise do first: import what
    the service imports when first used, compile the SOPs (on a court of its own, in a
    temporary folder), load the database driver of ``url``. No connection stays open."""
    import shutil
    import tempfile
    from pathlib import Path

    from sop_runtime.service import setup
    from sop_runtime.store.db import make_engine

    make_engine(url).dispose()  # the dialect and its driver, without connecting
    folder = tempfile.mkdtemp(prefix="sop-writer-")
    try:
        rt = Runtime.open(f"sqlite:///{folder}/warm.db")
        try:
            setup.init(rt, Path(__file__).resolve().parents[2] / "definitions")
            writer = Writer(rt, 0, say=lambda _: None)
            for _ in range(60):
                writer.act()
        finally:
            rt.engine.dispose()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def serve(url: str) -> int:
    warm_up(url)
    say("READY")
    for line in iter(sys.stdin.readline, ""):
        command = line.split()
        if command[:1] != ["run"] or len(command) != 2:
            say(f"ERROR unknown command {line.strip()!r}")
            return 1
        pid = os.fork()
        if pid == 0:  # the child: work until killed, and never return into this loop
            code = 1
            try:
                code = work(url, int(command[1]), None)
            finally:
                os._exit(code)
        say(f"PID {pid}")
        _, status = os.waitpid(pid, 0)
        say(f"EXIT {pid} {os.waitstatus_to_exitcode(status)}")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tests.crash.writer")
    parser.add_argument("url", help="the court's database (SOP_DATABASE_URL form)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--actions", type=int, default=None,
                        help="stop after this many actions (default: until killed)")
    parser.add_argument("--serve", action="store_true", help="serve rounds (see the module)")
    args = parser.parse_args(argv)
    if args.serve:
        return serve(args.url)
    return work(args.url, args.seed, args.actions)


if __name__ == "__main__":
    raise SystemExit(main())
