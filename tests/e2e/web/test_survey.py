"""The satisfaction survey on a phone (360 x 740), as an applicant answers it: a completed
request tracked with its number and tracking code, the survey opened from the tracking page,
the nine questions answered by touch; a second time (typed on /survei) refused in a sentence;
then the public results and the Panitera's period report show the IKM."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, Page, ViewportSize, expect

from sop_runtime.audit import ikm
from sop_runtime.service import cases, survey
from tests.e2e.web.conftest import Court, sign_in
from tests.flows.kit import ROUTES

Shot = Callable[[Page, str], Path]
LEGALISATION = "legalisasi-waarmerking"
SMALL_PHONE = ViewportSize(width=360, height=740)
ANSWERS = (4, 3, 3, 2, 3, 3, 4, 3, 3)  # IKM unit 77,78
WIT = ZoneInfo("Asia/Jayapura")


def completed(court: Court) -> tuple[str, str]:
    started = cases.start_case(court.rt, LEGALISATION, "rina.ptsp")
    for step in ROUTES[LEGALISATION]:
        cases.complete(court.rt, started.case_id, str(step["langkah"]), step["oleh"],
                       values=step.get("nilai", {}))
    assert started.tracking_code is not None
    return started.case_id, started.tracking_code


def answer(phone: Page) -> None:
    """Answer the nine questions (touching each answer), a suggestion and a profile item,
    and send."""
    for unsur, value in zip(ikm.UNSUR, ANSWERS, strict=True):
        group = phone.locator(f"#unsur-{unsur.key}")
        choice = group.locator("label.choice").nth(value - 1)
        box = choice.bounding_box()
        assert box is not None and box["height"] >= 44  # a thumb's target
        choice.click()
    phone.get_by_role("textbox").last.fill("Ruang tunggu perlu kipas angin")
    phone.get_by_label("Pekerjaan").select_option("WIRAUSAHA")
    phone.get_by_role("button", name="Kirim penilaian").click()


def test_an_applicant_rates_a_request_once_and_the_ikm_is_reported(
        browser: Browser, court: Court, page: Page, shot: Shot) -> None:
    number, code = completed(court)
    ctx = browser.new_context(base_url=court.url, viewport=SMALL_PHONE, locale="id-ID",
                              timezone_id="Asia/Jayapura")
    phone = ctx.new_page()
    try:
        phone.goto("/lacak")
        phone.get_by_label("Nomor permohonan").fill(number)
        phone.get_by_label("Kode lacak").fill(code)
        phone.get_by_role("button", name="Lacak").click()
        phone.get_by_role("button", name="Isi survei kepuasan").click()
        expect(phone.locator("form.survey")).to_contain_text(number)
        shot(phone, "survei-formulir-ponsel")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= 360, f"the form is {width} px wide on a 360 px phone"
        answer(phone)
        expect(phone.locator("[data-sent]")).to_contain_text("Penilaian Anda sudah kami terima")
        shot(phone, "survei-terima-kasih-ponsel")
        phone.goto("/survei")  # the form typed into again, as from a link
        phone.get_by_label("Nomor permohonan", exact=True).fill(number)
        phone.get_by_label("Kode lacak").fill(code)
        answer(phone)
        expect(phone.locator("[data-closed]")).to_contain_text(
            "Survei untuk permohonan ini sudah diisi")
        shot(phone, "survei-kedua-ditolak-ponsel")
        phone.goto("/layanan/ikm?periode=2026")
        year = survey.results(court.rt, datetime(2026, 1, 1, tzinfo=WIT),
                              datetime(2027, 1, 1, tzinfo=WIT)).overall
        assert year is not None and year.respondents == 3  # the demo day's two, and this one
        expect(phone.locator(".score .big")).to_have_text(ikm.number_text(year.unit))
        shot(phone, "survei-hasil-ponsel")
    finally:
        ctx.close()
    sign_in(page, "bambang.panitera", then="/audit")
    page.goto("/audit/laporan?dari=2026-11-26&sampai=2026-11-30")
    expect(page.get_by_role("heading", name="Indeks Kepuasan Masyarakat")).to_be_visible()
    expect(page.locator("body")).to_contain_text("77,78")  # this response alone
    expect(page.locator("body")).not_to_contain_text("Ruang tunggu perlu kipas angin")
    shot(page, "survei-laporan-periode")
