"""``sop monev`` on the demo court, as an evaluator runs it: the figures as a table and as
JSON, the report and the two forms written, and bad input named."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.court import Court

SOP = "pendaftaran-gugatan-ptsp"
PERIOD = ("--dari", "2026-11-16", "--sampai", "2026-11-29")


def test_an_evaluator_gets_the_figures_the_report_and_the_forms(
        demo_copy: Path, tmp_path: Path) -> None:
    court = Court(tmp_path, f"sqlite:///{demo_copy}")
    shown = court.ok("monev", SOP, *PERIOD).stdout
    assert "Menerima berkas gugatan" in shown and "Hambatan utama: langkah 6" in shown
    assert "Standar pelayanan: 0% (0/1)" in shown
    english = court.ok("monev", SOP, *PERIOD, lang="en").stdout
    # durations in English; the limit stays as the SOP writes it
    assert "Service standard: 0% (0/1)" in english and "│ ± 20 menit │ 1    │ 15 min │" in english
    figures = court.json("monev", SOP, *PERIOD)
    (version,) = figures["versions"]
    first = version["steps"][0]
    assert first["limit"] == {"text": "± 20 menit", "unit": "menit_kerja", "amount": 20.0}
    assert (first["done"], first["work_seconds"]["median"], first["on_time"]) == (1, 900, 1)
    assert version["bottleneck"] == "6" and figures["percentiles"] == "nearest-rank"
    court.ok("monev", SOP, *PERIOD, "--html", tmp_path / "monev.html",
             "--formulir", tmp_path / "formulir.pdf")
    report = (tmp_path / "monev.html").read_text(encoding="utf-8")
    assert "Laporan Monitoring dan Evaluasi" in report and "PENGADILAN NEGERI SANANA" in report
    assert (tmp_path / "formulir.pdf").read_bytes().startswith(b"%PDF")
    assert (tmp_path / "formulir-evaluasi.pdf").read_bytes().startswith(b"%PDF")
    wrong = court.fails(2, "monev", SOP, "--dari", "2026-11-29", "--sampai", "2026-11-01")
    assert "--sampai harus sesudah --dari" in wrong.stdout + wrong.stderr
    unknown = court.fails(2, "monev", "tidak-ada", *PERIOD)
    assert "tidak-ada" in unknown.stdout + unknown.stderr
    court.fails(2, "monev", SOP, *PERIOD, "--versi", "0000")
