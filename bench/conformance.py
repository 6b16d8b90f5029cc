"""Log rows replayed per second by ``sop conformance`` on a generated log of 1M rows (quick:
100k): the reference replay (every row through ``decide``) and the replay automaton (the
flow memoised, each row's own checks on top), on one process and on one per core, side by
side, and pm4py's replays of the same log.

The log is what SIPP's step table would hold for taksiran-panjar-skum (an SOP with time
limits on its steps, a service standard and a decision; ``--sop`` picks another): clean
cases walked by the engine along the golden route (tests/golden/routes.yaml), each step done
a few minutes after it opened by the route's user, then repeated under new case ids a week
later each time, with one case in seven mutated (a swap, a deletion, an actor substitution,
a delay past the limit, a repeated row or an empty required output). It is written as CSV
with its mapping file and checked by the same code as the command (``conformance.check``):
the CSV is read, every case replayed, the findings sorted. The reference's and the
automaton's reports must be equal case for case.

Then, unless ``--no-pm4py``, the same log is written as XES with a Petri net of the SOP
(PNML, ``bench/_petri.py``) and replayed by pm4py in a scratch environment, out of process
(``bench/_pm4py_side.py``; pm4py is AGPL and never a dependency): token-based replay (each
variant once, and every trace) and alignments, printed beside ours with the ratios and the
cases each finds off the flow. ``SOP_BENCH_PM4PY_ALIGN=N`` aligns only the first N traces.

Ends with the automaton's rows per second on one process per core (goal >= 100k events/s)
and its ratios to pm4py's token replay on one process (goal >= 10x).
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

from _common import DEFINITIONS, QUICK, ROUTES_FILE, machine, table
from _petri import write_pnml
from _pm4py_side import Pm4pyFigures, ensure_venv, replay
from _xesrows import write_xes

from sop_runtime.compiler.library import load_library
from sop_runtime.conformance.check import ConformanceReport, check
from sop_runtime.conformance.mapping import load_mapping
from sop_runtime.conformance.synthetic_log import MUTATIONS, Generator, Row, load_routes
from sop_runtime.gcpause import gc_paused

SOP = "taksiran-panjar-skum"
ROWS = 100_000 if QUICK else 1_000_000
TEMPLATES = 300 if QUICK else 1000
GOAL = 100_000
PM4PY_GOAL = 10  # ours / pm4py's token replay, events per second
# findings a case's sequence of activities shows (what a Petri net replay can also see)
FLOW_KINDS = frozenset({"out_of_order", "skipped", "rework", "missing_signer", "after_end"})


def generate(gen: Generator, rows_wanted: int) -> list[Row]:
    first = datetime.fromisoformat("2025-01-06T00:00:00+09:00")
    templates = [gen.clean(f"T{k}", start)
                 for k, start in enumerate(gen.start_times(TEMPLATES, first))]
    span = timedelta(weeks=1 + (templates[-1][-1].at - templates[0][0].at).days // 7)
    rows: list[Row] = []
    n = 0
    while len(rows) < rows_wanted:
        template = templates[n % len(templates)]
        shift = span * (n // len(templates))
        case = f"W/{n:07d}/Leg/PN Snn"
        copy = [replace(r, case=case, at=r.at + shift,
                        due=r.due + shift if r.due else None,
                        service_due=r.service_due + shift if r.service_due else None)
                for r in template]
        if n % 7 == 0:
            mutated = gen.mutate(copy, MUTATIONS[(n // 7) % len(MUTATIONS)])
            if mutated is not None:
                copy = mutated[0]
        rows.extend(copy)
        n += 1
    return rows


def measure(log: Path, gen: Generator, mapping: Path, workers: int, sop: str,
            reference: bool = False) -> ConformanceReport:
    lib = load_library([DEFINITIONS])
    assert lib.court is not None
    court = lib.court.model
    wf = lib.workflow(sop)
    loaded = load_mapping(mapping, wf, frozenset(p.id for p in court.peran))
    return check(log, wf, loaded, gen.calendar, frozenset(p.id for p in court.peran
                                                         if p.pengawas), workers=workers,
                 reference=reference)


def off_flow(report: ConformanceReport) -> int:
    """Cases that did not follow the flow: a control-flow finding, or never reached an end."""
    return sum(1 for c in report.cases
               if not c.completed or any(f.kind in FLOW_KINDS for f in c.findings))


def pm4py_side(xes: Path, pnml: Path) -> Pm4pyFigures | None:
    """pm4py's figures on the log, or None after saying why there are none."""
    python, why = ensure_venv()
    if python is None:
        print(f"pm4py tidak tersedia / not available: {why}; hanya replay kami / ours only")
        return None
    align = int(os.environ.get("SOP_BENCH_PM4PY_ALIGN") or 0)
    try:
        figures = replay(python, xes, pnml, align)
    except (RuntimeError, OSError) as exc:
        print(f"pm4py gagal / failed: {exc}; hanya replay kami / ours only")
        return None
    print(f"{why}: {figures.traces:,} traces, {figures.variants:,} variants")
    return figures


