"""The server-rendered pages through FastAPI's test client: sign-in with a session cookie,
CSRF on every form, the rate limit on failed sign-ins, the language switch, the clerk's
worklist and step form, a refusal recorded and shown on the case page."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sop_runtime.service import auth, setup, views
from sop_runtime.service.confidential import operator
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.app import create_app
from tests.batching import at_once
from tests.flows.kit import ROUTES
from tests.integration.service.conftest import definitions_without

PASSWORD = "kata-sandi-uji-123"


@pytest.fixture
def rt(demo_copy: Path) -> Runtime:
    rt = Runtime(make_engine(f"sqlite:///{demo_copy}"))
    for user in ("rina.ptsp", "fadli.ptsp", "bambang.panitera", "fitri.hakim"):
        auth.set_password(rt, user, PASSWORD)
    return rt


def client(rt: Runtime) -> TestClient:
    return TestClient(create_app(rt), base_url="https://testserver")


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:500]
    return found.group(1)


def signed_in(rt: Runtime, username: str) -> tuple[TestClient, str]:
    web = client(rt)
    form = web.get("/masuk")
    answer = web.post("/masuk", data={"username": username, "password": PASSWORD,
                                      "csrf": csrf_of(form.text), "lanjut": "/tugas"})
    assert answer.status_code == 200 and answer.url.path == "/tugas", answer.text[:400]
    return web, csrf_of(answer.text)


def test_pages_need_a_session_and_sign_in_sets_a_secure_cookie(rt: Runtime) -> None:
    web = client(rt)
    first = web.get("/tugas", follow_redirects=False)
    assert first.status_code == 303 and first.headers["location"].startswith("/masuk?lanjut=")
    form = web.get("/masuk")
    wrong = web.post("/masuk", data={"username": "rina.ptsp", "password": "salah-salah-salah",
                                     "csrf": csrf_of(form.text)})
    assert wrong.status_code == 401 and "salah" in wrong.text
    right = web.post("/masuk", data={"username": "rina.ptsp", "password": PASSWORD,
                                     "csrf": csrf_of(form.text)}, follow_redirects=False)
    assert right.status_code == 303
    cookie = right.headers["set-cookie"]
    assert "sop_sesi=" in cookie and "HttpOnly" in cookie and "Secure" in cookie
    assert "samesite=lax" in cookie.lower()
    with rt.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT digest FROM web_sessions").scalars().all()
    value = web.cookies.get("sop_sesi")
    assert value and stored == [auth.digest(value)]
    assert web.get("/tugas").status_code == 200


def test_the_sign_in_form_needs_its_token(rt: Runtime) -> None:
    web = client(rt)
    web.get("/masuk")
    forged = web.post("/masuk", data={"username": "rina.ptsp", "password": PASSWORD,
                                      "csrf": "palsu"})
    assert forged.status_code == 403 and web.cookies.get("sop_sesi") is None


def test_failed_sign_ins_are_limited(rt: Runtime) -> None:
    web = client(rt)
    token = csrf_of(web.get("/masuk").text)
    codes = [web.post("/masuk", data={"username": "rina.ptsp", "password": f"salah-{i}-xxxx",
                                      "csrf": token}).status_code for i in range(6)]
    assert codes == [401] * 5 + [429]
    blocked = web.post("/masuk", data={"username": "rina.ptsp", "password": PASSWORD,
                                       "csrf": token})
    assert blocked.status_code == 429 and int(blocked.headers["Retry-After"]) > 0


def test_a_form_without_the_session_token_is_refused(rt: Runtime) -> None:
    web, _ = signed_in(rt, "rina.ptsp")
    refused = web.post("/perkara/baru", data={"sop": "legalisasi-waarmerking",
                                              "csrf": "bukan-tokennya"})
    assert refused.status_code == 403
    cross = web.post("/perkara/baru", data={"sop": "legalisasi-waarmerking",
                                            "csrf": csrf_of(web.get("/tugas").text)},
                     headers={"Origin": "https://situs-lain.example"})
    assert cross.status_code == 403


def test_a_clerk_starts_a_service_and_completes_its_first_step(rt: Runtime) -> None:
    web, token = signed_in(rt, "rina.ptsp")
    started = web.post("/perkara/baru", data={"sop": "legalisasi-waarmerking", "csrf": token})
    assert started.status_code == 200 and started.url.path.startswith("/perkara/")
    case = started.url.path.rsplit("/", 1)[1]
    worklist = web.get("/tugas")
    assert f'data-case="{case}" data-step="1"' in worklist.text
    # the header names the person, not the username
    assert '<span class="user" data-user="rina.ptsp">Rina Marasabessy</span>' in worklist.text
    step = web.get(f"/perkara/{case}/langkah/1")
    assert step.status_code == 200 and "tidak memegang peran" not in step.text
    values = ROUTES["legalisasi-waarmerking"][0]["nilai"]
    for item in values:
        assert f'name="nilai.{item}"' in step.text
    done = web.post(f"/perkara/{case}/langkah/1/selesai",
                    data={"csrf": token, **{f"nilai.{k}": v for k, v in values.items()}})
    assert done.status_code == 200, done.text[:500]
    state = views.case(rt, case, reader=operator()).state
    assert [s.node for s in state.open_steps] == ["2"]
    assert '<g class="step now" data-step="2">' in done.text  # its position, marked
    assert '<g class="step done" data-step="1">' in done.text
    for item in values:  # the outputs given are on the case page
        assert f'data-item="{item}"' in done.text


def test_a_wrong_user_is_refused_and_the_deviation_shows(rt: Runtime) -> None:
    web, token = signed_in(rt, "fadli.ptsp")
    skum = next(late.task for late in views.overdue(rt, reader=operator())
                if late.task.sop_id == "taksiran-panjar-skum")
    warned = web.get(f"/perkara/{skum.case_id}/langkah/{skum.node}")
    assert "Anda tidak memegang peran itu" in warned.text and "Kasir" in warned.text
    refused = web.post(f"/perkara/{skum.case_id}/langkah/{skum.node}/selesai",
                       data={"csrf": token})
    assert refused.status_code == 403 and "dicatat" in refused.text
    case_page = web.get(f"/perkara/{skum.case_id}")
    assert 'data-kind="wrong_actor"' in case_page.text or "salah pelaksana" in case_page.text


def test_the_language_switch(rt: Runtime) -> None:
    web, _ = signed_in(rt, "rina.ptsp")
    assert "Tugas saya" in web.get("/tugas").text
    english = web.get("/bahasa/en?lanjut=/tugas")
    assert "My tasks" in english.text and 'lang="en"' in english.text


def test_permissions_gate_the_pages(rt: Runtime) -> None:
    clerk, _ = signed_in(rt, "rina.ptsp")
    assert clerk.get("/pengawasan").status_code in (403, 404)
    examiner, _ = signed_in(rt, "fitri.hakim")
    assert examiner.get("/sop").status_code in (200, 404)


def test_sign_out_ends_the_session(rt: Runtime) -> None:
    web, token = signed_in(rt, "rina.ptsp")
    cookie = web.cookies.get("sop_sesi")
    web.post("/keluar", data={"csrf": token})
    web.cookies.set("sop_sesi", cookie or "", domain="testserver")
    assert web.get("/tugas", follow_redirects=False).status_code == 303


def test_a_new_password_sends_the_old_sessions_to_sign_in_again(rt: Runtime) -> None:
    web, _ = signed_in(rt, "rina.ptsp")
    colleague, _ = signed_in(rt, "fadli.ptsp")
    auth.set_password(rt, "rina.ptsp", "kata-sandi-baru-456")  # what `sop password` does
    moved = web.get("/tugas", follow_redirects=False)
    assert moved.status_code == 303 and moved.headers["location"].startswith("/masuk")
    assert colleague.get("/tugas").status_code == 200


def test_a_user_switched_off_loses_the_session_and_the_token(rt: Runtime,
                                                             tmp_path: Path) -> None:
    web, _ = signed_in(rt, "rina.ptsp")
    token = {"Authorization": f"Bearer {auth.issue_token(rt, 'rina.ptsp', 'uji')}"}
    assert web.get("/api/tasks", headers=token).status_code == 200
    # `sop init` with her left out of court.yaml
    setup.init(rt, definitions_without("rina.ptsp", tmp_path / "definitions"))
    assert web.get("/tugas", follow_redirects=False).status_code == 303
    assert web.get("/api/tasks", headers=token).status_code == 401
    form = client(rt)
    again = form.post("/masuk", data={"username": "rina.ptsp", "password": PASSWORD,
                                      "csrf": csrf_of(form.get("/masuk").text)})
    assert again.status_code == 401 and form.cookies.get("sop_sesi") is None


def test_the_new_service_form_asks_for_the_sops_case_fields(rt: Runtime) -> None:
    web, _ = signed_in(rt, "rina.ptsp")
    choose = web.get("/perkara/baru")
    assert 'name="sop"' in choose.text and "legalisasi-waarmerking" in choose.text
    fields = web.get("/perkara/baru?sop=pengembalian-sisa-panjar")
    assert 'name="isian.tanggal_minutasi"' in fields.text and 'type="date"' in fields.text
    assert web.get("/perkara/baru?sop=tidak-ada").status_code == 404


def test_malformed_input_gets_a_page_that_says_where(rt: Runtime) -> None:
    web, token = signed_in(rt, "rina.ptsp")
    bad = web.get("/perkara/SNN 2026<script>/langkah/1")
    assert bad.status_code == 422 and "case_id" in bad.text and "<script>" not in bad.text
    late = web.post("/perkara/baru", data={"csrf": token, "sop": "legalisasi-waarmerking",
                                           "waktu": "2026-02-30T10:00"})
    assert late.status_code == 422 and "2026-02-30" in late.text
    far = web.post("/perkara/baru", data={"csrf": token, "sop": "legalisasi-waarmerking",
                                          "waktu": "9999-01-01T10:00"})
    assert far.status_code == 422 and "2000-2100" in far.text
    assert web.get("/perkara/SNN-2026-99999").status_code == 404


def test_forms_posted_at_once_share_a_commit(rt: Runtime) -> None:
    """The recording pages run their write in the threadpool: on one event loop (as under
    uvicorn), forms posted at once are written as one batch, not one after another."""
    values = ROUTES["legalisasi-waarmerking"][0]["nilai"]
    with TestClient(create_app(rt), base_url="https://testserver") as web:
        form = web.get("/masuk")
        answer = web.post("/masuk", data={"username": "rina.ptsp", "password": PASSWORD,
                                          "csrf": csrf_of(form.text), "lanjut": "/tugas"})
        token = csrf_of(answer.text)
        made = [web.post("/perkara/baru", data={"sop": "legalisasi-waarmerking",
                                                "csrf": token}).url.path.rsplit("/", 1)[1]
                for _ in range(3)]

        def complete(case: str) -> Callable[[], Any]:
            return lambda: web.post(f"/perkara/{case}/langkah/1/selesai", data={
                "csrf": token, **{f"nilai.{k}": v for k, v in values.items()}})

        def start() -> Any:
            return web.post("/perkara/baru", data={"sop": "legalisasi-waarmerking",
                                                   "csrf": token})

        answers = at_once(rt, [complete(c) for c in made] + [start, start])
    assert [a.status_code for a in answers] == [200] * 5, [a.text[:300] for a in answers]
    for case in made:
        assert [s.node for s in views.case(rt, case, reader=operator()).state.open_steps] \
            == ["2"]
    started = {a.url.path for a in answers[3:]}
    assert len(started) == 2 and all(p.startswith("/perkara/") for p in started)


def test_the_worklist_pages_through_the_rest(rt: Runtime,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    from html import unescape

    from sop_runtime.web.pages import clerk

    monkeypatch.setattr(clerk, "TASKS_SHOWN", 1)
    web, _ = signed_in(rt, "rina.ptsp")
    every = [(t.case_id, t.node) for t in views.tasks(rt, "rina.ptsp")]
    assert len(every) >= 2
    seen: list[tuple[str, str]] = []
    url: str | None = "/tugas"
    while url is not None:
        page = web.get(url)
        assert page.status_code == 200
        seen += re.findall(r'data-case="([^"]+)" data-step="([^"]+)"', page.text)
        more = re.search(r'<a href="([^"]+)" rel="next">', page.text)
        assert ("ada lagi di halaman berikutnya" in page.text) == (more is not None)
        url = None if more is None else unescape(more[1])
    assert seen == every
    bad = web.get("/tugas?lanjut=bukan-kode")
    assert bad.status_code == 422 and "Kode halaman" in bad.text
