"""SQL injection: every query and path parameter of the API and the pages (read from their
OpenAPI descriptions, so a new parameter is walked without a change here), and the ids in
the supervisors' forms, sent SQL and LIKE payloads and NUL bytes, on SQLite and on
PostgreSQL: never a 500, never more or other data than the same request with a plain
unknown value gets, and afterwards the log still verifies with nothing added to it."""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote, urlencode

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import create_engine, inspect

from sop_runtime.service import auth, cases, integrity, seals, setup
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.store.workflows import list_sops
from sop_runtime.web.app import create_app
from tests.conftest import DEFINITIONS
from tests.storefixtures import require_postgres, with_search_path
from tests.web.hostile import CLERK, NOW, SUPERVISOR, bearer, signed_in

SITE = "https://testserver"
LEGALISATION = "legalisasi-waarmerking"
PLAIN = "tidakada9"  # an unknown value that fits every pattern

PAYLOADS = {
    "or-true": "' OR \"1\"=\"1\" OR 1=1 --",
    "drop": "'; DROP TABLE events; --",
    "union": "%' UNION SELECT case_id, hash FROM events --",
    "like-all": "%_%",
    "nul": "SNN\x00' OR '1'='1",
}


def _page_spec() -> dict[str, Any]:
    """The pages' own OpenAPI description (the app leaves them out of its schema)."""
    from sop_runtime.web import public
    from sop_runtime.web.pages import (
        audit,
        cases,
        clerk,
        library,
        migration,
        monev,
        receipt,
        signin,
        supervise,
    )

    described = FastAPI()
    for module in (signin, clerk, cases, receipt, supervise, migration, library, audit, monev):
        described.include_router(module.router)
    for module in public.modules():
        if hasattr(module, "router"):
            described.include_router(module.router)
    return described.openapi()


def _api_spec() -> dict[str, Any]:
    return create_app(Runtime(make_engine("sqlite://"))).openapi()


def _params() -> list[tuple[str, str, str, str]]:
    """(method, path, parameter, where) of every path and query parameter."""
    found = []
    for spec in (_page_spec(), _api_spec()):
        for path, operations in spec["paths"].items():
            for method, operation in operations.items():
                found += [(method.upper(), path, p["name"], p["in"])
                          for p in operation.get("parameters", ()) if p["in"] in ("path",
                                                                                  "query")]
    return sorted(found)


PARAMS = _params()
# the ids the supervisors' forms look up (POST fields, not parameters)
FORM_FIELDS = [("POST", "/pengawasan/alihkan", name, "form") for name in ("case", "node", "to")]
FORM_FIELDS += [("POST", "/pengawasan/lewati", name, "form") for name in ("case", "keputusan")]
FORM_FIELDS += [("POST", "/perkara/baru", "sop", "form")]
TARGETS = PARAMS + FORM_FIELDS


def test_every_parameter_is_walked() -> None:
    from tests.web.routes import app_routes

    described = {(m, p) for m, p, _, _ in PARAMS}
    with_params = {(m, p) for m, p in app_routes() if "{" in p}
    assert with_params <= described | {(m, p) for m, p in described}
    assert len(PARAMS) >= 60


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgres",
                                                               marks=pytest.mark.postgres)])
