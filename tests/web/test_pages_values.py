"""The step form and values flowing between steps, through the test client: a value an
earlier step recorded is shown (who, jabatan, when) and filled in; a different value without
a reason brings the form back asking for one, nothing recorded; with a reason it is recorded
and the case page shows the contradiction in words; money as clerks type it, shown Rp10.000;
the API's step view tells the same."""

from __future__ import annotations

import html
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from sop_runtime.service import auth, views
from sop_runtime.service.confidential import operator
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from tests.web.test_pages import PASSWORD, client, csrf_of

STEP_1 = {"surat_gugatan_asli": "ada", "fotokopi_ktp_penggugat": "ada",
          "softcopy_surat_gugatan": "gugatan.docx",
          "ceklist_kelengkapan_yang_ditandatangani": "Ceklist CK-01"}


@pytest.fixture
def rt(demo_copy: Path) -> Runtime:
    rt = Runtime(make_engine(f"sqlite:///{demo_copy}"))
    for user in ("rina.ptsp", "ahmad.panmudpdt", "siti.kasir"):
        auth.set_password(rt, user, PASSWORD)
    return rt


def signed_in(rt: Runtime, username: str) -> tuple[TestClient, str]:
    web = client(rt)
    form = web.get("/masuk")
    answer = web.post("/masuk", data={"username": username, "password": PASSWORD,
                                      "csrf": csrf_of(form.text), "lanjut": "/tugas"})
    assert answer.status_code == 200, answer.text[:400]
    return web, csrf_of(answer.text)


def gugatan_at_step_2(rt: Runtime) -> str:
    web, token = signed_in(rt, "rina.ptsp")
    started = web.post("/perkara/baru", data={"sop": "pendaftaran-gugatan-ptsp", "csrf": token})
    case = started.url.path.rsplit("/", 1)[1]
    done = web.post(f"/perkara/{case}/langkah/1/selesai",
                    data={"csrf": token, **{f"nilai.{k}": v for k, v in STEP_1.items()}})
    assert done.status_code == 200, done.text[:500]
    return case


def test_a_value_recorded_earlier_is_shown_with_who_and_when_and_filled_in(rt: Runtime) -> None:
    case = gugatan_at_step_2(rt)
    web, _ = signed_in(rt, "ahmad.panmudpdt")
    page = web.get(f"/perkara/{case}/langkah/2").text
    field = re.search(r'<input id="nilai.ceklist_kelengkapan_yang_ditandatangani"[^>]*>', page)
    assert field is not None
    assert 'value="Ceklist CK-01"' in field.group(0)
    assert 'data-tercatat="Ceklist CK-01"' in field.group(0)
    recorded = page[page.index('id="tercatat.ceklist_kelengkapan_yang_ditandatangani"'):]
    recorded = recorded[:recorded.index("</p>")]
    assert "Ceklist CK-01" in recorded
    assert "langkah 1: Menerima berkas gugatan" in recorded
    assert "Rina Marasabessy, Petugas PTSP" in recorded and "pukul" in recorded
    assert "rina.ptsp" not in recorded and "+00:00" not in recorded
    # the reason field is there, hidden until a value differs; its script is the site's own
    assert 'id="beda" hidden' in page and '<script src="/static/values.js" defer>' in page
    assert web.get("/static/values.js").status_code == 200


def test_a_different_value_asks_for_a_reason_then_is_flagged(rt: Runtime) -> None:
    case = gugatan_at_step_2(rt)
    web, token = signed_in(rt, "ahmad.panmudpdt")
    form = {"csrf": token, "keputusan": "Lengkap",
            "nilai.ceklist_kelengkapan_yang_ditandatangani": "Ceklist CK-02",
            "nilai.berkas_dinyatakan_lengkap_atau_tidak_lengkap": "Lengkap"}
    asked = web.post(f"/perkara/{case}/langkah/2/selesai", data=form)
    assert asked.status_code == 422
    assert ("'Ceklist kelengkapan yang ditandatangani' sudah dicatat di langkah 1: "
            "'Ceklist CK-01'") in html.unescape(asked.text)
    assert 'value="Ceklist CK-02"' in asked.text  # what was typed, kept
    assert re.search(r'<input id="alasan_beda" name="alasan_beda" maxlength="2000" required',
                     asked.text)
    assert 'id="beda" hidden' not in asked.text
    state = views.case(rt, case, reader=operator()).state
    assert [s.node for s in state.open_steps] == ["2"] and state.deviations == 0

    done = web.post(f"/perkara/{case}/langkah/2/selesai",
                    data={**form, "alasan_beda": "ceklist diganti setelah dicek ulang"})
    assert done.status_code == 200 and done.url.path == f"/perkara/{case}"
    text = html.unescape(done.text)
    assert "isian bertentangan" in text
    assert ("Ceklist kelengkapan yang ditandatangani: tercatat “Ceklist CK-01” di langkah 1. "
            "Menerima berkas gugatan") in text
    assert "oleh Rina Marasabessy" in text and "kini diisi “Ceklist CK-02”" in text
    assert "ceklist diganti setelah dicek ulang" in text


