"""Every page and form x every kind of caller: anonymous, a clerk (rina.ptsp), a supervisor
(bambang.panitera) and an examiner (fitri.hakim, Hakim Pengawas Bidang). Anonymous callers
are sent to the sign-in page (but for the open pages); a signed-in caller without the
page's permission gets 403 with nothing recorded; past the gate the SOP's rules decide, and
what they refuse is answered 403 and recorded on the case. The table names, for each route,
the permission its gate asks for; a route without an expectation fails the test. The public
site's pages (sop_runtime.web.public) are open by design: test_public_access.py walks them."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sop_runtime.service import auth, journals, views
from sop_runtime.service.access import Permission
from sop_runtime.service.confidential import operator
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import queries, workflows
from sop_runtime.store.db import make_engine
from sop_runtime.store.schema import events
from sop_runtime.web.app import create_app
from tests.integration.service.conftest import copy_database
from tests.web.routes import staff_routes

OPEN, SIGNED_IN = "open", "signed in"
P = Permission
EXPECTED: dict[tuple[str, str], str] = {
    ("GET", "/"): OPEN,
    ("GET", "/masuk"): OPEN,
    ("POST", "/masuk"): OPEN,
    ("GET", "/bahasa/{lang}"): OPEN,
    ("GET", "/logo-pengadilan"): OPEN,  # the court's logo heads the sign-in page too
    ("POST", "/keluar"): SIGNED_IN,
    ("GET", "/tugas"): P.WORK,
    ("GET", "/perkara"): P.VIEW_CASE,
    ("GET", "/perkara/baru"): P.WORK,
    ("POST", "/perkara/{case_id}/pihak"): P.WORK,
    ("POST", "/perkara/{case_id}/nomor"): P.WORK,
    ("POST", "/perkara/{case_id}/tanda-terima"): P.WORK,
    ("POST", "/perkara/baru"): P.WORK,
    ("GET", "/perkara/{case_id}"): P.VIEW_CASE,
    ("GET", "/perkara/{case_id}/langkah/{node}"): P.VIEW_CASE,
    ("POST", "/perkara/{case_id}/langkah/{node}/ambil"): P.WORK,
    ("POST", "/perkara/{case_id}/langkah/{node}/selesai"): P.WORK,
    ("GET", "/perkara/{case_id}/dokumen/{sha256}"): P.VIEW_CASE,
    ("GET", "/pengawasan"): P.SUPERVISE,
    ("GET", "/pengawasan/perkara"): P.SUPERVISE,
    ("GET", "/pengawasan/perkara/{case_id}"): P.SUPERVISE,
    ("POST", "/pengawasan/alihkan"): P.SUPERVISE,
    ("POST", "/pengawasan/lewati"): P.SUPERVISE,
    ("POST", "/pengawasan/buka-ulang"): P.SUPERVISE,
    ("POST", "/pengawasan/perpanjang"): P.SUPERVISE,
    ("POST", "/perkara/{case_id}/batal"): P.SUPERVISE,
    ("GET", "/pengawasan/pindah-versi"): P.SUPERVISE,
    ("POST", "/pengawasan/pindah-versi"): P.SUPERVISE,
    ("POST", "/perkara/{case_id}/pindah-versi"): P.SUPERVISE,
    ("GET", "/sop"): P.LIBRARY,
    ("GET", "/sop/{sop_id}"): P.LIBRARY,
    ("GET", "/sop/{sop_id}/versi/{version}"): P.LIBRARY,
    ("GET", "/sop/{sop_id}/beda"): P.LIBRARY,
    ("POST", "/sop/{sop_id}/versi/{version}/sahkan"): P.LIBRARY,
    ("GET", "/sop/{sop_id}/versi/{version}/lembar"): P.LIBRARY,
    ("GET", "/sop/{sop_id}/versi/{version}/bagan.svg"): P.LIBRARY,
    ("GET", "/audit"): P.AUDIT,
    ("POST", "/audit/verifikasi"): P.AUDIT,
    ("POST", "/audit/segel"): P.SUPERVISE,
    ("GET", "/audit/ekspor/{fmt}"): P.AUDIT,
    ("GET", "/audit/laporan"): P.AUDIT,
    ("GET", "/audit/perkara"): P.AUDIT,
    ("GET", "/audit/perkara/{case_id}"): P.AUDIT,
    ("GET", "/audit/penyimpangan"): P.AUDIT,
    ("GET", "/audit/survei"): P.AUDIT,
    ("GET", "/monev"): P.AUDIT,
    ("GET", "/monev/laporan"): P.AUDIT,
    ("GET", "/monev/monitoring"): P.AUDIT,
    ("GET", "/monev/evaluasi"): P.AUDIT,
}
NOT_PAGES = ("/api", "/docs", "/redoc", "/openapi.json", "/static")
CALLERS = ["anonymous", "rina.ptsp", "bambang.panitera", "fitri.hakim"]
GRANTED = {"rina.ptsp": {P.WORK, P.VIEW_CASE, P.LIBRARY},
           "bambang.panitera": set(P),
           "fitri.hakim": {P.WORK, P.VIEW_CASE, P.LIBRARY, P.AUDIT}}
PASSWORD = "kata-sandi-matriks-1"


def test_every_page_has_an_expectation() -> None:
    found = {r for r in staff_routes() if not r[1].startswith(NOT_PAGES)}
    assert found == set(EXPECTED), (
        f"without an expectation: {sorted(found - set(EXPECTED))}; "
        f"expected but gone: {sorted(set(EXPECTED) - found)}")


@pytest.fixture(scope="module")
def court(tmp_path_factory: pytest.TempPathFactory, demo_day: Path) -> dict[str, Any]:
    db = copy_database(demo_day, tmp_path_factory.mktemp("pages-matrix") / "sop.db")
    rt = Runtime(make_engine(f"sqlite:///{db}"))
    late = next(late.task for late in views.overdue(rt, reader=operator())
                if late.task.sop_id == "taksiran-panjar-skum")
    with rt.engine.connect() as conn:
        version = next(s.current_version for s in workflows.list_sops(conn)
                       if s.sop_id == "legalisasi-waarmerking")
    clients: dict[str, tuple[TestClient, str]] = {}
    for who in CALLERS:
        web = TestClient(create_app(rt), base_url="https://testserver")
        token = ""
        if who != "anonymous":
            auth.set_password(rt, who, PASSWORD)
            form = web.get("/masuk").text
            answer = web.post("/masuk", data={"username": who, "password": PASSWORD,
                                              "csrf": _csrf(form), "lanjut": "/sop"})
            token = _csrf(answer.text)
        clients[who] = (web, token)
    return {"rt": rt, "case": late.case_id, "node": late.node, "version": version,
            "clients": clients}


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:300]
    return found.group(1)


def _url(path: str, court: dict[str, Any]) -> str:
    return path.format(case_id=court["case"], node=court["node"], lang="id", sha256="0" * 64,
                       sop_id="legalisasi-waarmerking", version=court["version"], fmt="csv")


def _form(path: str, court: dict[str, Any]) -> dict[str, str]:
    """What a real form would send to ``path`` (a plausible act on the demo's case)."""
    acts = {"/pengawasan/alihkan": {"to": "yusuf.kasir"}, "/perkara/baru": {
        "sop": "legalisasi-waarmerking"}, "/perkara/{case_id}/pindah-versi": {"ke": "abcd"},
        "/pengawasan/pindah-versi": {"sop": "taksiran-panjar-skum", "dari": "abcd",
                                     "ke": "abcd"}}
    return {"case": court["case"], "node": court["node"], "alasan": "uji matriks",
            **acts.get(path, {})}


def _count(rt: Runtime) -> int:
    with rt.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(events)).scalar_one())


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("method", "path"), sorted(EXPECTED),
                         ids=[f"{m} {p}" for m, p in sorted(EXPECTED)])
