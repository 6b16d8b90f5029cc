"""The applicant's contact on the command line: given with consent at ``sop start``, the
consent sentence read out, withdrawn with ``sop kontak cabut``, expired contacts erased with
``sop kontak hapus-kedaluwarsa``; the address never in ``sop case`` or ``sop log``."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.court import new_court


def test_a_contact_is_taken_with_consent_and_withdrawn(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    sentence = court.ok("kontak", "kalimat").stdout
    assert "Saya setuju Pengadilan Negeri Sanana" in sentence and "30 hari" in sentence
    refused = court.fails(2, "start", "pendaftaran-ecourt", "--as", "rina.ptsp",
                          "--kontak", "email:budi@contoh.id")
    assert "persetujuan" in refused.stderr and "Traceback" not in refused.stderr
    assert "--kontak" in court.fails(2, "start", "pendaftaran-ecourt", "--as", "rina.ptsp",
                                     "--kontak", "budi@contoh.id").stderr
    assert "e-mail" in court.fails(2, "start", "pendaftaran-ecourt", "--as", "rina.ptsp",
                                   "--kontak", "email:budi", "--setuju-diberitahu").stderr
    assert "tidak memberi tahu" in court.fails(
        2, "start", "legalisasi-waarmerking", "--as", "rina.ptsp", "--kontak",
        "email:budi@contoh.id", "--setuju-diberitahu").stderr  # no step tells anyone
    case = court.ok("start", "pendaftaran-ecourt", "--as", "rina.ptsp", "--kontak",
                    "email:budi@contoh.id", "--setuju-diberitahu").stdout.split()[0]
    shown = court.ok("case", case).stdout + court.ok("log", case).stdout
    assert "setuju diberi tahu melalui e-mail" in shown
    assert "budi@contoh.id" not in shown and "contoh.id" not in shown
    withdrawn = court.ok("kontak", "cabut", case, "--as", "nurul.ecourt", "--reason",
                         "pemohon meminta di loket")
    assert "kontaknya dihapus" in withdrawn.stdout
    assert "menarik persetujuan" in court.ok("case", case).stdout
    assert court.json("kontak", "hapus-kedaluwarsa") == {"dihapus": 0}
