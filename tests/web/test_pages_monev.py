"""The monev page: for auditors and supervisors only, the figures per step on the page, the
report and the forms as documents (HTML to print, PDF), bad input answered 4xx; the API's
JSON."""

from __future__ import annotations

from sop_runtime.service import auth
from sop_runtime.service.runtime import Runtime
from tests.web.test_pages import client, rt, signed_in  # noqa: F401  (rt: fixture)

SOP = "pendaftaran-gugatan-ptsp"
ASKED = f"sop={SOP}&dari=2026-11-16&sampai=2026-11-29"


def test_an_auditor_reads_the_monev_and_downloads_its_documents(
        rt: Runtime) -> None:  # noqa: F811
    clerk, _ = signed_in(rt, "rina.ptsp")
    assert clerk.get(f"/monev?{ASKED}").status_code == 403
    assert clerk.get(f"/monev/monitoring?{ASKED}").status_code == 403
    examiner, _ = signed_in(rt, "fitri.hakim")
    assert 'href="/monev"' in examiner.get("/audit").text
    page = examiner.get(f"/monev?{ASKED}")
    assert page.status_code == 200
    assert 'data-node="1" data-done="1"' in page.text and "tidak berjalan dengan baik" in page.text
    assert 'data-service="0/1"' in page.text and "Hambatan utama" in page.text
    form = examiner.get(f"/monev/monitoring?{ASKED}")
    assert form.status_code == 200 and "Formulir Monitoring Pelaksanaan SOP" in form.text
    assert "Tindakan yang harus diambil" in form.text and "Tabel 7" in form.text
    pdf = examiner.get(f"/monev/evaluasi?{ASKED}&format=pdf")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
    assert pdf.headers["content-type"] == "application/pdf"
    report = examiner.get(f"/monev/laporan?{ASKED}")
    assert "Laporan Monitoring dan Evaluasi Pelaksanaan SOP" in report.text
    assert examiner.get(f"/monev/lain?{ASKED}").status_code in (404, 405)
    assert examiner.get(f"/monev?sop={SOP}&dari=2026-11-29&sampai=2026-11-01").status_code \
        == 422
    assert examiner.get("/monev?sop=tidak-ada&dari=2026-11-01&sampai=2026-11-29") \
        .status_code == 404


def test_the_api_gives_the_figures(rt: Runtime) -> None:  # noqa: F811
    token = auth.issue_token(rt, "fitri.hakim", "monev")
    web = client(rt)
    got = web.get(f"/api/reports/monev/{SOP}?from=2026-11-16&to=2026-11-29",
                  headers={"Authorization": f"Bearer {token}"})
    assert got.status_code == 200, got.text
    (version,) = got.json()["versions"]
    assert version["bottleneck"] == "6" and version["service"]["missed"] == 1
    clerk = auth.issue_token(rt, "rina.ptsp", "monev")
    assert web.get(f"/api/reports/monev/{SOP}?from=2026-11-16&to=2026-11-29",
                   headers={"Authorization": f"Bearer {clerk}"}).status_code == 403
