"""The public site (every route declared in sop_runtime.web.public): open to anyone by
design, the same for everyone, and never a word of who works at the court.

Walked from the app's routes (tests/web/routes.py), so a public page added to the package is
held to this without a change here: an anonymous caller gets its answer (never the sign-in
page, never 401/403) and no cookie; a signed-in clerk and an API token get exactly the same;
no answer names a member of staff (name, NIP or username, from the demo court's court file
and the SOPs' pengesahan); a public form posted from another site is refused and records
nothing."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sop_runtime.audit import signing
from sop_runtime.definition.loader import load_court, load_document
from sop_runtime.service import auth, seals
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.app import create_app
from tests.conftest import DEFINITIONS
from tests.integration.service.conftest import copy_database
from tests.web.hostile import CLERK, NOW, bearer, signed_in
from tests.web.routes import public_routes

SITE = "https://testserver"
# a real value for a public route's path parameter; any other is sent a made-up one, which
# may be answered 404 or 422 (but never by a sign-in gate)
REAL = {"sop_id": "legalisasi-waarmerking"}
UNKNOWN = "tidak-ada-1"
GETS = sorted(p for m, p in public_routes() if m == "GET")
POSTS = sorted(p for m, p in public_routes() if m == "POST")


def staff_words() -> set[str]:
    """What names a member of the demo court's staff: each name, NIP and username in its
    court file, and each person named as an SOP's signer."""
    court = load_court(DEFINITIONS / "court.yaml").model
    words = {w for p in court.pengguna for w in (p.nama, p.nip, p.username) if w}
    for path in DEFINITIONS.glob("*.yaml"):
        if path.name == "court.yaml":
            continue
        signer = load_document(path).model.identitas.disahkan_oleh
        words |= {w for w in (signer.nama, signer.nip) if w}
    return words


@pytest.fixture(scope="module")
def court(tmp_path_factory: pytest.TempPathFactory, demo_day: Path) -> dict[str, Any]:
    db = copy_database(demo_day, tmp_path_factory.mktemp("public") / "sop.db")
    rt = Runtime(make_engine(f"sqlite:///{db}"), lambda: NOW)
    with pytest.MonkeyPatch.context() as env:  # a signed head for the witnesses' API
        env.setenv(signing.KEY_ENV, str(tmp_path_factory.mktemp("kunci") / "kunci.pem"))
        signing.new_key(Path(os.environ[signing.KEY_ENV]))
        seals.seal(rt, "bambang.panitera")
    app = create_app(rt)
    return {"rt": rt, "app": app, "anonymous": TestClient(app, base_url=SITE),
            "clerk": signed_in(app, rt, CLERK)[0],
            "token": bearer(auth.issue_token(rt, CLERK, "publik"))}


def _url(path: str) -> str:
    return re.sub(r"{(\w+)}", lambda m: REAL.get(m.group(1), UNKNOWN), path)


def _known(path: str) -> bool:
    return all(name in REAL for name in re.findall(r"{(\w+)}", path))


def _events(rt: Runtime) -> int:
    with rt.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM events").scalar_one())


def test_the_public_site_is_found() -> None:
    assert ("GET", "/layanan") in public_routes()
    assert all(words for words in staff_words())
    assert "rina.ptsp" in staff_words() and len(staff_words()) >= 30


@pytest.mark.parametrize("path", GETS)
def test_anyone_reads_a_public_page_without_signing_in(court: dict[str, Any],
                                                       path: str) -> None:
    before = _events(court["rt"])
    answer = court["anonymous"].get(_url(path), follow_redirects=False)
    assert answer.status_code not in (303, 401, 403), (answer.status_code, answer.text[:300])
    assert answer.status_code == 200 if _known(path) else answer.status_code in (200, 404, 422)
    assert "set-cookie" not in answer.headers  # nothing follows a reader
    assert _events(court["rt"]) == before


@pytest.mark.parametrize("path", [p for p in GETS if _known(p)])
def test_a_public_page_is_the_same_for_everyone(court: dict[str, Any], path: str) -> None:
    url = _url(path)
    anonymous = court["anonymous"].get(url)
    assert court["clerk"].get(url).text == anonymous.text
    assert court["anonymous"].get(url, headers=court["token"]).text == anonymous.text


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("path", [p for p in GETS if _known(p)])
def test_no_public_answer_names_the_staff(court: dict[str, Any], path: str, lang: str) -> None:
    web = TestClient(court["app"], base_url=SITE, cookies={"sop_bahasa": lang})
    answer = web.get(_url(path), headers={"Accept-Language": lang})
    assert answer.status_code == 200
    named = sorted(w for w in staff_words() if w.lower() in answer.text.lower())
    assert named == [], named


@pytest.mark.parametrize("path", POSTS)
def test_a_public_form_from_another_site_is_refused(court: dict[str, Any], path: str) -> None:
    before = _events(court["rt"])
    answer = court["anonymous"].post(_url(path), data={"x": "y"},
                                     headers={"Origin": "https://evil.example"},
                                     follow_redirects=False)
    assert answer.status_code == 403, (answer.status_code, answer.text[:300])
    assert _events(court["rt"]) == before


def test_the_public_frame(court: dict[str, Any]) -> None:
    """The court's name and logo on top, the language switch back to this page, the public
    links and how to complain below; the staff's menu and sign-out nowhere."""
    page = court["clerk"].get("/layanan").text
    assert "Pengadilan Negeri Sanana" in page and 'src="/logo-pengadilan"' in page
    assert 'href="/bahasa/en?lanjut=/layanan"' in page
    for link in ('href="/layanan"', 'href="/lacak"', 'href="/layanan/ikm"'):
        assert link in page
    assert "SIWAS" in page and "Pengaduan" in page
    assert 'href="/static/public.css"' in page and "<script" not in page
    assert "/keluar" not in page and "/tugas" not in page and 'data-user="' not in page
    court["anonymous"].get("/bahasa/en", follow_redirects=False)
    english = court["anonymous"].get("/layanan").text
    assert '<html lang="en">' in english and "Complaints" in english
    assert 'href="/bahasa/id?lanjut=/layanan"' in english
    court["anonymous"].get("/bahasa/id", follow_redirects=False)
