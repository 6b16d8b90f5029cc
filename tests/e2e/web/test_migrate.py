"""Moving running cases to a revised SOP, in a real browser: the Panitera picks the SOP and
the two versions, tries first (a table per case: each open step, where it goes, its due time
before and after; a case whose step is gone, refused with why), then moves them after
confirming; the moved case's page says which version it runs on."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from sop_runtime.definition.models import StepKind
from sop_runtime.service import cases, catalog
from sop_runtime.store import workflows
from tests.e2e.web.conftest import Court, revise_legalisation, sign_in
from tests.unit.enginekit import holders, needed

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]

Shot = Callable[[Page, str], Path]
SOP = "legalisasi-waarmerking"
DEMO_CASE = "SNN-2026-00003"  # the demo's legalisation, at step 7 (Membayar PNBP)


def _to_last_step(court: Court) -> str:
    """A new legalisation worked through to its last step (10)."""
    rt = court.rt
    case = cases.start_case(rt, SOP, "rina.ptsp").case_id
    while True:
        with rt.engine.connect() as conn:
            _, state = cases.current_state(rt, conn, case)
            wf = catalog.workflow(rt, conn, state.version)
        (step,) = state.open_steps
        if step.node == "10":
            return case
        node = wf.node(step.node)
        lane = wf.role(node.role or "")
        actor = "rina.ptsp" if lane is not None and lane.publik else holders(node.role or "")[0]
        decision = node.branch_labels[0] if node.kind is StepKind.KEPUTUSAN else None
        cases.complete(rt, case, step.node, actor, values=needed(wf, state, step.node),
                       decision=decision)


def _revise(court: Court) -> tuple[str, str]:
    """Step 9 dropped (step 10 becomes 9) and step 7 given 3 hari kerja, loaded as the
    version in force; (old, new)."""
    return revise_legalisation(court, "7", "3 hari kerja")


def test_a_supervisor_tries_then_moves_the_running_cases(page: Page, court: Court,
                                                         shot: Shot) -> None:
    last = _to_last_step(court)
    old, new = _revise(court)
    sign_in(page, "bambang.panitera", then="/pengawasan")
    page.get_by_role("link", name="Pindahkan perkara berjalan ke versi SOP yang baru").click()
    page.get_by_label("SOP").select_option(SOP)
    page.get_by_role("button", name="Pilih").click()
    expect(page.get_by_label("Dari versi")).to_have_value(old[:12])
    expect(page.get_by_label("Ke versi")).to_have_value(new[:12])
    page.get_by_label("Alasan").fill("SOP legalisasi direvisi, SK KPN 12/2026")
    page.get_by_role("button", name="Coba dulu").click()

    plan = page.locator("table.plan")
    moved = plan.locator(f'tr.moved[data-case="{DEMO_CASE}"]')
    expect(moved).to_contain_text("7. Membayar PNBP legalisasi")
    expect(moved).to_contain_text("WIT")  # the new due time under 3 hari kerja
    refused = plan.locator(f'tr.refused[data-case="{last}"]')
    expect(refused).to_contain_text("Langkah 10 (Mengarsipkan salinan surat")
    expect(page.locator("main")).to_contain_text("1 perkara akan dipindahkan, 1 ditolak")
    body = page.locator("main").inner_text()
    assert old not in body and new not in body          # the short versions only
    assert not re.search(r"\d{4}-\d{2}-\d{2}T", body)   # no ISO timestamps
    assert "bambang.panitera" not in body and "UTC" not in body
    shot(page, "pindah-versi-coba-dulu")
    with court.rt.engine.connect() as conn:  # trying recorded nothing
        assert workflows.current_version(conn, SOP) == new
        _, state = cases.current_state(court.rt, conn, DEMO_CASE)
    assert state.version == old

    page.get_by_role("button", name="Pindahkan 1 perkara").click()
    expect(page.locator("[role=status]")).to_contain_text("1 perkara dipindahkan ke versi")
    expect(page.locator("[role=status]")).to_contain_text(f"Ditolak: {last}")
    shot(page, "pindah-versi-hasil")
    page.goto(f"/perkara/{DEMO_CASE}")
    expect(page.locator("main")).to_contain_text("Perkara dipindahkan ke versi SOP")
    expect(page.locator("main")).to_contain_text("SOP legalisasi direvisi")

    # the refused case, from its supervisor page: step 10 is step 9 in the new version
    page.goto(f"/pengawasan/perkara/{last}")
    section = page.locator("section[aria-labelledby=pindah-versi]")
    expect(section.get_by_label("Ke versi")).to_have_value(new[:12])
    section.get_by_label("Peta langkah (bila nomor langkah berubah; boleh kosong)").fill("10=9")
    section.get_by_label("Alasan pemindahan").fill("SOP legalisasi direvisi, SK KPN 12/2026")
    shot(page, "pindah-versi-satu-perkara")
    section.get_by_role("button", name="Pindahkan ke versi ini").click()
    expect(page.locator(".will")).to_contain_text(
        "langkah 10 (Mengarsipkan salinan surat yang telah diwaarmerking) menjadi langkah 9")
    shot(page, "pindah-versi-konfirmasi")
    page.get_by_role("button", name="Ya, pindahkan").click()
    expect(page.locator("[role=status]")).to_contain_text(f"Perkara {last} dipindahkan")
