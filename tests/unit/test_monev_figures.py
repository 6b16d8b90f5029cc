"""The monev figures' pure rules: nearest-rank percentiles, the step judged as running well
or not, the bottleneck, the service standard, and the unit a limit is measured in."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from sop_runtime.audit.monev_figures import (
    Durations,
    StepFigures,
    VersionFigures,
    count_attempts,
    count_service,
    in_unit,
    nearest_rank,
)
from sop_runtime.definition.timelimit import parse_time_limit
from sop_runtime.engine.attempts import limit_unit

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


@pytest.mark.parametrize(("values", "p", "expected"), [
    ([], 50, None),
    ([7], 90, 7),
    ([1, 2, 3, 4], 50, 2),         # the lower middle: rank ceil(2) = 2
    ([1, 2, 3, 4, 5], 50, 3),
    ([1, 2, 3, 4, 5], 80, 4),      # ceil(4.0) = 4
    ([1, 2, 3, 4, 5], 90, 5),      # ceil(4.5) = 5
    (list(range(1, 11)), 90, 9),
    (list(range(1, 11)), 91, 10),
])
def test_percentiles_by_nearest_rank(values: list[int], p: int, expected: int | None) -> None:
    assert nearest_rank(values, p) == expected


def test_durations_sort_what_they_are_given() -> None:
    d = Durations()
    for v in (50, 10, 40, 20, 30):
        d.add(v)
    assert (d.median, d.p80, d.p90, d.count, d.total) == (30, 40, 50, 5, 150)


def step(**counts: int) -> StepFigures:
    s = StepFigures("1", 1, "Menerima berkas", "petugas_ptsp")
    for k, v in counts.items():
        setattr(s, k, v)
    return s


def test_a_step_runs_well_by_the_rule() -> None:
    assert step().runs_well is None  # not carried out
    assert step(attempts=2).runs_well is None  # open, not yet due: nothing to judge
    assert step(attempts=2, late=1).runs_well is False  # open past its due time
    assert step(attempts=10, done=10, on_time=8, late=2).runs_well is True  # 80 % is enough
    assert step(attempts=10, done=10, on_time=7, late=3).runs_well is False
    assert step(attempts=10, done=10).runs_well is True                      # no deadline
    assert step(attempts=10, done=10, rework=1).runs_well is True            # 10 % allowed
    assert step(attempts=10, done=10, rework=2).runs_well is False
    many = step(attempts=10, done=10)
    many.deviations["wrong_actor"] = 2
    assert many.runs_well is False


def test_the_bottleneck_is_the_most_late_else_the_heaviest() -> None:
    v = VersionFigures("v1", {n: StepFigures(n, int(n), f"langkah {n}", None)
                              for n in ("1", "2", "3")})
    assert v.bottleneck is None
    rows = [("v1", "1", 1, "a", "selesai", "u", None, None, 600, None, None, None),
            ("v1", "2", 1, "a", "selesai", "u", None, None, 60, None, None, None),
            ("v1", "2", 1, "a", "selesai", "u", None, None, 60, None, None, None)]
    count_attempts(v, rows, NOW)
    assert v.bottleneck is v.steps["1"]  # 600 x 1 against 60 x 2
    count_attempts(v, [("v1", "3", 1, "a", "aktif", None, NOW - timedelta(hours=1), None,
                        None, None, None, None)], NOW)
    assert v.bottleneck is v.steps["3"] and v.steps["3"].open_late == 1


def test_attempts_count_by_what_became_of_them() -> None:
    v = VersionFigures("v1", {"1": StepFigures("1", 1, "x", "kasir")})
    count_attempts(v, [
        ("v1", "1", 1, "kasir", "selesai", "siti", NOW, True, 900, 60, 840, "menit_kerja"),
        ("v1", "1", 2, "kasir", "selesai", "siti", NOW, False, 300, None, None, "menit_kerja"),
        ("v1", "1", 3, "kasir", "dilewati", None, NOW, None, None, None, None, "menit_kerja"),
        ("v1", "9", 1, "kasir", "diklaim", None, NOW + timedelta(hours=1), None, None, 30,
         None, None)], NOW)
    s = v.steps["1"]
    assert (s.attempts, s.done, s.other, s.rework, s.on_time, s.late) == (3, 2, 1, 2, 1, 1)
    assert (s.wait.count, s.handle.median, s.work.median) == (1, 840, 300)
    assert v.steps["9"].open == 1 and v.steps["9"].late == 0  # not yet due
    assert (v.people["siti"].done, v.people["siti"].late, v.roles["kasir"].seconds) == \
        (2, 1, 1200)


def test_the_service_standard_per_case() -> None:
    v = VersionFigures("v1")
    due = NOW
    count_service(v, [("v1", "selesai", due, due), ("v1", "selesai", due + timedelta(1), due),
                      ("v1", "aktif", None, due - timedelta(1)), ("v1", "aktif", None,
                                                                   due + timedelta(1)),
                      ("v1", "aktif", None, None), ("v1", "dibatalkan", due, due),
                      ("v1", "ditolak", due, None)], NOW)
    s = v.service
    assert (s.cases, s.met, s.missed, s.running, s.no_standard, s.cancelled) == \
        (6, 1, 2, 1, 1, 1)
    assert s.rate == pytest.approx(1 / 3)


@pytest.mark.parametrize(("text", "unit"), [
    ("14 hari", "hari"), ("2 bulan", "hari"), ("pada hari itu juga", "hari"),
    ("3 hari kerja", "hari_kerja"), ("2 jam", "menit_kerja"), ("± 10 menit", "menit_kerja")])
def test_a_limit_is_measured_in_the_unit_it_is_written_in(text: str, unit: str) -> None:
    assert limit_unit(parse_time_limit(text)) == unit
    assert limit_unit(None) is None


def test_seconds_in_a_limits_unit() -> None:
    assert in_unit(86_400 * 2, "hari", 450) == 2
    assert in_unit(450 * 60 * 3, "hari_kerja", 450) == 3
    assert in_unit(600, "menit_kerja", 450) == 10
