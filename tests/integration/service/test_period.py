"""The period report's figures, checked against the demo day whose every time is known."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sop_runtime.service.period import period_figures
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine

WIT = ZoneInfo("Asia/Jayapura")


@pytest.fixture
def demo(demo_day: Path) -> Runtime:
    return Runtime(make_engine(f"sqlite:///{demo_day}"),
                   lambda: datetime(2026, 11, 24, 16, 45, tzinfo=WIT))


def test_the_demo_weeks_figures(demo: Runtime) -> None:
    f = period_figures(demo, datetime(2026, 11, 16, tzinfo=WIT), datetime(2026, 11, 30, tzinfo=WIT))
    assert sum(f.cases.values()) == 12
    assert f.completed == {"pendaftaran-gugatan-ptsp": 1, "kasasi-perdata": 1,
                           "surat-keterangan-eraterang": 1}  # handed over on Wednesday
    service = f.service["pendaftaran-gugatan-ptsp"]  # 08:05 -> 10:00, 60 menit allowed
    assert (service.done, service.on_time, service.seconds) == (1, 0, [115 * 60])
    first = f.steps[("pendaftaran-gugatan-ptsp", "1")]  # 08:05 -> 08:20, ± 20 menit
    assert (first.done, first.on_time_rate, first.median) == (1, 1.0, 900)
    draft = f.steps[("surat-keterangan-eraterang", "4")]  # 40 min late, then 10 min on time
    assert (draft.done, draft.with_deadline, draft.on_time) == (2, 2, 1)
    assert draft.median == (2400 + 600) / 2
    # overdue: the claim's step 6, the draft, the panjar's step 7, and the kasasi's payment
    # (the party's lateness)
    assert f.deviations == {"wrong_actor": 1, "late_entry": 2, "override": 1, "overdue": 4,
                            "service_overdue": 2}
    assert f.deviations_by_sop[("taksiran-panjar-skum", "wrong_actor")] == 1
    assert f.overdue_now == 1  # the panjar's step 7
    # gugatan 3 and 6, panjar 6 (step 5 is the litigant's lane); kasasi 3, banding 5 and
    # eksekusi 7, which the sources give no time
    kasir = f.roles["kasir"]
    assert (kasir.done, kasir.with_deadline, kasir.on_time) == (6, 3, 2)
    assert sorted(kasir.seconds) == [300, 480, 480, 600, 600, 900]


def test_a_period_and_an_sop_narrow_the_figures(demo: Runtime) -> None:
    f = period_figures(demo, datetime(2026, 11, 16, tzinfo=WIT), datetime(2026, 11, 30, tzinfo=WIT),
                       sop="pengaduan-siwas")
    assert f.cases == {"pengaduan-siwas": 1} and f.deviations == {"late_entry": 2}
    empty = period_figures(demo, datetime(2026, 12, 1, tzinfo=WIT),
                           datetime(2026, 12, 31, tzinfo=WIT))
    assert not empty.cases and not empty.deviations
