"""Sessions: a cookie that is forged, the stored digest of a real one, signed out or expired
is refused; a session cookie planted before sign-in is not kept after it (session fixation);
the cookies carry HttpOnly, SameSite=Lax and Secure (not with --insecure-cookies); each
session has a form token of its own; the API never takes a session cookie (so its writes
cannot be forged from another site) and the pages never take an API token."""

from __future__ import annotations

import secrets
from datetime import timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sop_runtime.service import auth
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.app import create_app
from tests.integration.service.conftest import copy_database
from tests.web.hostile import CLERK, NOW, PASSWORD, SUPERVISOR, bearer, csrf_of, signed_in

SITE = "https://testserver"
COOKIE = "sop_sesi"


@pytest.fixture(scope="module")
def court(tmp_path_factory: pytest.TempPathFactory, demo_day: Path) -> dict[str, Any]:
    db = copy_database(demo_day, tmp_path_factory.mktemp("session") / "sop.db")
    clock = [NOW]
    rt = Runtime(make_engine(f"sqlite:///{db}"), lambda: clock[0])
    auth.set_password(rt, CLERK, PASSWORD)
    return {"rt": rt, "app": create_app(rt), "clock": clock}


JAR = "testserver.local"  # the cookie jar's name for the test client's host


def _who(web: TestClient, cookie: str | None = None) -> str | None:
    """Whom the pages take the caller for (None: sent to sign in); with ``cookie``, a
    browser that sends only that session cookie."""
    headers = {"Cookie": f"{COOKIE}={cookie}"} if cookie is not None else None
    answer = web.get("/sop", follow_redirects=False, headers=headers)
    if answer.status_code == 303:
        assert answer.headers["location"].startswith("/masuk")
        return None
    assert answer.status_code == 200
    marker = 'class="user" data-user="'
    return answer.text.split(marker, 1)[1].split('"', 1)[0]


def _stored_digest(rt: Runtime, cookie: str) -> str:
    with rt.engine.connect() as conn:
        found = conn.exec_driver_sql("SELECT digest FROM web_sessions WHERE digest = ?",
                                     (auth.digest(cookie),)).scalar_one()
    return str(found)


# (one made like a real one: 32 random bytes, URL-safe base64; fixed, so every test
# worker collects the same tests)
@pytest.mark.parametrize("forged", ["", "x", "0" * 43,
                                    "q3v0Zk9Jt0cQfW2d7YbqZs1nXk4hR8uVpA6mLwE2TgI",
                                    "' OR '1'='1", "../../etc/passwd", "a" * 5000],
                         ids=["empty", "short", "zeros", "random", "sql", "path", "long"])
def test_a_forged_cookie_is_refused(court: dict[str, Any], forged: str) -> None:
    web = TestClient(court["app"], base_url=SITE)
    assert _who(web, forged) is None


def test_the_stored_digest_is_no_cookie(court: dict[str, Any]) -> None:
    web, _ = signed_in(court["app"], court["rt"], CLERK)
    cookie = web.cookies[COOKIE]
    digest = _stored_digest(court["rt"], cookie)
    assert _who(TestClient(court["app"], base_url=SITE), digest) is None
    assert _who(TestClient(court["app"], base_url=SITE), cookie) == CLERK


def test_a_signed_out_cookie_and_its_form_token_are_dead(court: dict[str, Any]) -> None:
    web, token = signed_in(court["app"], court["rt"], CLERK)
    cookie = web.cookies[COOKIE]
    assert web.post("/keluar", data={"csrf": token}, follow_redirects=False).status_code == 303
    again = TestClient(court["app"], base_url=SITE)
    assert _who(again, cookie) is None
    refused = again.post("/perkara/baru", data={"csrf": token, "sop": "legalisasi-waarmerking"},
                         follow_redirects=False)
    assert refused.status_code == 303 and refused.headers["location"].startswith("/masuk")


def test_a_session_ends_after_its_hours(court: dict[str, Any]) -> None:
    web, _ = signed_in(court["app"], court["rt"], CLERK)
    cookie = web.cookies[COOKIE]
    clock = court["clock"]
    try:
        clock[0] = NOW + timedelta(hours=auth.SESSION_HOURS) - timedelta(minutes=1)
        assert _who(TestClient(court["app"], base_url=SITE), cookie) == CLERK
        clock[0] = NOW + timedelta(hours=auth.SESSION_HOURS, minutes=1)
        assert _who(TestClient(court["app"], base_url=SITE), cookie) is None
    finally:
        clock[0] = NOW


def test_a_cookie_planted_before_sign_in_is_not_kept(court: dict[str, Any]) -> None:
    web = TestClient(court["app"], base_url=SITE)
    planted = secrets.token_urlsafe(32)
    web.cookies.set(COOKIE, planted, domain=JAR)
    form = web.get("/masuk")
    web.post("/masuk", data={"username": CLERK, "password": PASSWORD,
                             "csrf": csrf_of(form.text)}, follow_redirects=False)
    assert web.cookies[COOKIE] != planted
    assert _who(TestClient(court["app"], base_url=SITE), planted) is None
    assert _who(web) == CLERK


