"""An applicant on a cheap phone scans the QR code of the receipt the demo printed and reads
where the request stands: the code travels after the '#' and the page's script sends it."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from playwright.sync_api import Browser, Page, ViewportSize, expect

from sop_runtime.demo.day import RECEIPT
from tests.e2e.test_receipt import number_and_code, qr_text
from tests.e2e.web.conftest import Court

PHONE = ViewportSize(width=360, height=740)


def test_the_receipts_qr_code_opens_the_requests_standing_on_a_phone(
        browser: Browser, court: Court, demo_day: Path, tmp_path: Path,
        shot: Callable[[Page, str], Path]) -> None:
    receipt = shutil.copy(demo_day.parent / RECEIPT, tmp_path / RECEIPT)
    scanned = qr_text(Path(receipt))
    number, _ = number_and_code(scanned)
    parts = urlsplit(scanned)
    phone = browser.new_context(viewport=PHONE, locale="id-ID", is_mobile=True,
                                has_touch=True, device_scale_factor=2)
    form = phone.new_page()
    form.goto(f"{court.url}/lacak")
    shot(form, "lacak-formulir-ponsel")
    page = phone.new_page()  # the scan opens a tab of its own
    sent: list[str] = []
    page.on("request", lambda r: sent.append(f"{r.method} {r.url} {r.post_data or ''}"))
    page.goto(f"{court.url}{parts.path}#{parts.fragment}")
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Permohonan {number}")
    expect(page.get_by_text("Langkah yang sudah selesai")).to_be_visible()
    steps = page.locator("ol.done-steps li")
    expect(steps.first).to_contain_text("· Pemohon")  # the applicant's own step
    expect(steps.nth(1)).to_contain_text("· Petugas PTSP")
    expect(page.get_by_text("Surat Keterangan", exact=False).first).to_be_visible()
    text = page.inner_text("main")
    assert "Fadli" not in text and "Marasabes" not in text and "example.id" not in text
    assert page.url == f"{court.url}/lacak"  # the code is off the address bar
    # the code went only in the form's body, never in an address
    assert not any(re.search(r"kode=", s.split(" ")[1]) for s in sent), sent
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "lacak-ponsel")
    phone.close()

