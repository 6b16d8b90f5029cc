"""The JSON API (the web issue's first part): API tokens, thin routes over the service
layer, the product's errors mapped to HTTP, and a refused action recorded like in the CLI."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sop_runtime.service import auth, views
from sop_runtime.service.auth import WeakPassword
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.app import create_app
from tests.flows.kit import ROUTES


@pytest.fixture
def rt(demo_copy: Path) -> Runtime:
    return Runtime(make_engine(f"sqlite:///{demo_copy}"))


@pytest.fixture
def api(rt: Runtime) -> TestClient:
    return TestClient(create_app(rt))


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_a_token_is_shown_once_and_stored_as_its_digest(rt: Runtime) -> None:
    token = auth.issue_token(rt, "rina.ptsp", "e-Court")
    assert token.startswith("sop_") and len(token) > 40
    assert auth.token_user(rt, token) == "rina.ptsp"
    with rt.engine.connect() as conn:
        stored = conn.exec_driver_sql("SELECT digest, label FROM api_tokens").all()
    assert stored == [(auth.digest(token), "e-Court")] and token not in str(stored)
    assert auth.revoke(rt, "rina.ptsp", "e-Court") == 1
    assert auth.token_user(rt, token) is None


def test_passwords_are_argon2_and_checked(rt: Runtime) -> None:
    auth.set_password(rt, "rina.ptsp", "kata-sandi-panjang-1")
    assert auth.check_password(rt, "rina.ptsp", "kata-sandi-panjang-1")
    assert not auth.check_password(rt, "rina.ptsp", "salah-sekali-ini")
    assert not auth.check_password(rt, "tidak.ada", "kata-sandi-panjang-1")
    with rt.engine.connect() as conn:
        (stored,) = conn.exec_driver_sql(
            "SELECT hash FROM passwords WHERE username = 'rina.ptsp'").one()
    assert stored.startswith("$argon2id$") and "kata-sandi" not in stored
    with pytest.raises(WeakPassword):
        auth.set_password(rt, "rina.ptsp", "pendek")


def test_no_token_no_entry(api: TestClient) -> None:
    assert api.get("/api/health").json()["status"] == "ok"
    assert api.get("/api/tasks").status_code == 401
    assert api.get("/api/tasks", headers=bearer("sop_palsu")).status_code == 401


def test_a_clerk_starts_and_completes_a_step_through_the_api(rt: Runtime,
                                                             api: TestClient) -> None:
    token = auth.issue_token(rt, "rina.ptsp", "uji")
    route = ROUTES["legalisasi-waarmerking"]
    started = api.post("/api/cases", json={"sop": "legalisasi-waarmerking"},
                       headers=bearer(token))
    assert started.status_code == 201, started.text
    case = started.json()["case_id"]
    assert [s["node"] for s in started.json()["open_steps"]] == ["1"]
    mine = api.get("/api/tasks", headers=bearer(token)).json()
    assert any(t["case_id"] == case and t["node"] == "1" for t in mine)
    done = api.post(f"/api/cases/{case}/steps/1/complete", headers=bearer(token),
                    json={"values": route[0]["nilai"]})
    assert done.status_code == 200, done.text
    assert "step_completed" in done.json()["events"]
    view = api.get(f"/api/cases/{case}", headers=bearer(token)).json()
    assert view["open_steps"] == ["2"] and view["events"][0]["type"] == "case_started"


def test_errors_map_to_http_and_a_refusal_is_recorded(rt: Runtime, api: TestClient) -> None:
    clerk = auth.issue_token(rt, "fadli.ptsp", "uji")
    assert api.get("/api/cases/SNN-2026-99999", headers=bearer(clerk)).status_code == 404
    bad = api.post("/api/cases", json={"sop": "tidak-ada"}, headers=bearer(clerk))
    assert bad.status_code == 404 and "tidak-ada" in bad.json()["detail"]
    assert api.post("/api/cases", json={}, headers=bearer(clerk)).status_code == 422
    # the demo's panjar case waits at step 7 (the Kasir's): a PTSP clerk is refused
    skum = next(late.task for late in views.overdue(rt)
                if late.task.sop_id == "taksiran-panjar-skum")
    refused = api.post(f"/api/cases/{skum.case_id}/steps/{skum.node}/complete",
                       headers=bearer(clerk), json={"values": {}})
    assert refused.status_code == 403 and "dicatat" in refused.json()["detail"]
    recorded = [d for d in views.deviations(rt, case=skum.case_id)
                if d.outcome == "ditolak" and d.actor == "fadli.ptsp" and d.node == skum.node]
    assert len(recorded) == 1
    done = api.post(f"/api/cases/{skum.case_id}/steps/1/complete", headers=bearer(clerk),
                    json={})
    assert done.status_code == 409  # done long ago


def test_every_answer_carries_the_security_headers(api: TestClient) -> None:
    for r in (api.get("/api/health"), api.get("/api/tasks"), api.get("/api/nothing-here")):
        assert r.headers["X-Content-Type-Options"] == "nosniff"
        assert r.headers["X-Frame-Options"] == "DENY"
        assert r.headers["Referrer-Policy"] == "same-origin"
        assert "frame-ancestors 'none'" in r.headers["Content-Security-Policy"]
    assert api.get("/openapi.json").json()["info"]["title"] == "sop-runtime"
