from __future__ import annotations

import pytest

from sop_runtime.definition.timelimit import TimeLimit, TimeLimitError, parse_time_limit
from sop_runtime.i18n import set_lang


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10 menit", TimeLimit(working_minutes=10)),
        ("± 5 menit", TimeLimit(working_minutes=5, approx=True)),
        ("±5 menit", TimeLimit(working_minutes=5, approx=True)),
        ("kurang lebih 20 menit", TimeLimit(working_minutes=20, approx=True)),
        ("rata-rata 10 menit", TimeLimit(working_minutes=10, approx=True)),
        ("2 jam", TimeLimit(working_minutes=120)),
        ("1,5 jam", TimeLimit(working_minutes=90)),
        ("1 jam 30 menit", TimeLimit(working_minutes=90)),
        ("1 hari kerja", TimeLimit(working_days=1)),
        ("7 hari kerja", TimeLimit(working_days=7)),
        ("14 hari", TimeLimit(calendar_days=14)),
        ("14 hari kalender", TimeLimit(calendar_days=14)),
        ("1 minggu", TimeLimit(calendar_days=7)),
        ("5 bulan", TimeLimit(months=5)),
        ("6 Bulan", TimeLimit(months=6)),
        ("1 tahun", TimeLimit(months=12)),
        ("15-30 menit", TimeLimit(working_minutes=30)),
        ("30–60 menit", TimeLimit(working_minutes=60)),
        ("5 s.d. 15 menit", TimeLimit(working_minutes=15)),
        ("30 (tiga puluh) menit", TimeLimit(working_minutes=30)),
        ("maks. 2 hari", TimeLimit(calendar_days=2)),
        ("paling lama 14 hari kerja", TimeLimit(working_days=14)),
        ("90 detik", TimeLimit(working_minutes=2)),
        ("PT30M", TimeLimit(working_minutes=30)),
        ("PT1H30M", TimeLimit(working_minutes=90)),
        ("P3D", TimeLimit(calendar_days=3)),
        ("P2W", TimeLimit(calendar_days=14)),
        ("P6M", TimeLimit(months=6)),
        ("P1Y", TimeLimit(months=12)),
        ("p1dt2h", TimeLimit(working_minutes=120, calendar_days=1)),
    ],
)
def test_parses_what_sops_write(text: str, expected: TimeLimit) -> None:
    got = parse_time_limit(text)
    assert (got.working_minutes, got.working_days, got.calendar_days, got.months, got.approx) == (
        expected.working_minutes, expected.working_days, expected.calendar_days,
        expected.months, expected.approx)
    assert got.text == text


@pytest.mark.parametrize(
    "text",
    ["", "   ", "abc", "5 menitan", "0 menit", "1,5 hari", "1,5 hari kerja", "P", "PT",
     "30-15 menit", "menit", "5", "-5 menit", "P1.5D"],
)
def test_rejects_what_is_not_a_limit(text: str) -> None:
    with pytest.raises(TimeLimitError):
        parse_time_limit(text)


def test_error_message_is_indonesian_first_then_english() -> None:
    with pytest.raises(TimeLimitError, match="tidak dikenali"):
        parse_time_limit("lima menit")
    set_lang("en")
    with pytest.raises(TimeLimitError, match="not recognised"):
        parse_time_limit("lima menit")


def test_canonical_form_is_stable_and_distinguishes_units() -> None:
    assert parse_time_limit("14 hari").canonical() == "P14D"
    assert parse_time_limit("14 hari kerja").canonical() == "P14WD"
    assert parse_time_limit("± 5 menit").canonical() == "~PT5M"
    assert parse_time_limit("2 jam").canonical() == parse_time_limit("PT2H").canonical()


def test_nominal_minutes_for_static_comparison() -> None:
    assert parse_time_limit("1 hari kerja").nominal_minutes(450) == 450
    assert parse_time_limit("7 hari").nominal_minutes(450) == 5 * 450
    assert parse_time_limit("30 menit").nominal_minutes(450) == 30


def test_describe_in_both_languages() -> None:
    assert parse_time_limit("PT90M").describe() == "1 jam 30 menit"
    set_lang("en")
    assert parse_time_limit("3 hari kerja").describe() == "3 working days"


@pytest.mark.parametrize("text", [
    "10 tahun", "120 bulan", "P10Y", "3650 hari", "2600 hari kerja", "20000 jam",
    "PT1200000M", "5 tahun 1825 hari", "1300 hari kerja 10000 jam"])
def test_ten_years_is_the_longest_limit(text: str) -> None:
    assert parse_time_limit(text).text == text


@pytest.mark.parametrize("text", [
    "99999999 tahun", "11 tahun", "121 bulan", "P11Y", "P99999999999999999999Y", "3651 hari",
    "P3651D", "2601 hari kerja", "20001 jam", "PT1200001M", "10 tahun 1 hari",
    "2600 hari kerja 1 menit", "1" + "0" * 5000 + " menit", "P" + "9" * 5000 + "D",
    "1," + "5" * 5000 + " jam"])
def test_a_limit_longer_than_ten_years_is_refused(text: str) -> None:
    with pytest.raises(TimeLimitError, match=r"paling lama 10 tahun|di belakang koma"):
        parse_time_limit(text)


@pytest.mark.parametrize(("text", "days"), [
    ("selama-lamanya 8 hari", 8),
    ("dalam waktu 14 hari", 14),
    ("dalam tenggang waktu 7 (tujuh) hari", 7),
    ("selambat-lambatnya 3 hari", 3),
])
def test_the_statutes_own_wording(text: str, days: int) -> None:
    limit = parse_time_limit(text)
    assert (limit.calendar_days, limit.text) == (days, text)


@pytest.mark.parametrize("text", ["pada hari itu juga", "hari itu juga", "Pada hari yang sama",
                                  "paling lambat pada hari itu juga"])
def test_the_same_day(text: str) -> None:
    limit = parse_time_limit(text)
    assert limit.same_day and limit.canonical() == "P0D"
    assert not (limit.calendar_days or limit.working_days or limit.working_minutes)
    set_lang("id")
    assert limit.describe() == "hari itu juga"
    assert limit.nominal_minutes(450) == 450
    set_lang(None)