def court(request: pytest.FixtureRequest,
          tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    """A small court on each backend: the library, two cases (one with a refused attempt),
    a seal, a supervisor's token and session."""
    schema = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('sqli') / 'sop.db'}"
    else:
        base = require_postgres()
        schema = f"t_sqli_{uuid.uuid4().hex[:12]}"
        with create_engine(base).begin() as conn:
            conn.exec_driver_sql(f'CREATE SCHEMA "{schema}"')
        url = with_search_path(base, schema)
    rt = Runtime(make_engine(url), lambda: NOW)
    try:
        setup.init(rt, DEFINITIONS)
        case = cases.start_case(rt, LEGALISATION, CLERK).case_id
        other = cases.start_case(rt, "taksiran-panjar-skum", "fadli.ptsp").case_id
        with pytest.raises(Exception, match="dicatat"):
            cases.cancel(rt, other, CLERK, reason="bukan pengawas")
        seals.seal(rt, SUPERVISOR, note="sqli")
        with rt.engine.connect() as conn:
            version = next(s.current_version for s in list_sops(conn)
                           if s.sop_id == LEGALISATION)
        app = create_app(rt)
        web, csrf = signed_in(app, rt, SUPERVISOR)
        with rt.engine.connect() as conn:
            count = conn.exec_driver_sql("SELECT count(*) FROM events").scalar_one()
        real = {"case_id": case, "node": "1", "sop_id": LEGALISATION, "version": version,
                "fmt": "csv", "lang": "id", "lanjut": "/sop", "perkara": case,
                "sop": LEGALISATION, "dari": "2026-11-01", "sampai": "2026-11-30",
                "format": "html", "jenis": "override", "role": "kasir",
                "now": "2026-11-26 10:00", "limit": "100", "case": case, "kind": "override",
                "seal": "1", "from": "2026-11-01", "to": "2026-11-30", "sha256": "0" * 64}
        # entered: one event loop thread for all the module's requests, not one each
        with web, TestClient(app) as api:
            yield {"rt": rt, "app": app, "web": web, "csrf": csrf, "real": real, "api": api,
                   "token": bearer(auth.issue_token(rt, SUPERVISOR, "q")), "events": count,
                   "tables": set(inspect(rt.engine).get_table_names()), "plain": {}}
    finally:
        rt.engine.dispose()
        if schema is not None:
            with create_engine(require_postgres()).begin() as conn:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


API_BODIES = {"/claim": {}, "/complete": {"values": {}}, "/extend": {"reason": "uji"},
              "/reassign": {"reason": "uji", "to": "yusuf.kasir"}, "/skip": {"reason": "uji"},
              "/reopen": {"reason": "uji"}, "/cancel": {"reason": "uji"},
              "/migrate": {"reason": "uji", "to_version": "abcd"}}


def _ask(court: dict[str, Any], method: str, path: str, name: str, where: str,
         value: str) -> Any:
    real = court["real"]
    if where == "form":
        fields = {"case": real["case_id"], "node": "1", "to": "yusuf.kasir",
                  "alasan": "uji", "keputusan": "Lengkap", "sop": LEGALISATION,
                  "csrf": court["csrf"], name: value}
        return court["web"].post(path, data=fields, follow_redirects=False,
                                 headers={"Origin": SITE})
    filled = re.sub(r"{(\w+)}", lambda m: quote(value if m.group(1) == name
                                                else real[m.group(1)], safe=""), path)
    if "/render/" in path and name != "fmt":
        filled = filled.replace("/render/csv", "/render/svg")
    query = {name: value} if where == "query" else {}
    url = filled + ("?" + urlencode(query) if query else "")
    if path.startswith("/api"):
        body = next((b for suffix, b in API_BODIES.items() if path.endswith(suffix)), None)
        return court["api"].request(method, url, headers=court["token"], json=body)
    if method == "POST":
        return court["web"].post(url, data={"csrf": court["csrf"], "alasan": "uji"},
                                 follow_redirects=False, headers={"Origin": SITE})
    return court["web"].get(url, follow_redirects=False)


CASE_ID = re.compile(r"\b[A-Z]{2,}-\d{4}-\d{5}\b")


def _data(answer: Any) -> tuple[Any, ...]:
    """What an answer shows: the case ids it names and how many items or rows it holds."""
    text = answer.text
    items: int | None = None
    if answer.headers.get("content-type", "").startswith("application/json"):
        body = answer.json()
        items = len(body) if isinstance(body, list) else None
    else:
        items = text.count("<tr") + text.count("<trace") + text.count("\n")
    return frozenset(CASE_ID.findall(text)), items


@pytest.mark.parametrize("payload", PAYLOADS)
@pytest.mark.parametrize(("method", "path", "name", "where"), TARGETS,
                         ids=[f"{m} {p} {n}" for m, p, n, _ in TARGETS])
def test_an_injection_gets_no_more_than_an_unknown_value(court: dict[str, Any], method: str,
                                                         path: str, name: str, where: str,
                                                         payload: str) -> None:
    key = (method, path, name)
    if key not in court["plain"]:
        court["plain"][key] = _ask(court, method, path, name, where, PLAIN)
    plain = court["plain"][key]
    answer = _ask(court, method, path, name, where, PAYLOADS[payload])
    assert answer.status_code < 500, answer.text[:300]
    if answer.status_code in (400, 404, 422):
        return  # refused, like an impossible or unknown value
    assert answer.status_code == plain.status_code, (answer.status_code, plain.status_code,
                                                     answer.text[:300])
    if answer.status_code == 303:
        assert answer.headers["location"].split("?")[0].rsplit("/", 1)[0] == \
            plain.headers["location"].split("?")[0].rsplit("/", 1)[0]
        return
    found, shown = _data(answer), _data(plain)
    assert found[0] <= shown[0], f"names cases the unknown value does not: {found[0] - shown[0]}"
    assert found[1] == shown[1] or found[1] is None


