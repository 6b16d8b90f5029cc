"""The applicant's journey on a cheap phone (360 x 740), from the receipt the demo printed:
the QR code scanned opens the request's standing (the code travels after the '#' and the
page's script sends it in a form's body, never in an address); the surat keterangan was
handed over the next morning, so the page offers the satisfaction survey; the nine questions
are answered by touch; a second time (typed on /survei) is refused in a sentence; then the
public results and the Panitera's period report show the IKM."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, Page, ViewportSize, expect

from sop_runtime.audit import ikm
from sop_runtime.demo.day import RECEIPT
from sop_runtime.service import survey
from tests.e2e.test_receipt import number_and_code, qr_text
from tests.e2e.web.conftest import Court, sign_in

Shot = Callable[[Page, str], Path]
PHONE = ViewportSize(width=360, height=740)
ANSWERS = (4, 3, 3, 2, 3, 3, 4, 3, 3)  # IKM unit 77,78
WIT = ZoneInfo("Asia/Jayapura")


def answer(phone: Page) -> None:
    """Answer the nine questions (touching each answer), a suggestion and a profile item,
    and send."""
    for unsur, value in zip(ikm.UNSUR, ANSWERS, strict=True):
        choice = phone.locator(f"#unsur-{unsur.key}").locator("label.choice").nth(value - 1)
        box = choice.bounding_box()
        assert box is not None and box["height"] >= 44  # a thumb's target
        choice.click()
    phone.get_by_role("textbox").last.fill("Ruang tunggu perlu kipas angin")
    phone.get_by_label("Pekerjaan").select_option("WIRAUSAHA")
    phone.get_by_role("button", name="Kirim penilaian").click()


def fits(phone: Page) -> None:
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{phone.url} is {width} px wide on a 360 px phone"


def test_from_the_receipts_qr_code_to_the_survey_and_the_ikm(
        browser: Browser, court: Court, demo_day: Path, tmp_path: Path, page: Page,
        shot: Shot) -> None:
    receipt = shutil.copy(demo_day.parent / RECEIPT, tmp_path / RECEIPT)
    scanned = qr_text(Path(receipt))
    number, code = number_and_code(scanned)
    parts = urlsplit(scanned)
    phone_ctx = browser.new_context(viewport=PHONE, locale="id-ID", is_mobile=True,
                                    has_touch=True, device_scale_factor=2,
                                    timezone_id="Asia/Jayapura")
    try:
        form = phone_ctx.new_page()
        form.goto(f"{court.url}/lacak")
        shot(form, "lacak-formulir-ponsel")
        phone = phone_ctx.new_page()  # the scan opens a tab of its own
        sent: list[str] = []
        phone.on("request", lambda r: sent.append(f"{r.method} {r.url}"))
        phone.goto(f"{court.url}{parts.path}#{parts.fragment}")
        expect(phone.get_by_role("heading", level=1)).to_have_text(f"Permohonan {number}")
        expect(phone.get_by_text("Langkah yang sudah selesai")).to_be_visible()
        steps = phone.locator("ol.done-steps li")
        expect(steps.first).to_contain_text("· Pemohon")  # the applicant's own step
        expect(steps.nth(1)).to_contain_text("· Petugas PTSP")
        text = phone.inner_text("main")
        assert "Fadli" not in text and "Marasabes" not in text and "example.id" not in text
        assert "Hendra" not in text  # the Ketua signed: by jabatan only
        assert phone.url == f"{court.url}/lacak"  # the code is off the address bar
        assert not any(re.search(r"kode=", s.split(" ")[1]) for s in sent), sent
        fits(phone)
        shot(phone, "lacak-ponsel")

        phone.get_by_role("button", name="Isi survei kepuasan").click()
        expect(phone.locator("form.survey")).to_contain_text(number)
        fits(phone)
        shot(phone, "survei-formulir-ponsel")
        answer(phone)
        expect(phone.locator("[data-sent]")).to_contain_text("Penilaian Anda sudah kami terima")
        shot(phone, "survei-terima-kasih-ponsel")

        phone.goto(f"{court.url}/survei")  # the form typed into again, as from a link
        phone.get_by_label("Nomor permohonan", exact=True).fill(number)
        phone.get_by_label("Kode lacak").fill(code)
        answer(phone)
        expect(phone.locator("[data-closed]")).to_contain_text(
            "Survei untuk permohonan ini sudah diisi")
        shot(phone, "survei-kedua-ditolak-ponsel")

        phone.goto(f"{court.url}/layanan/ikm?periode=2026")
        year = survey.results(court.rt, datetime(2026, 1, 1, tzinfo=WIT),
                              datetime(2027, 1, 1, tzinfo=WIT)).overall
        assert year is not None and year.respondents == 3  # the demo day's two, and this one
        expect(phone.locator(".score .big")).to_have_text(ikm.number_text(year.unit))
        fits(phone)
        shot(phone, "survei-hasil-ponsel")
    finally:
        phone_ctx.close()
    sign_in(page, "bambang.panitera", then="/audit")
    page.goto("/audit/laporan?dari=2026-11-26&sampai=2026-11-30")
    expect(page.get_by_role("heading", name="Indeks Kepuasan Masyarakat")).to_be_visible()
    expect(page.locator("body")).to_contain_text("77,78")  # this response alone
    expect(page.locator("body")).not_to_contain_text("Ruang tunggu perlu kipas angin")
    shot(page, "survei-laporan-periode")
