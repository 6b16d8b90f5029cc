"""Every API endpoint x every kind of caller (anonymous, a clerk, a supervisor): only the
allowed pass. Anonymous callers get 401 everywhere but the health check; the supervisors'
endpoints answer 403 to a clerk at the API's gate; past the gate the SOP's rules decide, and
what they refuse (a clerk claiming the Kasir's step under `tolak`, a clerk's override) is
answered 403 and recorded on the case."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sop_runtime.service import auth, views
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.app import create_app

CLERK, SUPERVISOR = "rina.ptsp", "bambang.panitera"


@pytest.fixture(scope="module")
def court(tmp_path_factory: pytest.TempPathFactory, demo_day: Path) -> dict[str, Any]:
    import shutil

    db = tmp_path_factory.mktemp("api-matrix") / "sop.db"
    for suffix in ("", "-wal"):
        source = demo_day.with_name(demo_day.name + suffix)
        if source.exists():
            shutil.copy(source, db.with_name(db.name + suffix))
    rt = Runtime(make_engine(f"sqlite:///{db}"))
    late = next(late.task for late in views.overdue(rt)
                if late.task.sop_id == "taksiran-panjar-skum")
    return {"rt": rt, "api": TestClient(create_app(rt)), "case": late.case_id,
            "node": late.node, "tokens": {who: auth.issue_token(rt, who, "matrix")
                                          for who in (CLERK, SUPERVISOR)}}


STAFF, SUPERVISORS, OPEN = "staff", "supervisors", "open"
ENDPOINTS = [  # (method, path, body, who may)
    ("GET", "/api/health", None, OPEN),
    ("GET", "/api/tasks", None, STAFF),
    ("GET", "/api/cases/{case}", None, STAFF),
    ("POST", "/api/cases/{case}/steps/{node}/claim", None, STAFF),
    ("GET", "/api/overdue", None, SUPERVISORS),
    ("GET", "/api/deviations", None, SUPERVISORS),
    ("GET", "/api/verify", None, SUPERVISORS),
    ("GET", "/api/export/csv", None, SUPERVISORS),
    ("POST", "/api/cases/{case}/steps/{node}/reassign",
     {"reason": "Kasir cuti", "to": "yusuf.kasir"}, SUPERVISORS),
]


@pytest.mark.parametrize("caller", ["anonymous", CLERK, SUPERVISOR])
@pytest.mark.parametrize(("method", "path", "body", "who"), ENDPOINTS,
                         ids=[f"{m} {p}" for m, p, _, _ in ENDPOINTS])
def test_only_the_allowed_pass(court: dict[str, Any], caller: str, method: str, path: str,
                               body: dict[str, Any] | None, who: str) -> None:
    url = path.format(case=court["case"], node=court["node"])
    headers = {} if caller == "anonymous" else {
        "Authorization": f"Bearer {court['tokens'][caller]}"}
    r = court["api"].request(method, url, json=body, headers=headers)
    if who == OPEN:
        assert r.status_code == 200
    elif caller == "anonymous":
        assert r.status_code == 401, r.text
    elif who == SUPERVISORS and caller == CLERK:
        assert r.status_code == 403, r.text
    else:  # past the API's gate: the SOP's rules decide (a refusal is recorded, 403)
        assert r.status_code < 400 or r.status_code == 409 or (
            r.status_code == 403 and "dicatat" in r.json()["detail"]), (r.status_code, r.text)


def test_a_clerks_override_is_refused_and_recorded(court: dict[str, Any]) -> None:
    rt: Runtime = court["rt"]
    before = len(views.deviations(rt, case=court["case"]))
    r = court["api"].post(f"/api/cases/{court['case']}/steps/{court['node']}/skip",
                          json={"reason": "mau cepat"},
                          headers={"Authorization": f"Bearer {court['tokens'][CLERK]}"})
    assert r.status_code == 403 and "dicatat" in r.json()["detail"]
    after = views.deviations(rt, case=court["case"])
    assert len(after) == before + 1
    newest = max(after, key=lambda d: d.seq)
    assert (newest.actor, newest.outcome) == (CLERK, "ditolak")