def test_money_is_typed_as_clerks_write_it_and_shown_one_way(rt: Runtime) -> None:
    case = gugatan_at_step_2(rt)
    web, token = signed_in(rt, "ahmad.panmudpdt")
    web.post(f"/perkara/{case}/langkah/2/selesai", data={
        "csrf": token, "keputusan": "Lengkap",
        "nilai.berkas_dinyatakan_lengkap_atau_tidak_lengkap": "Lengkap"})
    web, token = signed_in(rt, "siti.kasir")
    form = web.get(f"/perkara/{case}/langkah/3").text
    field = re.search(r'<input id="nilai.taksiran_panjar"[^>]*>', form)
    assert field is not None and 'inputmode="numeric"' in field.group(0)
    assert 'type="number"' not in field.group(0)
    done = web.post(f"/perkara/{case}/langkah/3/selesai", data={
        "csrf": token, "nilai.taksiran_panjar": "Rp 431.000", "nilai.slip_setoran": "Slip 1"})
    assert done.status_code == 200
    assert "Rp431.000" in done.text and "Rp 431.000" not in done.text
    state = views.case(rt, case, reader=operator()).state
    assert state.values()["taksiran_panjar"] == "431000"


def test_the_api_step_view_tells_the_recorded_values(rt: Runtime) -> None:
    case = gugatan_at_step_2(rt)
    token = auth.issue_token(rt, "ahmad.panmudpdt", "uji")
    answer = client(rt).get(f"/api/cases/{case}/steps/2",
                            headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200, answer.text[:300]
    body = answer.json()
    assert body["node"] == "2" and body["open"] is True
    item = next(i for i in body["items"] if i["id"] == "ceklist_kelengkapan_yang_ditandatangani")
    assert item["section"] == "kelengkapan"
    assert item["recorded"]["value"] == "Ceklist CK-01"
    assert item["recorded"]["node"] == "1"
    assert item["recorded"]["by"] == "Rina Marasabessy"
    assert item["recorded"]["jabatan"] == "Petugas PTSP"
    assert item["recorded"]["at"].endswith("+09:00")
    other = next(i for i in body["items"]
                 if i["id"] == "berkas_dinyatakan_lengkap_atau_tidak_lengkap")
    assert other["recorded"] is None

    # completing through the API: another value without a reason is refused (422), nothing
    # recorded; with one it is recorded and flagged
    api = client(rt)
    url = f"/api/cases/{case}/steps/2/complete"
    body = {"decision": "Lengkap", "values": {
        "ceklist_kelengkapan_yang_ditandatangani": "Ceklist CK-09",
        "berkas_dinyatakan_lengkap_atau_tidak_lengkap": "Lengkap"}}
    refused = api.post(url, json=body, headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 422 and "Ceklist CK-01" in refused.text
    done = api.post(url, json={**body, "reason": "ceklist baru"},
                    headers={"Authorization": f"Bearer {token}"})
    assert done.status_code == 200, done.text[:300]
    assert done.json()["events"][0] == "deviation_flagged"


def test_a_kelengkapan_the_sop_ticks_is_ada_or_tidak_ada(rt: Runtime) -> None:
    web, token = signed_in(rt, "rina.ptsp")
    started = web.post("/perkara/baru", data={"sop": "salinan-putusan", "csrf": token})
    case = started.url.path.rsplit("/", 1)[1]
    form = web.get(f"/perkara/{case}/langkah/1").text
    ticks = re.findall(r'<input type="radio" name="nilai.fotokopi_ktp" value="([^"]+)"[^>]*>',
                       form)
    assert ticks == ["ada", "tidak ada"]
    assert '<input id="nilai.fotokopi_ktp"' not in form  # no text box for it
    # the optional surat kuasa is a tick too, not required
    assert re.search(r'name="nilai.surat_kuasa" value="ada">', form)
    done = web.post(f"/perkara/{case}/langkah/1/selesai", data={
        "csrf": token, "nilai.fotokopi_ktp": "tidak ada",
        "nilai.surat_permohonan_salinan_putusan_kepada_ketua_pengadilan_negeri": "Surat 1",
        "nilai.surat_permohonan_salinan_putusan_diterima": "Diterima"})
    assert done.status_code == 200
    text = html.unescape(done.text)
    assert "kelengkapan tidak ada" in text and "tidak ada: Fotokopi KTP" in text
    state = views.case(rt, case, reader=operator()).state
    assert state.values()["fotokopi_ktp"] == "tidak ada"
