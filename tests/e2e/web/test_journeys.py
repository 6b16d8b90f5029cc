"""The web app's main journeys in a real browser (Debian's Chromium through Playwright): a
clerk starts a service and completes its first step; a clerk who is not the step's role is
refused, and the refusal shows on the case; the language switch; signing in with the
keyboard only; the worklist without horizontal page scroll on a desktop and a phone,
and the other pages on a phone."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from sop_runtime.service import views
from sop_runtime.service.confidential import operator
from tests.e2e.web.conftest import DEMO_PASSWORD, DESKTOP, PHONE, Court, sign_in
from tests.flows.kit import ROUTES

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

Shot = Callable[[Page, str], Path]
# the flowchart's symbols as drawn: an open step, a step done, any other
OPEN_STEP_FILL, DONE_STEP_FILL, PLAIN_FILL = ("rgb(255, 243, 191)", "rgb(227, 241, 229)",
                                              "rgb(255, 255, 255)")


def fill_required(page: Page) -> None:
    """Something in every required field of the step form, as its type asks (a document's
    field, which its file may stand for, included)."""
    fields = page.locator("form.step-form input[required], "
                          "form.step-form input[type=text][aria-describedby=petunjuk-dokumen]")
    for i in range(fields.count()):
        field = fields.nth(i)
        kind = field.get_attribute("type")
        if kind == "radio":  # a tick: the document is there
            if field.get_attribute("value") == "ada":
                field.check()
            continue
        if field.get_attribute("inputmode") == "numeric":  # money
            field.fill("Rp 150.000")
            continue
        field.fill({"number": "150000", "date": "2026-11-26"}.get(kind or "", "ada"))


def test_a_clerk_starts_a_service_and_completes_its_first_step(
        page: Page, court: Court, shot: Shot) -> None:
    page.goto("/tugas")
    expect(page).to_have_url(re.compile(r"/masuk\?lanjut=%2Ftugas$"))
    expect(page.get_by_role("heading", name="Masuk")).to_be_visible()
    shot(page, "masuk")
    sign_in(page, "rina.ptsp")

    menu = page.get_by_role("navigation", name="Menu utama")
    menu.get_by_role("link", name="Layanan baru").click()
    page.get_by_label("Layanan (SOP)").select_option("legalisasi-waarmerking")
    shot(page, "layanan-baru")
    page.get_by_role("button", name="Lanjut").click()
    expect(page.locator("form.step-form")).to_contain_text("Legalisasi")
    page.get_by_label("Nama Pemohon").fill("CV Kie Raha")
    page.get_by_label("Telepon").fill("0821 9000 4455")
    shot(page, "layanan-baru-isian")
    page.get_by_role("button", name="Mulai layanan").click()
    expect(page).to_have_url(re.compile(r"/perkara/[A-Za-z0-9._-]+$"))
    expect(page.locator("dd.parties")).to_have_text("Pemohon: CV Kie Raha (telepon 082190004455)")
    expect(page.get_by_role("status")).to_contain_text(re.compile(r"Perkara \S+ dimulai"))
    case = page.url.rsplit("/", 1)[1]

    menu.get_by_role("link", name="Tugas saya").click()
    expect(page.get_by_role("heading", name="Tugas saya")).to_be_visible()
    row = page.locator(f'tr[data-case="{case}"][data-step="1"]')
    expect(row).to_contain_text("belum diambil")
    shot(page, "tugas")
    row.get_by_role("link", name=re.compile(r"^1\. Menerima surat permohonan")).click()
    expect(page).to_have_url(re.compile(rf"/perkara/{case}/langkah/1$"))

    page.get_by_role("button", name="Ambil tugas ini").click()
    expect(page.locator("dl.facts")).to_contain_text("diambil oleh Rina Marasabessy")
    expect(page.get_by_role("button", name="Ambil tugas ini")).to_have_count(0)
    values = ROUTES["legalisasi-waarmerking"][0]["nilai"]
    for item, value in values.items():
        page.locator(f'[name="nilai.{item}"]').fill(value)
    shot(page, "langkah")
    page.get_by_role("button", name="Selesaikan langkah").click()

    # where it lands says what happened, once
    expect(page).to_have_url(re.compile(rf"/perkara/{case}$"))
    said = page.get_by_role("status")
    expect(said).to_contain_text(re.compile(
        r"^Langkah 1 \(Menerima surat permohonan.*\) dicatat selesai pada \d{1,2} \w+ 2026 "
        r"pukul \d\d\.\d\d WIT\. Langkah berikutnya: 2 \("))
    assert page.evaluate("document.documentElement.scrollWidth") <= DESKTOP["width"]
    where = page.get_by_role("region", name="Posisi sekarang")
    expect(where.get_by_role("link")).to_have_attribute("href", f"/perkara/{case}/langkah/2")
    for value in values.values():
        expect(page.locator("ol.timeline")).to_contain_text(value)
    flowchart = page.get_by_role("region", name="Bagan alir SOP")
    expect(flowchart.locator('[data-step="2"] .sym').first).to_have_css("fill", OPEN_STEP_FILL)
    expect(flowchart.locator('[data-step="1"] .sym').first).to_have_css("fill", DONE_STEP_FILL)
    expect(flowchart.locator('[data-step="3"] .sym').first).to_have_css("fill", PLAIN_FILL)
    shot(page, "perkara")
    assert [s.node for s in views.case(court.rt, case, reader=operator()).state.open_steps] == ["2"]
    page.reload()
    expect(page.get_by_role("status")).to_have_count(0)  # said once


def test_a_clerk_is_refused_another_roles_step_and_the_deviation_shows(
        page: Page, court: Court, shot: Shot) -> None:
    skum = next(late.task for late in views.overdue(court.rt, reader=operator())
                if late.task.sop_id == "taksiran-panjar-skum")
    sign_in(page, "fadli.ptsp")
    page.goto(f"/perkara/{skum.case_id}/langkah/{skum.node}")
    expect(page.locator("dl.facts")).to_contain_text("Kasir")
    expect(page.locator("dl.facts")).to_contain_text("Terlambat")
    fill_required(page)
    with page.expect_response(lambda r: r.url.endswith("/selesai")) as answer:
        page.get_by_role("button", name="Selesaikan langkah").click()
    assert answer.value.status == 403
    expect(page.get_by_role("heading", name="Ditolak")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("dicatat")
    shot(page, "ditolak")

    page.get_by_role("link", name=f"Lihat perkara {skum.case_id}").click()
    refusal = page.locator('tr.deviation[data-kind="wrong_actor"]').filter(
        has_text=f"{skum.node}. {skum.kegiatan}")
    expect(refusal).to_have_count(1)
    expect(refusal).to_contain_text("Fadli Hasan Duwila")
    refusal.scroll_into_view_if_needed()
    shot(page, "perkara-penyimpangan")
    still = views.case(court.rt, skum.case_id, reader=operator()).state.open_steps
    assert [s.node for s in still] == [skum.node]


def test_keyboard_only_sign_in_and_the_english_switch(page: Page, court: Court,
                                                     shot: Shot) -> None:
    page.goto("/masuk?lanjut=/tugas")
    expect(page.get_by_label("Nama pengguna")).to_be_focused()  # autofocus
    page.keyboard.type("rina.ptsp")
    page.keyboard.press("Tab")
    expect(page.get_by_label("Kata sandi")).to_be_focused()
    page.keyboard.type(DEMO_PASSWORD)
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/tugas$"))
    # the first Tab stop is the skip link, and it works
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="Lewati ke isi")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("main")).to_be_focused()

    english = page.get_by_role("link", name="English")
    for _ in range(10):  # on through the header to the language switch
        page.keyboard.press("Shift+Tab")
        if english.evaluate("link => link === document.activeElement"):
            break
    expect(english).to_be_focused()
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"/tugas$"))
    expect(page.get_by_role("heading", name="My tasks")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation", name="Main menu")).to_contain_text("New service")
    shot(page, "tugas-english")
    page.get_by_role("link", name="Bahasa Indonesia").click()
    expect(page.get_by_role("heading", name="Tugas saya")).to_be_visible()


def page_scrolls_sideways(page: Page) -> bool:
    return bool(page.evaluate(
        "document.documentElement.scrollWidth > window.innerWidth"))


def test_the_worklist_fits_a_desktop_and_a_phone(page: Page, court: Court,
                                                 shot: Shot) -> None:
    sign_in(page, "siti.kasir")
    late = page.locator("tr.late[data-case][data-step]")
    expect(late.first).to_contain_text("Terlambat")
    assert not page_scrolls_sideways(page)
    shot(page, "tugas-1366x768")
    assert page.viewport_size == DESKTOP
    page.set_viewport_size(PHONE)
    page.reload()
    expect(late.first).to_be_visible()
    assert not page_scrolls_sideways(page), "the worklist scrolls sideways on a phone"
    shot(page, "tugas-ponsel-390x844")


def test_the_other_pages_fit_a_phone(page: Page, court: Court, shot: Shot) -> None:
    skum = next(late.task for late in views.overdue(court.rt, reader=operator())
                if late.task.sop_id == "taksiran-panjar-skum")
    page.set_viewport_size(PHONE)
    sign_in(page, "bambang.panitera")  # works, supervises, audits
    pages = {"perkara": f"/perkara/{skum.case_id}",
             "langkah": f"/perkara/{skum.case_id}/langkah/{skum.node}",
             "layanan-baru": "/perkara/baru?sop=taksiran-panjar-skum",
             "pengawasan": "/pengawasan",
             "pengawasan-perkara": f"/pengawasan/perkara/{skum.case_id}",
             "audit": "/audit", "audit-penyimpangan": "/audit/penyimpangan",
             "pustaka-sop": "/sop", "pustaka-sop-legalisasi": "/sop/legalisasi-waarmerking"}
    too_wide = set()
    for name, path in pages.items():
        answer = page.goto(path)
        assert answer is not None and answer.status == 200, path
        if page_scrolls_sideways(page):
            too_wide.add(path)
        shot(page, f"ponsel-{name}")
    assert too_wide == set(), f"pages scrolling sideways at 390x844: {sorted(too_wide)}"
