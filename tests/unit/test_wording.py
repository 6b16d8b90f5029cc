"""People's words for moments and money: one style for every page, printout and CLI line."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from sop_runtime.i18n import set_lang
from sop_runtime.wording import day_text, moment_text, parse_rupiah, rupiah_text

WIT = ZoneInfo("Asia/Jayapura")


@pytest.fixture(autouse=True)
def _indonesian() -> object:
    set_lang("id")
    yield
    set_lang(None)


def test_a_moment_reads_as_the_court_writes_it() -> None:
    moment = datetime(2026, 11, 24, 1, 10, tzinfo=UTC)
    assert moment_text(moment, WIT) == "24 November 2026 pukul 10.10 WIT"
    assert moment_text(moment, WIT, zone=False) == "24 November 2026 pukul 10.10"
    assert moment_text(moment, WIT, seconds=True) == "24 November 2026 pukul 10.10.00 WIT"
    set_lang("en")
    assert moment_text(moment, WIT) == "24 November 2026, 10:10 WIT"
    assert moment_text(None, WIT) == "—"


@pytest.mark.parametrize("zone, name", [("Asia/Jakarta", "WIB"), ("Asia/Makassar", "WITA"),
                                        ("Asia/Jayapura", "WIT")])
def test_each_indonesian_zone_by_its_name(zone: str, name: str) -> None:
    assert moment_text(datetime(2026, 1, 2, 3, 4, tzinfo=UTC), ZoneInfo(zone)).endswith(name)


def test_a_zone_without_a_name_is_told_by_its_offset_never_as_utc_iso() -> None:
    text = moment_text(datetime(2026, 1, 2, 3, 4, tzinfo=UTC), timezone(timedelta(hours=9)))
    assert text == "2 Januari 2026 pukul 12.04 UTC+9"
    assert "+00:00" not in moment_text(datetime(2026, 1, 2, tzinfo=UTC), UTC)


def test_a_day() -> None:
    assert day_text(date(2026, 8, 17)) == "17 Agustus 2026"


@pytest.mark.parametrize("typed", ["Rp 10.000", "Rp10.000", "rp. 10.000", "10.000", "10000",
                                   "Rp 10.000,00", " 10.000 "])
def test_money_as_clerks_type_it(typed: str) -> None:
    assert parse_rupiah(typed) == 10000
    assert rupiah_text(typed) == "Rp10.000"


@pytest.mark.parametrize("typed", ["", "sepuluh ribu", "10.00", "1.0000", "Rp 10.000,50", "10,000"])
def test_what_is_not_money(typed: str) -> None:
    assert parse_rupiah(typed) is None
    assert rupiah_text(typed) == typed


def test_large_and_small_amounts() -> None:
    assert rupiah_text(1_250_000) == "Rp1.250.000"
    assert rupiah_text(0) == "Rp0"
    assert rupiah_text(-5000) == "-Rp5.000"
