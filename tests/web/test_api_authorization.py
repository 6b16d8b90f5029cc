"""Every route of the JSON API x every kind of caller: anonymous, a clerk (rina.ptsp: staf),
a supervisor (bambang.panitera: pengawas) and an examiner (fitri.hakim: a judge who is also
the Hakim Pengawas Bidang, pemeriksa).

The expectation table names, for each route, the permission its gate asks for; the routes
are read from the app itself, so a new endpoint without an expectation fails the suite.
Anonymous callers get 401 everywhere but the health check; a caller without the permission
gets 403 at the gate and nothing is recorded; past the gate the SOP's rules decide: an
allowed caller gets an answer, or a 403 that is a refusal recorded on the case (a clerk's
override, anyone but the Kasir on the Kasir's step under ``tolak``). Each test acts on a
copy of the court of its own, so what one route changes never decides another's answer."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from sop_runtime.service import (
    access,
    auth,
    cases,
    documents,
    journals,
    revisions,
    seals,
    setup,
    views,
)
from sop_runtime.service.access import Permission
from sop_runtime.service.confidential import operator
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import queries
from sop_runtime.store.db import make_engine
from sop_runtime.store.schema import events
from sop_runtime.web.app import create_app
from tests.conftest import DEFINITIONS, ROOT
from tests.e2e.court import GUGATAN_1
from tests.integration.service.conftest import copy_database
from tests.revisions import as_revision
from tests.web.revision import store_revision
from tests.web.routes import staff_routes

ANONYMOUS, CLERK, SUPERVISOR, EXAMINER = ("anonymous", "rina.ptsp", "bambang.panitera",
                                          "fitri.hakim")
CALLERS = (ANONYMOUS, CLERK, SUPERVISOR, EXAMINER)
HELD = {  # what each caller holds (service.access.GRANTS over the court file's roles)
    CLERK: {Permission.WORK, Permission.VIEW_CASE, Permission.LIBRARY},
    SUPERVISOR: set(Permission),
    # fitri.hakim is majelis_hakim (staff) and hakim_pengawas_bidang (examiner)
    EXAMINER: {Permission.WORK, Permission.VIEW_CASE, Permission.LIBRARY, Permission.AUDIT},
}

OPEN = None
W, V, L, S, A = (Permission.WORK, Permission.VIEW_CASE, Permission.LIBRARY,
                 Permission.SUPERVISE, Permission.AUDIT)
# route -> the permission its gate asks for (None: no token needed)
EXPECTED: dict[tuple[str, str], Permission | None] = {
    ("GET", "/api/health"): OPEN,
    ("GET", "/api/tasks"): W,
    ("POST", "/api/cases"): W,
    ("GET", "/api/cases"): V,
    ("POST", "/api/cases/{case_id}/parties"): W,
    ("POST", "/api/cases/{case_id}/register-number"): W,
    ("GET", "/api/cases/{case_id}"): V,
    ("GET", "/api/cases/{case_id}/log"): V,
    ("GET", "/api/cases/{case_id}/steps/{node}"): V,
    ("POST", "/api/cases/{case_id}/steps/{node}/claim"): W,
    ("POST", "/api/cases/{case_id}/steps/{node}/complete"): W,
    ("POST", "/api/cases/{case_id}/steps/{node}/complete-with-files"): W,
    ("GET", "/api/cases/{case_id}/documents/{sha256}"): V,
    ("POST", "/api/cases/{case_id}/steps/{node}/extend"): W,
    # overrides pass the gate for anyone who works: the SOP's rules refuse (and record) a
    # non-supervisor's attempt
    ("POST", "/api/cases/{case_id}/steps/{node}/reassign"): W,
    ("POST", "/api/cases/{case_id}/steps/{node}/skip"): W,
    ("POST", "/api/cases/{case_id}/steps/{node}/reopen"): W,
    ("POST", "/api/cases/{case_id}/cancel"): W,
    ("POST", "/api/cases/{case_id}/migrate"): W,
    ("GET", "/api/overdue"): S,
    ("GET", "/api/deviations"): A,
    ("POST", "/api/sweep"): S,
    ("GET", "/api/users"): V,
    ("POST", "/api/delegations"): S,
    ("GET", "/api/verify"): A,
    ("GET", "/api/export/{fmt}"): A,
    ("GET", "/api/seals"): A,
    ("POST", "/api/seals"): S,
    ("GET", "/api/seals/check"): A,
    ("POST", "/api/seals/check-proof"): A,
    ("GET", "/api/cases/{case_id}/proof"): A,
    ("GET", "/api/reports/period"): A,
    ("GET", "/api/reports/monev/{sop_id}"): A,
    ("GET", "/api/cases/{case_id}/report"): A,
    ("GET", "/api/sops"): L,
    ("GET", "/api/sops/{sop_id}"): L,
    ("GET", "/api/sops/{sop_id}/render/{fmt}"): L,
    ("GET", "/api/sops/{sop_id}/versions"): L,
    # any reader of the library may ask; the pengesahan is the Ketua's (none of the callers)
    ("POST", "/api/sops/{sop_id}/versions/{version}/approve"): L,
    ("POST", "/api/conformance"): A,
}


@pytest.fixture(scope="module")
def template(tmp_path_factory: pytest.TempPathFactory, demo_day: Path) -> dict[str, Any]:
    """The demo court, plus: tokens for the callers, a seal (so a case has a proof), and a
    case on an SOP revised to allow an extension of its first step."""
    db = tmp_path_factory.mktemp("api-matrix") / "sop.db"
    copy_database(demo_day, db)
    rt = Runtime(make_engine(f"sqlite:///{db}"))
    defs = tmp_path_factory.mktemp("api-matrix-defs") / "definitions"
    shutil.copytree(DEFINITIONS, defs)
    sheet = defs / "pengesahan-badan-hukum.yaml"
    anchor = "    keterangan: Surat kuasa hanya bila pemohon diwakilkan"
    sheet.write_text(as_revision(sheet.read_text(encoding="utf-8").replace(
        anchor, "    perpanjangan: 1 jam\n" + anchor, 1)), encoding="utf-8")
    draft = setup.init(rt, defs)
    assert draft.drafts == ["pengesahan-badan-hukum"]
    revised = revisions.versions(rt, "pengesahan-badan-hukum")[0]
    revisions.approve(rt, "pengesahan-badan-hukum", revised.version, by="hendra.kpn")
    extendable = cases.start_case(rt, "pengesahan-badan-hukum", "ridwan.panmudhkm").case_id
    late = next(late.task for late in views.overdue(rt, reader=operator())
                if late.task.sop_id == "taksiran-panjar-skum")
    # a case with a scanned document (kept in a folder every test's copy reads)
    rt.documents_root = db.parent / "dokumen"  # with the demo day's own, copied beside it
    filed = cases.start_case(rt, "pendaftaran-gugatan-ptsp", CLERK).case_id
    done = documents.complete_with_files(rt, filed, "1", CLERK, values=GUGATAN_1, files=[
        documents.Upload("fotokopi_ktp_penggugat", "ktp.pdf", b"%PDF-1.4\n%%EOF\n")])
    sha = next(e.documents for e in done.events if e.TYPE == "step_completed")[
        "fotokopi_ktp_penggugat"]["sha256"]
    seals.seal(rt, SUPERVISOR, note="matrix")
    tokens = {who: auth.issue_token(rt, who, "matrix") for who in (CLERK, SUPERVISOR, EXAMINER)}
    rt.engine.dispose()
    return {"db": db, "case": late.case_id, "node": late.node, "extendable": extendable,
            "tokens": tokens, "documents": rt.documents_root, "filed": filed, "sha": sha}


@pytest.fixture(scope="module")
def app(template: dict[str, Any]) -> FastAPI:
    """One app for the module; each test points it at its own copy of the court."""
    return create_app(Runtime(make_engine(f"sqlite:///{template['db']}")))


@pytest.fixture
def court(template: dict[str, Any], app: FastAPI,
          tmp_path: Path) -> Iterator[dict[str, Any]]:
    db = tmp_path / "sop.db"
    copy_database(template["db"], db)
    rt = Runtime(make_engine(f"sqlite:///{db}"), documents_root=template["documents"])
    app.state.runtime = rt
    yield {**template, "rt": rt, "api": TestClient(app)}
    rt.engine.dispose()


def _request(court: dict[str, Any], method: str, path: str) -> dict[str, Any]:
    """A request on ``path`` that an allowed caller can make succeed."""
    case, node = court["case"], court["node"]
    fmt = "svg" if path.startswith("/api/sops") else "csv"
    url = path.format(case_id=case, node=node, fmt=fmt, sop_id="taksiran-panjar-skum",
                      sha256=court["sha"], version="0" * 12)
    body: dict[str, Any] | None = None
    files: dict[str, Any] | None = None
    data: dict[str, str] | None = None
    if path.endswith("/extend"):
        url = path.format(case_id=court["extendable"], node="1")
        body = {"reason": "berkas pengurus belum lengkap difotokopi"}
    elif path.endswith("/reopen"):
        url = path.format(case_id=case, node="1")
        body = {"reason": "taksiran keliru"}
    elif path.endswith(("/skip", "/cancel")):
        body = {"reason": "Kasir berhalangan, panjar dicatat di buku"}
    elif path.endswith("/reassign"):
        body = {"reason": "Kasir cuti", "to": "yusuf.kasir"}
    elif path.endswith("/migrate"):
        body = {"reason": "SOP direvisi",
                "to_version": store_revision(court["rt"], views.case(
                    court["rt"], case, reader=operator()).state.sop_id)[:12]}
    elif path.endswith("/complete"):
        body = {"values": {}}
    elif path.endswith("/complete-with-files"):
        data = {"values": "{}"}
    elif path.endswith("/documents/{sha256}"):
        url = path.format(case_id=court.get("filed", case), sha256=court["sha"])
    elif method == "POST" and path == "/api/cases":
        body = {"sop": "legalisasi-waarmerking"}
    elif path.endswith("/parties"):
        body = {"parties": [{"sebutan": "Pemohon", "nama": "Hasan Umamit"}],
                "reason": "nama pemohon menurut KTP"}
    elif path.endswith("/register-number"):
        body = {"number": "1/Pdt.P/2026/PN Snn"}
    elif path == "/api/delegations":
        body = {"to": "yusuf.kasir", "role": "kasir", "from": "2026-03-02",
                "until": "2026-03-06", "reason": "Kasir cuti tahunan"}
    elif method == "POST" and path == "/api/seals":
        body = {"note": "laporan bulanan"}
    elif path == "/api/seals/check-proof":
        body = {"proof": seals.proof(court["rt"], case)}
    elif path == "/api/reports/period":
        url += "?from=2026-01-01&to=2026-12-31"
    elif path == "/api/conformance":
        log = ROOT / "examples" / "skum-januari-2026.csv"
        mapping = ROOT / "examples" / "skum-januari-2026.map.yaml"
        files = {"log": (log.name, log.read_bytes(), "text/csv"),
                 "mapping": (mapping.name, mapping.read_bytes(), "application/yaml")}
        data = {"sop": "taksiran-panjar-skum"}
    return {"method": method, "url": url, "json": body, "files": files, "data": data}


def _events(rt: Runtime) -> int:
    with rt.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(events)).scalar_one())


def _refusals(rt: Runtime, who: str) -> int:
    return sum(1 for d in views.deviations(rt, reader=operator())
               if d.actor == who and d.outcome == "ditolak")


def api_routes() -> set[tuple[str, str]]:
    """(method, path) of every route of the app under /api (but the public site's JSON,
    open by design: test_public_access.py walks it)."""
    return {(method, path) for method, path in staff_routes() if path.startswith("/api")}


def test_every_api_route_has_an_expectation() -> None:
    found = api_routes()
    assert len(found) >= 30
    assert found == set(EXPECTED), (
        f"without an expectation: {sorted(found - set(EXPECTED))}; "
        f"expected but gone: {sorted(set(EXPECTED) - found)}")


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("method", "path"), list(EXPECTED), ids=[f"{m} {p}" for m, p in EXPECTED])
def test_only_the_allowed_pass(court: dict[str, Any], caller: str, method: str,
                               path: str) -> None:
    rt: Runtime = court["rt"]
    needed = EXPECTED[(method, path)]
    request = _request(court, method, path)
    headers = {} if caller == ANONYMOUS else {
        "Authorization": f"Bearer {court['tokens'][caller]}"}
    before, refused_before = _events(rt), _refusals(rt, caller)
    r = court["api"].request(**request, headers=headers)
    if needed is OPEN:
        assert r.status_code == 200, r.text
    elif caller == ANONYMOUS:
        assert r.status_code == 401, r.text
        assert _events(rt) == before
    elif needed not in HELD[caller]:
        # the gate's sentence: who may do what the permission allows, and who asked
        detail = r.json()["detail"]
        assert r.status_code == 403 and access.act_text(needed) in detail, r.text
        assert "Anda masuk sebagai" in detail, r.text
        assert _events(rt) == before  # turned away at the gate: nothing recorded
    elif path.endswith("/approve"):  # past the gate: the Ketua's alone, nothing recorded
        assert r.status_code == 403 and "wewenang Ketua" in r.json()["detail"], r.text
        assert _events(rt) == before
    elif r.status_code == 403:  # past the gate, refused by the SOP's rules: recorded
        assert "dicatat" in r.json()["detail"], r.text
        assert _refusals(rt, caller) == refused_before + 1
    else:
        assert r.status_code < 400, (r.status_code, r.text)


def test_a_supervisor_passes_every_gate_and_every_rule_of_an_override(
        court: dict[str, Any]) -> None:
    """The supervisor's overrides succeed (recorded as override deviations), where the same
    acts by a clerk are refused."""
    headers = {"Authorization": f"Bearer {court['tokens'][SUPERVISOR]}"}
    for path in ("/api/cases/{case_id}/steps/{node}/reassign",
                 "/api/cases/{case_id}/steps/{node}/skip"):
        r = court["api"].request(**_request(court, "POST", path), headers=headers)
        assert r.status_code == 200, r.text
    kinds = [d.kind for d in views.deviations(court["rt"], reader=operator(), case=court["case"])
             if d.actor == SUPERVISOR]
    assert kinds.count("override") >= 1


def test_a_clerks_override_is_refused_and_recorded(court: dict[str, Any]) -> None:
    rt: Runtime = court["rt"]
    before = len(views.deviations(rt, reader=operator(), case=court["case"]))
    r = court["api"].post(f"/api/cases/{court['case']}/steps/{court['node']}/skip",
                          json={"reason": "mau cepat"},
                          headers={"Authorization": f"Bearer {court['tokens'][CLERK]}"})
    assert r.status_code == 403 and "dicatat" in r.json()["detail"]
    after = views.deviations(rt, reader=operator(), case=court["case"])
    assert len(after) == before + 1
    newest = max(after, key=lambda d: d.seq)
    assert (newest.actor, newest.outcome) == (CLERK, "ditolak")


# -- a confidential case (pengaduan-siwas: kerahasiaan) ----------------------------------------

READERS = {EXAMINER}  # the Hakim Pengawas Bidang is the SOP's pembaca
ADDRESSING = sorted(r for r in EXPECTED if "{case_id}" in r[1] or r[1] == "/api/export/{fmt}")


def _reads(rt: Runtime) -> list[tuple[str, str | None]]:
    return [(e.type, e.actor) for e in journals.entries(rt, "akses")]


@pytest.mark.parametrize("caller", CALLERS)
@pytest.mark.parametrize(("method", "path"), ADDRESSING, ids=[f"{m} {p}" for m, p in ADDRESSING])
def test_a_confidential_case_only_for_its_readers(court: dict[str, Any], caller: str,
                                                 method: str, path: str) -> None:
    """Past the gate, a caller the complaint SOP does not name gets the answer of a case that
    does not exist (404), nothing is recorded on the case, and the refused read is journaled;
    its reader gets an answer and her read is journaled."""
    rt: Runtime = court["rt"]
    with rt.engine.connect() as conn:
        case = queries.cases(conn, sop="pengaduan-siwas")[0].case_id
    state = views.case(rt, case, reader=operator()).state
    node = state.open_steps[0].node if state.open_steps else "1"
    request = _request({**court, "case": case, "node": node, "extendable": case, "filed": case},
                       method, path)
    if path == "/api/export/{fmt}":
        request["url"] += f"?case={case}"
    if path == "/api/seals/check-proof":
        pytest.skip("not a case")
    headers = {} if caller == ANONYMOUS else {
        "Authorization": f"Bearer {court['tokens'][caller]}"}
    before, reads_before = _events(rt), _reads(rt)
    r = court["api"].request(**request, headers=headers)
    new_reads = _reads(rt)[len(reads_before):]
    needed = EXPECTED[(method, path)]
    if caller == ANONYMOUS:
        assert r.status_code == 401 and not new_reads
        return
    if needed not in HELD[caller]:
        assert r.status_code == 403 and not new_reads and _events(rt) == before
        return
    if caller not in READERS:
        assert r.status_code == 404, (r.status_code, r.text)
        assert r.json()["detail"] == f"Perkara '{case}' tidak ada"  # as for an unknown case
        assert _events(rt) == before
        assert new_reads == [("case_read_refused", caller)]
        return
    assert r.status_code < 400 or (r.status_code == 403 and "dicatat" in r.json()["detail"]) \
        or r.status_code in (409, 422) or (  # a document the complaint does not record
            path.endswith("{sha256}") and r.status_code == 404), (r.status_code, r.text)
    if method == "GET":
        assert ("case_read", caller) in new_reads


def test_lists_through_the_api_keep_a_confidential_case_from_others(
        court: dict[str, Any]) -> None:
    rt: Runtime = court["rt"]
    with rt.engine.connect() as conn:
        case = queries.cases(conn, sop="pengaduan-siwas")[0].case_id
    api = court["api"]

    def listed(who: str, url: str) -> str:
        return api.get(url, headers={"Authorization": f"Bearer {court['tokens'][who]}"}).text

    for url in ("/api/deviations", "/api/export/jsonl"):
        assert case not in listed(SUPERVISOR, url), url
        assert case in listed(EXAMINER, url), url
