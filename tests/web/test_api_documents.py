"""Documents through the JSON API: a step completed with a file (multipart), the document
downloaded by its SHA-256, and a refused file keeping and recording nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sop_runtime.service import auth, cases
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.app import create_app
from tests.e2e.court import GUGATAN_1

PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8
KTP = "fotokopi_ktp_penggugat"


@pytest.fixture
def api(demo_copy: Path, tmp_path: Path) -> tuple[TestClient, Runtime, dict[str, str]]:
    rt = Runtime(make_engine(f"sqlite:///{demo_copy}"), documents_root=tmp_path / "dokumen-uji")
    token = auth.issue_token(rt, "rina.ptsp", "uji dokumen")
    return TestClient(create_app(rt)), rt, {"Authorization": f"Bearer {token}"}


def _kept(rt: Runtime) -> list[Path]:
    root = rt.documents.root
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_step_completed_with_a_file_and_the_file_downloaded(
        api: tuple[TestClient, Runtime, dict[str, str]]) -> None:
    web, rt, auth_header = api
    case_id = cases.start_case(rt, "pendaftaran-gugatan-ptsp", "rina.ptsp").case_id
    values = {k: v for k, v in GUGATAN_1.items() if k != KTP}
    r = web.post(f"/api/cases/{case_id}/steps/1/complete-with-files", headers=auth_header,
                 data={"values": json.dumps(values)},
                 files={f"file.{KTP}": ("ktp.png", PNG, "image/png")})
    assert r.status_code == 200, r.text
    assert "step_completed" in r.json()["events"]
    log = web.get(f"/api/cases/{case_id}/log", headers=auth_header).json()
    recorded = next(e for e in log if e["type"] == "step_completed")["payload"]["documents"]
    assert recorded[KTP]["jenis"] == "image/png" and recorded[KTP]["ukuran"] == len(PNG)
    got = web.get(f"/api/cases/{case_id}/documents/{recorded[KTP]['sha256']}",
                  headers=auth_header)
    assert got.status_code == 200 and got.content == PNG
    assert got.headers["content-type"] == "image/png"
    assert 'filename="ktp.png"' in got.headers["content-disposition"]
    missing = web.get(f"/api/cases/{case_id}/documents/{'0' * 64}", headers=auth_header)
    assert missing.status_code == 404


def test_refused_files_keep_nothing_and_record_nothing(
        api: tuple[TestClient, Runtime, dict[str, str]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    web, rt, auth_header = api
    case_id = cases.start_case(rt, "pendaftaran-gugatan-ptsp", "rina.ptsp").case_id
    before = len(web.get(f"/api/cases/{case_id}/log", headers=auth_header).json())
    url = f"/api/cases/{case_id}/steps/1/complete-with-files"
    exe = web.post(url, headers=auth_header, data={"values": json.dumps(GUGATAN_1)},
                   files={f"file.{KTP}": ("ktp.pdf", b"MZ\x90\x00" + b"\x00" * 60,
                                          "application/pdf")})
    assert exe.status_code == 422 and "bukan PDF, JPEG atau PNG" in exe.json()["detail"]
    monkeypatch.setenv("SOP_DOCUMENT_MAX_MB", "0.001")  # 1 KB
    big = web.post(url, headers=auth_header, files={f"file.{KTP}": ("ktp.png", PNG, "image/png")})
    assert big.status_code == 422 and "lebih besar dari batas" in big.json()["detail"]
    monkeypatch.setenv("SOP_DOCUMENT_MAX_MB", "10")
    huge = web.post(url, headers={**auth_header, "content-length": str(200 * 1024 * 1024)},
                    content=b"x")
    assert huge.status_code == 413
    assert _kept(rt) == []
    assert len(web.get(f"/api/cases/{case_id}/log", headers=auth_header).json()) == before