# every text field of every page form: PostgreSQL keeps no NUL in text, and a person never
# types one, so it is refused where it stands, before anything is looked up or stored
NUL_FIELDS: dict[str, tuple[str, ...]] = {
    "/masuk": ("username", "password", "lanjut"),
    "/perkara/baru": ("sop", "alasan", "waktu", "isian.catatan", "kontak.alamat"),
    "/perkara/{case_id}/langkah/{node}/ambil": ("csrf",),
    "/perkara/{case_id}/langkah/{node}/selesai": ("alasan", "keputusan", "waktu",
                                                  "nilai.surat_akta_di_bawah_tangan"),
    "/pengawasan/alihkan": ("case", "node", "to", "alasan", "kembali"),
    "/pengawasan/lewati": ("case", "node", "keputusan", "alasan"),
    "/pengawasan/buka-ulang": ("case", "node", "alasan"),
    "/pengawasan/perpanjang": ("case", "node", "alasan"),
    "/perkara/{case_id}/batal": ("alasan", "kembali"),
    "/pengawasan/pindah-versi": ("sop", "dari", "ke", "peta", "alasan"),
    "/perkara/{case_id}/pindah-versi": ("ke", "peta", "alasan", "kembali"),
    "/perkara/{case_id}/pihak": ("alasan", "pihak.0.0.nama"),
    "/perkara/{case_id}/nomor": ("nomor", "alasan"),
    "/perkara/{case_id}/tanda-terima": ("kertas", "konfirmasi", "kode"),
    "/lacak": ("nomor", "kode"),  # the public tracking form
    "/lacak/berhenti-diberitahu": ("nomor", "kode"),
    "/audit/segel": ("catatan",),
    "/audit/verifikasi": ("csrf",),
    "/sop/{sop_id}/versi/{version}/sahkan": ("setuju",),
    "/keluar": ("csrf",),
    "/survei": ("nomor", "kode"),
    "/survei/kirim": ("nomor", "kode", "saran", "persyaratan", "pekerjaan"),
}
NUL_CASES = [(route, name) for route, names in NUL_FIELDS.items() for name in names]


def test_every_page_form_is_walked_for_nul() -> None:
    from tests.web.routes import app_routes

    assert set(NUL_FIELDS) == {p for m, p in app_routes() if m == "POST"
                               and not p.startswith("/api")}


@pytest.mark.parametrize(("route", "name"), NUL_CASES, ids=[f"{r} {n}" for r, n in NUL_CASES])
def test_a_nul_in_a_form_field_is_refused_where_it_stands(court: dict[str, Any], route: str,
                                                         name: str) -> None:
    real = court["real"]
    path = route.format(case_id=real["case_id"], node="1", sop_id=LEGALISATION,
                        version="0" * 12)
    fields = {"csrf": court["csrf"], "username": SUPERVISOR, "password": "salah-salah-1",
              "sop": LEGALISATION, "case": real["case_id"], "node": "1", "to": "yusuf.kasir",
              "alasan": "uji", "catatan": "uji"}
    fields[name] = fields.get(name, "nilai") + "\x00" + "' OR '1'='1"
    web = court["web"] if route != "/masuk" else TestClient(court["app"], base_url=SITE)
    with court["rt"].engine.connect() as conn:
        before = conn.exec_driver_sql("SELECT count(*) FROM events").scalar_one()
    answer = web.post(path, data=fields, follow_redirects=False, headers={"Origin": SITE})
    assert answer.status_code == 422, (answer.status_code, answer.text[:300])
    assert name in answer.text and "NUL" in answer.text
    with court["rt"].engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM events").scalar_one() == before


def test_the_log_is_whole_afterwards(court: dict[str, Any]) -> None:
    rt = court["rt"]
    assert integrity.verify(rt).ok
    with rt.engine.connect() as conn:
        assert conn.exec_driver_sql("SELECT count(*) FROM events").scalar_one() == \
            court["events"]
    assert set(inspect(rt.engine).get_table_names()) == court["tables"]