def test_only_the_allowed_pass(court: dict[str, Any], caller: str, method: str,
                               path: str) -> None:
    if (method, path) == ("POST", "/keluar"):
        pytest.skip("signing out ends the shared session; tests/web/test_pages.py covers it")
    web, token = court["clients"][caller]
    need = EXPECTED[(method, path)]
    url = _url(path, court)
    before = _count(court["rt"])
    if method == "GET":
        r = web.get(url, follow_redirects=False)
    else:
        data = {"csrf": token, **_form(path, court)}
        if path == "/masuk":
            data = {"csrf": "x", "username": "x", "password": "x"}
        r = web.post(url, data=data, follow_redirects=False)
    if need == OPEN:
        assert r.status_code in (200, 303, 401, 403), r.text[:300]
        return
    if caller == "anonymous":
        assert r.status_code == 303 and r.headers["location"].startswith("/masuk"), r.status_code
        assert _count(court["rt"]) == before
        return
    if need != SIGNED_IN and need not in GRANTED[caller]:
        assert r.status_code == 403, (r.status_code, r.text[:300])
        assert _count(court["rt"]) == before  # refused at the gate: nothing recorded
        return
    # past the gate: an answer, or a refusal by the SOP's rules (recorded on the case)
    if r.status_code == 403:
        assert "dicatat" in r.text and _count(court["rt"]) > before, r.text[:400]
    else:
        assert r.status_code in (200, 303, 404, 409, 422), (r.status_code, r.text[:400])


