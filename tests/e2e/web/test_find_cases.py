"""Finding a case in a real browser: the supervisor types the court's register number into
the look-up box and lands on the case; a number several cases begin with lists them; a clerk
finds cases by a party's name on the search page."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.web.conftest import Court, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

Shot = Callable[[Page, str], Path]


def test_a_supervisor_finds_a_case_by_its_register_number(page: Page, court: Court,
                                                          shot: Shot) -> None:
    sign_in(page, "bambang.panitera", then="/pengawasan")
    box = page.get_by_label(re.compile("Tindakan pengawas atas satu perkara"))
    box.fill("14/Pdt.G/2026/PN Snn")
    shot(page, "cari-nomor-perkara")
    box.press("Enter")
    expect(page).to_have_url(re.compile(r"/pengawasan/perkara/SNN-2026-00001$"))

    page.goto("/pengawasan")
    page.get_by_label(re.compile("Tindakan pengawas atas satu perkara")).fill("9/Pdt.G")
    page.get_by_role("button", name="Buka").click()
    found = page.locator("table.found-cases tbody tr")
    expect(found).to_have_count(2)
    expect(found.first).to_contain_text("9/Pdt.G/2025/PN Snn")  # newest first
    expect(found.first).to_contain_text("Koperasi Sula Sejahtera")
    expect(found.nth(1)).to_contain_text("9/Pdt.G/2026/PN Snn")
    shot(page, "cari-beberapa-perkara")
    found.nth(1).get_by_role("link", name="9/Pdt.G/2026/PN Snn").click()
    expect(page).to_have_url(re.compile(r"/pengawasan/perkara/SNN-2026-\d{5}$"))


def test_a_clerk_finds_cases_by_a_partys_name(page: Page, court: Court, shot: Shot) -> None:
    sign_in(page, "rina.ptsp")
    page.get_by_role("navigation", name="Menu utama").get_by_role(
        "link", name="Cari perkara").click()
    page.get_by_label("Nomor perkara, nomor layanan atau nama pihak").fill("budi")
    page.get_by_role("button", name="Cari", exact=True).click()
    row = page.locator("table.found-cases tbody tr")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("14/Pdt.G/2026/PN Snn")
    expect(row).to_contain_text("Budi Santoso")
    shot(page, "cari-perkara-nama")
    row.get_by_role("link", name="SNN-2026-00001").click()
    expect(page.locator("dd.register-number")).to_have_text("14/Pdt.G/2026/PN Snn")
    expect(page.locator("dd.parties")).to_contain_text("Penggugat: Budi Santoso")
    shot(page, "perkara-identitas")
