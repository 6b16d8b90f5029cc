"""Oversight in a real browser: a supervisor reassigns an overdue step with a reason and the
new holder finds it in their worklist; an examiner (the Hakim Pengawas Bidang) checks the
log's integrity, exports it as XES and reads the SOP library."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from sop_runtime.service import views
from sop_runtime.service.confidential import operator
from tests.e2e.web.conftest import DESKTOP, Court, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

Shot = Callable[[Page, str], Path]
XES = "{http://www.xes-standard.org/}"


def test_a_supervisor_reassigns_an_overdue_step_and_the_new_holder_sees_it(
        page: Page, court: Court, shot: Shot) -> None:
    skum = next(late.task for late in views.overdue(court.rt, reader=operator())
                if late.task.sop_id == "taksiran-panjar-skum")
    assert skum.assignee is None and skum.claimed_by is None
    sign_in(page, "bambang.panitera")
    page.get_by_role("navigation", name="Menu utama").get_by_role(
        "link", name="Pengawasan").click()
    expect(page.get_by_role("heading", name="Pengawasan", level=1)).to_be_visible()
    late = page.get_by_role("region", name="Langkah paling terlambat")
    row = late.get_by_role("row").filter(
        has=page.get_by_role("link", name=skum.case_id, exact=True)).filter(
        has_text=f"{skum.node}. {skum.kegiatan}")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("belum diambil")
    shot(page, "pengawasan")

    row.get_by_text("Tindakan", exact=True).click()  # the row's override forms
    row.get_by_label("Alihkan ke").select_option("yusuf.kasir")
    row.get_by_label("Alasan", exact=True).fill("Siti cuti hari ini; Yusuf menggantikan")
    shot(page, "pengawasan-alihkan")
    row.get_by_role("button", name="Alihkan", exact=True).click()

    expect(page).to_have_url(re.compile(r"/pengawasan$"))
    expect(page.get_by_role("status")).to_contain_text(
        f"Langkah {skum.node} ({skum.kegiatan}) perkara {skum.case_id} dialihkan kepada "
        "Yusuf Latuconsina.")
    expect(row).to_contain_text("Yusuf Latuconsina")
    shot(page, "pengawasan-dialihkan")
    assert all(t.case_id != skum.case_id for t in views.tasks(court.rt, "siti.kasir"))

    page.get_by_role("button", name="Keluar").click()
    expect(page).to_have_url(re.compile(r"/masuk$"))
    sign_in(page, "yusuf.kasir")
    mine = page.locator(f'tr[data-case="{skum.case_id}"][data-step="{skum.node}"]')
    expect(mine).to_contain_text("ditugaskan ke Yusuf Latuconsina")
    expect(mine).to_contain_text("Terlambat")
    shot(page, "tugas-pemegang-baru")
    mine.get_by_role("link", name=re.compile(rf"^{skum.node}\. ")).click()
    expect(page.locator("dl.facts")).to_contain_text("ditugaskan ke Yusuf Latuconsina")
    page.get_by_role("link", name=re.compile(rf"^Perkara .*{skum.case_id}$")).click()
    timeline = page.get_by_role("region", name="Linimasa")
    expect(timeline.get_by_role("listitem").filter(
        has_text="Siti cuti hari ini; Yusuf menggantikan")).to_contain_text("Bambang Sutrisno")
    shot(page, "perkara-dialihkan")


def test_a_supervisor_skips_a_step_through_its_confirmation_page(
        page: Page, court: Court, shot: Shot) -> None:
    """At 1366x768 the supervisor's pages fit the screen; a skip asks first, "Batal" leaves
    everything as it was, "Ya, lewati" acts and the page says what happened, once."""
    skum = next(late.task for late in views.overdue(court.rt, reader=operator())
                if late.task.sop_id == "taksiran-panjar-skum")
    sign_in(page, "bambang.panitera", then="/pengawasan")
    wide = "document.documentElement.scrollWidth"
    assert page.evaluate(wide) <= DESKTOP["width"]
    late = page.get_by_role("region", name="Langkah paling terlambat")
    expect(late).to_be_in_viewport()  # the work itself, above the fold
    late.get_by_text("Tindakan", exact=True).first.click()  # the forms open in the row
    assert page.evaluate(wide) <= DESKTOP["width"]
    page.goto(f"/pengawasan/perkara/{skum.case_id}")
    assert page.evaluate(wide) <= DESKTOP["width"]
    shot(page, "pengawasan-perkara")
    row = page.locator(f'tr[data-step="{skum.node}"]')
    expect(row).to_contain_text("Terlambat")
    before = len(views.case(court.rt, skum.case_id, reader=operator()).stored)

    reason = "Dicatat manual di buku kas bantu; SIPP tidak dapat diakses"
    row.get_by_label("Alasan melewati").fill(reason)
    row.get_by_role("button", name="Lewati langkah").click()
    expect(page.get_by_role("heading", name="Lewati langkah ini?", level=1)).to_be_visible()
    expect(page.locator("p.will")).to_contain_text(
        f"Langkah {skum.node} ({skum.kegiatan}) akan dilewati")
    expect(page.locator("p.will")).to_contain_text(f"Alasan: {reason}")
    assert page.evaluate(wide) <= DESKTOP["width"]
    shot(page, "pengawasan-konfirmasi-lewati")
    page.get_by_role("link", name="Batal").click()  # changed their mind
    expect(page).to_have_url(re.compile(rf"/pengawasan/perkara/{skum.case_id}$"))
    assert len(views.case(court.rt, skum.case_id, reader=operator()).stored) == before

    row.get_by_label("Alasan melewati").fill(reason)
    row.get_by_role("button", name="Lewati langkah").click()
    page.get_by_role("button", name="Ya, lewati").click()
    expect(page).to_have_url(re.compile(rf"/pengawasan/perkara/{skum.case_id}$"))
    expect(page.get_by_role("status")).to_contain_text(
        f"Langkah {skum.node} ({skum.kegiatan}) perkara {skum.case_id} dilewati.")
    expect(page.get_by_role("status")).to_contain_text("tindakan pengawas")
    shot(page, "pengawasan-dilewati")
    state = views.case(court.rt, skum.case_id, reader=operator()).state
    assert str(state.current(skum.node).status) == "dilewati"
    page.reload()
    expect(page.get_by_role("status")).to_have_count(0)


def test_an_examiner_verifies_the_log_exports_xes_and_reads_the_library(
        page: Page, court: Court, shot: Shot, tmp_path: Path) -> None:
    sign_in(page, "fitri.hakim")
    menu = page.get_by_role("navigation", name="Menu utama")
    expect(menu.get_by_role("link", name="Pengawasan")).to_have_count(0)  # audit, not supervise
    menu.get_by_role("link", name="Audit").click()
    expect(page.get_by_role("heading", name="Audit", level=1)).to_be_visible()
    page.get_by_role("button", name="Periksa log, tabel turunan dan segel sekarang").click()
    expect(page.get_by_role("status")).to_contain_text("Log utuh")
    shot(page, "audit")

    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"^XES")).click()
    assert download.value.suggested_filename.endswith(".xes")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    log = ET.parse(saved).getroot()
    assert log.tag == f"{XES}log"
    traces = log.findall(f"{XES}trace")
    names = {t.find(f"{XES}string[@key='concept:name']").get("value")  # type: ignore[union-attr]
             for t in traces}
    skum = next(late.task for late in views.overdue(court.rt, reader=operator())
                if late.task.sop_id == "taksiran-panjar-skum")
    assert skum.case_id in names and len(names) == len(traces) >= 6
    assert all(t.findall(f"{XES}event") for t in traces)

    menu.get_by_role("link", name="Pustaka SOP").click()
    entry = page.get_by_role("row").filter(has_text="legalisasi-waarmerking")
    expect(entry).to_have_count(1)
    shot(page, "pustaka-sop")
    entry.get_by_role("link", name=re.compile("Legalisasi")).click()
    expect(page).to_have_url(re.compile(r"/sop/legalisasi-waarmerking$"))
    shot(page, "pustaka-sop-legalisasi")
