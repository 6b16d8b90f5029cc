"""The replay automaton (sop_runtime.conformance.automaton) against the reference replay.

For every SOP of the library, its golden cases, their mutations (synthetic_log.MUTATIONS),
cases that stress what the automaton checks on top of the flow (one person doing every
step, steps days apart, a jump to the end, a row after the end, values and decisions the
rules cannot take, values given again otherwise), the same log written with dates alone,
and messy logs with every messiness switch (messy_log.py) are replayed both ways: the
results must be equal case for case (findings, consequences, their evidence and order, open
steps, unfinished, duplicates, unnamed rows). The share of cases the automaton judged itself
is printed; it must be above 90% for every SOP it takes (the rest: cases with an item given
two values), and the SOPs it leaves wholly to the reference are named with why (FALLBACK).
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import yaml

from sop_runtime.conformance import canonical_flow
from sop_runtime.conformance.automaton import Automaton
from sop_runtime.conformance.check import log_people, read
from sop_runtime.conformance.mapping import load_mapping
from sop_runtime.conformance.messy_log import CLEAN, Messiness, MessyGenerator
from sop_runtime.conformance.replay import Replayer
from sop_runtime.conformance.synthetic_log import MUTATIONS, Generator, Row
from sop_runtime.worktime import CourtCalendar
from tests.integration.conformance.test_messy_logs import ROUTES, START
from tests.unit.enginekit import court, library

# what the automaton leaves to the reference, by SOP (unsupported() says why)
FALLBACK = {
    "banding-perdata": ["cabang.jika", "sejak tanggal"],
    "kasasi-perdata": ["cabang.jika", "sejak tanggal"],
    "pengembalian-sisa-panjar": ["timer (jika_lewat_waktu)", "sejak tanggal"],
}
# one log per messiness switch (each alone on a clean log), and all of them at once
SWITCHES = {
    "semua": Messiness(),
    "tanggal saja, semua": Messiness(dates_only=True, fields="pertama"),
    "berselang": replace(CLEAN, interleave=True, per_day=6),
    "sisipan": replace(CLEAN, noise=0.6, blank_decisions=0.6),
    "paralel": replace(CLEAN, parallel_either=True),
    "terpotong": replace(CLEAN, cut=True, per_day=6),
    "tanpa nama": replace(CLEAN, nobody=0.7, automated_nobody=True),
    "tanggal saja": replace(CLEAN, dates_only=True, cut=True, per_day=6),
    "isian tiap baris": replace(CLEAN, fields="tiap"),
    "isian baris pertama": replace(CLEAN, fields="pertama"),
    "ganda": replace(CLEAN, duplicates=0.2),
    "staf lain": replace(CLEAN, extra_people=0.8),
}
MESSY_CASES = 14


def both_ways(wf_id: str, folder: Path, log_text: str, mapping: dict[str, object],
              counts: Counter[str], *, break_it: bool = False) -> list[str]:
    """Replay the log both ways and compare case for case; why the automaton leaves the
    SOP to the reference (empty: it does not)."""
    lib = library()
    wf = lib.workflow(wf_id)
    c = court()
    path, map_path = folder / "log.csv", folder / "map.yaml"
    path.write_text(log_text, encoding="utf-8")
    map_path.write_text(yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
    loaded = load_mapping(map_path, wf, frozenset(p.id for p in c.peran))
    calendar = CourtCalendar.from_court(c)
    log = read(path, loaded, calendar)
    replayer = Replayer.build(wf, loaded, calendar, log_people(log),
                              frozenset(p.id for p in c.peran if p.pengawas))
    fast = Automaton(replayer)
    if break_it:
        fast._least = {n: None for n in fast._least}  # lateness never checked
    for case, rows in log.cases.items():
        assert fast.replay(case, rows) == replayer.replay(case, rows), (wf_id, case)
    counts["fast"] += fast.fast
    counts["fallback"] += fast.fallback
    return fast.why_not


def one_person(rows: list[Row]) -> list[Row]:
    """Every step done by the first row's person: separation of duties, wrong actors."""
    return [replace(r, person=rows[0].person) for r in rows]


def slow(rows: list[Row]) -> list[Row]:
    """Each step done days after the one before: late steps, the service standard passed."""
    return [replace(r, at=r.at + timedelta(days=3 * i)) for i, r in enumerate(rows)]


def next_day(rows: list[Row]) -> list[Row]:
    """Each step done the day after the one before: written with dates alone, on the day of
    its deadline but after its moment (on time to the day), or on a later day (late)."""
    return [replace(r, at=r.at + timedelta(days=i)) for i, r in enumerate(rows)]


def jump(rows: list[Row]) -> list[Row]:
    """The last step done weeks after the second: the steps between skipped, past due."""
    return [*rows[:2], replace(rows[-1], at=rows[1].at + timedelta(days=40))]


def after_end(rows: list[Row]) -> list[Row]:
    """The first step written again after the case ended, by someone else."""
    return [*rows, replace(rows[0], at=rows[-1].at + timedelta(hours=1), person="Orang Lain")]


def bad_data(rows: list[Row]) -> list[Row]:
    """A decision the step does not have, and values the rules cannot take."""
    return [replace(r, decision="Mungkin" if r.decision else "",
                    values={k: "??" for k in r.values}) if i % 2 else r
            for i, r in enumerate(rows)]


def other_values(rows: list[Row]) -> list[Row]:
    """Each row gives again, otherwise, every value the rows before it gave: where
    another step records the same item, the values contradict."""
    given: dict[str, str] = {}
    out = []
    for r in rows:
        out.append(replace(r, values={**{k: v + "1" for k, v in given.items()}, **r.values}))
        given.update(r.values)
    return out


