"""``sop skm`` on the demo court, as a clerk at the desk uses it: the demo day's two paper
questionnaires in the IKM (table, JSON, suggestions for staff, the period report), a paper
form of another completed request typed in once (a second refused), bad input named."""

from __future__ import annotations

from pathlib import Path

from sop_runtime.service import cases
from sop_runtime.service.runtime import Runtime
from sop_runtime.store.db import make_engine
from tests.e2e.court import Court
from tests.flows.kit import ROUTES

DEMO_DAY = ("--dari", "2026-11-24", "--sampai", "2026-11-24")
LATER = ("--dari", "2026-11-26", "--sampai", "2030-12-31")
LEGALISATION = "legalisasi-waarmerking"


def completed_legalisation(url: str) -> str:
    rt = Runtime(make_engine(url))
    try:
        case = cases.start_case(rt, LEGALISATION, "rina.ptsp").case_id
        for step in ROUTES[LEGALISATION]:
            cases.complete(rt, case, str(step["langkah"]), step["oleh"],
                           values=step.get("nilai", {}))
        return case
    finally:
        rt.engine.dispose()


def test_the_demo_days_surveys_make_its_ikm(demo_copy: Path, tmp_path: Path) -> None:
    court = Court(tmp_path, f"sqlite:///{demo_copy}")
    # SNN-2026-00001 (4,4,3,3,4,3,4,3,3 = 31: 86,11) and SNN-2026-00007 (3,3,2,3,3,4,4,3,3 =
    # 28: 77,78); pooled 59 / 18 x 25 = 81,94
    table = court.ok("skm", "hasil", *DEMO_DAY).stdout
    assert "Seluruh layanan" in table and "81,94" in table and "86,11" in table
    assert "Baik" in table and "Ruang tunggu" not in table  # suggestions only when asked
    assert "Ruang tunggu PTSP panas" in court.ok("skm", "hasil", *DEMO_DAY, "--saran").stdout
    figures = court.json("skm", "hasil", *DEMO_DAY)
    assert figures["respondents"] == 2 and figures["overall"]["ikm_unit"] == 81.94
    assert figures["overall"]["mutu"] == "B" and figures["overall"]["kinerja"] == "Baik"
    assert [u["nrr"] for u in figures["overall"]["unsur"]][:4] == [3.5, 3.5, 2.5, 3.0]
    assert "suggestions" not in figures and "SNN-2026" not in str(figures)
    kasasi = court.json("skm", "hasil", *DEMO_DAY, "--layanan", "kasasi-perdata")
    assert kasasi["overall"]["ikm_unit"] == 77.78 and len(kasasi["services"]) == 1
    english = court.ok("skm", "hasil", *DEMO_DAY, lang="en").stdout
    assert "Every service" in english and "81.94" in english and "Good" in english
    # the period report carries it: on the page, in its JSON, in the terminal
    period = ("--from", "2026-11-16", "--to", "2026-11-29")
    court.ok("report", "period", *period, "--html", tmp_path / "laporan.html")
    page = (tmp_path / "laporan.html").read_text(encoding="utf-8")
    assert "Indeks Kepuasan Masyarakat" in page and "81,94" in page
    assert "Ruang tunggu" not in page
    assert court.json("report", "period", *period)["ikm"]["overall"]["ikm_unit"] == 81.94
    assert "Indeks Kepuasan Masyarakat: 81,94 (B, Baik) dari 2 responden" in court.ok(
        "report", "period", *period).stdout


def test_a_clerk_types_in_a_paper_form_once(demo_copy: Path, tmp_path: Path) -> None:
    court = Court(tmp_path, f"sqlite:///{demo_copy}")
    again = court.fails(1, "skm", "isi", "SNN-2026-00001", "--nilai", "1,1,1,1,1,1,1,1,1",
                        "--as", "rina.ptsp")
    assert "sudah diisi" in again.stdout + again.stderr
    early = court.fails(1, "skm", "isi", "SNN-2026-00003", "--nilai", "4,4,4,4,4,4,4,4,4",
                        "--as", "rina.ptsp")
    assert "belum selesai" in early.stdout + early.stderr
    case = completed_legalisation(court.url)
    short = court.fails(2, "skm", "isi", case, "--nilai", "4,4,4", "--as", "rina.ptsp")
    assert "--nilai: 3 nilai; survei ini punya 9 unsur" in short.stdout + short.stderr
    wrong = court.fails(2, "skm", "isi", case, "--nilai", "4,4,5,4,4,4,4,4,4", "--as",
                        "rina.ptsp")
    assert "unsur 3 bernilai '5'" in wrong.stdout + wrong.stderr
    nobody = court.fails(2, "skm", "isi", case, "--nilai", "4,4,4,4,4,4,4,4,4", "--as",
                         "siapa.saja")
    assert "Pengguna 'siapa.saja' tidak dikenal" in nobody.stdout + nobody.stderr
    said = court.ok("skm", "isi", case, "--nilai", "3,3,2,2,3,4,4,3,2", "--as", "rina.ptsp",
                    "--pendidikan", "s1").stdout
    assert f"Survei permohonan {case} dicatat" in said
    court.fails(1, "skm", "isi", case, "--nilai", "3,3,2,2,3,4,4,3,2", "--as", "rina.ptsp")
    figures = court.json("skm", "hasil", *LATER)
    assert figures["respondents"] == 1 and figures["overall"]["ikm_unit"] == 72.22
    assert figures["overall"]["mutu"] == "C"
    none = court.ok("skm", "hasil", "--dari", "2020-01-01", "--sampai", "2020-12-31").stdout
    assert "Belum ada responden" in none
    court.fails(2, "skm", "hasil", "--dari", "2026-12-31", "--sampai", "2026-01-01")
    court.fails(2, "skm", "hasil", *LATER, "--layanan", "tidak-ada")
