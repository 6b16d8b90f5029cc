"""Documents on the pages: the step form takes a scanned file for a ``dokumen`` item
(multipart), the case page links it, and the download is for whoever may read the case: a
confidential case's document is refused to anyone else with who may read it and why."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sop_runtime.service import auth, cases
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from sop_runtime.web.app import create_app

PASSWORD = "kata-sandi-dokumen-1"
PDF = b"%PDF-1.4\n% pindaian KTP penggugat\n" + bytes(range(256)) * 20 + b"\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 300
USERS = ("rina.ptsp", "bambang.panitera", "fitri.hakim", "dewi.pengaduan")


@pytest.fixture
def rt(demo_copy: Path, tmp_path: Path) -> Runtime:
    rt = Runtime(make_engine(f"sqlite:///{demo_copy}"), documents_root=tmp_path / "dokumen-uji")
    for user in USERS:
        auth.set_password(rt, user, PASSWORD)
    return rt


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf" value="([^"]+)"', html)
    assert found, html[:300]
    return found.group(1)


def signed_in(rt: Runtime, username: str) -> tuple[TestClient, str]:
    web = TestClient(create_app(rt), base_url="https://testserver")
    form = web.get("/masuk")
    answer = web.post("/masuk", data={"username": username, "password": PASSWORD,
                                      "csrf": _csrf(form.text), "lanjut": "/sop"})
    assert answer.status_code == 200, answer.text[:300]
    return web, _csrf(answer.text)


def _kept(rt: Runtime) -> list[Path]:
    root = rt.documents.root
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _log(rt: Runtime, case_id: str) -> int:
    with rt.engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM events WHERE case_id = ?",
                                        (case_id,)).scalar_one())


def test_a_scan_uploaded_at_a_step_is_linked_and_downloaded_by_a_supervisor(
        rt: Runtime) -> None:
    case_id = cases.start_case(rt, "pendaftaran-gugatan-ptsp", "rina.ptsp").case_id
    clerk, token = signed_in(rt, "rina.ptsp")
    form = clerk.get(f"/perkara/{case_id}/langkah/1").text
    assert 'enctype="multipart/form-data"' in form
    assert 'name="berkas.fotokopi_ktp_penggugat" type="file"' in form
    values = {"nilai.surat_gugatan_asli": "6 rangkap", "nilai.softcopy_surat_gugatan": "ada",
              "nilai.ceklist_kelengkapan_yang_ditandatangani": "CK-01"}
    done = clerk.post(f"/perkara/{case_id}/langkah/1/selesai",
                      data={"csrf": token, **values},
                      files={"berkas.fotokopi_ktp_penggugat": ("ktp-penggugat.pdf", PDF,
                                                              "application/pdf")},
                      follow_redirects=False)
    assert done.status_code == 303, done.text[:400]
    (kept,) = _kept(rt)
    assert kept.read_bytes() == PDF
    page = clerk.get(f"/perkara/{case_id}").text
    link = re.search(rf'href="(/perkara/{case_id}/dokumen/[0-9a-f]{{64}})"', page)
    assert link and "ktp-penggugat.pdf" in page
    supervisor, _ = signed_in(rt, "bambang.panitera")
    got = supervisor.get(link.group(1))
    assert got.status_code == 200 and got.content == PDF
    assert got.headers["content-type"] == "application/pdf"
    assert got.headers["content-disposition"] == 'attachment; filename="ktp-penggugat.pdf"'
    assert got.headers["x-content-type-options"] == "nosniff"
    # an altered file is not handed over as the recorded document
    kept.write_bytes(PDF.replace(b"KTP", b"KTQ"))
    altered = supervisor.get(link.group(1))
    assert altered.status_code == 500 and "telah diubah" in altered.text


def test_an_executable_named_pdf_is_refused_and_nothing_kept_or_recorded(rt: Runtime) -> None:
    case_id = cases.start_case(rt, "pendaftaran-gugatan-ptsp", "rina.ptsp").case_id
    clerk, token = signed_in(rt, "rina.ptsp")
    before = _log(rt, case_id)
    for name, data, why in (("surat.pdf", ELF, "bukan PDF, JPEG atau PNG"),
                            ("../../ktp.pdf", PDF, "garis miring"),
                            ("kosong.pdf", b"", "berkas kosong")):
        refused = clerk.post(f"/perkara/{case_id}/langkah/1/selesai",
                             data={"csrf": token, "nilai.surat_gugatan_asli": "ada"},
                             files={"berkas.surat_gugatan_asli": (name, data,
                                                                  "application/pdf")})
        assert refused.status_code == 422, refused.text[:300]
        assert why in refused.text and "Tidak ada yang disimpan atau dicatat" in refused.text
    assert _kept(rt) == [] and _log(rt, case_id) == before


def test_a_confidential_case_document_is_refused_with_who_may_read_it(rt: Runtime) -> None:
    out = cases.start_case(rt, "pengaduan-siwas", "dewi.pengaduan")
    case_id, node = out.case_id, out.state.open_steps[0].node
    desk, token = signed_in(rt, "dewi.pengaduan")
    done = desk.post(f"/perkara/{case_id}/langkah/{node}/selesai",
                     data={"csrf": token, "nilai.surat_atau_uraian_pengaduan": "surat",
                           "nilai.identitas_pelapor_dan_terlapor": "ada",
                           "nilai.pengaduan_tercatat_dalam_register_pengaduan": "REG-1"},
                     files={"berkas.bukti_pendukung": ("bukti.pdf", PDF, "application/pdf")},
                     follow_redirects=False)
    assert done.status_code == 303, done.text[:400]
    page = desk.get(f"/perkara/{case_id}").text
    link = re.search(rf'/perkara/{case_id}/dokumen/[0-9a-f]{{64}}', page)
    assert link
    examiner, _ = signed_in(rt, "fitri.hakim")  # the SOP's pembaca
    assert examiner.get(link.group(0)).content == PDF
    clerk, _ = signed_in(rt, "rina.ptsp")
    refused = clerk.get(link.group(0))
    assert refused.status_code == 403
    assert "perkara rahasia" in refused.text and "Hakim Pengawas Bidang" in refused.text
    assert "Perma Nomor 9 Tahun 2016" in refused.text and PDF not in refused.content
    # without the document's hash, nothing tells the case is there
    guessed = clerk.get(f"/perkara/{case_id}/dokumen/{'0' * 64}")
    unknown = clerk.get(f"/perkara/SNN-2026-99999/dokumen/{'0' * 64}")
    assert guessed.status_code == unknown.status_code == 404
    assert guessed.text.replace(case_id, "SNN-2026-99999") == unknown.text


def test_a_step_form_too_large_for_its_files_is_refused_before_it_is_read(
        rt: Runtime) -> None:
    case_id = cases.start_case(rt, "pendaftaran-gugatan-ptsp", "rina.ptsp").case_id
    clerk, _ = signed_in(rt, "rina.ptsp")
    url = f"/perkara/{case_id}/langkah/1/selesai"
    huge = clerk.post(url, content=b"x", headers={
        "content-type": "multipart/form-data; boundary=b", "origin": "https://testserver",
        "content-length": str(200 * 1024 * 1024)})
    assert huge.status_code == 413
    assert "setiap berkas paling besar 10 MB" in huge.text
    # a form without files keeps its own, smaller bound
    plain = clerk.post(url, content=b"x", headers={
        "content-type": "application/x-www-form-urlencoded", "origin": "https://testserver",
        "content-length": str(2 * 1024 * 1024)})
    assert plain.status_code == 413 and "KB" in plain.text
    assert _kept(rt) == []
