"""``sop seal key``: the court makes its signing key and hands the public key to its
witnesses, through the CLI as an operator would."""

from __future__ import annotations

import json
from pathlib import Path

from sop_runtime.audit.signing import TreeHead, load_key, public_from_text, verify
from tests.e2e.cli import sop
from tests.unit.test_signing import HEAD


def test_a_key_is_made_shown_to_the_witnesses_and_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "kunci-segel.pem"
    made = sop("seal", "key", path, cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    assert "Kunci penanda tangan baru" in made.stdout and "SOP_SIGNING_KEY=" in made.stdout
    assert path.stat().st_mode & 0o777 == 0o600
    shown = sop("seal", "key", "--json", cwd=tmp_path, env={"SOP_SIGNING_KEY": str(path)})
    told = json.loads(shown.stdout)
    key = load_key(path)
    assert told["key_id"] == key.id and told["path"] == str(path)
    assert told["public_key"] in made.stdout  # the same key as the one made
    # what the witness keeps is enough to check a head the key signed
    head: TreeHead = HEAD
    assert verify(head, key.sign(head), public_from_text(told["public_key"]))
    again = sop("seal", "key", path, cwd=tmp_path)
    assert again.returncode == 1 and "sudah ada" in again.stderr
    assert load_key(path).id == key.id


def test_without_a_key_configured_it_says_how_to_make_one(tmp_path: Path) -> None:
    r = sop("seal", "key", cwd=tmp_path, env={"SOP_SIGNING_KEY": ""}, lang="en")
    assert r.returncode == 1
    assert "SOP_SIGNING_KEY is not set" in r.stderr and "sop seal key PATH" in r.stderr


def test_seals_made_with_the_key_are_signed_listed_and_checked(demo_copy: Path,
                                                               tmp_path: Path) -> None:
    path = tmp_path / "kunci.pem"
    assert sop("seal", "key", path, cwd=tmp_path).returncode == 0
    key = load_key(path)
    court = {"SOP_DATABASE_URL": f"sqlite:///{demo_copy}"}
    unsigned = sop("seal", "create", "--as", "bambang.panitera", cwd=tmp_path,
                   env={**court, "SOP_SIGNING_KEY": ""})
    assert unsigned.returncode == 0 and "tidak ditandatangani" in unsigned.stdout
    signed = sop("seal", "create", "--as", "bambang.panitera", cwd=tmp_path,
                 env={**court, "SOP_SIGNING_KEY": str(path)})
    assert signed.returncode == 0 and f"ditandatangani kunci pengadilan {key.id}" in signed.stdout
    listed = sop("seal", "list", cwd=tmp_path, env=court)
    assert key.id in listed.stdout and "tidak ditandatangani" in listed.stdout
    checked = sop("seal", "check", cwd=tmp_path, env={**court, "SOP_SIGNING_KEY": str(path)})
    assert checked.returncode == 0, checked.stderr
    assert "2 segel cocok" in checked.stdout and "tanda tangan 1 segel sah" in checked.stdout
    told = json.loads(sop("seal", "check", "--json", cwd=tmp_path,
                          env={**court, "SOP_SIGNING_KEY": str(path)}).stdout)
    assert (told["signatures_held"], told["unsigned"]) == (1, 1)


def test_a_scheduled_seal_is_listed_as_the_systems(demo_copy: Path, tmp_path: Path) -> None:
    from sop_runtime.service import seals
    from sop_runtime.service.runtime import Runtime
    from sop_runtime.store.db import make_engine

    rt = Runtime(make_engine(f"sqlite:///{demo_copy}"))
    try:
        assert seals.seal_on_schedule(rt, note="segel terjadwal (tiap jam)").seal is not None
    finally:
        rt.engine.dispose()
    court = {"SOP_DATABASE_URL": f"sqlite:///{demo_copy}", "COLUMNS": "200"}
    assert sop("seal", "create", "--as", "bambang.panitera", cwd=tmp_path,
               env=court).returncode == 0
    rows = {line.split("│")[1].strip(): line.split("│")[3].strip()
            for line in sop("seal", "list", cwd=tmp_path, env=court).stdout.splitlines()
            if line.count("│") > 3 and line.split("│")[1].strip().isdigit()}
    assert rows == {"1": "Sistem", "2": "Bambang Sutrisno"}
    english = sop("seal", "list", cwd=tmp_path, env=court, lang="en").stdout
    assert "│ System " in english and "sistem" not in english


def test_a_witness_checks_a_later_head_against_the_one_it_holds_without_the_database(
        demo_copy: Path, tmp_path: Path) -> None:
    path = tmp_path / "kunci.pem"
    sop("seal", "key", path, cwd=tmp_path)
    court = {"SOP_DATABASE_URL": f"sqlite:///{demo_copy}", "SOP_SIGNING_KEY": str(path)}
    public = json.loads(sop("seal", "key", "--json", cwd=tmp_path, env=court).stdout)
    assert sop("seal", "create", "--as", "bambang.panitera", cwd=tmp_path,
               env=court).returncode == 0
    held = tmp_path / "lama.json"
    held.write_text(sop("seal", "export", cwd=tmp_path, env=court).stdout)
    assert sop("start", "legalisasi-waarmerking", "--as", "rina.ptsp", cwd=tmp_path,
               env=court).returncode == 0
    assert sop("seal", "create", "--as", "bambang.panitera", cwd=tmp_path,
               env=court).returncode == 0
    later = tmp_path / "baru.json"
    exported = sop("seal", "export", "--dari", held, cwd=tmp_path, env=court)
    later.write_text(exported.stdout)
    assert json.loads(exported.stdout)["consistency"]["from_size"] == \
        json.loads(held.read_text())["size"]
    # the witness: no database, no private key, the public key it was given
    offline = {"SOP_DATABASE_URL": "sqlite:////nonexistent/none.db", "SOP_SIGNING_KEY": ""}
    ok = sop("seal", "check-consistency", held, later, "--public-key", public["public_key"],
             cwd=tmp_path, env=offline)
    assert ok.returncode == 0, ok.stderr
    assert "memperluas segel #1" in ok.stdout and public["key_id"] in ok.stdout
    backwards = sop("seal", "check-consistency", later, held, "--public-key",
                    public["public_key"], cwd=tmp_path, env=offline)
    assert backwards.returncode == 1 and "dipotong" in backwards.stderr
    forged = json.loads(later.read_text())
    forged["consistency"]["path"][0] = "0" * 64
    (tmp_path / "palsu.json").write_text(json.dumps(forged))
    refused = sop("seal", "check-consistency", held, tmp_path / "palsu.json", "--public-key",
                  public["public_key"], cwd=tmp_path, env=offline)
    assert refused.returncode == 1 and "TIDAK memperluas" in refused.stderr
    broken = sop("seal", "check-consistency", held, tmp_path, "--public-key",
                 public["public_key"], cwd=tmp_path, env=offline)
    assert broken.returncode == 2 and "bukan berkas biasa" in broken.stderr
    nokey = sop("seal", "check-consistency", held, later, cwd=tmp_path, env=offline)
    assert nokey.returncode == 2 and "--public-key" in nokey.stderr
    badkey = sop("seal", "check-consistency", held, later, "--public-key", "YWJj",
                 cwd=tmp_path, env=offline)
    assert badkey.returncode == 2 and "--public-key: kunci publik Ed25519" in badkey.stderr


def test_the_head_for_the_ketuas_report_as_text_and_qr_code(demo_copy: Path,
                                                            tmp_path: Path) -> None:
    from tests.qrread import read_png

    path = tmp_path / "kunci.pem"
    assert sop("seal", "key", path, cwd=tmp_path).returncode == 0
    court = {"SOP_DATABASE_URL": f"sqlite:///{demo_copy}", "SOP_SIGNING_KEY": str(path)}
    assert sop("seal", "create", "--as", "bambang.panitera", cwd=tmp_path,
               env=court).returncode == 0
    exported = json.loads(sop("seal", "export", cwd=tmp_path, env=court).stdout)
    shown = sop("seal", "export", "--teks", "--qr", tmp_path / "kepala.png", cwd=tmp_path,
                env=court)
    assert shown.returncode == 0, shown.stderr
    assert "Kepala log Pengadilan Negeri Sanana: segel #1" in shown.stdout
    assert exported["root"] in shown.stdout and exported["signature"] in shown.stdout
    assert "WIT" in shown.stdout and exported["sealed_at"] not in shown.stdout
    scanned = read_png(tmp_path / "kepala.png")
    assert len(scanned) == 1 and json.loads(scanned[0]) == exported
    # what was scanned off the report is a head the witness can hold and check against
    (tmp_path / "dari-laporan.json").write_text(scanned[0])
    assert sop("seal", "check-consistency", tmp_path / "dari-laporan.json",
               tmp_path / "dari-laporan.json", cwd=tmp_path, env=court).returncode == 0
    bad = sop("seal", "export", "--qr", tmp_path / "kepala.jpg", cwd=tmp_path, env=court)
    assert bad.returncode == 2 and ".svg atau .png" in bad.stderr
