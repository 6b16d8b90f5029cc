"""Naming and finding cases through the command line, as a clerk drives it, on SQLite and
PostgreSQL: parties given at the start and corrected, a register number recorded, the search
by each of them, and bad input refused with where and why."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.e2e.court import Court

MakeCourt = Callable[..., Court]


def test_a_clerk_names_a_case_and_finds_it(make_court: MakeCourt) -> None:
    court = make_court()
    case = court.start("pendaftaran-gugatan-ptsp", "rina.ptsp",
                       "--pihak", "Penggugat: Budi Santoso; nik=8205011507800001",
                       "--pihak", "Tergugat: PT Sula Bahari Mandiri; alamat=Jl. Pelabuhan 3")
    court.ok("nomor-perkara", case, "14/Pdt.G/2026/PN Snn", "--as", "rina.ptsp")
    found = court.json("cases", "--cari", "14/Pdt.G/2026/PN Snn")
    assert [(c["case_id"], c["applicant"]) for c in found["cases"]] == [(case, "Budi Santoso")]
    assert court.json("cases", "--nama", "sula")["cases"][0]["case_id"] == case
    shown = court.ok("case", case).stdout
    assert "14/Pdt.G/2026/PN Snn" in shown and "Penggugat: Budi Santoso" in shown
    assert "Nomor layanan" in shown
    tasks = court.ok("tasks", "--as", "rina.ptsp").stdout
    assert "14/Pdt.G/2026/PN Snn" in tasks and "Budi Santoso" in tasks

    refused = court.fails(2, "pihak", case, "--as", "rina.ptsp",
                          "--pihak", "Penggugat: Budi Santosa", "--pihak", "Tergugat: PT Sula")
    assert "wajib disertai alasan" in refused.stderr
    court.ok("pihak", case, "--as", "rina.ptsp", "--reason", "salah ketik",
             "--pihak", "Penggugat: Budi Santosa", "--pihak", "Tergugat: PT Sula")
    assert court.json("case", case)["parties"][0]["nama"] == "Budi Santosa"
    assert court.json("cases", "--cari", "santoso")["cases"] == []


def test_bad_parties_and_numbers_are_refused_and_nothing_recorded(make_court: MakeCourt,
                                                                 tmp_path: Path) -> None:
    court = make_court()
    nik = court.fails(2, "start", "pendaftaran-gugatan-ptsp", "--as", "rina.ptsp",
                      "--pihak", "Penggugat: Budi; nik=123", "--pihak", "Tergugat: PT X")
    assert "Penggugat ke-1: NIK harus 16 angka, bukan '123'" in nik.stderr
    shape = court.fails(2, "start", "salinan-putusan", "--as", "rina.ptsp",
                        "--pihak", "Siti Aminah")
    assert "harus berbentuk 'SEBUTAN: NAMA" in shape.stderr
    assert court.json("cases")["cases"] == []
    case = court.start("salinan-putusan", "rina.ptsp", "--pihak", "Pemohon: Siti Aminah")
    number = court.fails(2, "nomor-perkara", case, "14/Pdt.G", "--as", "rina.ptsp")
    assert "bukan nomor perkara seperti yang ditulis SIPP" in number.stderr
    wrong = court.fails(4, "nomor-perkara", case, "3/Pdt.G/2026/PN Snn", "--as",
                        "siti.kasir")
    assert "dicatat" in wrong.stderr
    assert court.json("case", case)["register_number"] is None
