"""``/audit/survei``: the survey's IKM and the respondents' suggestions for those who audit,
never for a clerk; the demo day's two paper questionnaires on it."""

from __future__ import annotations

import html

from sop_runtime.service.runtime import Runtime
from tests.web.test_pages import client, rt, signed_in  # noqa: F401  (rt: fixture)

DEMO_DAY = "/audit/survei?dari=2026-11-24&sampai=2026-11-24"


def test_auditors_read_the_ikm_and_the_suggestions(rt: Runtime) -> None:  # noqa: F811
    clerk, _ = signed_in(rt, "rina.ptsp")
    assert clerk.get(DEMO_DAY).status_code == 403
    assert client(rt).get(DEMO_DAY, follow_redirects=False).status_code == 303
    examiner, _ = signed_in(rt, "fitri.hakim")
    page = examiner.get(DEMO_DAY)
    assert page.status_code == 200
    text = html.unescape(page.text)
    assert "81,94" in text and "86,11" in text and "77,78" in text
    assert "Ruang tunggu PTSP panas; mohon ditambah kipas angin" in text
    assert "SNN-2026-00001" not in text  # a suggestion is never tied to its request
    # the profile: the claimant gave his sex and occupation, the kasasi's applicant nothing
    assert "Laki-laki: 1; tidak diisi: 1" in text and "Wirausaha: 1; tidak diisi: 1" in text
    assert "Pendidikan</td><td>tidak diisi: 2" in text
    assert 'href="/audit/survei?dari=' in examiner.get("/audit").text
    empty = examiner.get("/audit/survei?dari=2020-01-01&sampai=2020-01-31")
    assert "Belum ada responden" in empty.text and "Tidak ada saran" in empty.text
    backwards = examiner.get("/audit/survei?dari=2026-11-30&sampai=2026-11-01")
    assert backwards.status_code == 422
