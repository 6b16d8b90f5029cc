"""Run by ``bench/_pm4py_side.py`` with the Python of a scratch environment that has pm4py
(AGPL: never a dependency of the project, never imported by it). Not a bench itself.

    python _pm4py_replay.py LOG.xes NET.pnml OUT.json [ALIGN_TRACES]

Reads the XES log (timed), turns it into pm4py's event log (timed), replays it on the net by
token-based replay (timed: the replay alone; pm4py replays each variant, a distinct sequence
of activities, once), again with every trace replayed (``disable_variants``), then computes
alignments on the first ALIGN_TRACES traces (all when 0 or absent; timed), on one process
each, and writes the figures to OUT.json.
"""

from __future__ import annotations

import json
import sys
import time


def main() -> None:
    xes, pnml, out = sys.argv[1:4]
    align_traces = int(sys.argv[4]) if len(sys.argv) > 4 else 0

    import pm4py
    from pm4py.objects.log.obj import EventLog

    net, im, fm = pm4py.read_pnml(pnml)
    t0 = time.perf_counter()
    frame = pm4py.read_xes(xes)
    import_s = time.perf_counter() - t0
    t0 = time.perf_counter()
    log = pm4py.convert_to_event_log(frame)
    convert_s = time.perf_counter() - t0
    events = sum(len(t) for t in log)
    variants = len({tuple(e["concept:name"] for e in t) for t in log})

    t0 = time.perf_counter()
    replayed = pm4py.conformance_diagnostics_token_based_replay(log, net, im, fm)
    replay_s = time.perf_counter() - t0
    fitting = sum(1 for r in replayed if r["trace_is_fit"])
    t0 = time.perf_counter()  # every trace replayed, as if each were a variant of its own
    each = pm4py.conformance_diagnostics_token_based_replay(
        log, net, im, fm, opt_parameters={"disable_variants": True})
    replay_each_s = time.perf_counter() - t0
    assert sum(1 for r in each if r["trace_is_fit"]) == fitting

    subset = log if not align_traces or align_traces >= len(log) else EventLog(
        log[:align_traces], attributes=log.attributes)
    t0 = time.perf_counter()
    aligned = pm4py.conformance_diagnostics_alignments(subset, net, im, fm)
    align_s = time.perf_counter() - t0

    result = {
        "pm4py": pm4py.__version__,
        "events": events,
        "traces": len(log),
        "variants": variants,
        "import_s": import_s,
        "convert_s": convert_s,
        "replay_s": replay_s,
        "replay_each_s": replay_each_s,
        "fitting_traces": fitting,
        "alignment_traces": len(subset),
        "alignment_events": sum(len(t) for t in subset),
        "alignment_s": align_s,
        "alignment_fitting": sum(1 for a in aligned if a is not None and a["fitness"] == 1.0),
    }
    with open(out, "w", encoding="utf-8") as f:
        json.dump(result, f)


if __name__ == "__main__":
    main()
