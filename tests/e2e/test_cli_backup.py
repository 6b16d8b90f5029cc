"""``sop backup`` and ``sop restore`` as a court's IT officer runs them: the restore drill of
docs/operations.md, the refusals (exit 1: the log does not verify, a witness's head says
otherwise) and bad input (exit 2, a clear line, never a traceback)."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from tests.conftest import DEFINITIONS
from tests.e2e.court import Court, new_court
from tests.storefixtures import fresh_postgres_database, require_postgres_tools

SUPERVISOR = ("--as", "bambang.panitera")
MACHINE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}|\+00:00|UTC")


def _signed(court: Court, tmp_path: Path) -> dict[str, str]:
    """The court's signing key made, and the environment that names it."""
    key = tmp_path / "kunci.pem"
    court.ok("seal", "key", key)
    return {**court.env, "SOP_SIGNING_KEY": str(key)}


def _run(court: Court, env: dict[str, str], *args: str | Path, code: int = 0) -> str:
    from tests.e2e.cli import sop

    r = sop(*args, cwd=court.root, env=env)
    assert "Traceback" not in r.stdout + r.stderr
    assert r.returncode == code, f"{args}: {r.returncode}\n{r.stdout}\n{r.stderr}"
    return r.stdout + r.stderr


def test_the_restore_drill(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    signed = _signed(court, tmp_path)
    court.start("legalisasi-waarmerking", "rina.ptsp")
    _run(court, signed, "seal", "create", *SUPERVISOR)
    (tmp_path / "kepala.json").write_text(_run(court, signed, "seal", "export"))
    court.start("legalisasi-waarmerking", "rina.ptsp")

    said = court.ok("backup", tmp_path / "cadangan.db").stdout
    assert "✓ Cadangan dibuat:" in said and str(tmp_path / "cadangan.db") in said
    assert "4 peristiwa dalam 2 perkara" in said and "segel terbaru: #1" in said
    assert "pukul" in said and "WIT" in said and "ditandatangani kunci" in said
    assert "2 entri sesudah segel #1 belum disegel" in said
    assert f"salin folder {tmp_path / 'dokumen'} bersamanya" in said
    assert not MACHINE_TIME.search(said), said
    told = court.json("backup", tmp_path / "lagi.db")
    assert (told["events"], told["cases"], told["unsealed"]) == (4, 2, 2)
    assert told["newest_seal"]["seal_id"] == 1 and told["newest_seal"]["signed"]
    assert told["bytes"] == (tmp_path / "lagi.db").stat().st_size

    scratch = Court(tmp_path, f"sqlite:///{tmp_path / 'latihan.db'}")
    drill = {**signed, **scratch.env}
    said = _run(scratch, drill, "restore", tmp_path / "cadangan.db", "--kepala",
                tmp_path / "kepala.json")
    assert "✓ Dipulihkan ke" in said and "tanda tangan 1 segel sah" in said
    assert "sesuai kepala saksi: segel #1" in said and not MACHINE_TIME.search(said), said
    assert "✓ Log utuh: 4 peristiwa dalam 2 perkara" in _run(scratch, drill, "verify",
                                                             "--full")
    assert "tanda tangan 1 segel sah" in _run(scratch, drill, "seal", "check")
    english = _run(scratch, drill, "--lang", "en", "restore", tmp_path / "cadangan.db",
                   "--ganti")
    assert "Restored into" in english and "the database it replaced is kept as" in english


def test_a_backup_older_than_the_witness_head_or_of_another_log(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    signed = _signed(court, tmp_path)
    court.start("legalisasi-waarmerking", "rina.ptsp")
    _run(court, signed, "seal", "create", *SUPERVISOR)
    court.ok("backup", tmp_path / "cadangan.db")
    fork = tmp_path / "lain"  # the same court's log going another way, same key
    fork.mkdir()
    shutil.copy(tmp_path / "sop.db", fork / "sop.db")
    other = {**signed, "SOP_DATABASE_URL": f"sqlite:///{fork / 'sop.db'}"}
    court.start("legalisasi-waarmerking", "rina.ptsp")
    _run(court, signed, "seal", "create", *SUPERVISOR)
    (tmp_path / "kepala.json").write_text(_run(court, signed, "seal", "export"))

    scratch = {**signed, "SOP_DATABASE_URL": f"sqlite:///{tmp_path / 'latihan.db'}"}
    older = _run(court, scratch, "restore", tmp_path / "cadangan.db", "--kepala",
                 tmp_path / "kepala.json", code=1)
    assert "lebih lama dari yang dilihat saksi" in older
    assert "Sedikitnya 2 entri tersegel yang dilihat saksi tidak ada" in older
    assert not (tmp_path / "latihan.db").exists()
    accepted = _run(court, scratch, "restore", tmp_path / "cadangan.db", "--kepala",
                    tmp_path / "kepala.json", "--terima-kehilangan")
    assert "lebih lama dari kepala saksi" in accepted

    cases = [json.loads(_run(court, other, "start", "pendaftaran-gugatan-ptsp", *(
        "--as", "rina.ptsp"), "--json"))["case_id"] for _ in range(2)]
    assert len(set(cases)) == 2
    _run(court, other, "seal", "create", *SUPERVISOR)
    _run(court, other, "backup", tmp_path / "lain.db")
    refused = _run(court, {**scratch, "SOP_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"},
                   "restore", tmp_path / "lain.db", "--kepala", tmp_path / "kepala.json",
                   code=1)
    assert "BUKAN log yang dilihat saksi" in refused and not (tmp_path / "x.db").exists()


def test_a_tampered_live_log_refuses_the_backup(tmp_path: Path) -> None:
    import sqlite3

    court = new_court(tmp_path)
    case = court.start("legalisasi-waarmerking", "rina.ptsp")
    with sqlite3.connect(tmp_path / "sop.db") as db:
        db.execute("UPDATE events SET actor = 'siti.kasir' WHERE case_id = ? AND seq = 1",
                   (case,))
    said = court.fails(1, "backup", tmp_path / "cadangan.db").stderr
    assert "Cadangan tidak dibuat" in said and f"rantai hash perkara {case} urutan 1" in said
    assert "sop verify" in said
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        p for p in ("sop.db", "sop.db-wal", "sop.db-shm", "dokumen")
        if (tmp_path / p).exists())


def test_bad_input_is_exit_2_with_a_clear_line(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    court.start("legalisasi-waarmerking", "rina.ptsp")
    court.ok("backup", tmp_path / "cadangan.db")
    (tmp_path / "catatan.txt").write_text("bukan basis data")
    head = tmp_path / "kepala.json"
    head.write_text('{"format": "lain"}')
    scratch = Court(tmp_path, f"sqlite:///{tmp_path / 'latihan.db'}")
    for court_, args, says in [
        (court, ("backup", tmp_path / "cadangan.db"), "sudah ada: cadangan tidak menimpanya"),
        (court, ("backup", tmp_path / "tidak" / "ada.db"), "tidak ada"),
        (court, ("backup", tmp_path), "adalah folder"),
        (court, ("backup", tmp_path / "sop.db", "--timpa"), "sedang dicadangkan"),
        (scratch, ("restore", tmp_path / "hilang.db"), "tidak ada"),
        (scratch, ("restore", tmp_path / "catatan.txt"), "bukan basis data SQLite maupun "
                                                        "arsip pg_dump"),
        (scratch, ("restore", tmp_path), "bukan berkas biasa"),
        (scratch, ("restore", tmp_path / "cadangan.db", "--kepala", head),
         "bukan kepala segel yang diekspor"),
        (scratch, ("restore", tmp_path / "cadangan.db", "--kepala", tmp_path),
         "bukan berkas biasa"),
        (scratch, ("restore", tmp_path / "cadangan.db", "--public-key", "YWJj"),
         "--public-key: kunci publik Ed25519"),
        (court, ("restore", tmp_path / "cadangan.db"), "sudah memuat perkara: pakai --ganti"),
        (scratch, ("restore", tmp_path / "cadangan.db", "--kepala", tmp_path / "x.json"),
         "tidak dapat dibaca"),
    ]:
        said = court_.fails(2, *args).stderr
        assert says in said, (args, said)
        assert said.count("\n") == 1, said  # one line
    assert not (tmp_path / "latihan.db").exists()
    exported = {"format": "sop-runtime/signed-tree-head/v1", "seal_id": 1, "court": "x",
                "size": 1, "root": "0" * 64, "sealed_at": "2026-12-01T01:00:00.000000Z",
                "key_id": "0" * 16, "signature": "AA=="}
    head.write_text(json.dumps(exported))
    said = scratch.fails(2, "restore", tmp_path / "cadangan.db", "--kepala", head).stderr
    assert "--public-key, atau SOP_SIGNING_KEY" in said


@pytest.mark.postgres
def test_postgres_backup_and_restore_with_pg_dump(tmp_path: Path) -> None:
    require_postgres_tools()
    with fresh_postgres_database() as live, fresh_postgres_database() as scratch:
        court = Court(tmp_path, live)
        court.ok("init", "--definitions", DEFINITIONS)
        signed = _signed(court, tmp_path)
        court.start("legalisasi-waarmerking", "rina.ptsp")
        _run(court, signed, "seal", "create", *SUPERVISOR)
        (tmp_path / "kepala.json").write_text(_run(court, signed, "seal", "export"))
        missing = _run(court, {**court.env, "PATH": str(tmp_path)}, "backup",
                       tmp_path / "cadangan.dump", code=1)
        assert "pg_dump tidak ditemukan di PATH" in missing and "docs/operations.md" in missing
        assert not (tmp_path / "cadangan.dump").exists()
        said = court.ok("backup", tmp_path / "cadangan.dump").stdout
        assert "Cadangan dibuat" in said and "daftar isi arsip pg_dump terbaca utuh" in said
        assert (tmp_path / "cadangan.dump").read_bytes()[:5] == b"PGDMP"
        drill = {**signed, "SOP_DATABASE_URL": scratch}
        said = _run(court, drill, "restore", tmp_path / "cadangan.dump", "--kepala",
                    tmp_path / "kepala.json")
        assert "sesuai kepala saksi: segel #1" in said
        assert "✓ Log utuh: 2 peristiwa dalam 1 perkara" in _run(court, drill, "verify",
                                                                 "--full")
        into_sqlite = _run(court, {**signed, "SOP_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"},
                           "restore", tmp_path / "cadangan.dump", code=2)
        assert "cadangan PostgreSQL, sedangkan SOP_DATABASE_URL menunjuk SQLite" in into_sqlite
