"""Crash and race checks of the store, the long versions of tests/crash: kill -9 during
writes, power cuts, torn write-ahead logs and racers, on SQLite and PostgreSQL.

- kill -9: 255 rounds per backend on one court. A writer (tests/crash/writer.py: several
  cases of every SOP at once through the service layer, each action acknowledged on its
  output once committed) writes for a random 20-300 ms after its first acknowledged action
  and is killed with SIGKILL; the next round goes on with the same court. Then every
  acknowledged action must be in the log, ``sop verify`` must pass and the projections
  must equal ``sop rebuild``'s.
- power cut (SQLite): 65 copies of the database with its -wal and -shm, taken while the
  writer is frozen (SIGSTOP) at random moments; each must verify, hold every action
  acknowledged before its stop, and have projections equal to a rebuild.
- torn WAL: 40 of those copies get a twin whose WAL is cut at a random byte or overwritten
  with garbage (past the frames a checkpoint may have copied into the database file): it
  must verify, have projections equal to a rebuild and a log that is part of the copy's.
  It may miss acknowledged actions (the tear stands for frames the disk lost): counted,
  not failed.
- racers: 51 rounds per backend of 8 processes completing the same open step through the
  CLI at the same moment: one must win, seven be told the case changed (exit 3); each step
  done once; the log verifies.

Prints the figures; exits 1 on any failure. ``--quick`` (or SOP_BENCH_QUICK=1): 15 kill
rounds, 8 copies (6 torn), 5 race rounds, as ``make test`` runs them. ``--seed N`` picks
other random moments.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from _common import DEFINITIONS, QUICK, Backend, backends, machine, sqlite_backend, table

from sop_runtime.service import setup
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import db
from tests.crash.harness import (
    KillReport,
    PowerCutReport,
    RaceReport,
    kill_loop,
    power_cuts,
    race_rounds,
)

FULL = {"rounds": 255, "copies": 65, "torn": 40, "races": 51}
SHORT = {"rounds": 15, "copies": 8, "torn": 6, "races": 5}
RACERS = 8


@dataclass
class Figures:
    kills: list[tuple[str, KillReport, float]] = field(default_factory=list)
    races: list[tuple[str, RaceReport, float]] = field(default_factory=list)
    cuts: PowerCutReport | None = None
    cuts_s: float = 0.0

    def problems(self) -> list[str]:
        found = [p for _, r, _ in self.kills for p in r.problems]
        found += [p for _, r, _ in self.races for p in r.problems]
        return found + (self.cuts.problems if self.cuts else [])


def court(backend: Backend) -> None:
    rt = Runtime(db.make_engine(backend.url))
    try:
        setup.init(rt, DEFINITIONS)
    finally:
        rt.engine.dispose()


def ok(problems: list[str]) -> str:
    return "ok" if not problems else f"FAILED ({len(problems)})"


def run(sizes: dict[str, int], seed: int, work: Path) -> Figures:
    figures = Figures()
    with backends("adversarial") as found:
        for backend in found:
            court(backend)
            folder = work / backend.name
            folder.mkdir()
            t0 = time.perf_counter()
            killed = kill_loop(backend.url, sizes["rounds"], seed, folder)
            figures.kills.append((backend.name, killed, time.perf_counter() - t0))
            t0 = time.perf_counter()
            raced = race_rounds(backend.url, sizes["races"], RACERS, folder)
            figures.races.append((backend.name, raced, time.perf_counter() - t0))
    with sqlite_backend("powercut") as lite:
        court(lite)
        folder = work / "powercut"
        folder.mkdir()
        t0 = time.perf_counter()
        figures.cuts = power_cuts(Path(lite.url.removeprefix("sqlite:///")), sizes["copies"],
                                  sizes["torn"], seed, folder)
        figures.cuts_s = time.perf_counter() - t0
    return figures


def report(figures: Figures, sizes: dict[str, int], seed: int) -> None:
    print(f"{'quick' if sizes == SHORT else 'full'} run, seed {seed}; {machine()}")
    print("\nkill -9 during writes (a writer killed 20-300 ms after its first acknowledged "
          "action, round after round on one court)")
    print(table(["backend", "rounds", "acknowledged", "refused", "conflicts", "lost",
                 "verify + rebuild", "seconds"],
                [[name, str(len(r.rounds)), str(len(r.acks)), str(r.refused),
                  str(r.conflicts), str(len(r.lost)), ok(r.problems), f"{s:.0f}"]
                 for name, r, s in figures.kills]))
    cuts = figures.cuts
    assert cuts is not None
    distinct = len({a for c in cuts.copies for a in c.acks})
    print("\npower cut (SQLite: the files copied while the writer was frozen)")
    print(table(["copies", "acknowledged before the stops", "lost", "verified", "seconds"],
                [[str(len(cuts.copies)), str(distinct), str(len(cuts.lost)),
                  f"{cuts.verified}/{len(cuts.copies)}", f"{figures.cuts_s:.0f}"]]))
    tears = [c.tear for c in cuts.torn if c.tear is not None]
    print("\ntorn WAL (a copy's WAL cut or overwritten past the checkpointed frames; losing "
          "acknowledged actions is allowed here)")
    print(table(["copies", "cut", "garbage", "untouched", "verified", "events dropped",
                 "acknowledged dropped"],
                [[str(len(cuts.torn)), str(sum(t.how == "cut" for t in tears)),
                  str(sum(t.how == "garbage" for t in tears)),
                  str(sum(t.how == "none" for t in tears)),
                  f"{cuts.torn_verified}/{len(cuts.torn)}", str(cuts.torn_events_dropped),
                  str(cuts.torn_acks_dropped)]]))
    print(f"\nracers ({RACERS} processes complete the same open step through the CLI at once)")
    print(table(["backend", "rounds", "one winner", "losers collided", "losers found it done",
                 "checks", "seconds"],
                [[name, str(len(r.winners)), f"{r.winners.count(1)}/{len(r.winners)}",
                  str(r.collided), str(r.found_done), ok(r.problems), f"{s:.0f}"]
                 for name, r, s in figures.races]))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="the sizes make test runs")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    sizes = SHORT if args.quick or QUICK else FULL
    with tempfile.TemporaryDirectory(prefix="sop_bench_adversarial_") as work:
        figures = run(sizes, args.seed, Path(work))
    report(figures, sizes, args.seed)
    problems = figures.problems()
    for p in problems[:20]:
        print(f"FAILED: {p}")
    lost = sum(len(r.lost) for _, r, _ in figures.kills)
    lost += len(figures.cuts.lost) if figures.cuts else 0
    print(f"\nlost acknowledged actions: {lost}; failures: {len(problems)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