# -- a confidential case (pengaduan-siwas: kerahasiaan) ----------------------------------------

READERS = {"fitri.hakim"}  # the Hakim Pengawas Bidang is the SOP's pembaca
ADDRESSING = sorted(r for r in EXPECTED if "{case_id}" in r[1] or r[1] in (
    "/pengawasan/alihkan", "/pengawasan/lewati", "/pengawasan/buka-ulang",
    "/pengawasan/perpanjang", "/audit/ekspor/{fmt}"))


@pytest.fixture(scope="module")
def complaint(court: dict[str, Any]) -> dict[str, Any]:
    rt: Runtime = court["rt"]
    with rt.engine.connect() as conn:
        found = queries.cases(conn, sop="pengaduan-siwas")
    state = views.case(rt, found[0].case_id, reader=operator()).state
    node = state.open_steps[0].node if state.open_steps else "1"
    return {**court, "case": state.case_id, "node": node}


def _reads(rt: Runtime) -> list[tuple[str, str | None]]:
    return [(e.type, e.actor) for e in journals.entries(rt, "akses")]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("method", "path"), ADDRESSING, ids=[f"{m} {p}" for m, p in ADDRESSING])
def test_a_confidential_case_only_for_its_readers(complaint: dict[str, Any], caller: str,
                                                 method: str, path: str) -> None:
    """Past the gate, someone the complaint SOP does not name gets exactly what a case that
    does not exist gets (404), nothing is recorded on the case, and the refused read is
    journaled; its reader gets an answer, and her read is journaled."""
    court = complaint
    if (method, path) == ("POST", "/keluar"):
        pytest.skip("not a case")
    web, token = court["clients"][caller]
    need = EXPECTED[(method, path)]
    url = _url(path, court)
    if path == "/audit/ekspor/{fmt}":
        url += f"?perkara={court['case']}"
    rt: Runtime = court["rt"]
    before, reads_before = _count(rt), _reads(rt)
    if method == "GET":
        r = web.get(url, follow_redirects=False)
    else:
        r = web.post(url, data={"csrf": token, **_form(path, court)}, follow_redirects=False)
    new_reads = _reads(rt)[len(reads_before):]
    if caller == "anonymous":
        assert r.status_code == 303 and not new_reads
        return
    if need not in GRANTED[caller]:
        assert r.status_code == 403 and not new_reads and _count(rt) == before
        return
    if caller not in READERS:
        assert r.status_code == 404, (r.status_code, r.text[:300])
        assert court["case"] in r.text and "tidak ada" in r.text  # as for an unknown case
        assert _count(rt) == before
        assert new_reads == [("case_read_refused", caller)]
        if method == "GET":  # the very page a case that does not exist gets
            unknown = "SNN-2026-99999"
            other = web.get(url.replace(court["case"], unknown), follow_redirects=False)
            assert other.status_code == 404
            assert r.text.replace(court["case"], unknown) == other.text
        return
    assert r.status_code in (200, 303, 409, 422) or (
        r.status_code == 403 and "dicatat" in r.text) or (  # a document it does not record
        path.endswith("{sha256}") and r.status_code == 404), (r.status_code, r.text[:400])
    if method == "GET":
        assert ("case_read", caller) in new_reads


def test_lists_show_a_confidential_case_to_its_readers_only(complaint: dict[str, Any]) -> None:
    case = complaint["case"]
    supervisor, _ = complaint["clients"]["bambang.panitera"]
    examiner, _ = complaint["clients"]["fitri.hakim"]
    listed = supervisor.get("/audit/penyimpangan").text
    assert case not in listed and 'data-withheld="' in listed  # counted, not shown
    assert case not in supervisor.get("/pengawasan").text
    assert case not in supervisor.get("/audit/ekspor/csv").text
    shown = examiner.get("/audit/penyimpangan").text
    assert case in shown and 'data-withheld' not in shown
    assert case in examiner.get("/audit/ekspor/csv").text
