"""``sop saksi`` against a court's running app, as a supervising court's officer would use
it: follow the court with its public key, check its heads as it seals, and after an insider
rewrites a sealed entry and re-signs every seal, be told the first divergent entry; a court
that does not answer is said so. Needs no database of its own."""

from __future__ import annotations

import json
from pathlib import Path

from sop_runtime.audit.signing import load_key, public_text
from tests.e2e.cli import sop
from tests.e2e.web.conftest import court_runtime, serve
from tests.integration.service.test_witness import rewrite_and_reseal


def test_a_witness_follows_a_court_and_names_a_rewritten_entry(demo_copy: Path,
                                                               tmp_path: Path) -> None:
    key_path = tmp_path / "kunci.pem"
    assert sop("seal", "key", key_path, cwd=tmp_path).returncode == 0
    key = load_key(key_path)
    at_court = {"SOP_DATABASE_URL": f"sqlite:///{demo_copy}", "SOP_SIGNING_KEY": str(key_path)}
    witness = {"SOP_WITNESS_DIR": str(tmp_path / "saksi"), "SOP_DATABASE_URL": ""}
    sealed = sop("seal", "create", "--as", "bambang.panitera", "--json", cwd=tmp_path,
                 env=at_court)
    assert sealed.returncode == 0, sealed.stderr
    first = json.loads(sealed.stdout)
    with serve(court_runtime(demo_copy)) as court:
        followed = sop("saksi", "ikuti", "pn-sanana", court.url, "--public-key",
                       public_text(key.public), "--zona", "Asia/Jayapura", cwd=tmp_path,
                       env=witness)
        assert followed.returncode == 0, followed.stderr
        checked = sop("saksi", "periksa", cwd=tmp_path, env=witness)
        assert checked.returncode == 0, checked.stderr
        assert f"segel #{first['seal_id']} ({first['size']} entri" in checked.stdout
        assert "memperluas yang dipegang" in checked.stdout and "WIT" in checked.stdout
        assert "T0" not in checked.stdout and "UTC" not in checked.stdout
        listed = sop("saksi", "daftar", cwd=tmp_path, env=witness)
        assert "pn-sanana" in listed.stdout and key.id in listed.stdout
        position = first["size"] - 5
        rewrite_and_reseal(demo_copy, position, key)
        checked = sop("saksi", "periksa", "pn-sanana", cwd=tmp_path, env=witness)
        assert checked.returncode == 1
        assert f"posisi {position} (entri ke-{position + 1})" in checked.stderr
        assert f"segel #{first['seal_id']}" in checked.stderr
        told = json.loads(sop("saksi", "periksa", "--json", cwd=tmp_path, env=witness,
                              lang="en").stdout)
        assert told[0]["divergence"]["position"] == position and not told[0]["ok"]
        # the court's auditor looks up the entry the witness named
        import sqlite3

        with sqlite3.connect(demo_copy) as db:
            case_id, seq = db.execute("SELECT case_id, seq FROM log_leaves WHERE position = ?",
                                      (position,)).fetchone()
        named = sop("seal", "entri", str(position), cwd=tmp_path, env=at_court)
        assert named.returncode == 0 and f"Posisi {position}:" in named.stdout
        assert f"{case_id}, " in named.stdout and f"#{seq}" in named.stdout
        missing = sop("seal", "entri", "99999", cwd=tmp_path, env=at_court)
        assert missing.returncode == 2 and "Tidak ada entri pada posisi 99999" in missing.stderr
        url = court.url
    gone = sop("saksi", "periksa", cwd=tmp_path, env=witness)
    assert gone.returncode == 1 and "tidak dapat dihubungi" in gone.stderr
    assert url in gone.stderr and "Traceback" not in gone.stderr


def test_nothing_followed_or_a_bad_key_is_said_plainly(tmp_path: Path) -> None:
    witness = {"SOP_WITNESS_DIR": str(tmp_path / "saksi")}
    none = sop("saksi", "periksa", cwd=tmp_path, env=witness)
    assert none.returncode == 2 and "sop saksi ikuti" in none.stderr
    bad = sop("saksi", "ikuti", "pn-sanana", "https://pn-sanana.go.id", "--public-key",
              "bukan-kunci", cwd=tmp_path, env=witness)
    assert bad.returncode == 2 and "--public-key" in bad.stderr and "base64" in bad.stderr
    unknown = sop("saksi", "periksa", "pn-ternate", cwd=tmp_path, env=witness)
    assert unknown.returncode == 2 and "tidak diikuti" in unknown.stderr
    assert "Belum ada pengadilan" in sop("saksi", "daftar", cwd=tmp_path, env=witness).stdout
