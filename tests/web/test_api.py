"""The JSON API (the web issue's first part): API tokens, thin routes over the service
layer, the product's errors mapped to HTTP, and a refused action recorded like in the CLI."""

from __future__ import annotations

import tracemalloc
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from sop_runtime.service import auth, views
from sop_runtime.service.auth import WeakPassword
from sop_runtime.service.confidential import operator
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.app import create_app
from tests.batching import at_once
from tests.flows.kit import ROUTES
from tests.hostile_yaml import BAD_TAGS, alias_bomb


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
    skum = next(late.task for late in views.overdue(rt, reader=operator())
                if late.task.sop_id == "taksiran-panjar-skum")
    refused = api.post(f"/api/cases/{skum.case_id}/steps/{skum.node}/complete",
                       headers=bearer(clerk), json={"values": {}})
    assert refused.status_code == 403 and "dicatat" in refused.json()["detail"]
    recorded = [d for d in views.deviations(rt, reader=operator(), case=skum.case_id)
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


# -- the rest of the CLI's acts, through the API ------------------------------------------

CLERK, SUPERVISOR, EXAMINER = "rina.ptsp", "bambang.panitera", "fitri.hakim"


@pytest.fixture
def tokens(rt: Runtime) -> dict[str, dict[str, str]]:
    return {who: bearer(auth.issue_token(rt, who, "uji")) for who in (CLERK, SUPERVISOR, EXAMINER)}


def _kasir_step(rt: Runtime) -> tuple[str, str]:
    late = next(late.task for late in views.overdue(rt, reader=operator())
                if late.task.sop_id == "taksiran-panjar-skum")
    return late.case_id, late.node


def test_extend_uses_the_extension_the_sop_allows(rt: Runtime, api: TestClient,
                                                  tmp_path: Path) -> None:
    import shutil

    from sop_runtime.service import revisions, setup
    from tests.conftest import DEFINITIONS
    from tests.revisions import as_revision

    defs = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, defs)
    sheet = defs / "pengesahan-badan-hukum.yaml"
    anchor = "    keterangan: Surat kuasa hanya bila pemohon diwakilkan"
    sheet.write_text(as_revision(sheet.read_text(encoding="utf-8").replace(
        anchor, "    perpanjangan: 1 jam\n" + anchor, 1)), encoding="utf-8")
    setup.init(rt, defs)
    revised = revisions.versions(rt, "pengesahan-badan-hukum")[0].version
    revisions.approve(rt, "pengesahan-badan-hukum", revised, by="hendra.kpn")
    ridwan = bearer(auth.issue_token(rt, "ridwan.panmudhkm", "uji"))
    case = api.post("/api/cases", json={"sop": "pengesahan-badan-hukum"}, headers=ridwan)
    assert case.status_code == 201, case.text
    case_id, due = case.json()["case_id"], case.json()["open_steps"][0]["due_at"]
    url = f"/api/cases/{case_id}/steps/1/extend"
    assert api.post(url, json={"reason": ""}, headers=ridwan).status_code == 422
    done = api.post(url, json={"reason": "berkas pengurus belum lengkap difotokopi"},
                    headers=ridwan)
    assert done.status_code == 200, done.text
    assert "step_extended" in done.json()["events"]
    assert datetime.fromisoformat(done.json()["open_steps"][0]["due_at"]) > \
        datetime.fromisoformat(due)
    again = api.post(url, json={"reason": "lagi"}, headers=ridwan)
    assert again.status_code == 422 and "sudah diperpanjang" in again.json()["detail"]
    skum, node = _kasir_step(rt)
    none = api.post(f"/api/cases/{skum}/steps/{node}/extend", json={"reason": "x"},
                    headers=ridwan)
    assert none.status_code == 422 and "tidak memberi perpanjangan" in none.json()["detail"]


