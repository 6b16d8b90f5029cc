"""CSRF: every form post of the pages (read from the app's routes, so a new form without a
case here fails) sent without its token, with the token of another session (of another
person, and of the same person), with an empty token, or with the right token from another
site (its Origin, a ``null`` Origin, a look-alike host, plain http, or only a Referer) is
refused with 403 and changes nothing: no event, no case, no seal, no session, no session
ended. The same form with the right token from this site passes the gate, so each refusal
above is the token's or the origin's doing. The sign-in form is walked too, with its own
token."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sop_runtime.service import auth, cases, views
from sop_runtime.service.confidential import operator
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.store.schema import cases as cases_table
from sop_runtime.store.schema import delegations, events, seals, web_sessions
from sop_runtime.web.app import create_app
from tests.flows.kit import ROUTES
from tests.integration.service.conftest import copy_database
from tests.web.hostile import CLERK, NOW, PASSWORD, SUPERVISOR, csrf_of, signed_in
from tests.web.routes import staff_routes

SITE = "https://testserver"
LEGALISATION = "legalisasi-waarmerking"


def _form_routes() -> set[str]:
    """The staff's forms (a public form has no session or token: its cross-site posts are
    refused in test_public_access.py)."""
    return {path for method, path in staff_routes() if method == "POST"
            and not path.startswith("/api")}


@pytest.fixture(scope="module")
def court(tmp_path_factory: pytest.TempPathFactory, demo_day: Path) -> dict[str, Any]:
    db = copy_database(demo_day, tmp_path_factory.mktemp("csrf") / "sop.db")
    rt = Runtime(make_engine(f"sqlite:///{db}"), lambda: NOW)
    app = create_app(rt)
    fresh = {}  # one case of its own for each act, so every honest form can succeed
    for act in ("claim", "complete", "reassign", "skip", "reopen", "cancel", "extend",
                "pihak", "nomor", "migrate", "receipt"):
        fresh[act] = cases.start_case(rt, LEGALISATION, CLERK).case_id
    # the version the cases run on (the demo court holds no other: a move is answered by the
    # rules, 200 with the plan or 422, never by the gate)
    fresh["version"] = views.case(rt, fresh["migrate"], reader=operator()).state.version
    cases.complete(rt, fresh["reopen"], "1", CLERK, values=ROUTES[LEGALISATION][0]["nilai"])
    sessions = {who: signed_in(app, rt, who) for who in (CLERK, SUPERVISOR, "fadli.ptsp",
                                                         "hendra.kpn")}
    again = {who: signed_in(app, rt, who) for who in (CLERK, SUPERVISOR)}
    return {"rt": rt, "app": app, "fresh": fresh, "sessions": sessions, "again": again}


# route -> (who posts it, its path filled in, its fields); each would succeed or be answered
# by the SOP's rules with the right token
FORMS: dict[str, Callable[[dict[str, str]], tuple[str, str, dict[str, str]]]] = {
    "/keluar": lambda f: (SUPERVISOR, "/keluar", {}),
    "/perkara/baru": lambda f: (CLERK, "/perkara/baru", {"sop": LEGALISATION}),
    "/perkara/{case_id}/langkah/{node}/ambil": lambda f: (
        CLERK, f"/perkara/{f['claim']}/langkah/1/ambil", {}),
    "/perkara/{case_id}/langkah/{node}/selesai": lambda f: (
        CLERK, f"/perkara/{f['complete']}/langkah/1/selesai",
        {f"nilai.{k}": v for k, v in ROUTES[LEGALISATION][0]["nilai"].items()}),
    "/pengawasan/alihkan": lambda f: (SUPERVISOR, "/pengawasan/alihkan", {
        "case": f["reassign"], "node": "1", "to": "fadli.ptsp", "alasan": "Rina cuti"}),
    "/pengawasan/lewati": lambda f: (SUPERVISOR, "/pengawasan/lewati", {
        "case": f["skip"], "node": "1", "alasan": "Berkas diterima di sidang"}),
    "/pengawasan/buka-ulang": lambda f: (SUPERVISOR, "/pengawasan/buka-ulang", {
        "case": f["reopen"], "node": "1", "alasan": "Salah ketik"}),
    "/pengawasan/perpanjang": lambda f: (SUPERVISOR, "/pengawasan/perpanjang", {
        "case": f["extend"], "node": "1", "alasan": "Menunggu berkas"}),
    "/perkara/{case_id}/batal": lambda f: (SUPERVISOR, f"/perkara/{f['cancel']}/batal",
                                           {"alasan": "Permohonan dicabut"}),
    "/perkara/{case_id}/pihak": lambda f: (CLERK, f"/perkara/{f['pihak']}/pihak",
                                           {"pihak.0.0.nama": "CV Kie Raha"}),
    "/perkara/{case_id}/nomor": lambda f: (CLERK, f"/perkara/{f['nomor']}/nomor",
                                           {"nomor": "2/Pdt.P/2026/PN Snn"}),
    "/perkara/{case_id}/tanda-terima": lambda f: (
        CLERK, f"/perkara/{f['receipt']}/tanda-terima", {"kertas": "struk", "konfirmasi": "ya"}),
    "/pengawasan/pindah-versi": lambda f: (SUPERVISOR, "/pengawasan/pindah-versi", {
        "sop": LEGALISATION, "dari": f["version"][:12], "ke": f["version"][:12],
        "alasan": "SOP direvisi"}),
    "/perkara/{case_id}/pindah-versi": lambda f: (
        SUPERVISOR, f"/perkara/{f['migrate']}/pindah-versi",
        {"ke": f["version"][:12], "alasan": "SOP direvisi"}),
    "/audit/verifikasi": lambda f: (SUPERVISOR, "/audit/verifikasi", {}),
    "/audit/segel": lambda f: (SUPERVISOR, "/audit/segel", {"catatan": "Segel uji"}),
    # unticked: answered 422 past the gate (the pengesahan itself: test_pages_library.py)
    "/sop/{sop_id}/versi/{version}/sahkan": lambda f: (
        SUPERVISOR, f"/sop/{LEGALISATION}/versi/{'0' * 12}/sahkan", {}),
}
SIGN_IN = "/masuk"


def test_every_form_post_is_walked() -> None:
    assert _form_routes() == {*FORMS, SIGN_IN}


def _state(rt: Runtime) -> tuple[int, ...]:
    with rt.engine.connect() as conn:
        counts = [conn.execute(select(func.count()).select_from(t)).scalar_one()
                  for t in (events, cases_table, seals, delegations, web_sessions)]
        ended = conn.execute(select(func.count()).select_from(web_sessions)
                             .where(web_sessions.c.ended_at.is_not(None))).scalar_one()
    return (*counts, ended)


OTHER = {CLERK: "fadli.ptsp", SUPERVISOR: "hendra.kpn"}
# attack -> (the token to send given the right one and the others, extra headers)
ATTACKS: dict[str, tuple[Callable[[str, str, str], str | None], dict[str, str]]] = {
    "tanpa-token": (lambda mine, other_user, other_session: None, {}),
    "token-kosong": (lambda mine, other_user, other_session: "", {}),
    "token-orang-lain": (lambda mine, other_user, other_session: other_user, {}),
    "token-sesi-lain": (lambda mine, other_user, other_session: other_session, {}),
    "origin-lain": (lambda mine, *_: mine, {"Origin": "https://evil.example"}),
    "origin-null": (lambda mine, *_: mine, {"Origin": "null"}),
    "origin-mirip": (lambda mine, *_: mine, {"Origin": "https://testserver.evil.example"}),
    "origin-http": (lambda mine, *_: mine, {"Origin": "http://testserver"}),
    "referer-lain": (lambda mine, *_: mine, {"Referer": "https://evil.example/formulir"}),
    "referer-userinfo": (lambda mine, *_: mine,
                         {"Referer": "https://testserver@evil.example/formulir"}),
}


@pytest.mark.parametrize("attack", ATTACKS)
@pytest.mark.parametrize("route", sorted(FORMS))
def test_a_forged_form_is_refused_and_changes_nothing(court: dict[str, Any], route: str,
                                                      attack: str) -> None:
    who, path, fields = FORMS[route](court["fresh"])
    web, mine = court["sessions"][who]
    other_user = court["sessions"][OTHER[who]][1]
    other_session = court["again"][who][1]
    pick, headers = ATTACKS[attack]
    token = pick(mine, other_user, other_session)
    assert token != mine or headers
    before = _state(court["rt"])
    data = fields if token is None else {**fields, "csrf": token}
    answer = web.post(path, data=data, headers=headers, follow_redirects=False)
    assert answer.status_code == 403, (answer.status_code, answer.text[:300])
    assert _state(court["rt"]) == before  # no session ended either


@pytest.mark.parametrize("route", sorted(FORMS))
def test_the_honest_form_passes_the_gate(court: dict[str, Any], route: str) -> None:
    who, path, fields = FORMS[route](court["fresh"])
    if route == "/keluar":  # on a session of its own: it ends it
        web, mine = signed_in(court["app"], court["rt"], who)
    else:
        web, mine = court["sessions"][who]
    answer = web.post(path, data={**fields, "csrf": mine}, follow_redirects=False,
                      headers={"Origin": SITE, "Referer": f"{SITE}/pengawasan"})
    assert answer.status_code != 403, answer.text[:300]
    assert answer.status_code in (200, 303, 422), answer.text[:300]


def _sign_in_form(app: Any) -> tuple[TestClient, str]:
    web = TestClient(app, base_url=SITE)
    return web, csrf_of(web.get(SIGN_IN).text)


SIGN_IN_ATTACKS = ["tanpa-token", "token-kosong", "token-klien-lain", "origin-lain",
                   "origin-null", "referer-lain"]


@pytest.mark.parametrize("attack", SIGN_IN_ATTACKS)
def test_a_forged_sign_in_is_refused(court: dict[str, Any], attack: str) -> None:
    rt, app = court["rt"], court["app"]
    auth.set_password(rt, CLERK, PASSWORD)
    web, mine = _sign_in_form(app)
    token: str | None = {"tanpa-token": None, "token-kosong": "",
                         "token-klien-lain": _sign_in_form(app)[1]}.get(attack, mine)
    headers = {"origin-lain": {"Origin": "https://evil.example"},
               "origin-null": {"Origin": "null"},
               "referer-lain": {"Referer": "https://evil.example/"}}.get(attack, {})
    data = {"username": CLERK, "password": PASSWORD, "lanjut": "/tugas"}
    if token is not None:
        data["csrf"] = token
    before = _state(rt)
    answer = web.post(SIGN_IN, data=data, headers=headers, follow_redirects=False)
    assert answer.status_code == 403, answer.text[:300]
    assert web.cookies.get("sop_sesi") is None and _state(rt) == before
    honest = web.post(SIGN_IN, data={**data, "csrf": mine}, follow_redirects=False,
                      headers={"Origin": SITE})
    assert honest.status_code == 303 and web.cookies.get("sop_sesi")
