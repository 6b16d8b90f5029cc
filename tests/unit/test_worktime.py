"""The court calendar (worktime): office hours, days off, deadlines and elapsed working time.

Hours are those of PN Sanana (WIT): Mon-Thu 08:00-16:30 with a break 12:00-13:00, Fri
07:30-16:30 with a break 12:00-13:30. 2026 facts used below (holidays package, Indonesia):
2026-03-18 cuti bersama Nyepi, 03-19 Nyepi, 03-20 and 03-23/24 cuti bersama Idul Fitri,
03-21/22 Idul Fitri (a weekend); 2026-12-24 cuti bersama Natal, 12-25 Natal, 2027-01-01.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from sop_runtime.definition.court import CourtFile
from sop_runtime.definition.loader import load_court
from sop_runtime.definition.timelimit import TimeLimit, parse_time_limit
from sop_runtime.worktime import CourtCalendar, NaiveDatetimeError, add_months

WIT = ZoneInfo("Asia/Jayapura")
WIB = ZoneInfo("Asia/Jakarta")
COURT_YAML = Path(__file__).resolve().parents[2] / "definitions" / "court.yaml"

_MON_THU = {"kerja": "08:00-16:30", "istirahat": "12:00-13:00"}
_FRI = {"kerja": "07:30-16:30", "istirahat": "12:00-13:30"}
RAMADHAN = {
    "nama": "Ramadhan 1447 H",
    "dari": "2026-02-19",
    "sampai": "2026-03-19",
    "jam_kerja": {
        **{d: {"kerja": "08:00-15:00", "istirahat": "12:00-12:30"}
           for d in ("senin", "selasa", "rabu", "kamis")},
        "jumat": {"kerja": "08:00-15:30", "istirahat": "11:30-12:30"},
    },
    "dasar": "SE Sekretaris MA Nomor 2 Tahun 2026",
}


def court(**overrides: Any) -> CourtFile:
    data: dict[str, Any] = {
        "pengadilan": {"nama": "Pengadilan Negeri Sanana", "kode": "PN Snn",
                       "zona_waktu": "Asia/Jayapura"},
        "jam_kerja": {"senin": _MON_THU, "selasa": _MON_THU, "rabu": _MON_THU,
                      "kamis": _MON_THU, "jumat": _FRI},
        "dasar_jam_kerja": ["Perpres 21/2023"],
        "peran": [{"id": "petugas_ptsp", "nama": "Petugas PTSP"}],
    }
    data.update(overrides)
    return CourtFile.model_validate(data)


CAL = CourtCalendar.from_court(court())
RAMADHAN_CAL = CourtCalendar.from_court(court(periode_khusus=[RAMADHAN]))
CLOSURE_CAL = CourtCalendar.from_court(court(hari_libur={"penutupan": [
    {"tanggal": "2026-07-06", "sampai": "2026-07-07", "nama": "Pindah gedung kantor"},
    {"tanggal": "2026-07-10", "nama": "Hari jadi Kabupaten Kepulauan Sula"},
    {"tanggal": "2026-12-25", "nama": "Rapat kerja"},
]}))


def wit(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=WIT)


# -- days and office hours ------------------------------------------------------------------


def test_office_intervals_exclude_the_break() -> None:
    assert CAL.office_intervals(date(2026, 6, 8)) == (
        (wit(2026, 6, 8, 8), wit(2026, 6, 8, 12)), (wit(2026, 6, 8, 13), wit(2026, 6, 8, 16, 30)))
    assert CAL.office_intervals(date(2026, 6, 12)) == (
        (wit(2026, 6, 12, 7, 30), wit(2026, 6, 12, 12)),
        (wit(2026, 6, 12, 13, 30), wit(2026, 6, 12, 16, 30)))


def test_weekends_and_holidays_are_not_working_days() -> None:
    assert CAL.office_intervals(date(2026, 6, 13)) == ()
    assert not CAL.is_working_day(date(2026, 6, 14))
    for day in range(18, 25):
        assert not CAL.is_working_day(date(2026, 3, day)), day
    assert CAL.is_working_day(date(2026, 3, 17))
    assert CAL.is_working_day(date(2026, 3, 25))
    assert CAL.office_intervals(date(2026, 3, 19)) == ()


def test_holiday_names_are_indonesian() -> None:
    assert CAL.holiday_name(date(2026, 3, 19)) == "Hari Suci Nyepi"
    assert CAL.holiday_name(date(2026, 3, 20)) == "Cuti Bersama Hari Raya Idul Fitri"
    assert CAL.holiday_name(date(2026, 12, 24)) == "Cuti Bersama Hari Raya Natal"
    assert CAL.holiday_name(date(2026, 12, 25)) == "Hari Raya Natal"
    assert CAL.holiday_name(date(2027, 1, 1)) == "Tahun Baru Masehi"
    assert CAL.holiday_name(date(2026, 3, 22)) == "Hari kedua dari Hari Raya Idul Fitri"  # Sunday
    assert CAL.holiday_name(date(2026, 6, 13)) is None  # a plain Saturday
    assert CAL.holiday_name(date(2026, 6, 8)) is None


def test_next_working_day() -> None:
    assert CAL.next_working_day(date(2026, 6, 8)) == date(2026, 6, 8)
    assert CAL.next_working_day(date(2026, 6, 13)) == date(2026, 6, 15)
    assert CAL.next_working_day(date(2026, 3, 18)) == date(2026, 3, 25)
    assert CAL.next_working_day(date(2026, 12, 24)) == date(2026, 12, 28)
    assert CAL.next_working_day(date(2027, 1, 1)) == date(2027, 1, 4)


def test_holiday_flags_switch_sources_off() -> None:
    no_cuti = CourtCalendar.from_court(court(hari_libur={"cuti_bersama": False}))
    assert no_cuti.is_working_day(date(2026, 12, 24))
    assert no_cuti.holiday_name(date(2026, 12, 24)) is None
    assert not no_cuti.is_working_day(date(2026, 12, 25))
    no_national = CourtCalendar.from_court(court(hari_libur={"nasional": False}))
    assert no_national.is_working_day(date(2026, 3, 19))
    assert not no_national.is_working_day(date(2026, 3, 20))  # cuti bersama still off
    none = CourtCalendar.from_court(court(hari_libur={"nasional": False, "cuti_bersama": False}))
    assert none.is_working_day(date(2026, 3, 19))
    assert none.is_working_day(date(2026, 3, 20))


def test_ramadhan_hours_replace_the_weekly_hours_inside_the_period() -> None:
    assert RAMADHAN_CAL.office_intervals(date(2026, 3, 2)) == (
        (wit(2026, 3, 2, 8), wit(2026, 3, 2, 12)), (wit(2026, 3, 2, 12, 30), wit(2026, 3, 2, 15)))
    assert RAMADHAN_CAL.office_intervals(date(2026, 2, 27)) == (
        (wit(2026, 2, 27, 8), wit(2026, 2, 27, 11, 30)),
        (wit(2026, 2, 27, 12, 30), wit(2026, 2, 27, 15, 30)))
    # the day before and after the period keep the weekly hours
    assert RAMADHAN_CAL.office_intervals(date(2026, 2, 18))[-1][1] == wit(2026, 2, 18, 16, 30)
    assert RAMADHAN_CAL.office_intervals(date(2026, 3, 25))[-1][1] == wit(2026, 3, 25, 16, 30)
    # a holiday inside the period is still a day off
    assert not RAMADHAN_CAL.is_working_day(date(2026, 3, 19))


def test_ramadhan_working_minutes_and_elapsed() -> None:
    # Monday 14:50 + 20 min: 10 minutes to the 15:00 close, 10 more on Tuesday
    assert RAMADHAN_CAL.add_working_minutes(wit(2026, 3, 2, 14, 50), 20) == wit(2026, 3, 3, 8, 10)
    # Friday 11:20 + 30 min: 10 minutes to the 11:30 break, which lasts until 12:30
    assert RAMADHAN_CAL.add_working_minutes(wit(2026, 2, 27, 11, 20), 30) == wit(
        2026, 2, 27, 12, 50)
    # a Ramadhan Monday has 6.5 working hours
    assert RAMADHAN_CAL.working_seconds_between(wit(2026, 3, 2), wit(2026, 3, 3)) == 6.5 * 3600


def test_local_closures_are_days_off() -> None:
    assert not CLOSURE_CAL.is_working_day(date(2026, 7, 6))
    assert not CLOSURE_CAL.is_working_day(date(2026, 7, 7))
    assert CLOSURE_CAL.is_working_day(date(2026, 7, 8))
    assert CLOSURE_CAL.holiday_name(date(2026, 7, 7)) == "Pindah gedung kantor"
    assert not CLOSURE_CAL.is_working_day(date(2026, 7, 10))
    assert CLOSURE_CAL.holiday_name(date(2026, 12, 25)) == "Hari Raya Natal; Rapat kerja"
    # one working day from Friday 3 July: Monday and Tuesday are closed
    assert CLOSURE_CAL.add_working_days(wit(2026, 7, 3, 9), 1) == wit(2026, 7, 8, 16, 30)
    assert CLOSURE_CAL.add_working_minutes(wit(2026, 7, 3, 16, 20), 20) == wit(2026, 7, 8, 8, 10)


def test_a_closure_ending_before_it_starts_is_refused() -> None:
    # The court file itself refuses it (the loader reports file and line).
    with pytest.raises(ValueError, match="sampai"):
        court(hari_libur={"penutupan": [
            {"tanggal": "2026-07-07", "sampai": "2026-07-06", "nama": "Terbalik"}]})


@pytest.mark.parametrize(("first", "last", "why"), [
    ("0001-01-01", "9999-12-31", "di luar 1900-2100"),  # an overflow past 9999, after seconds
    ("2026-01-01", "2101-01-01", "di luar 1900-2100"),
    ("2026-01-01", "2027-01-02", "lebih dari 366 hari")])
def test_a_closure_or_a_period_a_court_cannot_mean_is_refused(first: str, last: str,
                                                               why: str) -> None:
    with pytest.raises(ValueError, match=why):
        court(hari_libur={"penutupan": [{"tanggal": first, "sampai": last, "nama": "Tutup"}]})
    with pytest.raises(ValueError, match=why):
        court(periode_khusus=[{**RAMADHAN, "dari": first, "sampai": last}])


def test_a_week_without_working_days_is_refused() -> None:
    with pytest.raises(ValueError, match="no working day"):
        CourtCalendar.from_court(court(jam_kerja={}))


# -- working minutes --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "minutes", "expected"),
    [
        (wit(2026, 6, 8, 16, 25), 10, wit(2026, 6, 9, 8, 5)),      # past the close
        (wit(2026, 6, 8, 16, 20), 10, wit(2026, 6, 8, 16, 30)),    # ends exactly at close
        (wit(2026, 6, 8, 11, 50), 30, wit(2026, 6, 8, 13, 20)),    # across the lunch break
        (wit(2026, 6, 8, 11, 50), 10, wit(2026, 6, 8, 12, 0)),     # ends at the break
        (wit(2026, 6, 8, 12, 15), 10, wit(2026, 6, 8, 13, 10)),    # starts in the break
        (wit(2026, 6, 8, 6, 0), 10, wit(2026, 6, 8, 8, 10)),       # before opening
        (wit(2026, 6, 8, 20, 0), 10, wit(2026, 6, 9, 8, 10)),      # evening
        (wit(2026, 6, 12, 16, 0), 60, wit(2026, 6, 15, 8, 30)),    # Friday over the weekend
        (wit(2026, 6, 13, 10, 0), 10, wit(2026, 6, 15, 8, 10)),    # Saturday start
        (wit(2026, 6, 11, 16, 25), 10, wit(2026, 6, 12, 7, 35)),   # Friday opens 07:30
        (wit(2026, 6, 12, 11, 55), 10, wit(2026, 6, 12, 13, 35)),  # Friday break to 13:30
        (wit(2026, 3, 17, 16, 0), 60, wit(2026, 3, 25, 8, 30)),    # Idul Fitri week
        (wit(2026, 12, 23, 16, 0), 60, wit(2026, 12, 28, 8, 30)),  # Christmas
        (wit(2026, 12, 31, 16, 20), 30, wit(2027, 1, 4, 8, 20)),   # New Year
        (wit(2026, 6, 8, 8, 0), 450, wit(2026, 6, 8, 16, 30)),     # one full day
        (wit(2026, 6, 8, 8, 0), 451, wit(2026, 6, 9, 8, 1)),
        (wit(2026, 6, 8, 10, 0), 0, wit(2026, 6, 8, 10, 0)),
    ],
)
def test_add_working_minutes(start: datetime, minutes: int, expected: datetime) -> None:
    assert CAL.add_working_minutes(start, minutes) == expected


def test_results_are_in_the_court_zone_and_inputs_are_converted() -> None:
    start = datetime(2026, 6, 8, 7, 25, tzinfo=UTC)  # 16:25 WIT
    got = CAL.add_working_minutes(start, 10)
    assert got == wit(2026, 6, 9, 8, 5)
    assert got.utcoffset() == timedelta(hours=9)
    assert got == datetime(2026, 6, 8, 23, 5, tzinfo=UTC)
    # 23:30 UTC on Sunday is already Monday 08:30 WIT: the Monday counts
    assert CAL.add_working_days(datetime(2026, 6, 7, 23, 30, tzinfo=UTC), 1) == wit(
        2026, 6, 9, 16, 30)
    # 06:30 WIB is 08:30 WIT
    assert CAL.working_seconds_between(datetime(2026, 6, 8, 6, 30, tzinfo=WIB),
                                       wit(2026, 6, 8, 9, 30)) == 3600


@pytest.mark.parametrize(
    "call",
    [
        lambda naive: CAL.add_working_minutes(naive, 10),
        lambda naive: CAL.add_working_days(naive, 1),
        lambda naive: CAL.add_calendar(naive, days=1),
        lambda naive: CAL.due(naive, TimeLimit(working_minutes=10)),
        lambda naive: CAL.working_seconds_between(naive, wit(2026, 6, 9)),
        lambda naive: CAL.working_seconds_between(wit(2026, 6, 7), naive),
    ],
)
def test_naive_datetimes_are_refused(call: Any) -> None:
    with pytest.raises(NaiveDatetimeError, match="zona waktu") as info:
        call(datetime(2026, 6, 8, 10, 0))
    assert isinstance(info.value, ValueError)
    assert "naive" in str(info.value)


def test_negative_amounts_are_refused() -> None:
    with pytest.raises(ValueError, match="negatif"):
        CAL.add_working_minutes(wit(2026, 6, 8, 10), -1)
    with pytest.raises(ValueError, match="negatif"):
        CAL.add_working_days(wit(2026, 6, 8, 10), -1)
    with pytest.raises(ValueError, match="negatif"):
        CAL.add_calendar(wit(2026, 6, 8, 10), months=-1)
    with pytest.raises(ValueError, match="negatif"):
        CAL.due(wit(2026, 6, 8, 10), TimeLimit(calendar_days=-3))


# -- working days -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        (wit(2026, 6, 8, 8, 0), 1, wit(2026, 6, 9, 16, 30)),       # start day never counts
        (wit(2026, 6, 12, 20, 0), 1, wit(2026, 6, 15, 16, 30)),    # Friday evening
        (wit(2026, 6, 12, 16, 0), 3, wit(2026, 6, 18, 16, 30)),    # 16 June: Tahun Baru Islam
        (wit(2026, 6, 13, 9, 0), 1, wit(2026, 6, 15, 16, 30)),     # from a Saturday
        (wit(2026, 3, 19, 10, 0), 1, wit(2026, 3, 25, 16, 30)),    # from Nyepi
        (wit(2026, 3, 21, 10, 0), 2, wit(2026, 3, 26, 16, 30)),    # from Idul Fitri
        (wit(2026, 3, 17, 10, 0), 1, wit(2026, 3, 25, 16, 30)),
        (wit(2026, 12, 23, 9, 0), 3, wit(2026, 12, 30, 16, 30)),
        (wit(2026, 12, 31, 9, 0), 1, wit(2027, 1, 4, 16, 30)),
        (wit(2026, 6, 8, 10, 0), 0, wit(2026, 6, 8, 16, 30)),      # today, at close
        (wit(2026, 6, 13, 10, 0), 0, wit(2026, 6, 15, 16, 30)),    # rolled when off
    ],
)
def test_add_working_days(start: datetime, days: int, expected: datetime) -> None:
    assert CAL.add_working_days(start, days) == expected


def test_working_days_end_at_the_ramadhan_close() -> None:
    assert RAMADHAN_CAL.add_working_days(wit(2026, 3, 5, 9), 1) == wit(2026, 3, 6, 15, 30)


# -- calendar days and months -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "limit", "expected"),
    [
        (wit(2026, 6, 12, 9, 0), "14 hari", wit(2026, 6, 26, 16, 30)),   # a working Friday
        (wit(2026, 6, 14, 9, 0), "14 hari", wit(2026, 6, 29, 16, 30)),   # lands on a Sunday
        (wit(2026, 6, 18, 9, 0), "10 hari", wit(2026, 6, 29, 16, 30)),   # lands on a Sunday
        (wit(2026, 3, 6, 9, 0), "14 hari", wit(2026, 3, 25, 16, 30)),    # lands on cuti bersama
        (wit(2026, 12, 11, 9, 0), "14 hari", wit(2026, 12, 28, 16, 30)),  # lands on Christmas
        (wit(2026, 12, 18, 9, 0), "14 hari", wit(2027, 1, 4, 16, 30)),   # lands on New Year
        (wit(2026, 8, 31, 9, 0), "6 bulan", wit(2027, 3, 1, 16, 30)),    # 2027-02-28 is Sunday
        (wit(2026, 1, 31, 9, 0), "1 bulan", wit(2026, 3, 2, 16, 30)),    # 02-28 is Saturday
        (wit(2026, 8, 30, 9, 0), "1 bulan", wit(2026, 9, 30, 16, 30)),
        (wit(2026, 6, 12, 9, 0), "1 minggu", wit(2026, 6, 19, 16, 30)),
        (wit(2026, 6, 12, 16, 0), "1 tahun", wit(2027, 6, 14, 16, 30)),  # 06-12 is Saturday
    ],
)
def test_calendar_limits_roll_forward(start: datetime, limit: str, expected: datetime) -> None:
    assert CAL.due(start, parse_time_limit(limit)) == expected


def test_add_calendar() -> None:
    assert CAL.add_calendar(wit(2026, 8, 31, 9), months=6) == wit(2027, 3, 1, 16, 30)
    assert CAL.add_calendar(wit(2026, 6, 8, 9), days=0) == wit(2026, 6, 8, 16, 30)
    assert CAL.add_calendar(wit(2026, 6, 8, 9), days=1) == wit(2026, 6, 9, 16, 30)
    # months first, then days: 31 Jan + 1 month = 28 Feb, + 2 days = 2 March
    assert CAL.add_calendar(wit(2026, 1, 31, 9), months=1, days=2) == wit(2026, 3, 2, 16, 30)
    assert CAL.add_calendar(wit(2026, 3, 15, 9), days=14) == wit(2026, 3, 30, 16, 30)
    assert RAMADHAN_CAL.add_calendar(wit(2026, 3, 1, 9), days=1) == wit(2026, 3, 2, 15, 0)


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 12, 15), 1, date(2027, 1, 15)),
        (date(2026, 5, 31), 13, date(2027, 6, 30)),
        (date(2026, 5, 10), 0, date(2026, 5, 10)),
    ],
)
def test_add_months_clamps_to_the_month_end(start: date, months: int, expected: date) -> None:
    assert add_months(start, months) == expected


# -- mixed limits ----------------------------------------------------------------------------


def test_mixed_limits_apply_months_days_working_days_then_minutes() -> None:
    start = wit(2026, 6, 8, 10)
    assert CAL.due(start, TimeLimit(calendar_days=1, working_minutes=30)) == wit(2026, 6, 10, 8, 30)
    assert CAL.due(start, TimeLimit(working_days=1, working_minutes=60)) == wit(2026, 6, 10, 9, 0)
    # 1 month -> Wed 8 July, + 2 working days -> Fri 10 July, + 30 min -> Mon 13 July 08:30
    assert CAL.due(start, TimeLimit(months=1, working_days=2, working_minutes=30)) == wit(
        2026, 7, 13, 8, 30)
    assert CAL.due(start, TimeLimit()) == start
    # months and calendar days are one step, rolled forward once: 31 Jan + 1 month = 28 Feb
    # (a Saturday, not rolled yet) + 2 days = Monday 2 March
    assert CAL.due(wit(2026, 1, 31, 9), TimeLimit(months=1, calendar_days=2)) == wit(
        2026, 3, 2, 16, 30)
    assert CAL.due(start, parse_time_limit("PT30M")) == wit(2026, 6, 8, 10, 30)
    assert CAL.due(start, parse_time_limit("3 hari kerja")) == wit(2026, 6, 11, 16, 30)


# -- elapsed working time -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("a", "b", "seconds"),
    [
        (wit(2026, 6, 8, 11), wit(2026, 6, 8, 14), 2 * 3600),            # the break is out
        (wit(2026, 6, 8, 12, 10), wit(2026, 6, 8, 12, 50), 0),
        (wit(2026, 6, 8, 16), wit(2026, 6, 9, 9), 5400),
        (wit(2026, 6, 12, 16), wit(2026, 6, 15, 8, 30), 3600),           # weekend
        (wit(2026, 3, 17, 16), wit(2026, 3, 25, 8, 30), 3600),           # Idul Fitri week
        (wit(2026, 12, 23, 8), wit(2027, 1, 4, 8), 5 * 27000),           # 23, 28-31 Dec
        (wit(2026, 6, 9), wit(2026, 6, 8), 0),
        (wit(2026, 6, 8, 10), wit(2026, 6, 8, 10), 0),
    ],
)
def test_working_seconds_between(a: datetime, b: datetime, seconds: int) -> None:
    assert CAL.working_seconds_between(a, b) == seconds


def test_working_seconds_over_a_year_count_every_working_day() -> None:
    a, b = wit(2026, 1, 1), wit(2027, 1, 1)
    working_days = sum(
        1 for n in range(365) if CAL.is_working_day(date(2026, 1, 1) + timedelta(days=n)))
    assert working_days == 261 - 21  # weekdays minus holidays and cuti bersama on weekdays
    assert CAL.working_seconds_between(a, b) == working_days * 7.5 * 3600
    assert CAL.working_seconds_between(a, wit(2030, 1, 1)) == sum(
        CAL.working_seconds_between(wit(y, 1, 1), wit(y + 1, 1, 1)) for y in range(2026, 2030))


def test_elapsed_keeps_seconds_and_rounds_down() -> None:
    a = wit(2026, 6, 8, 10)
    assert CAL.working_seconds_between(a, a + timedelta(seconds=59, microseconds=999_999)) == 59


@pytest.mark.parametrize(
    ("seconds", "lang", "text"),
    [
        ((2 * 450 + 195) * 60, "id", "2 hari kerja 3 jam 15 menit"),
        ((2 * 450 + 195) * 60, "en", "2 working days 3 h 15 min"),
        (450 * 60, "en", "1 working day"),
        (450 * 60, "id", "1 hari kerja"),
        (7 * 3600 + 29 * 60 + 59, "id", "7 jam 29 menit"),
        (5 * 60, "id", "5 menit"),
        (0, "id", "0 menit"),
        (59, "en", "0 min"),
        (3600, "en", "1 h"),
        (-(450 + 60) * 60, "id", "-1 hari kerja 1 jam"),
    ],
)
def test_describe_working(seconds: int, lang: str, text: str) -> None:
    assert CAL.describe_working(seconds, lang) == text


def test_describe_working_refuses_unknown_languages() -> None:
    with pytest.raises(ValueError, match="language 'fr'"):
        CAL.describe_working(60, "fr")


def test_the_court_file_builds_a_calendar() -> None:
    if not COURT_YAML.exists():
        pytest.skip("definitions/court.yaml is not there")
    cal = CourtCalendar.from_court(load_court(COURT_YAML).model)
    assert cal.tz.key == "Asia/Jayapura"
    assert not cal.is_working_day(date(2026, 3, 20))
    assert cal.next_working_day(date(2026, 3, 18)) == date(2026, 3, 25)
    assert cal.describe_working(cal.minutes_per_working_day * 60) == "1 hari kerja"


# -- properties -------------------------------------------------------------------------------

_ZONES = st.sampled_from([WIT, WIB, UTC, ZoneInfo("Asia/Makassar")])
_ANY_INSTANT = st.datetimes(min_value=datetime(2025, 6, 1), max_value=datetime(2028, 6, 1),
                            timezones=_ZONES)
_LIMITS = st.builds(
    TimeLimit,
    working_minutes=st.integers(0, 5000),
    working_days=st.integers(0, 30),
    calendar_days=st.integers(0, 60),
    months=st.integers(0, 8),
).filter(lambda limit: bool(limit.working_minutes or limit.working_days
                            or limit.calendar_days or limit.months))
_CALENDARS = st.sampled_from([CAL, RAMADHAN_CAL, CLOSURE_CAL])


@st.composite
def office_instants(draw: st.DrawFn, calendar: CourtCalendar = CAL) -> datetime:
    """An instant inside an office interval (never its end)."""
    day = calendar.next_working_day(draw(st.dates(date(2025, 6, 1), date(2028, 6, 1))))
    begin, end = draw(st.sampled_from(calendar.office_intervals(day)))
    length = (end - begin) // timedelta(microseconds=1)
    return begin + timedelta(microseconds=draw(st.integers(0, length - 1)))


@settings(max_examples=300)
@given(st.data(), st.integers(1, 30_000))
def test_minutes_added_are_minutes_elapsed(data: st.DataObject, minutes: int) -> None:
    calendar = data.draw(_CALENDARS)
    start = data.draw(office_instants(calendar))
    end = calendar.add_working_minutes(start, minutes)
    assert calendar.working_seconds_between(start, end) == minutes * 60
    assert calendar.working_seconds_between(start, end - timedelta(seconds=1)) < minutes * 60


@settings(max_examples=300)
@given(_ANY_INSTANT, st.integers(1, 30_000))
def test_minutes_added_from_anywhere_are_minutes_elapsed(start: datetime, minutes: int) -> None:
    end = CAL.add_working_minutes(start, minutes)
    assert CAL.working_seconds_between(start, end) == minutes * 60


@settings(max_examples=300)
@given(_CALENDARS, _ANY_INSTANT, _ANY_INSTANT, _LIMITS)
def test_due_is_monotonic_in_start(
        calendar: CourtCalendar, a: datetime, b: datetime, limit: TimeLimit) -> None:
    early, late = sorted((a, b))
    assert calendar.due(early, limit) <= calendar.due(late, limit)


@settings(max_examples=300)
@given(_CALENDARS, _ANY_INSTANT, _LIMITS)
def test_due_is_always_office_time_on_a_working_day(
        calendar: CourtCalendar, start: datetime, limit: TimeLimit) -> None:
    due = calendar.due(start, limit)
    assert due.tzinfo == calendar.tz
    assert due > start
    day = due.date()
    assert calendar.is_working_day(day)
    assert any(begin <= due <= end for begin, end in calendar.office_intervals(day))


@settings(max_examples=200)
@given(_ANY_INSTANT, _ANY_INSTANT, _ANY_INSTANT)
def test_elapsed_time_adds_up(a: datetime, b: datetime, c: datetime) -> None:
    a, b, c = sorted((a, b, c))
    ab = CAL.working_seconds_between(a, b)
    bc = CAL.working_seconds_between(b, c)
    ac = CAL.working_seconds_between(a, c)
    assert ac - 1 <= ab + bc <= ac  # whole seconds: the two parts may each lose a fraction


@settings(max_examples=200)
@given(_ANY_INSTANT, st.integers(1, 40))
def test_working_days_land_on_the_nth_working_day_after_the_start(
        start: datetime, days: int) -> None:
    due = CAL.add_working_days(start, days)
    first = start.astimezone(WIT).date()
    between = [first + timedelta(days=n) for n in range(1, (due.date() - first).days + 1)]
    assert sum(CAL.is_working_day(d) for d in between) == days
    assert CAL.is_working_day(due.date())
    assert due.time() == time(16, 30)


@pytest.mark.parametrize("text", ["10 tahun", "3650 hari", "2600 hari kerja", "20000 jam",
                                  "5 tahun 1825 hari", "1300 hari kerja 10000 jam"])
def test_the_longest_limit_stays_on_the_calendar_from_any_start_a_case_can_have(
        text: str) -> None:
    """The latest instant any interface takes (the end of 2100: sop_runtime.isotime), and the
    latest date a case's field may hold (the anchor of a limit: engine.values), each with the
    limit and then its extension (another ten years at most)."""
    from sop_runtime.engine.values import LAST_YEAR
    from sop_runtime.isotime import LATEST_YEAR

    limit = parse_time_limit(text)
    for start in (datetime(LATEST_YEAR, 12, 31, 23, 59, tzinfo=WIT),
                  datetime(LAST_YEAR, 12, 31, tzinfo=WIT)):
        due = CAL.due(CAL.due(start, limit), limit)
        assert start + timedelta(days=2 * 9 * 365) <= due <= start + timedelta(days=2 * 12 * 365)
        assert CAL.working_seconds_between(start, due) > 0


# -- lateness in the unit of its limit --------------------------------------------------------

# Friday 4 December 2026, 16:30 (the office's close): the due time of the limits below
FRIDAY_CLOSE = wit(2026, 12, 4, 16, 30)


@pytest.mark.parametrize(("limit", "at", "expected"), [
    # calendar days: two calendar days late is "2 hari" (not the working hours between)
    ("14 hari", wit(2026, 12, 6, 10, 0), ("hari", 2)),
    ("1 bulan", wit(2026, 12, 5, 8, 0), ("hari", 1)),
    # working days: Monday the 7th is the first working day after Friday
    ("3 hari kerja", wit(2026, 12, 7, 9, 0), ("hari_kerja", 1)),
    ("3 hari kerja", wit(2026, 12, 8, 9, 0), ("hari_kerja", 2)),
    # minutes and hours: working time
    ("2 jam", wit(2026, 12, 7, 8, 30), ("menit_kerja", 30)),
    (None, wit(2026, 12, 7, 9, 0), ("menit_kerja", 60)),
    # past the due time on its own day: the working minutes, never zero ...
    ("14 hari", wit(2026, 12, 4, 16, 31), ("menit", 1)),
    # ... and outside office hours the minutes that passed
    ("3 hari kerja", wit(2026, 12, 4, 20, 5), ("menit", 215)),
    # the weekend after a working-day limit: no working day has passed yet
    ("3 hari kerja", wit(2026, 12, 6, 10, 0), ("menit", 41 * 60 + 30)),
])
def test_lateness_is_told_in_the_unit_of_its_limit(limit: str | None, at: datetime,
                                                    expected: tuple[str, int]) -> None:
    parsed = parse_time_limit(limit) if limit else None
    assert CAL.lateness(FRIDAY_CLOSE, at, parsed) == expected


@given(st.sampled_from(["14 hari", "3 hari kerja", "2 jam", "1 bulan"]),
       st.integers(min_value=1, max_value=60 * 24 * 40))
@settings(max_examples=200, deadline=None)
def test_lateness_past_the_due_time_is_never_zero(limit: str, minutes: int) -> None:
    unit, amount = CAL.lateness(FRIDAY_CLOSE, FRIDAY_CLOSE + timedelta(minutes=minutes),
                                parse_time_limit(limit))
    assert amount > 0 and unit in ("hari", "hari_kerja", "menit_kerja", "menit")


def test_lateness_in_words() -> None:
    from sop_runtime.worktime.duration_text import describe_lateness

    assert describe_lateness("hari", 2, 450) == "2 hari kalender"
    assert describe_lateness("hari", 1, 450, "en") == "1 calendar day"
    assert describe_lateness("hari_kerja", 3, 450, "en") == "3 working days"
    assert describe_lateness("menit_kerja", 65, 450) == "1 jam 5 menit kerja"
    assert describe_lateness("menit_kerja", 900, 450) == "2 hari kerja"  # no second "kerja"
    assert describe_lateness("menit_kerja", 65, 450, "en") == "1 h 5 min of working time"
    assert describe_lateness("menit_kerja", 450, 450, "en") == "1 working day"
    assert describe_lateness("menit", 245, 450) == "4 jam 5 menit di luar jam kerja"
    assert describe_lateness("menit", 1, 450, "en") == "1 min outside office hours"
    with pytest.raises(ValueError, match="satuan"):
        describe_lateness("jam", 1, 450)


# -- when a limit's last day ends -----------------------------------------------------------

@pytest.mark.parametrize(("limit", "end", "expected"), [
    ("2 hari", None, wit(2026, 12, 3, 16, 30)),             # the office's close (default)
    ("2 hari", "tutup_kantor", wit(2026, 12, 3, 16, 30)),
    ("2 hari", "akhir_hari", datetime.combine(date(2026, 12, 3), time.max, tzinfo=WIT)),
    ("2 hari", "20:00", wit(2026, 12, 3, 20, 0)),
    ("1 hari kerja", "akhir_hari", datetime.combine(date(2026, 12, 2), time.max, tzinfo=WIT)),
    # a limit in working minutes ends when they run out, whatever the day's end
    ("2 jam", "akhir_hari", wit(2026, 12, 1, 11, 0)),
    # the last day rolls forward past the weekend, then ends as said: Monday 7/12
    ("4 hari", "20:00", wit(2026, 12, 7, 20, 0)),
])
def test_a_limit_in_days_ends_its_last_day_as_said(limit: str, end: str | None,
                                                   expected: datetime) -> None:
    assert CAL.due(wit(2026, 12, 1, 9), parse_time_limit(limit), end=end) == expected


def test_the_courts_end_of_day_per_channel() -> None:
    electronic = CourtCalendar.from_court(court(akhir_batas_waktu={
        "elektronik": "akhir_hari", "dasar": ["uji"]}))
    start, limit = wit(2026, 12, 1, 9), parse_time_limit("2 hari")
    assert electronic.due(start, limit) == wit(2026, 12, 3, 16, 30)  # at the desk
    assert electronic.due(start, limit, channel="elektronik") == datetime.combine(
        date(2026, 12, 3), time.max, tzinfo=WIT)
    assert electronic.due(start, limit, end="12:00", channel="elektronik") == wit(
        2026, 12, 3, 12, 0)  # the step's own end wins


# -- two calendars: the office's, and the days that end a term in calendar days -------------

def test_a_statutory_term_may_end_on_a_cuti_bersama_day() -> None:
    """14 hari from Thursday 10/12/2026 end on Thursday 24/12, cuti bersama Natal. On the
    office's calendar the term rolls past it, Christmas and the weekend to Monday 28/12;
    a court whose terms count cuti bersama as a day (tenggang_hukum.cuti_bersama: false)
    ends it on the 24th. Working days stay the office's either way."""
    terms = CourtCalendar.from_court(court(tenggang_hukum={
        "cuti_bersama": False, "dasar": ["uji: pilihan hukum pengadilan"]}))
    start, fourteen = wit(2026, 12, 10, 9), parse_time_limit("14 hari")
    assert CAL.due(start, fourteen) == wit(2026, 12, 28, 16, 30)
    assert terms.due(start, fourteen) == wit(2026, 12, 24, 16, 30)
    assert terms.due(start, fourteen, end="akhir_hari") == datetime.combine(
        date(2026, 12, 24), time.max, tzinfo=WIT)
    # Christmas itself (a national holiday) always pushes a term on
    assert terms.due(wit(2026, 12, 11, 9), fourteen) == wit(2026, 12, 28, 16, 30)
    # the office is closed on the 24th all the same: working days and minutes skip it
    one = parse_time_limit("1 hari kerja")
    assert terms.due(wit(2026, 12, 23, 9), one) == CAL.due(wit(2026, 12, 23, 9), one) == wit(
        2026, 12, 28, 16, 30)
    assert not terms.is_working_day(date(2026, 12, 24))


