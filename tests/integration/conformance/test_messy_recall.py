"""The mutation test on messy logs: ``sop conformance``'s checker run (in-process) on the
logs of sop_runtime.conformance.messy_log for every SOP in the library.

Each injected deviation must be found at its case, kind and step, and nothing else flagged:
precision and recall >= 99% (printed, with the figures per kind); the cases the log's end
cut off are reported unfinished with exactly the steps open at the cut; clean finished cases
have no finding; exact duplicate rows are counted. Run on the fully messy log (times, case
fields on every row), on the same written with dates only (case fields on the first row),
and on logs with one messiness alone, so that a loss is traced to what causes it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from sop_runtime.conformance.check import check
from sop_runtime.conformance.jsonform import report_json
from sop_runtime.conformance.mapping import load_mapping
from sop_runtime.conformance.messy_log import CLEAN, Messiness, MessyGenerator, MessyLog
from sop_runtime.worktime import CourtCalendar
from tests.integration.conformance.test_messy_logs import CASES, ROUTES, START, generator
from tests.unit.enginekit import court

VARIANTS = {
    "semua, waktu": (Messiness(), CASES),
    "semua, tanggal": (Messiness(dates_only=True, fields="pertama"), CASES),
    # one messiness at a time, on fewer cases
    "berselang": (replace(CLEAN, interleave=True, per_day=6), 21),
    "sisipan": (replace(CLEAN, noise=0.6, blank_decisions=0.6), 21),
    "paralel": (replace(CLEAN, parallel_either=True), 21),
    "terpotong": (replace(CLEAN, cut=True, per_day=6), 21),
    "tanpa nama": (replace(CLEAN, nobody=0.7, automated_nobody=True), 21),
    "tanggal saja": (replace(CLEAN, dates_only=True, cut=True, per_day=6), 21),
    "isian": (replace(CLEAN, fields="tiap"), 21),
    "ganda": (replace(CLEAN, duplicates=0.2), 21),
    "staf lain": (replace(CLEAN, extra_people=0.8), 21),
}


def replayed(gen: MessyGenerator, log: MessyLog, folder: Path) -> dict[str, Any]:
    """The checker's report on the log, as ``sop conformance --json`` prints it."""
    path, map_path = folder / f"{gen.wf.sop_id}.csv", folder / f"{gen.wf.sop_id}.map.yaml"
    with path.open("w", encoding="utf-8", newline="") as f:
        gen.write(f, log)
    map_path.write_text(yaml.safe_dump(gen.mapping(), allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
    c = court()
    mapping = load_mapping(map_path, gen.wf, frozenset(p.id for p in c.peran))
    calendar = CourtCalendar.from_court(c)
    report = check(path, gen.wf, mapping, calendar,
                   frozenset(p.id for p in c.peran if p.pengawas), workers=1)
    return report_json(report, calendar.tz)


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_precision_and_recall_on_messy_logs(variant: str, tmp_path: Path) -> None:
    messiness, cases = VARIANTS[variant]
    outcomes: Counter[str] = Counter()
    by_kind: dict[str, Counter[str]] = {}
    misses: list[tuple[str, ...]] = []
    unfinished_total = 0
    for sop in sorted(ROUTES):
        gen = generator(sop, messiness)
        log = gen.log(cases, START)
        report = replayed(gen, log, tmp_path)
        results = {c["case"]: c for c in report["case_results"]}
        got = {(c["case"], f["kind"], f["step"]) for c in report["case_results"]
               for f in c["findings"]}
        for case, kind, step in sorted(log.injected | got):
            outcome = ("tp" if (case, kind, step) in got & log.injected
                       else "fn" if (case, kind, step) in log.injected else "fp")
            by_kind.setdefault(kind, Counter())[outcome] += 1
            outcomes[outcome] += 1
            if outcome != "tp":
                misses.append((sop, outcome, case, kind, step,
                               log.by_mutation.get(case, "-")))
        assert set(results) == set(log.cases), sop
        unfinished = {c: frozenset(r["open_steps"]) for c, r in results.items()
                      if r["unfinished"]}
        assert unfinished == log.unfinished, (sop, unfinished, log.unfinished)
        assert report["unfinished"] == len(log.unfinished), sop
        unfinished_total += len(unfinished)
        assert report["duplicate_rows"] == log.duplicates, sop
        last = max(r.at for r in log.rows).astimezone(gen.calendar.tz)
        assert datetime.fromisoformat(report["log_end"]).date() == last.date(), sop
        finished_clean = log.clean - set(log.unfinished)
        noisy = {c: results[c]["findings"] for c in finished_clean if results[c]["findings"]}
        assert not noisy, (sop, noisy)
        assert all(results[c]["completed"] for c in set(log.cases) - set(log.unfinished)), sop
    tp, fp, fn = outcomes["tp"], outcomes["fp"], outcomes["fn"]
    precision, recall = tp / (tp + fp), tp / (tp + fn)
    print(f"\n{variant}: precision {precision:.2%}, recall {recall:.2%} ({tp} found, "
          f"{fp} flagged besides, {fn} missed; {unfinished_total} cases unfinished)")
    for kind, counts in sorted(by_kind.items()):
        print(f"  {kind}: {counts['tp']} found, {counts['fp']} besides, {counts['fn']} missed")
    for miss in misses:
        print("  ", *miss)
    assert precision >= 0.99 and recall >= 0.99, misses
    if messiness.cut:
        assert unfinished_total > 0
