"""``sop skm`` on the demo court, as a clerk at the desk uses it: a paper questionnaire of a
completed request typed in once (a second refused), bad input named, and the IKM of the
period as a table, as JSON, and with the suggestions for staff."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from sop_runtime.engine import CaseStatus
from sop_runtime.store.db import make_engine
from sop_runtime.store.schema import cases
from tests.e2e.court import Court


def demo_cases(url: str) -> dict[str, list[str]]:
    """The demo day's case ids by status."""
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            found: dict[str, list[str]] = {}
            for case_id, status in conn.execute(select(cases.c.case_id, cases.c.status)
                                                .order_by(cases.c.case_id)):
                found.setdefault(status, []).append(case_id)
            return found
    finally:
        engine.dispose()


def test_a_clerk_types_in_paper_forms_and_reads_the_ikm(demo_copy: Path,
                                                         tmp_path: Path) -> None:
    court = Court(tmp_path, f"sqlite:///{demo_copy}")
    by_status = demo_cases(court.url)
    done, other = by_status[CaseStatus.COMPLETED][:2]
    running = by_status[CaseStatus.ACTIVE][0]
    said = court.ok("skm", "isi", done, "--nilai", "4,3,3,2,3,3,4,3,3", "--as", "rina.ptsp",
                    "--saran", "Ruang tunggu perlu kipas", "--jenis-kelamin", "p",
                    "--pekerjaan", "wirausaha").stdout
    assert f"Survei permohonan {done} dicatat" in said
    again = court.fails(1, "skm", "isi", done, "--nilai", "1,1,1,1,1,1,1,1,1", "--as",
                        "rina.ptsp")
    assert "sudah diisi" in again.stdout + again.stderr
    early = court.fails(1, "skm", "isi", running, "--nilai", "4,4,4,4,4,4,4,4,4", "--as",
                        "rina.ptsp")
    assert "belum selesai" in early.stdout + early.stderr
    short = court.fails(2, "skm", "isi", other, "--nilai", "4,4,4", "--as", "rina.ptsp")
    assert "--nilai: 3 nilai; survei ini punya 9 unsur" in short.stdout + short.stderr
    wrong = court.fails(2, "skm", "isi", other, "--nilai", "4,4,5,4,4,4,4,4,4", "--as",
                        "rina.ptsp")
    assert "unsur 3 bernilai '5'" in wrong.stdout + wrong.stderr
    court.ok("skm", "isi", other, "--nilai", "3,3,2,2,3,4,4,3,2", "--as", "rina.ptsp")

    period = ("--dari", "2026-01-01", "--sampai", "2030-12-31")
    table = court.ok("skm", "hasil", *period).stdout
    assert "Seluruh layanan" in table and "75,00" in table and "Kurang Baik" in table
    assert "Ruang tunggu" not in table  # suggestions only when asked
    assert "Ruang tunggu perlu kipas" in court.ok("skm", "hasil", *period, "--saran").stdout
    figures = court.json("skm", "hasil", *period)
    assert figures["respondents"] == 2 and figures["overall"]["ikm_unit"] == 75.0
    assert figures["overall"]["mutu"] == "C" and figures["overall"]["ikm"] == 3.0
    assert [u["nrr"] for u in figures["overall"]["unsur"]][:4] == [3.5, 3.0, 2.5, 2.0]
    assert "suggestions" not in figures and done not in str(figures)
    english = court.ok("skm", "hasil", *period, lang="en").stdout
    assert "Every service" in english and "75.00" in english and "Not good" in english
    none = court.ok("skm", "hasil", "--dari", "2020-01-01", "--sampai", "2020-12-31").stdout
    assert "Belum ada responden" in none
    court.fails(2, "skm", "hasil", "--dari", "2026-12-31", "--sampai", "2026-01-01")
    # the period report carries the IKM: on the page, in its JSON, in the terminal
    court.ok("report", "period", "--from", "2026-01-01", "--to", "2030-12-31", "--html",
             tmp_path / "laporan.html")
    page = (tmp_path / "laporan.html").read_text(encoding="utf-8")
    assert "Indeks Kepuasan Masyarakat" in page and "Seluruh layanan" in page
    assert "Kurang Baik" in page and "Ruang tunggu" not in page and done not in page
    report = court.json("report", "period", "--from", "2026-01-01", "--to", "2030-12-31")
    assert report["ikm"]["overall"]["ikm_unit"] == 75.0
    assert "Indeks Kepuasan Masyarakat: 75,00 (C, Kurang Baik) dari 2 responden" in court.ok(
        "report", "period", "--from", "2026-01-01", "--to", "2030-12-31").stdout
    court.fails(2, "skm", "hasil", *period, "--layanan", "tidak-ada")