def test_terms_follow_the_office_unless_the_court_says_otherwise() -> None:
    same = CourtCalendar.from_court(court(tenggang_hukum={"cuti_bersama": True}))
    assert same.term_days_off is None
    closures = court(hari_libur={"penutupan": [{"tanggal": "2026-07-10", "nama": "Hari jadi"}]},
                     tenggang_hukum={"penutupan": False})
    terms = CourtCalendar.from_court(closures)
    # 14 hari from Friday 26/6 end on Friday 10/7, a local closure: a term is not moved
    assert terms.due(wit(2026, 6, 26, 9), parse_time_limit("14 hari")) == wit(2026, 7, 10, 16, 30)
    assert CourtCalendar.from_court(closures.model_copy(update={
        "tenggang_hukum": closures.tenggang_hukum.model_copy(update={"penutupan": True})})).due(
        wit(2026, 6, 26, 9), parse_time_limit("14 hari")) == wit(2026, 7, 13, 16, 30)


def test_a_same_day_limit_ends_with_the_day_it_starts_on() -> None:
    same_day = parse_time_limit("pada hari itu juga")
    assert CAL.due(wit(2026, 12, 1, 9), same_day) == wit(2026, 12, 1, 16, 30)
    assert CAL.due(wit(2026, 12, 1, 9), same_day, end="akhir_hari") == datetime.combine(
        date(2026, 12, 1), time.max, tzinfo=WIT)
    # started on a Saturday: the day it can be done is Monday
    assert CAL.due(wit(2026, 12, 5, 9), same_day) == wit(2026, 12, 7, 16, 30)
    assert CAL.lateness(wit(2026, 12, 1, 16, 30), wit(2026, 12, 2, 9), same_day) == ("hari", 1)
