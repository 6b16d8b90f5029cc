"""``sop complete`` and values flowing between steps, as a clerk at a terminal meets them:
the value recorded earlier is shown (where, who, when); a different one without a reason is
refused (exit 2, nothing recorded) and accepted with ``--alasan``, flagged as a
contradiction; money is typed as clerks write it and shown ``Rp10.000``."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.court import GUGATAN_1, new_court


def test_a_value_recorded_earlier_is_shown_and_a_different_one_needs_a_reason(
        tmp_path: Path) -> None:
    court = new_court(tmp_path)
    case = court.start("pendaftaran-gugatan-ptsp", "rina.ptsp")
    court.complete(case, "1", "rina.ptsp", **GUGATAN_1)
    ceklist = "ceklist_kelengkapan_yang_ditandatangani"
    args = ["complete", case, "2", "--as", "ahmad.panmudpdt", "--decision", "Lengkap",
            "--output", "berkas_dinyatakan_lengkap_atau_tidak_lengkap=Lengkap",
            "--output", f"{ceklist}=CK-02"]
    refused = court.fails(2, *args)
    said = " ".join((refused.stdout + refused.stderr).split())
    assert "'Ceklist kelengkapan yang ditandatangani' sudah dicatat di langkah 1: 'CK-01'" in said
    assert "hanya bila disertai alasan" in said
    assert ("tercatat sebelumnya: Ceklist kelengkapan yang ditandatangani = CK-01 (langkah 1: "
            "Menerima berkas gugatan") in said
    assert "Rina Marasabessy, Petugas PTSP, " in said and "rina.ptsp" not in said
    assert court.json("case", case)["open_steps"][0]["node"] == "2"  # nothing recorded

    done = court.ok(*args, "--alasan", "ceklist ditandatangani ulang")
    said = " ".join(done.stdout.split())
    assert "≠ tercatat sebelumnya: Ceklist kelengkapan yang ditandatangani = CK-01" in said
    assert "Penyimpangan: isian bertentangan" in said
    assert "tercatat “CK-01” di langkah 1. Menerima berkas" in said, said
    assert "oleh Rina Marasabessy" in said and "rina.ptsp" not in said
    assert "kini diisi “CK-02”" in said and "ceklist ditandatangani ulang" in said
    kinds = [e["kind"] for e in court.json("case", case)["timeline"]
             if e["type"] == "deviation_flagged"]
    assert kinds == ["contradiction"]


def test_money_typed_as_clerks_write_it_is_shown_one_way(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    case = court.start("pendaftaran-gugatan-ptsp", "rina.ptsp")
    court.complete(case, "1", "rina.ptsp", **GUGATAN_1)
    court.complete(case, "2", "ahmad.panmudpdt", "--decision", "Lengkap",
                   berkas_dinyatakan_lengkap_atau_tidak_lengkap="Lengkap")
    bad = court.fails(2, "complete", case, "3", "--as", "siti.kasir",
                      "--output", "taksiran_panjar=empat ratus ribu",
                      "--output", "slip_setoran=Slip 1")
    assert "harus jumlah uang" in bad.stdout + bad.stderr
    court.complete(case, "3", "siti.kasir", taksiran_panjar="Rp 431.000",
                   slip_setoran="Slip 1")
    shown = court.ok("case", case).stdout
    assert "Taksiran panjar biaya perkara: Rp431.000" in " ".join(
        shown.replace("│", " ").split()) and "Rp 431.000" not in shown


def test_a_tick_is_given_as_ada_or_tidak_ada(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    case = court.start("salinan-putusan", "rina.ptsp")
    step_1 = ["complete", case, "1", "--as", "rina.ptsp", "--output",
              "surat_permohonan_salinan_putusan_kepada_ketua_pengadilan_negeri=Surat 1",
              "--output", "surat_permohonan_salinan_putusan_diterima=Diterima"]
    bad = court.fails(2, *step_1, "--output", "fotokopi_ktp=mungkin")
    assert "'Fotokopi KTP' dicentang 'ada' atau 'tidak ada'" in bad.stdout + bad.stderr
    court.ok(*step_1, "--output", "fotokopi_ktp=ya", "--output", "surat_kuasa=tidak ada")
    shown = court.ok("case", case).stdout
    flat = " ".join(shown.replace("│", " ").split())
    assert "Fotokopi KTP: ada" in flat and "Surat kuasa: tidak ada" in flat, flat