def test_a_cases_log_carries_its_hash_chain(rt: Runtime, api: TestClient,
                                           tokens: dict[str, dict[str, str]]) -> None:
    from sop_runtime.store.chain import GENESIS

    case, _ = _kasir_step(rt)
    log = api.get(f"/api/cases/{case}/log", headers=tokens[CLERK])
    assert log.status_code == 200, log.text
    entries = log.json()
    stored = views.case(rt, case, reader=operator()).stored
    assert [e["seq"] for e in entries] == [s.seq for s in stored] == list(
        range(1, len(stored) + 1))
    assert entries[0]["prev_hash"] == GENESIS
    assert all(b["prev_hash"] == a["hash"] for a, b in pairwise(entries))
    assert [e["hash"] for e in entries] == [s.hash for s in stored]
    assert entries[0]["occurred_at"].endswith("+00:00")  # as stored: UTC
    assert api.get("/api/cases/SNN-2026-99999/log", headers=tokens[CLERK]).status_code == 404
    assert api.get("/api/cases/bukan%20nomor/log", headers=tokens[CLERK]).status_code == 422


def test_users_and_a_delegation_that_lends_the_kasirs_step(
        rt: Runtime, api: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    users = api.get("/api/users", headers=tokens[CLERK]).json()
    rina = next(u for u in users if u["username"] == CLERK)
    assert rina["roles"] == ["petugas_ptsp"] and rina["active"]
    case, node = _kasir_step(rt)
    assert not any(t["case_id"] == case for t in api.get("/api/tasks",
                                                         headers=tokens[CLERK]).json())
    today = rt.now().date()
    lend = {"to": CLERK, "role": "kasir", "from": today.isoformat(),
            "until": (today + timedelta(days=1)).isoformat(), "reason": "Kasir cuti"}
    assert api.post("/api/delegations", json=lend, headers=tokens[CLERK]).status_code == 403
    made = api.post("/api/delegations", json=lend, headers=tokens[SUPERVISOR])
    assert made.status_code == 201, made.text
    assert made.json()["kind"] == "plh" and made.json()["created_by"] == SUPERVISOR
    assert made.json()["end"].startswith((today + timedelta(days=2)).isoformat())  # to its end
    mine = api.get("/api/tasks", headers=tokens[CLERK]).json()
    assert any(t["case_id"] == case and t["node"] == node for t in mine)
    claimed = api.post(f"/api/cases/{case}/steps/{node}/claim", headers=tokens[CLERK])
    assert claimed.status_code == 200, claimed.text
    # bad requests say what is wrong, and are not recorded
    impossible = api.post("/api/delegations", json={**lend, "from": "2026-02-30"},
                          headers=tokens[SUPERVISOR])
    assert impossible.status_code == 422 and "2026-02-30" in impossible.json()["detail"]
    backwards = api.post("/api/delegations", json={**lend, "from": "2026-03-09",
                                                   "until": "2026-03-02"},
                         headers=tokens[SUPERVISOR])
    assert backwards.status_code == 422, backwards.text
    unknown = api.post("/api/delegations", json={**lend, "to": "tidak.ada"},
                       headers=tokens[SUPERVISOR])
    assert unknown.status_code == 404 and "tidak.ada" in unknown.json()["detail"]
    no_reason = {k: v for k, v in lend.items() if k != "reason"}
    assert api.post("/api/delegations", json=no_reason,
                    headers=tokens[SUPERVISOR]).status_code == 422


def test_the_sweep_records_once(rt: Runtime, api: TestClient,
                                tokens: dict[str, dict[str, str]]) -> None:
    assert api.post("/api/sweep", headers=tokens[EXAMINER]).status_code == 403
    first = api.post("/api/sweep", headers=tokens[SUPERVISOR])
    assert first.status_code == 200, first.text
    again = api.post("/api/sweep", headers=tokens[SUPERVISOR]).json()
    assert again == {"cases": 0, "events": 0, "flagged": 0}


def test_seals_proofs_and_their_check(rt: Runtime, api: TestClient,
                                      tokens: dict[str, dict[str, str]]) -> None:
    case, _ = _kasir_step(rt)
    assert api.get(f"/api/cases/{case}/proof", headers=tokens[EXAMINER]).status_code == 404
    assert api.post("/api/seals", json={}, headers=tokens[EXAMINER]).status_code == 403
    sealed = api.post("/api/seals", json={"note": "laporan November"},
                      headers=tokens[SUPERVISOR])
    assert sealed.status_code == 201, sealed.text
    seal = sealed.json()
    assert seal["size"] >= 6 and len(seal["root"]) == 64 and seal["sealed_by"] == SUPERVISOR
    assert api.get("/api/seals", headers=tokens[EXAMINER]).json() == [seal]
    assert api.get("/api/seals/check", headers=tokens[EXAMINER]).json() == {
        "ok": True, "checked": 1, "first_break": None}
    verified = api.get("/api/verify", headers=tokens[EXAMINER]).json()
    assert verified["ok"] and verified["seals"]["checked"] == 1
    proof = api.get(f"/api/cases/{case}/proof", headers=tokens[EXAMINER]).json()
    assert proof["seal_id"] == seal["seal_id"] and proof["root"] == seal["root"]
    check = "/api/seals/check-proof"
    assert api.post(check, json={"proof": proof, "root": seal["root"]},
                    headers=tokens[EXAMINER]).json() == {"holds": True}
    assert api.post(check, json={"proof": proof, "root": "0" * 64},
                    headers=tokens[EXAMINER]).json() == {"holds": False}
    forged = {**proof, "leaf": {**proof["leaf"], "seq": proof["leaf"]["seq"] + 1}}
    assert api.post(check, json={"proof": forged},
                    headers=tokens[EXAMINER]).json() == {"holds": False}
    assert api.post(check, json={"proof": {"root": "zz"}},
                    headers=tokens[EXAMINER]).status_code == 422


def test_reports_as_json(rt: Runtime, api: TestClient,
                         tokens: dict[str, dict[str, str]]) -> None:
    from sop_runtime.service.period import period_figures

    year = rt.now().year
    url = f"/api/reports/period?from={year}-01-01&to={year}-12-31"
    assert api.get(url, headers=tokens[CLERK]).status_code == 403
    report = api.get(url, headers=tokens[EXAMINER])
    assert report.status_code == 200, report.text
    figures = report.json()
    tz = views.court_zone(rt)
    expected = period_figures(rt, datetime(year, 1, 1, tzinfo=tz),
                              datetime(year + 1, 1, 1, tzinfo=tz))
    assert figures["cases"] == dict(expected.cases) and sum(figures["cases"].values()) >= 6
    assert figures["deviations"] == dict(expected.deviations)
    assert figures["from"].startswith(f"{year}-01-01T00:00:00")
    assert figures["to"].startswith(f"{year + 1}-01-01T00:00:00")  # the end of the 31st
    one = api.get(url + "&sop=taksiran-panjar-skum", headers=tokens[EXAMINER]).json()
    assert list(one["cases"]) == ["taksiran-panjar-skum"]
    bad = api.get("/api/reports/period?from=2026-02-30&to=2026-03-31",
                  headers=tokens[EXAMINER])
    assert bad.status_code == 422 and "2026-02-30" in bad.json()["detail"]
    assert api.get(url + "&sop=tidak-ada", headers=tokens[EXAMINER]).status_code == 404
    assert api.get(f"/api/reports/period?from={year}-03-01&to={year}-01-01",
                   headers=tokens[EXAMINER]).status_code == 422
    case, _ = _kasir_step(rt)
    one_case = api.get(f"/api/cases/{case}/report", headers=tokens[EXAMINER]).json()
    assert one_case["case_id"] == case and one_case["chain"]["ok"]
    assert one_case["sop"]["id"] == "taksiran-panjar-skum" and one_case["deviations"]


def test_the_sop_library(api: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    from tests.conftest import DEFINITIONS

    listed = api.get("/api/sops", headers=tokens[CLERK]).json()
    ids = {s["id"] for s in listed}
    assert ids == {p.stem for p in DEFINITIONS.glob("*.yaml") if p.name != "court.yaml"}
    one = api.get("/api/sops/taksiran-panjar-skum", headers=tokens[CLERK]).json()
    assert one["dokumen"]["identitas"]["nomor"] == one["nomor"]
    assert len(one["dokumen"]["langkah"]) == one["langkah"]
    svg = api.get("/api/sops/taksiran-panjar-skum/render/svg", headers=tokens[CLERK])
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert svg.text.startswith("<svg")
    mermaid = api.get("/api/sops/taksiran-panjar-skum/render/mermaid", headers=tokens[CLERK])
    assert mermaid.text.startswith("flowchart")
    unknown = api.get("/api/sops/tidak-ada", headers=tokens[CLERK])
    assert unknown.status_code == 404 and "taksiran-panjar-skum" in unknown.json()["detail"]


def _examples() -> tuple[Path, Path]:
    from tests.conftest import ROOT

    folder = ROOT / "examples"
    return folder / "skum-januari-2026.csv", folder / "skum-januari-2026.map.yaml"


def test_conformance_of_an_uploaded_log(rt: Runtime, api: TestClient,
                                        tokens: dict[str, dict[str, str]]) -> None:
    from sop_runtime.service.conformance import conformance

    log, mapping = _examples()
    files = {"log": (log.name, log.read_bytes(), "text/csv"),
             "mapping": (mapping.name, mapping.read_bytes(), "application/yaml")}
    data = {"sop": "taksiran-panjar-skum"}
    assert api.post("/api/conformance", files=files, data=data,
                    headers=tokens[CLERK]).status_code == 403
    r = api.post("/api/conformance", files=files, data=data, headers=tokens[EXAMINER])
    assert r.status_code == 200, r.text
    found = r.json()
    direct = conformance(rt, log, "taksiran-panjar-skum", mapping)
    assert (found["log"], found["mapping"]) == (log.name, mapping.name)
    assert found["totals"] == dict(direct.totals) and found["totals"]
    assert found["cases"] == len(direct.cases) and found["conforming"] == direct.conforming
    assert found["rows"] == direct.rows
    # the mapping as a form field's text (curl -F 'mapping=<file.yaml') does as well
    as_text = api.post("/api/conformance", files={"log": files["log"]},
                       data={**data, "mapping": mapping.read_text(encoding="utf-8")},
                       headers=tokens[EXAMINER])
    assert as_text.status_code == 200, as_text.text
    assert as_text.json()["totals"] == found["totals"]


def test_conformance_lists_a_row_dated_in_year_1_instead_of_failing(
        api: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    import csv
    import io

    log, mapping = _examples()
    table = list(csv.reader(io.StringIO(log.read_text(encoding="utf-8"))))
    cells = table[2]  # the first case's second row
    cells[table[0].index("waktu")] = "0001-01-01 08:00"
    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerows(table)
    files = {"log": (log.name, text.getvalue().encode(), "text/csv"),
             "mapping": (mapping.name, mapping.read_bytes(), "application/yaml")}
    r = api.post("/api/conformance", files=files, data={"sop": "taksiran-panjar-skum"},
                 headers=tokens[EXAMINER])
    assert r.status_code == 200, r.text
    assert r.json()["unreadable_rows"] == [{
        "row": 3, "case": cells[0],
        "message": "waktu '0001-01-01 08:00': tahun 1 di luar 2000-2100"}]


def test_conformance_says_what_is_wrong_with_an_upload(
        api: TestClient, tokens: dict[str, dict[str, str]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    from sop_runtime.web.api import conformance as upload

    log, mapping = _examples()
    who = tokens[EXAMINER]
    files = {"log": (log.name, log.read_bytes(), "text/csv"),
             "mapping": (mapping.name, mapping.read_bytes(), "application/yaml")}
    missing = api.post("/api/conformance", files={"log": files["log"]},
                       data={"sop": "taksiran-panjar-skum"}, headers=who)
    assert missing.status_code == 422 and "mapping" in missing.json()["detail"]
    broken = api.post("/api/conformance", data={"sop": "taksiran-panjar-skum"}, headers=who,
                      files={**files, "mapping": ("peta.yaml", b"kolom: [", "text/yaml")})
    assert broken.status_code == 400 and "peta.yaml" in broken.json()["detail"]
    assert "sop-conformance-" not in broken.json()["detail"]  # no server path
    unknown = api.post("/api/conformance", files=files, data={"sop": "tidak-ada"}, headers=who)
    assert unknown.status_code == 404
    monkeypatch.setattr(upload, "MAX_LOG", 10_000)
    monkeypatch.setattr(upload, "MAX_MAPPING", 10_000)
    big = api.post("/api/conformance", files=files, data={"sop": "taksiran-panjar-skum"},
                   headers=who)
    assert big.status_code == 413 and "MB" in big.json()["detail"]


def test_conformance_refuses_an_alias_bomb_as_the_mapping_within_a_budget(
        api: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    log, _ = _examples()
    files = {"log": (log.name, log.read_bytes(), "text/csv"),
             "mapping": ("bom.yaml", alias_bomb().encode(), "application/yaml")}
    tracemalloc.start()
    try:
        r = api.post("/api/conformance", files=files, data={"sop": "taksiran-panjar-skum"},
                     headers={**tokens[EXAMINER], "Accept-Language": "en"})
        peak = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    assert r.status_code == 400, r.text
    assert r.json()["detail"].startswith("bom.yaml:6:8: E008: ")
    assert "more than 200000 values" in r.json()["detail"]
    assert peak < 50, peak


# each kind once (every tag goes through the same loader: tests/unit/test_yamlsource.py)
SOME_BAD_TAGS = [(text, tag) for text, tag in BAD_TAGS
                 if tag in ("!!bool", "!!int", "!!timestamp", "!!python/object:os.system",
                            "!!set", "!sop") and "T25" not in text]


@pytest.mark.parametrize(("text", "tag"), SOME_BAD_TAGS, ids=[t for _, t in SOME_BAD_TAGS])
def test_conformance_refuses_a_mapping_with_a_tag_it_does_not_read(
        api: TestClient, tokens: dict[str, dict[str, str]], text: str, tag: str) -> None:
    log, _ = _examples()
    r = api.post("/api/conformance", headers=tokens[EXAMINER],
                 files={"log": (log.name, log.read_bytes(), "text/csv"),
                        "mapping": ("peta.yaml", text.encode(), "application/yaml")},
                 data={"sop": "taksiran-panjar-skum"})
    assert r.status_code == 400, r.text
    assert r.json()["detail"].startswith(f"peta.yaml:1:4: E009: tag {tag} tidak didukung")


def test_lists_filter_and_refuse_what_they_do_not_know(
        rt: Runtime, api: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    who = tokens[SUPERVISOR]
    overdue = api.get("/api/overdue?role=kasir", headers=who).json()
    assert overdue and all("kasir" in t["roles"] for t in overdue)
    assert all(t["late_seconds"] > 0 for t in overdue)
    assert api.get("/api/overdue?now=2000-01-01", headers=who).json() == []
    assert api.get("/api/overdue?now=2026-13-01", headers=who).status_code == 422
    assert api.get("/api/overdue?limit=0", headers=who).status_code == 422
    kinds = api.get("/api/deviations?kind=overdue", headers=who).json()
    assert kinds and {d["kind"] for d in kinds} == {"overdue"}
    wrong = api.get("/api/deviations?kind=terlambat", headers=who)
    assert wrong.status_code == 422 and "overdue" in wrong.json()["detail"]
    assert api.get("/api/export/pdf", headers=who).status_code == 422
    english = api.get("/api/deviations?kind=terlambat",
                      headers={**who, "Accept-Language": "en"})
    assert "Unknown deviation kind" in english.json()["detail"]


def test_deviations_come_a_page_at_a_time_with_a_link_to_the_next(
        rt: Runtime, api: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    who = tokens[SUPERVISOR]
    whole = api.get("/api/deviations?limit=1000", headers=who)
    assert whole.status_code == 200 and "link" not in whole.headers
    every = whole.json()
    assert len(every) > 3  # the demo court's deviations
    seen, url, pages = [], "/api/deviations?limit=2", 0
    while url:
        r = api.get(url, headers=who)
        assert r.status_code == 200 and len(r.json()) <= 2
        seen += r.json()
        pages += 1
        link = r.headers.get("link")
        url = None if link is None else link.split(">")[0].lstrip("<")
        assert link is None or (link.endswith('rel="next"') and "limit=2" in url)
    assert seen == every and pages == (len(every) + 1) // 2  # every one once, in order
    kinds = api.get("/api/deviations?kind=overdue&limit=1", headers=who)
    assert "kind=overdue" in kinds.headers.get("link", "kind=overdue")
    bad = api.get("/api/deviations?cursor=kemarin", headers=who)
    assert bad.status_code == 422 and "Kode halaman 'kemarin'" in bad.json()["detail"]
    assert api.get("/api/deviations?limit=1001", headers=who).status_code == 422
    assert len(api.get("/api/deviations", headers=who).json()) <= 50


def _walk(api: TestClient, url: str, who: dict[str, str], per_page: int
          ) -> tuple[list[dict[str, object]], int]:
    """Every row of a list followed along its Link rel=next headers; how many pages."""
    seen: list[dict[str, object]] = []
    pages = 0
    next_url: str | None = url
    while next_url:
        r = api.get(next_url, headers=who)
        assert r.status_code == 200 and len(r.json()) <= per_page, r.text
        seen += r.json()
        pages += 1
        link = r.headers.get("link")
        next_url = None if link is None else link.split(">")[0].lstrip("<")
        assert link is None or (link.endswith('rel="next"') and f"limit={per_page}" in link)
    return seen, pages


@pytest.mark.parametrize("path", ["/api/overdue?now=2030-01-01", "/api/tasks"])
def test_overdue_and_tasks_come_a_page_at_a_time_with_a_link_to_the_next(
        rt: Runtime, api: TestClient, tokens: dict[str, dict[str, str]], path: str) -> None:
    who = tokens[SUPERVISOR if "overdue" in path else CLERK]
    whole = api.get(f"{path}&limit=1000" if "?" in path else f"{path}?limit=1000",
                    headers=who)
    assert whole.status_code == 200 and "link" not in whole.headers
    every = whole.json()
    assert len(every) >= 2, every  # the court's open steps
    join = "&" if "?" in path else "?"
    seen, pages = _walk(api, f"{path}{join}limit=1", who, 1)
    assert seen == every and pages == len(every)  # every one once, in order
    bad = api.get(f"{path}{join}cursor=kemarin", headers=who)
    assert bad.status_code == 422 and "Kode halaman 'kemarin'" in bad.json()["detail"]
    assert api.get(f"{path}{join}limit=1001", headers=who).status_code == 422
    assert api.get(f"{path}{join}limit=0", headers=who).status_code == 422


def test_the_openapi_spec_describes_every_route() -> None:
    app = create_app(Runtime(make_engine("sqlite://")))
    spec = app.openapi()
    operations = [(path, method, op) for path, ops in spec["paths"].items()
                  if path.startswith("/api") for method, op in ops.items()]
    assert len(operations) >= 30
    for path, method, op in operations:
        assert op.get("summary") and " / " in op["summary"], (method, path)
        assert op.get("description"), (method, path)
    upload = spec["paths"]["/api/conformance"]["post"]["requestBody"]["content"]
    assert set(upload["multipart/form-data"]["schema"]["required"]) == {"log", "mapping", "sop"}


def test_times_in_a_body_are_the_courts_and_impossible_ones_are_refused(
        rt: Runtime, api: TestClient, tokens: dict[str, dict[str, str]]) -> None:
    tz = views.court_zone(rt)
    earlier = (rt.now().astimezone(tz) - timedelta(minutes=30)).replace(microsecond=0,
                                                                          tzinfo=None)
    started = api.post("/api/cases", headers=tokens[CLERK], json={
        "sop": "legalisasi-waarmerking", "at": earlier.isoformat(),
        "reason": "dicatat dari buku register"})
    assert started.status_code == 201, started.text
    case = api.get(f"/api/cases/{started.json()['case_id']}", headers=tokens[CLERK]).json()
    assert datetime.fromisoformat(case["started_at"]) == earlier.replace(tzinfo=tz)
    for at in ("1999-12-31T10:00:00+09:00", "2101-01-01T10:00:00"):
        far = api.post("/api/cases", headers=tokens[CLERK],
                       json={"sop": "legalisasi-waarmerking", "at": at})
        assert far.status_code == 422 and "2000-2100" in far.json()["detail"], far.text
    assert api.post("/api/cases", headers=tokens[CLERK], json={
        "sop": "legalisasi-waarmerking", "at": "2026-02-30T10:00"}).status_code == 422
    assert api.post("/api/cases", headers=tokens[CLERK], json={
        "sop": "legalisasi-waarmerking", "fields": {"catatan": "a\x00b"}}).status_code == 422
    assert api.post("/api/cases", headers=tokens[CLERK], json={
        "sop": "legalisasi-waarmerking", "lainnya": 1}).status_code == 422  # unknown key


def test_outside_the_tests_passwords_use_rfc_9106s_profile(monkeypatch: pytest.MonkeyPatch
                                                           ) -> None:
    from argon2 import PasswordHasher

    monkeypatch.delenv(auth.CHEAP_FOR_TESTS)
    auth._hasher.cache_clear()
    try:
        hasher = auth._hasher()
        assert (hasher.time_cost, hasher.memory_cost) == (3, 65536)
        assert hasher.time_cost == PasswordHasher().time_cost
    finally:
        auth._hasher.cache_clear()


def test_requests_acting_at_once_share_a_commit(rt: Runtime, api: TestClient) -> None:
    """Concurrent API requests are written as one batch: each on its own case is recorded;
    of two completing the same step, one wins and the other gets today's 409."""
    token = auth.issue_token(rt, "rina.ptsp", "uji")
    route = ROUTES["legalisasi-waarmerking"]
    made = []
    for _ in range(3):
        started = api.post("/api/cases", headers=bearer(token),
                           json={"sop": "legalisasi-waarmerking"})
        assert started.status_code == 201, started.text
        made.append(started.json()["case_id"])

    def complete(case: str) -> Any:
        return lambda: api.post(f"/api/cases/{case}/steps/1/complete", headers=bearer(token),
                                json={"values": route[0]["nilai"]})

    answers = at_once(rt, [complete(made[0]), complete(made[1]), complete(made[2]),
                           complete(made[2])])
    assert [a.status_code for a in answers[:2]] == [200, 200], [a.text for a in answers]
    assert sorted(a.status_code for a in answers[2:]) == [200, 409]
    for case in made:
        events = api.get(f"/api/cases/{case}/log", headers=bearer(token)).json()
        assert sum(e["type"] == "step_completed" for e in events) == 1
