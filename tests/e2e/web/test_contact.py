"""A clerk at the e-Court desk, on a phone, starts a filing with the applicant's WhatsApp
number and their consent ticked beside the court's sentence; the case page says the
applicant agreed and through which channel, never the number."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from sop_runtime.service import contacts
from tests.e2e.web.conftest import PHONE, Court, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


def test_a_clerk_gives_the_applicants_contact_with_consent_on_a_phone(
        browser: Browser, court: Court, shot: Callable[[Page, str], Path]) -> None:
    phone = browser.new_context(base_url=court.url, viewport=PHONE, locale="id-ID",
                                timezone_id="Asia/Jayapura", is_mobile=True, has_touch=True)
    page = phone.new_page()
    sign_in(page, "nurul.ecourt")
    page.goto("/perkara/baru?sop=pendaftaran-ecourt")
    box = page.locator("fieldset.contact")
    expect(box).to_contain_text(contacts.sentence(court.rt))
    page.get_by_label("Nama Penggugat").fill("Siti Aminah")
    page.locator("#pihak-0-0-email").fill("siti.aminah@contoh.id")
    page.get_by_label("Nama Tergugat").fill("CV Kie Raha")
    box.get_by_label("Saluran").select_option("whatsapp")
    box.get_by_label("Nomor atau alamat e-mail").fill("0812 4000 1111")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    shot(page, "layanan-baru-kontak-ponsel")
    box.get_by_role("checkbox").check()
    page.get_by_role("button", name="Mulai layanan").click()
    expect(page.get_by_text("Pemohon setuju diberi tahu melalui WhatsApp")).to_be_visible()
    case = page.url.rsplit("/", 1)[1]
    assert contacts.has_contact(court.rt, case) == "whatsapp"
    assert "4000 1111" not in page.inner_text("main")
    assert "81240001111" not in page.content()
    shot(page, "perkara-dengan-kontak-ponsel")
    phone.close()