def side_by_side(ref: ConformanceReport, ours: ConformanceReport, pm: Pm4pyFigures) -> None:
    def rates(r: ConformanceReport) -> tuple[float, float]:
        return r.replayed / r.replay_seconds, r.replayed / (r.read_seconds + r.replay_seconds)

    ref_replay, ref_all = rates(ref)
    ours_replay, ours_all = rates(ours)
    pm_replay = pm.events / pm.replay_s
    pm_all = pm.events / (pm.import_s + pm.convert_s + pm.replay_s)
    pm_each = pm.events / pm.replay_each_s
    pm_align = pm.alignment_events / pm.alignment_s
    subset = ("" if pm.alignment_traces == pm.traces
              else f" (first {pm.alignment_traces:,} traces)")
    print(table(
        ["one process", "events", "read s", "replay s", "replay events/s",
         "with reading events/s", "cases off the flow"],
        [["ours, reference (decide per row)", f"{ref.replayed:,}", f"{ref.read_seconds:.1f}",
          f"{ref.replay_seconds:.1f}", f"{ref_replay:,.0f}", f"{ref_all:,.0f}",
          f"{off_flow(ref):,}"],
         ["ours, automaton", f"{ours.replayed:,}", f"{ours.read_seconds:.1f}",
          f"{ours.replay_seconds:.1f}", f"{ours_replay:,.0f}", f"{ours_all:,.0f}",
          f"{off_flow(ours):,}"],
         [f"pm4py {pm.version} token replay", f"{pm.events:,}",
          f"{pm.import_s + pm.convert_s:.1f}", f"{pm.replay_s:.1f}", f"{pm_replay:,.0f}",
          f"{pm_all:,.0f}", f"{pm.traces - pm.fitting_traces:,}"],
         ["  the same, every trace replayed", f"{pm.events:,}",
          f"{pm.import_s + pm.convert_s:.1f}", f"{pm.replay_each_s:.1f}", f"{pm_each:,.0f}",
          f"{pm.events / (pm.import_s + pm.convert_s + pm.replay_each_s):,.0f}", ""],
         [f"pm4py alignments{subset}", f"{pm.alignment_events:,}", "",
          f"{pm.alignment_s:.1f}", f"{pm_align:,.0f}", "",
          f"{pm.alignment_traces - pm.alignment_fitting:,}"]]))
    print(f"pm4py reading: XES {pm.import_s:.1f} s, to its event log {pm.convert_s:.1f} s")
    for name, rate, whole in (("automaton", ours_replay, ours_all),
                              ("reference", ref_replay, ref_all)):
        print(f"ours ({name}) / pm4py token replay: {rate / pm_replay:.2f}x replay alone "
              f"({pm.variants:,} variants replayed once each), {rate / pm_each:.2f}x "
              f"against every trace replayed, {whole / pm_all:.2f}x with reading "
              f"(goal >= {PM4PY_GOAL}x); / alignments {rate / pm_align:.2f}x")
    beyond = {k: n for k, n in ours.totals.most_common() if k not in FLOW_KINDS}
    print(f"found by ours only (a Petri net holds no people, times nor values): {beyond}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--no-pm4py", action="store_true",
                        help="skip pm4py's replay of the same log")
    parser.add_argument("--sop", default=SOP, help=f"the SOP of the log (default {SOP})")
    args = parser.parse_args()
    sop = args.sop
    print(f"bench/conformance.py — {machine()}")
    t0 = time.perf_counter()
    lib = load_library([DEFINITIONS])
    assert lib.court is not None
    gen = Generator.for_court(lib.workflow(sop), load_routes(ROUTES_FILE)[sop], lib.court.model,
                              seed=2026)
    with gc_paused():
        rows = generate(gen, ROWS)
    folder = Path(tempfile.mkdtemp(prefix="sop-bench-conformance-"))
    log, mapping = folder / "log.csv", folder / "map.yaml"
    with log.open("w", encoding="utf-8", newline="") as f:
        gen.write_rows(f, rows, header=True)
    gen.write_mapping(mapping)
    xes, pnml = folder / "log.xes", folder / "net.pnml"
    if not args.no_pm4py:
        with xes.open("w", encoding="utf-8") as f:
            write_xes(f, rows)
        write_pnml(lib.workflow(sop), pnml)
    cases = len({r.case for r in rows})
    print(f"{'quick' if QUICK else 'full'} run: {len(rows):,} rows in {cases:,} cases of {sop} "
          f"({log.stat().st_size / 1e6:.0f} MB of CSV), made in {time.perf_counter() - t0:.1f} s")
    del rows
    runs = [(f"reference, {w}", measure(log, gen, mapping, w, sop, reference=True))
            for w in sorted({1, os.cpu_count() or 1})]
    runs += [(f"automaton, {w}", measure(log, gen, mapping, w, sop))
             for w in sorted({1, os.cpu_count() or 1})]
    print(table(
        ["replay, processes", "rows", "cases", "findings", "read s", "replay s",
         "replay rows/s", "read+replay rows/s"],
        [[name, f"{r.replayed:,}", f"{len(r.cases):,}", f"{sum(r.totals.values()):,}",
          f"{r.read_seconds:.1f}", f"{r.replay_seconds:.1f}",
          f"{r.replayed / r.replay_seconds:,.0f}",
          f"{r.replayed / (r.read_seconds + r.replay_seconds):,.0f}"] for name, r in runs]))
    ref, one = runs[0][1], runs[len(runs) // 2][1]
    assert all(r.cases == ref.cases for _, r in runs), "the replays disagree"
    print(f"automaton / reference, one process: "
          f"{ref.replay_seconds / one.replay_seconds:.1f}x the replay; every run's report equal")
    best = max((r for name, r in runs if name.startswith("automaton")),
               key=lambda r: r.replayed / r.replay_seconds)
    print(f"findings by kind: {dict(one.totals.most_common())}")
    if not args.no_pm4py:
        print(f"pm4py: the same log as XES ({xes.stat().st_size / 1e6:.0f} MB) "
              f"and {sop} as a Petri net (PNML)")
        pm = pm4py_side(xes, pnml)
        if pm is not None:
            side_by_side(ref, one, pm)
    for f in folder.iterdir():
        f.unlink()
    folder.rmdir()
    print(f"goal >= {GOAL:,} events/s (an event: one row of the log replayed)")
    print(f"conformance: {best.replayed / best.replay_seconds:.0f} events/s")


if __name__ == "__main__":
    main()
