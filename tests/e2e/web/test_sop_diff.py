"""What a revision changed, in a real browser: from an SOP's library page a clerk picks two
stored versions and reads the table and both flowcharts side by side, the changed step
marked in each (a colour, a line style and a text marker)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.web.conftest import Court, revise_legalisation, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

Shot = Callable[[Page, str], Path]
SOP = "legalisasi-waarmerking"


def _revise(court: Court) -> tuple[str, str]:
    """Step 9 dropped (step 10 becomes 9) and step 3 given 1 hari kerja, loaded as the
    version in force; (old, new)."""
    return revise_legalisation(court, "3", "1 hari kerja")


def test_a_clerk_compares_two_versions(page: Page, court: Court, shot: Shot) -> None:
    old, new = _revise(court)
    sign_in(page, "rina.ptsp")
    page.goto(f"/sop/{SOP}")
    page.get_by_label("Versi lama").select_option(old[:12])
    page.get_by_label("Versi baru").select_option(new[:12])
    page.get_by_role("button", name="Lihat perubahan").click()
    expect(page).to_have_url(re.compile(rf"/sop/{SOP}/beda\?lama={old[:12]}&baru={new[:12]}$"))
    table = page.locator("table.diff")
    expect(table.locator("tr.removed")).to_contain_text("Menyetorkan PNBP")
    expect(table.locator('tr.changed[data-step-new="3"]')).to_contain_text("1 hari kerja")
    expect(table).to_contain_text("10 → 9")
    charts = page.locator("figure .flowchart svg")
    expect(charts).to_have_count(2)
    expect(page.locator('figure:first-child g.step.removed[data-step="9"]')).to_be_visible()
    expect(page.locator('figure:last-child g.step.changed[data-step="3"]')).to_be_visible()
    expect(page.locator("figure").first).to_contain_text("Langkah 9 [dihapus]")
    body = page.locator("main").inner_text()
    assert old not in body and new not in body          # the short versions only
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", body)   # no ISO timestamps
    shot(page, "pustaka-perubahan-sop")
