"""Values flowing between steps in a real browser (Debian's Chromium through Playwright): a
Kasir opens a step whose kelengkapan an earlier step recorded, sees the value with who and when,
finds it filled in; typing another value brings up the reason field; with a reason the step is
recorded and the case shows the contradiction (isian bertentangan) in words."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from sop_runtime.service import views
from sop_runtime.service.confidential import operator
from tests.e2e.web.conftest import Court, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

Shot = Callable[[Page, str], Path]


def test_a_value_recorded_earlier_is_filled_in_and_a_different_one_is_flagged(
        page: Page, court: Court, shot: Shot) -> None:
    # the demo's SKUM case waiting for the Kasir's journal entry (step 7): its kelengkapan
    # "SKUM lunas" was recorded at step 6 by the other Kasir
    task = next(t for t in views.tasks(court.rt, "siti.kasir")
                if t.sop_id == "taksiran-panjar-skum" and t.node == "7")
    sign_in(page, "siti.kasir")
    page.goto(f"/perkara/{task.case_id}/langkah/7")

    field = page.get_by_role("textbox", name="SKUM lunas")
    expect(field).to_have_value("SKUM lunas")
    recorded = page.locator('[id="tercatat.skum_lunas"]')
    expect(recorded).to_contain_text("Sudah dicatat: SKUM lunas")
    expect(recorded).to_contain_text(re.compile(
        r"di langkah 6: .*; oleh Yusuf Latuconsina, Kasir.*, \d{1,2} November 2026 pukul "
        r"\d\d\.\d\d WIT"))
    expect(recorded).not_to_contain_text("yusuf.kasir")
    reason = page.get_by_label("Alasan nilai berbeda dari yang sudah dicatat")
    expect(reason).to_be_hidden()
    shot(page, "nilai-tercatat")

    field.fill("SKUM lunas (salinan kedua)")
    expect(reason).to_be_visible()
    page.get_by_role("textbox", name="Panjar tercatat dalam buku jurnal keuangan perkara").fill(
        "Jurnal hal. 7")
    shot(page, "nilai-berbeda")
    field.fill("  skum   LUNAS ")  # the same value, written otherwise: no reason asked
    expect(reason).to_be_hidden()
    field.fill("SKUM lunas (salinan kedua)")
    reason.fill("SKUM asli tertinggal di meja Kasir, dicatat dari salinan")
    page.get_by_role("button", name="Selesaikan langkah").click()

    expect(page).to_have_url(re.compile(rf"/perkara/{task.case_id}$"))
    deviations = page.locator("body")
    expect(deviations).to_contain_text("isian bertentangan")
    expect(deviations).to_contain_text(re.compile(
        r"SKUM lunas: tercatat “SKUM lunas” di langkah 6\. .* oleh Yusuf Latuconsina .*kini "
        r"diisi “SKUM lunas \(salinan kedua\)”"))
    expect(deviations).to_contain_text("SKUM asli tertinggal di meja Kasir")
    shot(page, "isian-bertentangan")
    kinds = [d.kind for d in views.deviations(court.rt, reader=operator(), case=task.case_id)]
    assert "contradiction" in kinds