EXTRA = (one_person, slow, next_day, jump, after_end, bad_data, other_values)


def clean_log(gen: Generator, cases: int) -> list[Row]:
    """Golden cases, each mutation of synthetic_log in turn, and the cases above."""
    rows: list[Row] = []
    for k, start in enumerate(gen.start_times(cases, START)):
        case = gen.clean(f"G{k}", start)
        if k < len(MUTATIONS):
            rows.extend(case)
        elif k < 4 * len(MUTATIONS):
            mutated = gen.mutate(case, MUTATIONS[k % len(MUTATIONS)])
            rows.extend(mutated[0] if mutated else case)
        else:
            rows.extend(EXTRA[k % len(EXTRA)](case))
    return rows


def csv_text(gen: Generator, rows: list[Row], *, dates: bool = False) -> str:
    """The log as CSV; ``dates``: each time written as its day alone."""
    out = io.StringIO()
    gen.write_rows(out, rows, header=True)
    if not dates:
        return out.getvalue()
    lines = list(csv.reader(io.StringIO(out.getvalue())))
    at = lines[0].index("waktu")
    for line in lines[1:]:
        line[at] = datetime.fromisoformat(line[at]).astimezone(gen.calendar.tz).date().isoformat()
    written = io.StringIO()
    csv.writer(written, lineterminator="\n").writerows(lines)
    return written.getvalue()


@pytest.mark.parametrize("sop", sorted(ROUTES))
def test_the_automaton_judges_as_the_reference(sop: str, tmp_path: Path) -> None:
    counts: Counter[str] = Counter()
    wf = library().workflow(sop)
    gen = Generator.for_court(wf, ROUTES[sop], court(), seed=7)
    # golden cases, each mutation three times, and the cases of EXTRA
    rows = clean_log(gen, 4 * len(MUTATIONS) + 3 * len(EXTRA))
    why = both_ways(sop, tmp_path, csv_text(gen, rows), gen.mapping(), counts)
    both_ways(sop, tmp_path, csv_text(gen, rows, dates=True), gen.mapping(), counts)
    for name, messiness in SWITCHES.items():
        messy = MessyGenerator(wf, ROUTES[sop], court(), messiness, seed=len(sop) + len(name))
        out = io.StringIO()
        messy.write(out, messy.log(MESSY_CASES, START))
        both_ways(sop, tmp_path, out.getvalue(), messy.mapping(), counts)
    total = counts["fast"] + counts["fallback"]
    share = counts["fast"] / total
    print(f"\n{sop}: {counts['fast']} of {total} cases on the automaton ({share:.0%})")
    assert total > 0
    assert why == FALLBACK.get(sop, [])
    if why:
        assert counts["fast"] == 0
    else:  # the rest: cases with an item given two different values
        assert share > 0.9, counts


def test_a_broken_automaton_is_caught(tmp_path: Path) -> None:
    """The comparison can fail: an automaton that never checks lateness differs from the
    reference on a log with a step done late."""
    sop = "taksiran-panjar-skum"
    wf = library().workflow(sop)
    gen = Generator.for_court(wf, ROUTES[sop], court(), seed=7)
    rows: list[Row] = []
    for k, start in enumerate(gen.start_times(6, datetime.fromisoformat(
            "2026-03-02T00:00:00+09:00"))):
        mutated = gen.mutate(gen.clean(f"L{k}", start), "delay")
        assert mutated is not None
        rows.extend(mutated[0])
    both_ways(sop, tmp_path, csv_text(gen, rows), gen.mapping(), Counter())  # intact: equal
    with pytest.raises(AssertionError):
        both_ways(sop, tmp_path, csv_text(gen, rows), gen.mapping(), Counter(), break_it=True)


def test_a_bounded_automaton_starts_anew_and_judges_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Past its bound of canonical states (a log of ever new variants) the automaton drops
    what it has built and goes on: the same results, memory bounded."""
    monkeypatch.setattr(canonical_flow, "_STATES", 5)
    sop = "pendaftaran-gugatan-ptsp"
    wf = library().workflow(sop)
    messy = MessyGenerator(wf, ROUTES[sop], court(), Messiness(), seed=3)
    out = io.StringIO()
    messy.write(out, messy.log(MESSY_CASES, START))
    counts: Counter[str] = Counter()
    both_ways(sop, tmp_path, out.getvalue(), messy.mapping(), counts)
    assert counts["fast"] > 0


def test_the_check_gives_the_reference_s_report_on_worker_processes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """``check()`` through the automaton, its cases split over two forked workers, reports
    what it reports replaying every row through the engine."""
    from sop_runtime.conformance import check as checking

    monkeypatch.setattr(checking, "_CHUNK", 5)  # several tasks for the workers
    sop = "taksiran-panjar-skum"
    wf = library().workflow(sop)
    messy = MessyGenerator(wf, ROUTES[sop], court(), Messiness(), seed=5)
    path, map_path = tmp_path / "log.csv", tmp_path / "map.yaml"
    with path.open("w", encoding="utf-8", newline="") as f:
        messy.write(f, messy.log(MESSY_CASES, START))
    map_path.write_text(yaml.safe_dump(messy.mapping(), allow_unicode=True, sort_keys=False),
                        encoding="utf-8")
    c = court()
    mapping = load_mapping(map_path, wf, frozenset(p.id for p in c.peran))
    calendar = CourtCalendar.from_court(c)
    supervisors = frozenset(p.id for p in c.peran if p.pengawas)
    fast = checking.check(path, wf, mapping, calendar, supervisors, workers=2)
    slow = checking.check(path, wf, mapping, calendar, supervisors, workers=1, reference=True)
    assert fast.workers == 2 and fast.cases == slow.cases
    assert any(case.findings for case in fast.cases)
