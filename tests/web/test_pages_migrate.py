"""Moving one case to another version from its supervisor page: asked to confirm first (where
each open step goes, its new due time), recorded only when confirmed; the API does the same
in one call. A clerk is turned away at the gate."""

from __future__ import annotations

from sop_runtime.service import views
from sop_runtime.service.confidential import operator
from sop_runtime.service.runtime import Runtime
from tests.web.revision import store_revision
from tests.web.test_pages import client, rt, signed_in  # noqa: F401  (rt: fixture)

SOP = "legalisasi-waarmerking"
CASE = "SNN-2026-00003"  # the demo's legalisation, at step 7


def _version(rt: Runtime) -> str:  # noqa: F811  (rt: the fixture's name)
    return views.case(rt, CASE, reader=operator()).state.version


def test_a_supervisor_confirms_then_moves_one_case(rt: Runtime) -> None:  # noqa: F811
    old = _version(rt)
    new = store_revision(rt, SOP)
    web, token = signed_in(rt, "bambang.panitera")
    assert "pindahkan ke versi SOP lain" in web.get(f"/perkara/{CASE}").text
    page = web.get(f"/pengawasan/perkara/{CASE}").text
    assert 'id="pindah-versi"' in page and new[:12] in page and new not in page
    form = {"csrf": token, "ke": new[:12], "alasan": "SOP direvisi", "peta": "",
            "kembali": f"/pengawasan/perkara/{CASE}"}
    asked = web.post(f"/perkara/{CASE}/pindah-versi", data=form)
    assert asked.status_code == 200 and "Ya, pindahkan" in asked.text
    assert "langkah 7 (Membayar PNBP legalisasi) menjadi langkah 7" in asked.text
    assert _version(rt) == old  # asking recorded nothing
    done = web.post(f"/perkara/{CASE}/pindah-versi", data={
        **form, "ke": new, "konfirmasi": "ya"})
    assert done.status_code == 200 and f"dipindahkan ke versi {new[:12]}" in done.text
    assert _version(rt) == new


def test_a_bad_step_map_and_a_clerk(rt: Runtime) -> None:  # noqa: F811
    new = store_revision(rt, SOP)
    web, token = signed_in(rt, "bambang.panitera")
    bad = web.post(f"/perkara/{CASE}/pindah-versi", data={
        "csrf": token, "ke": new[:12], "alasan": "x", "peta": "7"})
    assert bad.status_code == 422 and "LAMA=BARU" in bad.text
    clerk, token = signed_in(rt, "rina.ptsp")
    assert clerk.post(f"/perkara/{CASE}/pindah-versi", data={
        "csrf": token, "ke": new[:12], "alasan": "x"}).status_code == 403
    assert clerk.get("/pengawasan/pindah-versi").status_code == 403


def test_the_api_moves_a_case(rt: Runtime) -> None:  # noqa: F811
    from sop_runtime.service import auth

    new = store_revision(rt, SOP)
    api = client(rt)
    token = auth.issue_token(rt, "bambang.panitera", "uji")
    answer = api.post(f"/api/cases/{CASE}/migrate", headers={"Authorization": f"Bearer {token}"},
                      json={"to_version": new[:12], "reason": "SOP direvisi"})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["version"] == new and body["events"] == ["case_migrated"]
    again = api.post(f"/api/cases/{CASE}/migrate", headers={"Authorization": f"Bearer {token}"},
                     json={"to_version": new[:12], "reason": "SOP direvisi"})
    assert again.status_code == 422 and "sudah berjalan pada versi" in again.json()["detail"]
