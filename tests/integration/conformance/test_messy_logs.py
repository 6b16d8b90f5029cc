"""Messy generated logs (sop_runtime.conformance.messy_log): what they hold.

A real court's log interleaves cases, ends while cases are open, names no one on some rows,
writes notes and reprints between the steps, leaves decisions blank, repeats case
attributes in columns, holds rows twice and staff the mapping does not list. The generator
makes such logs from the clean cases of every SOP in the library, with mutations at known
places; these tests hold what the logs contain (test_messy_recall.py runs the checker on
them).
"""

from __future__ import annotations

import csv
import io
import itertools
from collections import Counter
from datetime import datetime
from typing import Any

import pytest

from sop_runtime.conformance.messy_log import (
    CLEAN,
    DATE_FORMAT,
    NOISE_IGNORED,
    NOISE_UNMAPPED,
    Messiness,
    MessyGenerator,
    MessyLog,
)
from sop_runtime.conformance.synthetic_log import load_routes
from sop_runtime.definition.models import StepKind
from tests.conftest import ROOT
from tests.unit.enginekit import court, library

ROUTES = load_routes(ROOT / "tests" / "golden" / "routes.yaml")
START = datetime.fromisoformat("2026-03-02T00:00:00+09:00")
CASES = 42
VARIANTS = {
    "waktu": Messiness(),
    "tanggal": Messiness(dates_only=True, fields="pertama"),
}


def generator(sop: str, messiness: Messiness, seed: int | None = None) -> MessyGenerator:
    return MessyGenerator(library().workflow(sop), ROUTES[sop], court(), messiness,
                          seed if seed is not None else len(sop))


def table(gen: MessyGenerator, log: MessyLog) -> list[dict[str, str]]:
    out = io.StringIO()
    gen.write(out, log)
    return list(csv.DictReader(io.StringIO(out.getvalue())))


# -- the generator ------------------------------------------------------------------------

@pytest.mark.parametrize("sop", ["banding-perdata", "pendaftaran-ecourt", "taksiran-panjar-skum"])
def test_a_messy_log_has_what_a_real_office_writes(sop: str) -> None:
    gen = generator(sop, Messiness())
    log = gen.log(CASES, START)
    rows = table(gen, log)
    mapping = gen.mapping()
    wf = gen.wf
    # interleaved: in time order across the file, the cases' rows mixed
    times = [r["waktu"] for r in rows]
    assert times == sorted(times)
    runs = sum(1 for a, b in itertools.pairwise(rows) if a["perkara"] != b["perkara"])
    assert runs > 2 * len(log.cases)
    # cut: unfinished cases with their open steps, nothing after the log's end
    assert log.unfinished and all(log.unfinished.values())
    assert max(r.at for r in log.rows) <= log.log_end
    ends = {r.case for r in log.rows if r.node and wf.node(r.node).is_end}
    assert ends == set(log.cases) - set(log.unfinished)
    # noise between the steps, mapped to 'abaikan' or not mapped at all
    noise = Counter(r["aktivitas"] for r in rows if r["aktivitas"] in
                    (*NOISE_IGNORED, *NOISE_UNMAPPED))
    assert set(noise) == {*NOISE_IGNORED, *NOISE_UNMAPPED}
    assert all(mapping["aktivitas"][a] == "abaikan" for a in NOISE_IGNORED)
    assert not set(NOISE_UNMAPPED) & set(mapping["aktivitas"])
    # rows naming no one, only for the roles the mapping gives them
    unnamed = [r for r in log.rows if r.node and not r.person
               and (r.case, "no_actor", r.node) not in log.injected
               and (r.case, "wrong_actor", r.node) not in log.injected]
    assert unnamed
    default = set(mapping["pelaksana_bawaan"])
    assert all(default & set(wf.acting_roles(wf.node(r.node))) for r in unnamed)
    # staff the mapping does not list, known by their role column
    unlisted = {r["pelaksana"]: r["peran"] for r in rows
                if r["pelaksana"] and r["pelaksana"] not in mapping["pelaksana"]}
    assert unlisted and all(role in mapping["peran"] for role in unlisted.values())
    # exact duplicate rows, counted
    written = [tuple(r.values()) for r in rows]
    assert sum(1 for a, b in itertools.pairwise(written) if a == b) == \
        log.duplicates > 0
    # every kind of mutation, each with one answer
    assert {kind for _, kind, _ in log.injected} >= {
        "out_of_order", "skipped", "wrong_actor", "rework", "missing_output"}
    assert len({case for case, _, _ in log.injected}) == len(log.injected)


def test_blank_decisions_are_followed_by_noise_before_their_branch() -> None:
    gen = generator("taksiran-panjar-skum", Messiness())
    log = gen.log(CASES, START)
    by_case: dict[str, list[Any]] = {}
    for r in log.rows:
        by_case.setdefault(r.case, []).append(r)
    blank = [rows for rows in by_case.values() for i, r in enumerate(rows[:-1])
             if r.node and gen.wf.node(r.node).kind is StepKind.KEPUTUSAN and not r.decision
             and not rows[i + 1].node]
    assert blank
    assert any(r.decision for r in log.rows if r.node
               and gen.wf.node(r.node).kind is StepKind.KEPUTUSAN)


def test_parallel_branches_are_done_in_either_order() -> None:
    gen = generator("banding-perdata", Messiness())
    log = gen.log(CASES, START)
    firsts = set()
    for case in log.cases:
        steps = [r.node for r in log.rows if r.case == case and r.node in ("9", "11")]
        if len(steps) == 2:
            firsts.add(steps[0])
    assert firsts == {"9", "11"}


def test_a_log_of_dates_and_case_fields_on_the_first_row() -> None:
    gen = generator("banding-perdata", VARIANTS["tanggal"])
    log = gen.log(CASES, START)
    rows = table(gen, log)
    assert all(datetime.strptime(r["waktu"], DATE_FORMAT) for r in rows)
    assert gen.mapping()["format_waktu"] == gen.mapping()["format_tanggal"] == DATE_FORMAT
    assert log.unfinished  # cases that run past the last day of the log
    first: dict[str, dict[str, str]] = {}
    for r in rows:
        is_first = first.setdefault(r["perkara"], r) == r  # (or the first row written twice)
        for f in ("tanggal_putusan", "tanggal_pemberitahuan_putusan"):
            assert bool(r[f]) == is_first, r
            if r[f]:
                datetime.strptime(r[f], DATE_FORMAT)
    every = table(gen := generator("banding-perdata", Messiness()), gen.log(CASES, START))
    assert all(r["tanggal_putusan"] for r in every)


def test_the_same_seed_writes_the_same_log_and_each_messiness_is_a_switch() -> None:
    one = generator("legalisasi-waarmerking", Messiness())
    two = generator("legalisasi-waarmerking", Messiness())
    assert table(one, one.log(CASES, START)) == table(two, two.log(CASES, START))
    other = generator("legalisasi-waarmerking", Messiness(), seed=99)
    assert table(other, other.log(CASES, START)) != table(one, one.log(CASES, START))
    tidy = generator("legalisasi-waarmerking", CLEAN)
    log = tidy.log(CASES, START)
    assert not log.unfinished and not log.duplicates
    assert all(r.node and (r.person or log.by_mutation[r.case] == "nobody") for r in log.rows)
    cases = [r.case for r in log.rows]
    assert cases == sorted(cases)  # grouped by case
