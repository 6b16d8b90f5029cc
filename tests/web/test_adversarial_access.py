"""Acting as someone else: no caller of the API or the pages can name who acts. A JSON body
that names a person the route does not ask for (``actor``, ``as``, ``username`` ...) is
refused; query parameters and headers that name someone (``?as=``, ``X-Remote-User``) are
ignored: every event is the token's or the session's user's, and a clerk's override is
refused and recorded as the clerk's. Reading other objects by their ids: a clerk asking for
a case's audit data by its id (its report, its proof, its export, its deviations) is refused
at the gate like without the id. The route x caller matrices (test_api_authorization.py,
test_pages_authorization.py) cover the gates themselves."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sop_runtime.service import auth, cases, seals, views
from sop_runtime.service.confidential import operator
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.app import create_app
from tests.flows.kit import ROUTES
from tests.integration.service.conftest import copy_database
from tests.web.hostile import CLERK, NOW, SUPERVISOR, bearer, signed_in
from tests.web.routes import staff_routes

LEGALISATION = "legalisasi-waarmerking"
SOMEONE_ELSE = SUPERVISOR
IMPERSONATION_KEYS = ["actor", "as", "user", "username", "oleh", "pengguna", "by",
                      "on_behalf_of", "token"]
IMPERSONATION_QUERY = "&".join(f"{k}={SOMEONE_ELSE}" for k in IMPERSONATION_KEYS)
IMPERSONATION_HEADERS = {"X-Remote-User": SOMEONE_ELSE, "Remote-User": SOMEONE_ELSE,
                         "X-Forwarded-User": SOMEONE_ELSE, "X-User": SOMEONE_ELSE,
                         "X-Auth-Request-User": SOMEONE_ELSE}


@pytest.fixture(scope="module")
def court(tmp_path_factory: pytest.TempPathFactory, demo_day: Path) -> dict[str, Any]:
    db = copy_database(demo_day, tmp_path_factory.mktemp("access") / "sop.db")
    rt = Runtime(make_engine(f"sqlite:///{db}"), lambda: NOW)
    case = cases.start_case(rt, LEGALISATION, CLERK).case_id
    seals.seal(rt, SUPERVISOR, note="akses")  # so the case has a proof
    return {"rt": rt, "app": create_app(rt), "case": case,
            "clerk": bearer(auth.issue_token(rt, CLERK, "akses")),
            "chief": bearer(auth.issue_token(rt, SUPERVISOR, "akses"))}


def _events(rt: Runtime) -> int:
    with rt.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM events").scalar_one())


def _actors(rt: Runtime, case: str) -> set[str]:
    """Who acted on ``case`` (events of the system's own, such as a step activated, have
    no actor)."""
    return {s.actor for s in views.case(rt, case, reader=operator()).stored if s.actor is not None}


# every API route that takes a JSON body -> a body it accepts (on the module's case)
BODIES: dict[str, dict[str, Any]] = {
    "/api/cases": {"sop": LEGALISATION},
    "/api/cases/{case_id}/steps/{node}/claim": {},
    "/api/cases/{case_id}/steps/{node}/complete": {"values": {}},
    "/api/cases/{case_id}/steps/{node}/extend": {"reason": "menunggu berkas"},
    "/api/cases/{case_id}/steps/{node}/reassign": {"reason": "cuti", "to": "fadli.ptsp"},
    "/api/cases/{case_id}/steps/{node}/skip": {"reason": "diterima di sidang"},
    "/api/cases/{case_id}/steps/{node}/reopen": {"reason": "salah ketik"},
    "/api/cases/{case_id}/cancel": {"reason": "dicabut"},
    "/api/cases/{case_id}/migrate": {"reason": "SOP direvisi", "to_version": "abcd"},
    "/api/cases/{case_id}/parties": {"parties": [{"sebutan": "Pemohon", "nama": "Hasan"}]},
    "/api/cases/{case_id}/register-number": {"number": "1/Pdt.P/2026/PN Snn"},
    "/api/delegations": {"to": "fadli.ptsp", "role": "kasir", "from": "2026-11-26",
                         "until": "2026-11-27", "reason": "Kasir cuti"},
    "/api/seals": {"note": "segel"},
    "/api/seals/check-proof": {"proof": {}},
}
# no JSON body (conformance and complete-with-files: multipart; an approval names its version
# in the path)
NO_BODY = {"/api/sweep", "/api/conformance", "/api/sops/{sop_id}/versions/{version}/approve",
           "/api/cases/{case_id}/steps/{node}/complete-with-files"}


def test_every_api_write_is_walked() -> None:
    # the public site's (/api/lacak) answer anyone: tests/web/test_public_access.py
    writes = {path for method, path in staff_routes() if method == "POST"
              and path.startswith("/api")}
    assert writes == set(BODIES) | NO_BODY


@pytest.mark.parametrize("key", IMPERSONATION_KEYS)
@pytest.mark.parametrize("route", sorted(BODIES))
def test_a_body_that_names_who_acts_is_refused(court: dict[str, Any], route: str,
                                               key: str) -> None:
    url = route.format(case_id=court["case"], node="1")
    body = dict(BODIES[route])
    if route.endswith("check-proof"):
        body["proof"] = seals.proof(court["rt"], court["case"])
    before = _events(court["rt"])
    answer = TestClient(court["app"]).post(url, headers=court["chief"],
                                           json={**body, key: SOMEONE_ELSE})
    assert answer.status_code == 422, answer.text[:300]
    assert any(e["type"] == "extra_forbidden" and e["loc"][-1] == key
               for e in answer.json()["detail"]), answer.text[:300]
    assert _events(court["rt"]) == before


@pytest.mark.parametrize("key", IMPERSONATION_KEYS)
def test_a_multipart_completion_that_names_who_acts_is_refused(court: dict[str, Any],
                                                               key: str) -> None:
    url = f"/api/cases/{court['case']}/steps/1/complete-with-files"
    before = _events(court["rt"])
    answer = TestClient(court["app"]).post(url, headers=court["chief"],
                                           data={"values": "{}", key: SOMEONE_ELSE})
    assert answer.status_code == 422, answer.text[:300]
    assert key in answer.json()["detail"]
    assert _events(court["rt"]) == before


def test_query_and_headers_name_no_one_on_the_api(court: dict[str, Any]) -> None:
    rt, api = court["rt"], TestClient(court["app"])
    started = api.post(f"/api/cases?{IMPERSONATION_QUERY}", headers={
        **court["clerk"], **IMPERSONATION_HEADERS}, json={"sop": LEGALISATION})
    assert started.status_code == 201, started.text
    case = started.json()["case_id"]
    assert _actors(rt, case) == {CLERK}
    # a clerk's override, however the request names the supervisor: refused, as the clerk
    refused = api.post(f"/api/cases/{case}/cancel?{IMPERSONATION_QUERY}", headers={
        **court["clerk"], **IMPERSONATION_HEADERS}, json={"reason": "atas nama Panitera"})
    assert refused.status_code == 403, refused.text
    newest = max(views.case(rt, case, reader=operator()).stored, key=lambda s: s.seq)
    assert (newest.type, newest.actor) == ("action_refused", CLERK)
    assert views.case(rt, case, reader=operator()).state.status == started.json()["status"]


def test_a_worklist_is_always_the_callers_own(court: dict[str, Any]) -> None:
    api = TestClient(court["app"])
    kasir = bearer(auth.issue_token(court["rt"], "siti.kasir", "akses"))
    mine = api.get("/api/tasks", headers=court["clerk"]).json()
    theirs = api.get("/api/tasks", headers=kasir).json()
    assert mine != theirs  # so the comparison below can tell them apart
    for query in ("as=siti.kasir", "user=siti.kasir", "username=siti.kasir",
                  "actor=siti.kasir"):
        assert api.get(f"/api/tasks?{query}", headers=court["clerk"]).json() == mine
    assert api.get("/api/tasks", headers={**court["clerk"], "X-Remote-User": "siti.kasir"}
                   ).json() == mine


def test_form_fields_name_no_one_on_the_pages(court: dict[str, Any]) -> None:
    rt = court["rt"]
    web, token = signed_in(court["app"], rt, CLERK)
    named = {key: SOMEONE_ELSE for key in IMPERSONATION_KEYS}
    started = web.post(f"/perkara/baru?{IMPERSONATION_QUERY}", headers=IMPERSONATION_HEADERS,
                       data={"csrf": token, "sop": LEGALISATION, **named})
    assert started.status_code == 200, started.text[:300]
    case = started.url.path.rsplit("/", 1)[1]
    values = {f"nilai.{k}": v for k, v in ROUTES[LEGALISATION][0]["nilai"].items()}
    done = web.post(f"/perkara/{case}/langkah/1/selesai", headers=IMPERSONATION_HEADERS,
                    data={"csrf": token, **values, **named})
    assert done.status_code == 200, done.text[:300]
    assert _actors(rt, case) == {CLERK}
    assert "step_completed" in {s.type for s in views.case(rt, case, reader=operator()).stored}
    worklist = web.get("/tugas").text
    assert web.get("/tugas?as=siti.kasir&user=siti.kasir").text.count("data-case=") == \
        worklist.count("data-case=")
    assert re.search(r'class="user" data-user="rina\.ptsp"', worklist)


@pytest.mark.parametrize("path", [
    "/api/cases/{case}/report", "/api/cases/{case}/proof", "/api/export/csv?case={case}",
    "/api/export/xes?case={case}", "/api/deviations?case={case}"])
def test_a_clerk_reads_no_audit_data_of_a_case_by_its_id(court: dict[str, Any],
                                                         path: str) -> None:
    api = TestClient(court["app"])
    url = path.format(case=court["case"])
    assert api.get(url, headers=court["clerk"]).status_code == 403
    assert api.get(url, headers=court["chief"]).status_code == 200  # the id is a real one


@pytest.mark.parametrize("path", [
    "/audit/perkara/{case}", "/audit/ekspor/csv?perkara={case}",
    "/audit/penyimpangan?perkara={case}", "/pengawasan/perkara/{case}",
    "/audit/perkara?perkara={case}", "/pengawasan/perkara?perkara={case}"])
def test_a_clerk_opens_no_audit_or_supervision_page_of_a_case(court: dict[str, Any],
                                                              path: str) -> None:
    clerk, _ = signed_in(court["app"], court["rt"], CLERK)
    chief, _ = signed_in(court["app"], court["rt"], SUPERVISOR)
    url = path.format(case=court["case"])
    assert clerk.get(url, follow_redirects=False).status_code == 403
    assert chief.get(url, follow_redirects=True).status_code == 200
