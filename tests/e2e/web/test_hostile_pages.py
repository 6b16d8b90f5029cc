"""The pages holding hostile text (tests/web/hostile.py: script tags, attribute breakouts,
javascript: URLs, </textarea>, template syntax in every free text the app stores), opened in
a real browser: no script runs (no dialog opens), nothing is blocked or fails (no console
error), and the texts are on the page as text. tests/web/test_adversarial_xss.py checks the
same pages' markup with a parser; this is the browser's own verdict."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from sop_runtime.service import auth
from tests.e2e.web.conftest import DEMO_PASSWORD, Court, court_runtime, serve, sign_in
from tests.web.hostile import (
    HOSTILE_SOP,
    PAYLOADS,
    SUPERVISOR,
    HostileCourt,
    hostile_court_at,
    mark,
)

pytestmark = [pytest.mark.browser, pytest.mark.xdist_group("browser")]


@pytest.fixture
def hostile(tmp_path: Path, demo_day: Path) -> HostileCourt:
    built = hostile_court_at(demo_day, tmp_path / "serangan")
    auth.set_password(built.rt, SUPERVISOR, DEMO_PASSWORD)
    built.rt.engine.dispose()
    return built


@pytest.fixture
def court(hostile: HostileCourt, tmp_path: Path) -> Iterator[Court]:
    """The hostile court served (this module's pages open it instead of the demo court)."""
    with serve(court_runtime(tmp_path / "serangan" / "sop.db")) as served:
        yield served


def test_no_hostile_text_runs_in_the_browser(page: Page, hostile: HostileCourt) -> None:
    dialogs: list[str] = []
    errors: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(f"{page.url}: {d.type} {d.message}"),
                                 d.dismiss()))
    page.on("console", lambda m: errors.append(f"{page.url}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"{page.url}: {e}"))
    sign_in(page, SUPERVISOR, then="/pengawasan")

    first = hostile.first
    pages = [f"/perkara/{first[key]}" for key in PAYLOADS]
    pages += [f"/audit/perkara/{first[key]}" for key in ("script", "img", "textarea")]
    pages += [f"/perkara/{hostile.second['quote']}", f"/perkara/{hostile.delegated['link']}",
              f"/perkara/{hostile.refused_case}", f"/audit/perkara/{hostile.refused_case}",
              f"/pengawasan/perkara/{first['svg']}", f"/perkara/{first['comment']}/langkah/1",
              "/pengawasan", "/audit", "/audit/penyimpangan", "/tugas", "/sop",
              f"/sop/{HOSTILE_SOP}", f"/sop/{HOSTILE_SOP}/versi/{hostile.version}/lembar",
              f"/perkara/baru?sop={HOSTILE_SOP}",
              "/audit/laporan?dari=2026-11-01&sampai=2026-11-30"]
    for path in pages:
        answer = page.goto(path)
        assert answer is not None and answer.status == 200, path
    assert dialogs == [], "\n".join(dialogs)
    assert errors == [], "\n".join(errors)

    # and the texts are there, as text: the browser's own reading of one case's page
    page.goto(f"/perkara/{first['img']}")
    for place in ("field", "output", "reason-skip", "person"):
        expect(page.get_by_text(mark(place, "img"), exact=False).first).to_be_visible()
    assert page.locator("img[src='x']").count() == 0
    assert page.locator("main script, main svg[onload], main [onerror]").count() == 0
