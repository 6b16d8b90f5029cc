"""What the browser tests share: Debian's Chromium driven by Playwright (sync API), and the
web app served by uvicorn in a background thread over a copy of the demo court's database
(one per test, so journeys never meet).

Chromium is the Debian package ``chromium`` (``make test`` installs it when missing); it is
never Playwright's own download. Without it these tests skip, saying why. Every page a
journey visits is kept as a full-page screenshot in ``out/screenshots/``."""

from __future__ import annotations

import re
import shutil
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import uvicorn
from playwright.sync_api import (
    Browser,
    BrowserContext,
    Page,
    Playwright,
    ViewportSize,
    expect,
    sync_playwright,
)

from sop_runtime.cli.demo import DEMO_PASSWORD
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.app import create_app
from tests.conftest import ROOT

__all__ = ["DEMO_PASSWORD", "SCREENSHOTS", "Court", "court_runtime", "revise_legalisation",
           "serve", "sign_in"]

SCREENSHOTS = ROOT / "out" / "screenshots"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run"]
DESKTOP = ViewportSize(width=1366, height=768)
PHONE = ViewportSize(width=390, height=844)
# the court's clock in these tests: two days after the demo's working day (Tuesday 24
# November 2026), so what the demo left open is late whenever the tests run
COURT_START = datetime(2026, 11, 26, 10, 0, tzinfo=ZoneInfo("Asia/Jayapura"))


def chromium_path() -> str:
    found = shutil.which("chromium") or (
        "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
    if found is None:
        pytest.skip("Chromium (Debian package chromium) is not installed: `make test` "
                    "installs it as root (apt-get install chromium); these tests skip "
                    "without it")
    return found


# module-scoped, not session-scoped: Playwright's sync API keeps its event loop running in
# this thread while open, and a later test in the same worker would then be "inside a running
# loop" (Prefect's sync calls turn into coroutines there)
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=chromium_path(), headless=True,
                                          args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@dataclass(frozen=True)
class Court:
    """The demo court served over http on this machine."""

    url: str
    rt: Runtime  # the served app's runtime (the tests read the store through it)


def _moving_clock(start: datetime) -> Callable[[], datetime]:
    began = time.monotonic()
    return lambda: start + timedelta(seconds=time.monotonic() - began)


@contextmanager
def serve(rt: Runtime) -> Iterator[Court]:
    """The web app over ``rt`` on a free port of 127.0.0.1 (a secure context: the browser
    keeps the app's Secure cookies over plain http), until the block ends."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    host, port = listener.getsockname()
    server = uvicorn.Server(uvicorn.Config(create_app(rt), log_level="warning",
                                           access_log=False, lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listener]},
                              name="uvicorn-e2e", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the web app did not start")
        time.sleep(0.01)
    try:
        yield Court(f"http://{host}:{port}", rt)
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        listener.close()
        rt.engine.dispose()


def court_runtime(db: Path) -> Runtime:
    """A runtime over the SQLite database ``db`` whose clock runs from :data:`COURT_START`."""
    return Runtime(make_engine(f"sqlite:///{db}"), _moving_clock(COURT_START))


@pytest.fixture
def court(demo_copy: Path) -> Iterator[Court]:
    """The web app over this test's copy of the demo court."""
    with serve(court_runtime(demo_copy)) as served:
        yield served


@pytest.fixture
def context(browser: Browser, court: Court) -> Iterator[BrowserContext]:
    ctx = browser.new_context(base_url=court.url, viewport=DESKTOP, locale="id-ID",
                              timezone_id="Asia/Jayapura")
    ctx.set_default_timeout(10_000)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Iterator[Page]:
    """A tab; whatever the page's Content-Security-Policy blocked fails the test."""
    tab = context.new_page()
    blocked: list[str] = []
    tab.on("console", lambda m: blocked.append(f"{tab.url}: {m.text}")
           if "Content Security Policy" in m.text else None)
    yield tab
    assert blocked == [], "\n".join(blocked)


@pytest.fixture
def shot() -> Callable[[Page, str], Path]:
    """Keep the page as out/screenshots/<name>.png (full page)."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page: Page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.evaluate("window.scrollTo(0, 0)")  # sticky table heads drawn where they belong
        page.screenshot(path=str(path), full_page=True)
        return path

    return take


def sign_in(page: Page, username: str, *, then: str = "/tugas") -> None:
    """Sign in through the form, as a person would, and land on ``then``."""
    page.goto(f"/masuk?lanjut={then}")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page).to_have_url(re.compile(re.escape(then) + "$"))
    expect(page.locator(f'.user[data-user="{username}"]')).to_be_visible()


LEGALISATION = "legalisasi-waarmerking"


def revise_legalisation(court: Court, step: str, waktu: str) -> tuple[str, str]:
    """A revision of the legalisation SOP loaded as its version in force: step 9 dropped (step
    10 becomes 9) and ``step`` given the limit ``waktu``; (old, new) versions."""
    from sop_runtime.compiler.library import compile_source
    from sop_runtime.service import catalog
    from sop_runtime.store import workflows

    rt = court.rt
    with rt.engine.begin() as conn:
        old = workflows.current_version(conn, LEGALISATION)
        assert old is not None
        source = workflows.workflow_source(conn, old)
        assert source is not None
        text = source[:source.index("  - no: 9\n")] + source[source.index("  - no: 10\n"):]
        text = text.replace("  - no: 10\n", "  - no: 9\n")
        at = text.index("waktu: tidak ditentukan", text.index(f"  - no: {step}\n"))
        text = text[:at] + f"waktu: {waktu}" + text[at + len("waktu: tidak ditentukan"):]
        known = {s.sop_id for s in workflows.list_sops(conn)}
        wf = compile_source(text, f"{LEGALISATION}.yaml", known_sops=known).workflow
        assert wf is not None
        workflows.save_workflow(conn, wf.version, LEGALISATION, wf.nama, text,
                                f"{LEGALISATION}.yaml")
        workflows.add_approval(conn, workflows.Approval(LEGALISATION, wf.version, None, None,
                                                        None, None))
        catalog.workflow(rt, conn, wf.version)
    return old, wf.version
