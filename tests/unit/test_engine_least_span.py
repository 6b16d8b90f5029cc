"""``least_span``: no deadline comes sooner after its start than the span says, whatever the
start (office hours, nights, weekends, holidays), the limit and how its last day ends; the
replay automaton leans on it to skip the calendar for acts certainly on time."""

from __future__ import annotations

from datetime import datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from sop_runtime.definition.timelimit import parse_time_limit
from sop_runtime.engine.timing import least_span
from sop_runtime.worktime import CourtCalendar
from tests.unit.enginekit import court

CALENDAR = CourtCalendar.from_court(court())
LIMITS = ["10 menit", "2 jam", "1 hari", "1 hari kerja", "3 hari kerja", "14 hari",
          "1 bulan", "2 bulan", "pada hari itu juga", "1 hari kerja 30 menit", "7 hari"]
FIRST = datetime.fromisoformat("2026-03-02T00:00:00+09:00")


@settings(max_examples=400, deadline=None)
@given(limit=st.sampled_from(LIMITS), minutes=st.integers(0, 60 * 24 * 400),
       end=st.sampled_from([None, "akhir_hari", "12:00"]))
def test_no_deadline_comes_sooner_than_the_least_span(limit: str, minutes: int,
                                                      end: str | None) -> None:
    parsed = parse_time_limit(limit)
    start = FIRST + timedelta(minutes=minutes)
    least = least_span(parsed)
    assert least is not None
    assert CALENDAR.due(start, parsed, end=end) - start >= least


def test_no_limit_has_no_span() -> None:
    assert least_span(None) is None
    assert least_span(parse_time_limit("3 hari kerja")) == timedelta(days=1, hours=23)