def test_an_attackers_own_session_planted_in_a_browser_stays_the_attackers(
        court: dict[str, Any]) -> None:
    attacker, _ = signed_in(court["app"], court["rt"], SUPERVISOR)
    theirs = attacker.cookies[COOKIE]
    victim = TestClient(court["app"], base_url=SITE)
    victim.cookies.set(COOKIE, theirs, domain=JAR)
    form = victim.get("/masuk")
    victim.post("/masuk", data={"username": CLERK, "password": PASSWORD,
                                "csrf": csrf_of(form.text)}, follow_redirects=False)
    assert victim.cookies[COOKIE] != theirs and _who(victim) == CLERK
    # the planted cookie did not become the victim's session
    assert _who(TestClient(court["app"], base_url=SITE), theirs) == SUPERVISOR


def test_each_session_has_its_own_form_token(court: dict[str, Any]) -> None:
    tokens = {signed_in(court["app"], court["rt"], CLERK)[1] for _ in range(3)}
    assert len(tokens) == 3 and all(len(t) >= 32 for t in tokens)


def _set_cookies(answer: Any) -> dict[str, Any]:
    jar: dict[str, Any] = {}
    for header in answer.headers.get_list("set-cookie"):
        parsed: SimpleCookie = SimpleCookie()
        parsed.load(header)
        jar.update(parsed)
    return jar


@pytest.mark.parametrize("secure", [True, False], ids=["secure", "insecure-cookies"])
def test_every_cookie_is_httponly_lax_and_secure_unless_told(court: dict[str, Any],
                                                              secure: bool) -> None:
    web = TestClient(create_app(court["rt"], secure_cookies=secure), base_url=SITE)
    form = web.get("/masuk")
    signed = web.post("/masuk", data={"username": CLERK, "password": PASSWORD,
                                      "csrf": csrf_of(form.text)}, follow_redirects=False)
    language = web.get("/bahasa/en?lanjut=/sop", follow_redirects=False)
    cookies = {**_set_cookies(form), **_set_cookies(language)}
    spent = _set_cookies(signed)
    cookies[COOKIE] = spent.pop(COOKIE)
    assert {"sop_masuk", COOKIE, "sop_bahasa"} <= set(cookies)
    for name in ("sop_masuk", COOKIE, "sop_bahasa"):
        morsel = cookies[name]
        assert morsel["httponly"] is True, name
        assert morsel["samesite"].lower() == "lax", name
        assert morsel["path"] == "/", name
        assert bool(morsel["secure"]) is secure, name
    assert int(cookies[COOKIE]["max-age"]) == auth.SESSION_HOURS * 3600
    # the sign-in form's own token is spent at sign-in: its cookie is deleted
    assert spent["sop_masuk"].value == "" and int(spent["sop_masuk"]["max-age"]) == 0


def test_the_sign_in_form_token_is_bound_to_its_browser(court: dict[str, Any]) -> None:
    one = TestClient(court["app"], base_url=SITE)
    two = TestClient(court["app"], base_url=SITE)
    token_one = csrf_of(one.get("/masuk").text)
    token_two = csrf_of(two.get("/masuk").text)
    assert token_one != token_two
    crossed = two.post("/masuk", data={"username": CLERK, "password": PASSWORD,
                                       "csrf": token_one}, follow_redirects=False)
    assert crossed.status_code == 403 and two.cookies.get(COOKIE) is None


def test_the_api_takes_no_session_cookie(court: dict[str, Any]) -> None:
    web, _ = signed_in(court["app"], court["rt"], SUPERVISOR)
    assert web.get("/api/tasks").status_code == 401
    assert web.post("/api/cases", json={"sop": "legalisasi-waarmerking"}).status_code == 401
    assert web.post("/api/sweep").status_code == 401


def test_the_pages_take_no_api_token(court: dict[str, Any]) -> None:
    token = auth.issue_token(court["rt"], SUPERVISOR, "sesi-uji")
    web = TestClient(court["app"], base_url=SITE)
    answer = web.get("/pengawasan", headers=bearer(token), follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"].startswith("/masuk")
    # nor as a cookie, nor in the query
    assert _who(web, token) is None
    assert web.get(f"/api/tasks?token={token}").status_code == 401
    web.cookies.set("Authorization", f"Bearer {token}", domain=JAR)
    assert web.get("/api/tasks").status_code == 401


def test_sign_out_is_a_form_post_only(court: dict[str, Any]) -> None:
    web, _ = signed_in(court["app"], court["rt"], CLERK)
    assert web.get("/keluar", follow_redirects=False).status_code == 405
    assert _who(web) == CLERK
