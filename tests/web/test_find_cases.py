"""Finding cases through the pages and the API: the search page and its errors in HTML, the
supervisor's and auditor's boxes (one case opens, several are listed), recording a case's
register number and parties through the case page, the JSON API, who may do what, and
confidential cases kept out of the results of those who may not read them."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from sop_runtime.service import auth, views
from sop_runtime.service.confidential import operator
from sop_runtime.service.runtime import Runtime
from tests.web.test_api import api, bearer  # noqa: F401  (api: fixture)
from tests.web.test_pages import csrf_of, rt, signed_in  # noqa: F401  (rt: fixture)


def test_the_search_page_finds_by_register_number_and_name(rt: Runtime) -> None:  # noqa: F811
    clerk, _ = signed_in(rt, "rina.ptsp")
    found = clerk.get("/perkara", params={"q": "14/Pdt.G/2026/PN Snn"})
    assert found.status_code == 200
    assert 'data-case="SNN-2026-00001"' in found.text and "Budi Santoso" in found.text
    by_name = clerk.get("/perkara", params={"nama": "fokaaya"})
    assert re.findall(r'data-case="([^"]+)"', by_name.text) == ["SNN-2026-00006"]
    every = clerk.get("/perkara", params={"status": "aktif"}).text
    assert every.count("data-case=") >= 5
    assert "Hasan Duwila" not in every  # the complaint is confidential to a PTSP clerk


def test_a_search_that_cannot_be_asked_is_told_on_the_page(rt: Runtime) -> None:  # noqa: F811
    clerk, _ = signed_in(rt, "rina.ptsp")
    bad = clerk.get("/perkara", params={"dari": "2026-13-40"})
    assert bad.status_code == 422
    assert bad.headers["content-type"].startswith("text/html")
    assert "bukan tanggal" in bad.text and 'role="alert"' in bad.text
    short = clerk.get("/perkara", params={"q": "b"})
    assert short.status_code == 422 and "paling sedikit 2 huruf" in short.text


def test_the_supervisors_box_opens_one_case_and_lists_several(rt: Runtime) -> None:  # noqa: F811
    chief, _ = signed_in(rt, "bambang.panitera")
    one = chief.get("/pengawasan/perkara", params={"perkara": "14/Pdt.G/2026/PN Snn"},
                    follow_redirects=False)
    assert one.status_code == 303
    assert one.headers["location"] == "/pengawasan/perkara/SNN-2026-00001"
    by_id = chief.get("/pengawasan/perkara", params={"perkara": "snn-2026-00003"},
                      follow_redirects=False)
    assert by_id.headers["location"] == "/pengawasan/perkara/SNN-2026-00003"
    several = chief.get("/pengawasan/perkara", params={"perkara": "9/Pdt.G"})
    assert several.status_code == 200 and several.headers["content-type"].startswith("text/html")
    assert re.findall(r'href="/pengawasan/perkara/(SNN-[^"]+)"', several.text)
    none = chief.get("/pengawasan/perkara", params={"perkara": "99/Pdt.G/2026/PN Snn"})
    assert none.status_code == 200 and "Tidak ada perkara yang cocok" in none.text
    report = chief.get("/audit/perkara", params={"perkara": "14/Pdt.G/2026/PN Snn"},
                       follow_redirects=False)
    assert report.headers["location"] == "/audit/perkara/SNN-2026-00001"


def test_the_case_page_records_and_corrects_the_register_number(rt: Runtime) -> None:  # noqa: F811
    clerk, _ = signed_in(rt, "rina.ptsp")
    page = clerk.get("/perkara/SNN-2026-00003")
    assert "Pemohon: CV Kie Raha" in page.text
    token = csrf_of(page.text)
    first = clerk.post("/perkara/SNN-2026-00003/nomor",
                       data={"csrf": token, "nomor": "2/Pdt.P/2026/PN Snn"})
    assert first.status_code == 200 and "Nomor perkara 2/Pdt.P/2026/PN Snn dicatat" in first.text
    bad = clerk.post("/perkara/SNN-2026-00003/nomor", data={"csrf": token, "nomor": "2/Pdt"})
    assert bad.status_code == 422 and "bukan nomor perkara" in bad.text
    unexplained = clerk.post("/perkara/SNN-2026-00003/nomor",
                             data={"csrf": token, "nomor": "3/Pdt.P/2026/PN Snn"})
    assert unexplained.status_code == 422 and "wajib disertai alasan" in unexplained.text
    fixed = clerk.post("/perkara/SNN-2026-00003/pihak", data={
        "csrf": token, "pihak.0.0.nama": "CV Kie Raha Sanana",
        "pihak.0.0.telepon": "0821 9000 4455",
        "alasan": "nama lengkap menurut akta"})
    assert fixed.status_code == 200
    case = views.case(rt, "SNN-2026-00003", reader=operator()).state
    assert case.register_number == "2/Pdt.P/2026/PN Snn"
    assert case.parties == ({"sebutan": "Pemohon", "nama": "CV Kie Raha Sanana",
                             "telepon": "082190004455"},)


def test_the_api_finds_pages_and_records(rt: Runtime, api: TestClient) -> None:  # noqa: F811
    clerk = bearer(auth.issue_token(rt, "rina.ptsp", "uji"))
    found = api.get("/api/cases", params={"q": "14/Pdt.G/2026/PN Snn"}, headers=clerk)
    assert found.status_code == 200
    body = found.json()
    assert body["more"] is False and [c["case_id"] for c in body["cases"]] == ["SNN-2026-00001"]
    assert body["cases"][0]["applicant"] == "Budi Santoso"
    first = api.get("/api/cases", params={"per_page": 2}, headers=clerk).json()
    second = api.get("/api/cases", params={"per_page": 2, "page": 2}, headers=clerk).json()
    assert first["more"] and not {c["case_id"] for c in first["cases"]} & {
        c["case_id"] for c in second["cases"]}
    assert api.get("/api/cases", params={"status": "hilang"},
                   headers=clerk).status_code == 422
    done = api.post("/api/cases/SNN-2026-00002/register-number", headers=clerk,
                    json={"number": "7/Pdt.P/2026/PN Snn"})
    assert done.status_code == 200, done.text
    assert api.get("/api/cases/SNN-2026-00002", headers=clerk).json()[
        "register_number"] == "7/Pdt.P/2026/PN Snn"
    bad = api.post("/api/cases/SNN-2026-00002/parties", headers=clerk, json={
        "parties": [{"sebutan": "Pemohon", "nama": "Nurhayati", "nik": "12"}],
        "reason": "NIK"})
    assert bad.status_code == 422 and "NIK harus 16 angka" in bad.text
    assert api.get("/api/cases").status_code == 401


def test_confidential_cases_stay_out_of_the_api_search(rt: Runtime, api: TestClient) -> None:  # noqa: F811
    clerk = bearer(auth.issue_token(rt, "rina.ptsp", "uji"))
    assert api.get("/api/cases", params={"q": "duwila"}, headers=clerk).json()["cases"] == []
    complaints = bearer(auth.issue_token(rt, "dewi.pengaduan", "uji"))
    found = api.get("/api/cases", params={"q": "duwila"}, headers=complaints).json()["cases"]
    assert [c["sop_id"] for c in found] == ["pengaduan-siwas"]


def test_a_partys_name_is_shown_as_text_never_as_markup(rt: Runtime) -> None:  # noqa: F811
    from sop_runtime.service import cases

    hostile = '<script>alert("pihak")</script> & <b>Umar</b>'
    case = cases.start_case(rt, "salinan-putusan", "rina.ptsp", parties=[
        {"sebutan": "Pemohon", "nama": hostile}]).case_id
    clerk, _ = signed_in(rt, "rina.ptsp")
    for url in ("/perkara?q=umar", f"/perkara/{case}", "/tugas"):
        page = clerk.get(url).text
        assert "<script>alert" not in page and "<b>Umar</b>" not in page, url
        shown = "&lt;script&gt;alert(&#34;pihak&#34;)&lt;/script&gt; &amp; &lt;b&gt;Umar"
        assert shown in page, url
