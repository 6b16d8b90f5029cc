"""Text a person or a program sends: every page's form field, every JSON string of the API,
every query and path parameter. A NUL (PostgreSQL cannot store one: it was an HTTP 500
there) or another control character, or a field far longer than what it is for (the pages
took 1 MB), is a 422 that names the field; nothing is recorded. On SQLite and PostgreSQL."""

from __future__ import annotations

import html
from collections.abc import Iterator
from contextlib import ExitStack
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sop_runtime.service import auth, cases, seals, setup, views
from sop_runtime.service.confidential import operator
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.app import create_app
from tests.conftest import DEFINITIONS
from tests.storefixtures import fresh_postgres_schema
from tests.web.test_pages import PASSWORD, csrf_of

SOP = "legalisasi-waarmerking"
CLERK, SUPERVISOR = "rina.ptsp", "bambang.panitera"
NUL = "a\x00b"
ESCAPE = "merah \x1b[31m"


@pytest.fixture(scope="module",
                params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def rt(request: pytest.FixtureRequest,
       tmp_path_factory: pytest.TempPathFactory) -> Iterator[Runtime]:
    """One court per backend for the module: every test refuses its bad input on a case of
    its own (the ``case`` fixture), and no test writes what another reads."""
    with ExitStack() as stack:
        if request.param == "sqlite":
            url = f"sqlite:///{tmp_path_factory.mktemp('bad-input') / 'sop.db'}"
        else:
            url = stack.enter_context(fresh_postgres_schema())
        rt = Runtime(make_engine(url))
        setup.init(rt, DEFINITIONS)
        for user in (CLERK, SUPERVISOR):
            auth.set_password(rt, user, PASSWORD)
        yield rt
        rt.engine.dispose()


@pytest.fixture
def case(rt: Runtime) -> str:
    return cases.start_case(rt, SOP, CLERK).case_id


def _web(rt: Runtime, username: str) -> tuple[TestClient, str]:
    web = TestClient(create_app(rt), base_url="https://testserver",
                     raise_server_exceptions=False)
    answer = web.post("/masuk", data={"username": username, "password": PASSWORD,
                                      "csrf": csrf_of(web.get("/masuk").text),
                                      "lanjut": "/tugas"})
    assert answer.status_code == 200, answer.text[:300]
    return web, csrf_of(answer.text)


def _api(rt: Runtime, username: str) -> TestClient:
    token = auth.issue_token(rt, username, "uji")
    return TestClient(create_app(rt), raise_server_exceptions=False,
                      headers={"Authorization": f"Bearer {token}"})


# (path, the other fields, the field that gets the bad value); {case} is a started case
FORMS: list[tuple[str, dict[str, str], str]] = [
    ("/perkara/baru", {"sop": SOP}, "alasan"),
    ("/perkara/baru", {"sop": SOP}, "isian.catatan"),
    ("/perkara/baru", {}, "sop"),
    ("/perkara/baru", {"sop": SOP}, "waktu"),
    ("/perkara/baru", {"sop": SOP, "kontak.saluran": "whatsapp", "kontak.setuju": "ya"},
     "kontak.alamat"),
    ("/perkara/{case}/langkah/1/selesai", {}, "nilai.surat_akta"),
    ("/perkara/{case}/langkah/1/selesai", {}, "keputusan"),
    ("/perkara/{case}/langkah/1/selesai", {}, "alasan"),
    ("/pengawasan/alihkan", {"case": "{case}", "node": "1", "alasan": "r"}, "to"),
    ("/pengawasan/alihkan", {"case": "{case}", "node": "1", "to": CLERK}, "alasan"),
    ("/pengawasan/lewati", {"case": "{case}", "node": "1"}, "alasan"),
    ("/pengawasan/buka-ulang", {"case": "{case}", "alasan": "r"}, "node"),
    ("/pengawasan/perpanjang", {"node": "1", "alasan": "r"}, "case"),
    ("/perkara/{case}/batal", {}, "alasan"),
    ("/perkara/{case}/batal", {"alasan": "r"}, "kembali"),
    ("/audit/segel", {}, "catatan"),
]


def _post_form(web: TestClient, token: str, case: str, path: str, fields: dict[str, str],
               name: str, value: str) -> Any:
    data = {k: v.format(case=case) for k, v in fields.items()}
    return web.post(path.format(case=case), data={**data, name: value, "csrf": token},
                    follow_redirects=False)


def _web_for(rt: Runtime, path: str) -> tuple[TestClient, str]:
    """The web app and a token of someone who may post the form at ``path``."""
    supervised = any(part in path for part in ("pengawasan", "batal", "segel"))
    return _web(rt, SUPERVISOR if supervised else CLERK)


def _nothing_recorded(rt: Runtime, case: str) -> None:
    stored = views.case(rt, case, reader=operator()).stored
    assert [s.type for s in stored] == ["case_started", "step_activated"]
    assert seals.seals_list(rt) == []


@pytest.mark.parametrize(("path", "fields", "name"), FORMS,
                         ids=[f"{p} {n}" for p, _, n in FORMS])
def test_a_control_character_in_a_form_field_is_a_422_naming_it(
        rt: Runtime, case: str, path: str, fields: dict[str, str], name: str) -> None:
    web, token = _web_for(rt, path)
    for bad, code in ((NUL, "U+0000"), (ESCAPE, "U+001B")):
        r = _post_form(web, token, case, path, fields, name, bad)
        said = html.unescape(r.text)
        assert r.status_code == 422, (r.status_code, said[:300])
        assert f"'{name}'" in said and code in said, said[:2000]
    _nothing_recorded(rt, case)


@pytest.mark.parametrize(("path", "fields", "name"), FORMS,
                         ids=[f"{p} {n}" for p, _, n in FORMS])
def test_a_form_field_longer_than_it_is_for_is_a_422_naming_it(
        rt: Runtime, case: str, path: str, fields: dict[str, str], name: str) -> None:
    web, token = _web_for(rt, path)
    r = _post_form(web, token, case, path, fields, name, "x" * 100_000)
    said = html.unescape(r.text)
    assert r.status_code == 422, (r.status_code, said[:300])
    assert f"'{name}'" in said and "terlalu panjang" in said, said[:2000]
    _nothing_recorded(rt, case)


def test_free_text_keeps_its_lines_and_a_form_of_a_megabyte_is_not_read(
        rt: Runtime, case: str) -> None:
    web, token = _web(rt, SUPERVISOR)
    reason = "Baris pertama\r\nbaris kedua\tdengan tab"
    r = _post_form(web, token, case, "/perkara/{case}/batal", {"konfirmasi": "ya"}, "alasan",
                   reason)
    assert r.status_code == 303, r.text[:300]
    assert views.case(rt, case, reader=operator()).stored[-1].payload["reason"] == reason
    big = _post_form(web, token, case, "/audit/segel", {}, "catatan", "x" * (2 << 20))
    assert big.status_code == 413 and "KB" in big.text
    assert seals.seals_list(rt) == []


def test_the_sign_in_form_and_the_query_and_path_parameters_of_the_pages(
        rt: Runtime, case: str) -> None:
    web = TestClient(create_app(rt), base_url="https://testserver",
                     raise_server_exceptions=False)
    r = web.post("/masuk", data={"username": "rina\x00", "password": PASSWORD,
                                 "csrf": csrf_of(web.get("/masuk").text)})
    assert r.status_code == 422 and "'username'" in html.unescape(r.text) and "U+0000" in r.text
    web, _ = _web(rt, SUPERVISOR)
    for url, name in ((f"/pengawasan/perkara?perkara={case}%00", "perkara"),
                      ("/audit/penyimpangan?perkara=%1b", "perkara"),
                      ("/audit/laporan?dari=2026-01-01%00&sampai=2026-01-31", "dari"),
                      ("/perkara/baru?sop=legalisasi%00", "sop"),
                      ("/masuk?lanjut=/tugas%00", "lanjut"),
                      (f"/audit/ekspor/csv?perkara={case}%00", "perkara")):
        r = web.get(url, follow_redirects=False)
        said = html.unescape(r.text)
        assert r.status_code == 422 and f"'{name}'" in said, (url, r.status_code, said)
    r = web.get(f"/audit/laporan?dari=2026-01-01&sampai=2026-01-31&x={'y' * 5000}")
    assert r.status_code == 422 and "terlalu panjang" in r.text
    r = web.get("/perkara/SNN%00/langkah/1")
    assert r.status_code == 422, r.text[:300]


# (method, path, JSON body, the field the 422 names); the bad value is BAD
BAD = "\x00"
API: list[tuple[str, str, dict[str, Any] | None, str]] = [
    ("POST", "/api/cases", {"sop": SOP, "reason": f"a{BAD}"}, "reason"),
    ("POST", "/api/cases", {"sop": SOP, "fields": {"catatan": f"a{BAD}"}}, "catatan"),
    ("POST", "/api/cases", {"sop": SOP, "fields": {f"a{BAD}": "b"}}, "fields"),
    ("POST", "/api/cases/{case}/steps/1/complete", {"values": {"x": BAD}}, "values"),
    ("POST", "/api/cases/{case}/steps/1/complete", {"decision": f"Ya{BAD}"}, "decision"),
    ("POST", "/api/cases/{case}/steps/1/extend", {"reason": BAD}, "reason"),
    ("POST", "/api/cases/{case}/steps/1/reassign", {"to": CLERK, "reason": BAD}, "reason"),
    ("POST", "/api/cases/{case}/cancel", {"reason": f"\x1b{BAD}"}, "reason"),
    ("POST", "/api/delegations", {"to": CLERK, "role": "kasir", "from": f"2026-01-01{BAD}",
                                  "until": "2026-01-02", "reason": "r"}, "from"),
    ("POST", "/api/delegations", {"to": CLERK, "role": "kasir", "from": "2026-01-01",
                                  "until": "2026-01-02", "reference": f"SP{BAD}"},
     "reference"),
    ("POST", "/api/seals", {"note": f"n{BAD}"}, "note"),
    ("GET", f"/api/overdue?role=kasir{BAD}", None, "role"),
    ("GET", f"/api/overdue?now=2026-01-01{BAD}", None, "now"),
    ("GET", f"/api/deviations?case={BAD}", None, "case"),
    ("GET", f"/api/reports/period?from=2026-01-01{BAD}&to=2026-01-31", None, "from"),
    ("GET", f"/api/cases/SNN{BAD}", None, "case_id"),
]


@pytest.mark.parametrize(("method", "path", "body", "name"), API,
                         ids=[f"{m} {p.split('?')[0]} {n}" for m, p, _, n in API])
def test_a_control_character_in_an_api_string_is_a_422_naming_it(
        rt: Runtime, case: str, method: str, path: str, body: dict[str, Any] | None,
        name: str) -> None:
    api = _api(rt, SUPERVISOR)
    r = api.request(method, path.format(case=case).replace("\x00", "%00"), json=body)
    assert r.status_code == 422, (r.status_code, r.text[:500])
    assert name in r.text, r.text[:500]
    _nothing_recorded(rt, case)


def test_an_address_with_no_page_is_a_page_saying_so_and_the_api_keeps_json(
        rt: Runtime) -> None:
    web = TestClient(create_app(rt))
    missing = web.get("/layanan-lama/tidak-ada")
    assert missing.status_code == 404 and missing.headers["content-type"].startswith("text/html")
    assert "Halaman ini tidak ada" in missing.text and "detail" not in missing.text
    assert missing.headers["content-security-policy"]  # the app's own headers, as every page
    wrong_method = web.delete("/masuk")
    assert wrong_method.status_code == 405 and "tidak menerima" in wrong_method.text
    assert "GET" in wrong_method.headers["allow"]
    api = web.get("/api/tidak-ada")
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}
    web.cookies.set("sop_bahasa", "en")
    assert "There is no such page" in web.get("/tidak-ada").text
