"""The printed reports' pieces that need no database: charts, the document frame's helpers,
the age buckets of open steps."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from sop_runtime.audit import charts
from sop_runtime.audit.charts import Bar, Segment
from sop_runtime.audit.document import _css_string, gap, nip, place, span, when_html
from sop_runtime.audit.figures import AGING_BUCKETS, aging_bucket
from sop_runtime.i18n import set_lang
from sop_runtime.service.letterhead import of_court

WIT = ZoneInfo("Asia/Jayapura")
DAY = 450  # PN Sanana's average working day, in minutes


@pytest.mark.parametrize(("days", "bucket"), [
    (0, "<1"), (0.99, "<1"), (1, "1-2"), (2.5, "1-2"), (3, "3-5"), (5.9, "3-5"), (6, ">5"),
    (40, ">5")])
def test_open_steps_age_in_whole_working_days(days: float, bucket: str) -> None:
    assert aging_bucket(int(days * DAY * 60), DAY) == bucket
    assert bucket in AGING_BUCKETS


def test_a_chart_escapes_its_labels_and_stacks_its_segments() -> None:
    svg = charts.bars([
        Bar("<b>Kasir</b> & co", (Segment(2, charts.GREEN), Segment(1, charts.AMBER)), "2 + 1"),
        Bar("SOP", (), heading=True),
        Bar("x" * 200, (Segment(3, charts.BLUE),), "3"),
    ], legend=[(charts.GREEN, "selesai")])
    assert "<b>" not in svg and "&lt;b&gt;Kasir&lt;/b&gt; &amp; co" in svg
    assert svg.count("<rect") == 4  # two stacked, one full, one legend swatch
    # the largest total (3) fills the span, 660 - 260 - 90 = 310 px; 2 + 1 stack to it too
    assert 'width="310.0"' in svg and 'width="206.7"' in svg and 'x="466.7"' in svg
    assert "…" in svg and "x" * 200 in svg  # a long label is cut, whole in its <title>
    assert 'font-weight="bold">SOP</text>' in svg


def test_a_full_bar_is_the_maximum_given() -> None:
    half = charts.bars([Bar("a", (Segment(0.5, charts.rate_colour(0.5)),), "50%")], maximum=1)
    assert 'width="155.0"' in half and charts.RED in half
    assert charts.rate_colour(0.95) == charts.GREEN and charts.rate_colour(0.7) == charts.AMBER


def test_dates_periods_and_names_as_a_report_prints_them() -> None:
    start, end = datetime(2026, 11, 16, tzinfo=WIT), datetime(2026, 11, 30, tzinfo=WIT)
    assert span(start, end, WIT) == "16 November 2026 s.d. 29 November 2026"
    assert span(start, start + timedelta(days=1), WIT) == "16 November 2026"
    assert span(start, end - timedelta(hours=1), WIT) == (
        "16 November 2026 pukul 00.00 WIT s.d. 29 November 2026 pukul 23.00 WIT")
    # a narrow cell wraps between words, never inside one; the time keeps its zone
    assert when_html(datetime(2026, 11, 24, 1, 5, tzinfo=ZoneInfo("UTC")), WIT) == (
        "24 November 2026 pukul 10.05&nbsp;WIT")
    assert gap(timedelta(days=5, hours=2, minutes=30)) == "5 hari 2 jam 30 menit"
    assert nip("197804152003121002") == "19780415 200312 1 002" and nip("123") == "123"
    assert place("Sanana, Kepulauan Sula, Maluku Utara") == "Sanana" and place(None) is None
    assert of_court("Ketua Pengadilan Negeri", "Pengadilan Negeri Sanana") == (
        "Ketua Pengadilan Negeri Sanana")
    assert of_court("Ketua", "Pengadilan Negeri Sanana") == "Ketua"
    set_lang("en")
    assert gap(timedelta(0)) == "0 min"
    assert span(start, end, WIT) == "16 November 2026 to 29 November 2026"


def test_text_in_the_page_rules_cannot_close_the_style_element() -> None:
    assert _css_string('a "b" </style> \\') == '"a \\"b\\" \\3C /style\\3E  \\\\"'


def test_the_rules_and_evidence_of_this_issues_deviations_in_words() -> None:
    """A refused act after a timer ran out, a refused extension, a party's late act and a
    lateness in calendar days, as the reports say them."""
    from sop_runtime.audit.document import Names
    from sop_runtime.engine.deviation_text import describe, rule_text
    from tests.unit.enginekit import calendar

    set_lang("id")
    try:
        assert rule_text("jika_lewat_waktu") == "batas waktu langkah dengan cabang lewat waktu"
        assert rule_text("perpanjangan.oleh") == "yang berwenang memperpanjang"
        who = Names(users={"rina.ptsp": "Rina Marasabessy"}, roles={"pemohon": "Pemohon"})
        said = describe({"batas": "2026-12-01T07:30:00.000000+00:00", "terlambat": "2",
                         "satuan": "hari", "terlambat_detik": "54000", "pihak": "pemohon",
                         "dicatat_oleh": "rina.ptsp", "cabang": "11"},
                        calendar(), who, lambda node: f"{node}. Menyerahkan")
        assert said == ("batas 1 Desember 2026 pukul 16.30 WIT", "terlambat 2 hari kalender",
                        "keterlambatan pihak: Pemohon", "dicatat oleh Rina Marasabessy",
                        "waktunya habis: cabang ke langkah 11. Menyerahkan"), said
    finally:
        set_lang(None)
