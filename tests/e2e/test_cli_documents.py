"""``sop complete --berkas ITEM=PATH`` attaches a scanned document to a step; ``sop verify``
fails, naming the case and the step, once the kept file is altered or deleted."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.court import GUGATAN_1, MakeCourt

PDF = b"%PDF-1.5\n% surat gugatan, scanned\n" + b"0123456789" * 300 + b"\n%%EOF\n"
KTP = "fotokopi_ktp_penggugat"


def test_a_file_attached_at_a_step_is_kept_recorded_and_verified(
        make_court: MakeCourt, tmp_path: Path) -> None:
    court = make_court()
    scan = tmp_path / "ktp-penggugat.pdf"
    scan.write_bytes(PDF)
    case_id = court.start("pendaftaran-gugatan-ptsp", "rina.ptsp")
    values = [f"--output={k}={v}" for k, v in GUGATAN_1.items() if k != KTP]
    done = court.ok("complete", case_id, "1", "--as", "rina.ptsp", *values,
                    "--berkas", f"{KTP}={scan}")
    assert "Langkah 1" in done.stdout
    kept = [p for p in (court.root / "dokumen").rglob("*") if p.is_file()]
    assert len(kept) == 1 and kept[0].read_bytes() == PDF
    log = court.json("log", case_id)
    recorded = next(e for e in log if e["type"] == "step_completed")["payload"]["documents"]
    assert recorded[KTP]["nama"] == "ktp-penggugat.pdf"
    assert recorded[KTP]["jenis"] == "application/pdf" and recorded[KTP]["ukuran"] == len(PDF)
    shown = court.ok("case", case_id).stdout
    assert "berkas: ktp-penggugat.pdf (PDF, 3 KB, SHA-256" in shown
    ok = court.ok("verify")
    assert "1 dokumen tercatat ada dan utuh" in ok.stdout

    kept[0].write_bytes(PDF.replace(b"scanned", b"SCANNED"))
    altered = court.fails(1, "verify")
    assert "Dokumen tercatat hilang atau diubah" in altered.stderr
    assert case_id in altered.stderr and "langkah 1 (Menerima berkas gugatan" in altered.stderr
    assert "telah diubah" in altered.stderr and "Fotokopi KTP penggugat" in altered.stderr
    # the exports carry the document's hash, never its bytes
    sha = recorded[KTP]["sha256"]
    for fmt in ("csv", "jsonl", "xes"):
        exported = court.ok("export", "--format", fmt, "--case", case_id).stdout
        assert sha in exported and "%PDF" not in exported and "surat gugatan, scanned" \
            not in exported, fmt

    kept[0].unlink()
    missing = court.fails(1, "verify")
    assert case_id in missing.stderr and "langkah 1 (Menerima" in missing.stderr
    assert "tidak ada, padahal log mencatatnya" in missing.stderr


def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_recorded(
        make_court: MakeCourt, tmp_path: Path) -> None:
    court = make_court()
    fake = tmp_path / "surat-gugatan.pdf"
    fake.write_bytes(b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 200)  # an executable
    case_id = court.start("pendaftaran-gugatan-ptsp", "rina.ptsp")
    before = len(court.json("log", case_id))
    refused = court.fails(1, "complete", case_id, "1", "--as", "rina.ptsp",
                          *[f"--output={k}={v}" for k, v in GUGATAN_1.items()],
                          "--berkas", f"surat_gugatan_asli={fake}")
    assert "surat-gugatan.pdf" in refused.stderr and "bukan PDF, JPEG atau PNG" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert len(court.json("log", case_id)) == before
    assert not (court.root / "dokumen").exists() or not any(
        p.is_file() for p in (court.root / "dokumen").rglob("*"))
    gone = court.fails(2, "complete", case_id, "1", "--as", "rina.ptsp",
                       "--berkas", f"{KTP}={tmp_path / 'tidak-ada.pdf'}")
    assert "tidak-ada.pdf" in gone.stderr and "tidak dapat dibaca" in gone.stderr
