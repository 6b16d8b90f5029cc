"""A member of the public on a cheap phone (360 px wide) reads a service's standar
pelayanan: opens /layanan, picks a service, reads its requirements, its time and its cost,
without signing in and without the page growing wider than the screen."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, ViewportSize, expect

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

Shot = Callable[[Page, str], Path]
CHEAP_PHONE = ViewportSize(width=360, height=740)


def _fits(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= CHEAP_PHONE["width"], f"the page is {width}px wide"


def test_a_person_reads_what_a_service_asks_takes_and_costs(page: Page, shot: Shot) -> None:
    page.set_viewport_size(CHEAP_PHONE)
    page.goto("/layanan")
    expect(page.get_by_role("heading", level=1)).to_have_text("Layanan")
    expect(page.locator("header.masthead")).to_contain_text("Pengadilan Negeri Sanana")
    expect(page.get_by_role("heading", name="Meja Pelayanan Hukum, Informasi dan Pengaduan")
           ).to_be_visible()
    _fits(page)
    shot(page, "publik-layanan")
    page.get_by_role("link", name=re.compile("Permohonan Salinan Putusan")).click()
    expect(page).to_have_url(re.compile(r"/layanan/salinan-putusan$"))
    requirements = page.locator('[data-komponen="persyaratan"]')
    expect(requirements.get_by_role("listitem").first).to_be_visible()
    expect(requirements).to_contain_text("Fotokopi KTP")
    expect(page.locator('[data-komponen="waktu"] .big')).to_have_text("14 hari kerja")
    cost = page.locator('[data-komponen="biaya"]')
    expect(cost).to_contain_text("Rp500")
    expect(cost).to_contain_text("PP Nomor 5 Tahun 2019")
    expect(page.locator('[data-komponen="prosedur"] li.you, [data-komponen="prosedur"] > ol > li'
                        ).first).to_be_visible()
    expect(page.locator("footer")).to_contain_text("SIWAS")
    _fits(page)
    shot(page, "publik-layanan-salinan-putusan")
    page.get_by_role("link", name="English").click()
    expect(page.get_by_role("heading", name="Service time")).to_be_visible()
    expect(page.locator('[data-komponen="waktu"] .big')).to_have_text("14 working days")
