"""Security headers on every answer, errors included (a 500 too), and no error that shows a
traceback or a path of the server's files: one request for each kind of answer the app
gives (a page, the API, a static file, a standalone report, a download, a redirect, and 401,
403, 404, 405, 411, 413, 422, 429 and 500 from the pages and the API)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sop_runtime.service import auth
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.app import create_app
from tests.conftest import ROOT
from tests.integration.service.conftest import copy_database
from tests.web.hostile import (
    CLERK,
    NOW,
    PASSWORD,
    SUPERVISOR,
    bearer,
    csrf_of,
    raw_request,
    signed_in,
)

SITE = "https://testserver"
# what an error must never show: a traceback, or where the server's files are
INTERNALS = ("Traceback", 'File "', str(ROOT), "sop_runtime/", ".py\"", "site-packages",
             "sqlite3.", "sqlalchemy.", "RuntimeError")


class Boom(RuntimeError):
    pass


@pytest.fixture(scope="module")
def court(tmp_path_factory: pytest.TempPathFactory, demo_day: Path) -> dict[str, Any]:
    db = copy_database(demo_day, tmp_path_factory.mktemp("headers") / "sop.db")
    rt = Runtime(make_engine(f"sqlite:///{db}"), lambda: NOW)
    app = create_app(rt)
    return {"rt": rt, "app": app, "chief": signed_in(app, rt, SUPERVISOR)[0],
            "clerk": signed_in(app, rt, CLERK)[0],
            "clerk_token": bearer(auth.issue_token(rt, CLERK, "kepala")),
            "chief_token": bearer(auth.issue_token(rt, SUPERVISOR, "kepala")),
            "anonymous": TestClient(app, base_url=SITE)}


def _failing(court: dict[str, Any], monkeypatch: pytest.MonkeyPatch, path: str) -> Any:
    """``path`` answered while the service under it fails unexpectedly (with a message
    naming a file of the server, as a real failure might)."""
    from sop_runtime.service import views

    def broken(*args: object, **kwargs: object) -> object:
        raise Boom(f"tak terduga di {ROOT}/sop_runtime/service/views.py")

    monkeypatch.setattr(views, "tasks", broken)
    web = TestClient(court["app"], base_url=SITE, raise_server_exceptions=False,
                     cookies=dict(court["clerk"].cookies))
    return web.get(path, headers=court["clerk_token"] if path.startswith("/api") else None)


def _too_many(court: dict[str, Any]) -> Any:
    web = TestClient(create_app(court["rt"]), base_url=SITE)  # a limiter of its own
    token = csrf_of(web.get("/masuk").text)
    for i in range(6):
        answer = web.post("/masuk", data={"username": CLERK, "password": f"salah-{i}-sekali",
                                          "csrf": token})
    return answer


def _raw_conformance(court: dict[str, Any], length: str | None) -> Any:
    headers = {**court["chief_token"], "content-type": "multipart/form-data; boundary=x"}
    if length is not None:
        headers["content-length"] = length
    return raw_request(court["app"], "POST", b"/api/conformance", headers=headers)


Ask = Callable[[dict[str, Any], pytest.MonkeyPatch], Any]
ANSWERS: dict[str, tuple[int, Ask]] = {
    "halaman": (200, lambda c, m: c["chief"].get("/pengawasan")),
    "api": (200, lambda c, m: c["anonymous"].get("/api/health")),
    "publik": (200, lambda c, m: c["anonymous"].get("/layanan")),
    "statis": (200, lambda c, m: c["anonymous"].get("/static/app.css")),
    "laporan": (200, lambda c, m: c["chief"].get("/audit/perkara/SNN-2026-00001")),
    "bagan": (200, lambda c, m: c["chief"].get("/sop/legalisasi-waarmerking")),
    "unduhan": (200, lambda c, m: c["chief"].get("/audit/ekspor/csv")),
    "alihkan": (303, lambda c, m: c["anonymous"].get("/tugas", follow_redirects=False)),
    "api-401": (401, lambda c, m: c["anonymous"].get("/api/tasks")),
    "halaman-403": (403, lambda c, m: c["clerk"].get("/pengawasan")),
    "api-403": (403, lambda c, m: c["anonymous"].get("/api/verify",
                                                      headers=c["clerk_token"])),
    "halaman-404": (404, lambda c, m: c["chief"].get("/perkara/SNN-2026-99999")),
    "api-404": (404, lambda c, m: c["anonymous"].get("/api/cases/SNN-2026-99999",
                                                      headers=c["clerk_token"])),
    "tanpa-rute-404": (404, lambda c, m: c["anonymous"].get("/tidak/ada")),
    "statis-404": (404, lambda c, m: c["anonymous"].get("/static/tidak-ada.css")),
    "metode-405": (405, lambda c, m: c["anonymous"].delete("/api/health")),
    "panjang-411": (411, lambda c, m: _raw_conformance(c, None)),
    "besar-413": (413, lambda c, m: _raw_conformance(c, str(200 * 1024 * 1024))),
    "halaman-422": (422, lambda c, m: c["chief"].get("/perkara/SNN 2026<script>")),
    "api-422": (422, lambda c, m: c["anonymous"].get("/api/overdue?now=besok",
                                                      headers=c["chief_token"])),
    "masuk-429": (429, lambda c, m: _too_many(c)),
    "halaman-500": (500, lambda c, m: _failing(c, m, "/tugas")),
    "api-500": (500, lambda c, m: _failing(c, m, "/api/tasks")),
}


def _header(answer: Any, name: str) -> str:
    headers = answer.headers
    return str(headers.get(name) or headers.get(name.lower()) or "")


def _text(answer: Any) -> str:
    return str(answer.text)


def _status(answer: Any) -> int:
    return int(getattr(answer, "status_code", None) or answer.status)


@pytest.mark.parametrize("kind", ANSWERS)
def test_every_answer_carries_the_security_headers(court: dict[str, Any], kind: str,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    status, ask = ANSWERS[kind]
    answer = ask(court, monkeypatch)
    assert _status(answer) == status, _text(answer)[:300]
    assert _header(answer, "X-Content-Type-Options") == "nosniff"
    assert _header(answer, "X-Frame-Options") == "DENY"
    assert _header(answer, "Referrer-Policy") == "same-origin"
    policy = _header(answer, "Content-Security-Policy")
    assert "frame-ancestors 'none'" in policy and "default-src" in policy
    assert "unsafe-eval" not in policy and "script-src" not in policy
    if not kind.startswith("statis"):  # static files may be cached
        assert _header(answer, "Cache-Control") == "no-store"


@pytest.mark.parametrize("kind", [k for k, (status, _) in ANSWERS.items() if status >= 400])
def test_no_error_shows_how_the_server_is_built(court: dict[str, Any], kind: str,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    _, ask = ANSWERS[kind]
    answer = ask(court, monkeypatch)
    body = _text(answer)
    assert body.strip(), "an error says what happened"
    for internal in INTERNALS:
        assert internal not in body, internal


def test_an_internal_error_is_a_page_on_the_pages_and_json_on_the_api(
        court: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    page = _failing(court, monkeypatch, "/tugas")
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>" in page.text and 'href="/"' in page.text
    api = _failing(court, monkeypatch, "/api/tasks")
    assert api.headers["content-type"] == "application/json"
    assert set(api.json()) == {"detail"}


def test_an_internal_error_speaks_the_callers_language(court: dict[str, Any],
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    court["clerk"].get("/bahasa/en", follow_redirects=False)
    try:
        english = _failing(court, monkeypatch, "/tugas")
        assert 'lang="en"' in english.text and "Internal error" in english.text
    finally:
        court["clerk"].get("/bahasa/id", follow_redirects=False)
    assert "Kesalahan internal" in _failing(court, monkeypatch, "/tugas").text
    assert PASSWORD not in english.text
