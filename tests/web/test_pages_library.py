"""The SOP library: every SOP listed with its number and current version, one SOP's page
with its flowchart and stored versions, an older version compiled again from its stored
source, the official sheet and the flowchart as standalone documents under their own
policy."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from sop_runtime.compiler.library import compile_source
from sop_runtime.compiler.workflow import Workflow
from sop_runtime.service import auth, catalog
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import workflows
from tests.revisions import as_revision
from tests.web.test_pages import PASSWORD, client, rt, signed_in  # noqa: F401  (rt: fixture)

SOP = "taksiran-panjar-skum"


def current(rt: Runtime, sop: str = SOP) -> str:  # noqa: F811  (rt: the fixture's name)
    with rt.engine.connect() as conn:
        version = workflows.current_version(conn, sop)
    assert version is not None
    return version


def revise(rt: Runtime, text: str, by: str) -> Workflow:  # noqa: F811
    """The SOP's current source with its first ``text`` replaced ``by``, stored and made
    current (as ``sop init`` loads a revision)."""
    old = current(rt)
    with rt.engine.begin() as conn:
        source = workflows.workflow_source(conn, old)
        assert source is not None and text in source
        revised = source.replace(text, by, 1)
        known = {s.sop_id for s in workflows.list_sops(conn)}
        wf = compile_source(revised, f"{SOP}.yaml", known_sops=known).workflow
        assert wf is not None and wf.version != old
        workflows.save_workflow(conn, wf.version, SOP, wf.nama, revised, f"{SOP}.yaml")
        workflows.add_approval(conn, workflows.Approval(SOP, wf.version, None, None, None, None))
    return wf


def test_every_staff_member_reads_the_library(rt: Runtime) -> None:  # noqa: F811
    with rt.engine.connect() as conn:
        sops = workflows.list_sops(conn)
        skum = catalog.workflow(rt, conn, current(rt))
    for user in ("rina.ptsp", "fitri.hakim", "bambang.panitera"):
        web, _ = signed_in(rt, user)
        page = web.get("/sop")
        assert page.status_code == 200
        assert page.text.count("<tr data-sop=") == len(sops)
    assert skum.document.identitas.nomor in page.text
    assert current(rt)[:12] in page.text
    assert client(rt).get("/sop", follow_redirects=False).status_code == 303


def test_an_sop_page_shows_its_flowchart_and_versions(rt: Runtime) -> None:  # noqa: F811
    web, _ = signed_in(rt, "rina.ptsp")
    version = current(rt)
    page = web.get(f"/sop/{SOP}")
    assert page.status_code == 200
    assert f'<img class="sop-chart" src="/sop/{SOP}/versi/{version}/bagan.svg"' in page.text
    assert f'href="/sop/{SOP}/versi/{version}/lembar"' in page.text
    assert page.text.count("<tr data-version=") == 1
    # dates and the version as people read them, not as stored
    assert "<dd>5 Januari 2026</dd>" in page.text and "<dd>12 Januari 2026</dd>" in page.text
    assert "2026-01-05" not in page.text and f">{version}<" not in page.text
    assert f'<code class="hash">{version[:12]}</code>' in page.text
    by_prefix = web.get(f"/sop/{SOP}/versi/{version[:10]}")
    assert by_prefix.status_code == 200 and version in by_prefix.text


def test_unknown_sops_and_versions_are_404(rt: Runtime) -> None:  # noqa: F811
    web, _ = signed_in(rt, "rina.ptsp")
    assert web.get("/sop/tidak-ada").status_code == 404
    assert web.get(f"/sop/{SOP}/versi/0000000000").status_code == 404
    assert web.get(f"/sop/{SOP}/versi/zz'%3Cx%3E").status_code == 404
    other = current(rt, "legalisasi-waarmerking")  # a version of another SOP
    assert web.get(f"/sop/{SOP}/versi/{other}").status_code == 404
    assert web.get(f"/sop/{SOP}/versi/{other}/lembar").status_code == 404


def test_the_sheet_and_the_flowchart_are_standalone_documents(rt: Runtime) -> None:  # noqa: F811
    web, _ = signed_in(rt, "rina.ptsp")
    version = current(rt)
    sheet = web.get(f"/sop/{SOP}/versi/{version}/lembar")
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/html")
    policy = sheet.headers["content-security-policy"]
    assert "style-src 'unsafe-inline'" in policy and "default-src 'none'" in policy
    assert "script" not in policy and sheet.headers["x-frame-options"] == "DENY"
    with rt.engine.connect() as conn:
        ident = catalog.workflow(rt, conn, version).document.identitas
    assert ident.nomor in sheet.text and "<style>" in sheet.text and "<script" not in sheet.text
    drawing = web.get(f"/sop/{SOP}/versi/{version}/bagan.svg")
    assert drawing.status_code == 200
    assert drawing.headers["content-type"].startswith("image/svg+xml")
    assert "style-src 'unsafe-inline'" in drawing.headers["content-security-policy"]
    root = ET.fromstring(drawing.content)
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    # the pages themselves keep the strict policy
    assert "'unsafe-inline'" not in web.get("/sop").headers["content-security-policy"]


def test_an_older_version_is_compiled_again_from_its_stored_source(rt: Runtime) -> None:  # noqa: F811
    old = current(rt)
    with rt.engine.connect() as conn:
        nama = catalog.workflow(rt, conn, old).nama
    revise(rt, f"nama: {nama}\n", f"nama: {nama} (revisi 2027)\n")
    web, _ = signed_in(rt, "rina.ptsp")
    page = web.get(f"/sop/{SOP}")
    assert "(revisi 2027)" in page.text and page.text.count("<tr data-version=") == 2
    older = web.get(f"/sop/{SOP}/versi/{old}")
    assert older.status_code == 200 and "versi lama" in older.text
    assert "(revisi 2027)" not in older.text.split("<h1>")[1].split("</h1>")[0]
    sheet = web.get(f"/sop/{SOP}/versi/{old}/lembar")
    assert sheet.status_code == 200 and "(revisi 2027)" not in sheet.text


def test_two_versions_compared_with_both_flowcharts_marked(rt: Runtime) -> None:  # noqa: F811
    old = current(rt)
    wf = revise(rt, "waktu: ± 10 menit\n", "waktu: ± 15 menit\n")
    web, _ = signed_in(rt, "bambang.panitera")
    page = web.get(f"/sop/{SOP}")
    assert f'action="/sop/{SOP}/beda"' in page.text and 'name="lama"' in page.text
    found = web.get(f"/sop/{SOP}/beda")   # default: the one before the current, the current
    assert found.status_code == 200
    text = found.text
    assert f"{old[:12]}" in text and f"{wf.version[:12]}" in text
    assert '<tr class="changed" data-step-new="2">' in text
    assert "± 10 menit</td><td>± 15 menit" in text and "[berubah] Waktu" in text
    # both drawings inline, step 2 marked in each, by class and by a text marker
    assert text.count('<g class="step changed" data-step="2">') == 2
    assert "Langkah 2 [berubah]" in text
    shown = re.sub(r"<[^>]+>", " ", text)   # what a reader sees: only the short versions
    assert old not in shown and wf.version not in shown
    same = web.get(f"/sop/{SOP}/beda", params={"lama": old[:10], "baru": old[:10]})
    assert "Kedua versi sama isinya." in same.text
    en = web.get(f"/sop/{SOP}/beda", params={"lama": wf.version[:12], "baru": old[:12]},
                 headers={"Accept-Language": "en"})
    assert en.status_code == 200
    assert web.get(f"/sop/{SOP}/beda", params={"lama": "00000000"}).status_code == 404
    assert web.get("/sop/tidak-ada/beda").status_code == 404


def test_the_ketua_approves_a_draft_on_its_page(rt: Runtime) -> None:  # noqa: F811
    old = current(rt)
    with rt.engine.begin() as conn:
        source = workflows.workflow_source(conn, old)
        assert source is not None
        text = as_revision(source.replace("waktu: 10 menit", "waktu: 15 menit", 1))
        known = {s.sop_id for s in workflows.list_sops(conn)}
        draft = compile_source(text, f"{SOP}.yaml", known_sops=known).workflow
        assert draft is not None and draft.version != old
        workflows.save_workflow(conn, draft.version, SOP, draft.nama, text, f"{SOP}.yaml")
    clerk, csrf = signed_in(rt, "rina.ptsp")
    seen = clerk.get(f"/sop/{SOP}/versi/{draft.version}").text
    assert "menunggu pengesahan" in seen and "Sahkan revisi" not in seen
    refused = clerk.post(f"/sop/{SOP}/versi/{draft.version}/sahkan",
                         data={"csrf": csrf, "setuju": "ya"})
    assert refused.status_code == 403 and "wewenang" in refused.text
    auth.set_password(rt, "hendra.kpn", PASSWORD)
    ketua, csrf = signed_in(rt, "hendra.kpn")
    seen = ketua.get(f"/sop/{SOP}/versi/{draft.version}").text
    assert "Sahkan revisi" in seen and "Saya, Hendra Wijaya Saputra, mengesahkan" in seen
    unticked = ketua.post(f"/sop/{SOP}/versi/{draft.version}/sahkan", data={"csrf": csrf})
    assert unticked.status_code == 422
    done = ketua.post(f"/sop/{SOP}/versi/{draft.version}/sahkan",
                      data={"csrf": csrf, "setuju": "ya"})
    assert done.status_code == 200 and "disahkan; perkara baru memakainya" in done.text
    assert "<dd>Hendra Wijaya Saputra, " in done.text
    assert current(rt) == draft.version
    assert "versi lama" in ketua.get(f"/sop/{SOP}/versi/{old}").text


def test_the_api_lists_versions_and_takes_the_ketuas_approval(rt: Runtime) -> None:  # noqa: F811
    old = current(rt)
    with rt.engine.begin() as conn:
        source = workflows.workflow_source(conn, old)
        assert source is not None
        text = as_revision(source.replace("waktu: 10 menit", "waktu: 20 menit", 1), nomor=1,
                           efektif="2027-01-04")
        draft = compile_source(text, f"{SOP}.yaml",
                               known_sops={s.sop_id for s in workflows.list_sops(conn)}).workflow
        assert draft is not None
        workflows.save_workflow(conn, draft.version, SOP, draft.nama, text, f"{SOP}.yaml")
    api = client(rt)
    listed = api.get(f"/api/sops/{SOP}/versions",
                     headers={"Authorization": f"Bearer {auth.issue_token(rt, 'rina.ptsp', 'x')}"})
    assert [v["status"] for v in listed.json()] == ["draf", "berlaku"]
    ketua = {"Authorization": f"Bearer {auth.issue_token(rt, 'hendra.kpn', 'x')}"}
    done = api.post(f"/api/sops/{SOP}/versions/{draft.version[:10]}/approve", headers=ketua)
    assert done.status_code == 200, done.text
    body = done.json()
    assert (body["status"], body["in_force_from"]) == ("akan_berlaku", "2027-01-04")
    assert body["approved_by"] == "Hendra Wijaya Saputra"
    again = api.post(f"/api/sops/{SOP}/versions/{draft.version[:10]}/approve", headers=ketua)
    assert again.status_code == 422 and "sudah disahkan" in again.json()["detail"]
