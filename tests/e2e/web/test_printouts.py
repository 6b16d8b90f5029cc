"""Printouts in a real browser: whoever maintains the SOPs reads a step's authoring notes on
the library page, opens the official sheet under the court's kop surat without them, and the
clerk's step form shows the official keterangan alone; the court's name and logo head every
page."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.web.conftest import sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

Shot = Callable[[Page, str], Path]
SOP = "legalisasi-waarmerking"
NOTE = "besaran dan tempat pembayaran tidak disebut"  # step 7's authoring note
OFFICIAL = "Surat diserahkan setelah pemohon membayar PNBP."  # step 7's keterangan


def test_notes_on_the_library_page_the_kop_surat_on_the_sheet(page: Page, shot: Shot) -> None:
    sign_in(page, "bambang.panitera")
    brand = page.locator(".brand")
    expect(brand).to_contain_text("Pengadilan Negeri Sanana")
    expect(brand.locator("img.logo")).to_be_visible()
    assert page.evaluate("document.querySelector('.brand img.logo').naturalWidth") > 0

    page.goto(f"/sop/{SOP}")
    notes = page.locator("section.author-notes")
    expect(notes.get_by_role("heading", name="Sumber dan catatan penyusun")).to_be_visible()
    expect(notes.locator('dt[data-step="7"]')).to_contain_text("Langkah 7")
    expect(notes).to_contain_text(NOTE)
    shot(page, "pustaka-catatan-penyusun")

    page.get_by_role("link", name="Buka lembar SOP resmi (untuk dicetak)").click()
    kop = page.locator("table.kop-surat")
    for line in ("MAHKAMAH AGUNG REPUBLIK INDONESIA", "DIREKTORAT JENDERAL BADAN PERADILAN UMUM",
                 "PENGADILAN TINGGI MALUKU UTARA", "PENGADILAN NEGERI SANANA"):
        expect(kop).to_contain_text(line)
    assert page.evaluate("document.querySelector('table.kop-surat img').naturalWidth") > 0
    expect(page.locator('tr[data-step="7"] td.c-ket')).to_contain_text(OFFICIAL)
    expect(page.locator("body")).not_to_contain_text(NOTE)
    shot(page, "lembar-sop-kop-surat")


def test_a_clerks_step_form_shows_the_official_keterangan_alone(page: Page,
                                                                shot: Shot) -> None:
    sign_in(page, "rina.ptsp")
    page.locator('a[href$="/langkah/7"]').first.click()
    expect(page.locator("h1")).to_contain_text("Membayar PNBP legalisasi")
    expect(page.locator("dl.facts")).to_contain_text(OFFICIAL)
    expect(page.locator("body")).not_to_contain_text(NOTE)
    expect(page.locator("body")).not_to_contain_text("Sumber tidak menyebut")
    shot(page, "langkah-keterangan-resmi")
