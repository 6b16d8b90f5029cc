"""``sop diff SOP OLD NEW``: a stored version against a draft file, then against the same
revision once loaded; unknown versions and files."""

from __future__ import annotations

import shutil
from pathlib import Path

from sop_runtime.compiler.library import load_library
from tests.conftest import DEFINITIONS, ROOT
from tests.e2e.court import new_court
from tests.revisions import as_revision

SOP = "legalisasi-waarmerking"


def version(folder: Path) -> str:
    """The version hash the SOP in ``folder`` compiles to (as ``sop init`` stores it)."""
    return load_library([folder]).workflow(SOP).version


def _revise(folder: Path) -> Path:
    """The court drops step 9 (so step 10 becomes 9) and sets step 3's time limit."""
    shutil.copytree(DEFINITIONS, folder)
    path = folder / f"{SOP}.yaml"
    text = path.read_text(encoding="utf-8")
    start = text.index("  - no: 9\n")
    text = text[:start] + text[text.index("  - no: 10\n"):]
    text = text.replace("  - no: 10\n", "  - no: 9\n")
    third = text.index("  - no: 3\n")
    at = text.index("waktu: tidak ditentukan", third)
    text = text[:at] + "waktu: 1 hari kerja" + text[at + len("waktu: tidak ditentukan"):]
    path.write_text(as_revision(text), encoding="utf-8")
    return path


def test_a_draft_and_then_the_loaded_revision(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    old = version(DEFINITIONS)
    draft = _revise(tmp_path / "rev")

    r = court.ok("diff", SOP, old[:8], draft)
    assert "dihapus" in r.stdout and "Menyetorkan PNBP" in r.stdout
    assert "1 hari kerja" in r.stdout and "10 → 9" in r.stdout
    assert "1 dihapus, 1 bernomor baru, 2 berubah" in r.stdout

    court.ok("init", "--definitions", draft.parent)
    new = version(draft.parent)
    found = court.json("diff", SOP, old[:10], new[:10])
    assert (found["old"], found["new"]) == (old, new)
    assert [s["no"] for s in found["removed"]] == [9]
    assert [(k["old_no"], k["new_no"]) for k in found["renumbered"]] == [(10, 9)]
    changed = {k["new_no"]: [c["field"] for c in k["changes"]] for k in found["changed"]}
    assert changed == {3: ["waktu"], 8: ["lanjut"]}
    assert court.json("diff", SOP, new[:10], new)["same"] is True
    en = court.ok("--lang", "en", "diff", SOP, new[:10], old[:10])
    assert "added" in en.stdout and "Time limit" in en.stdout


def test_unknown_versions_and_files(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    old = version(DEFINITIONS)
    r = court.fails(2, "diff", SOP, "ffffffff", old)
    assert "Tidak ada versi 'ffffffff'" in r.stderr and old[:12] in r.stderr
    court.fails(2, "diff", "tidak-ada", old, old)
    court.fails(2, "diff", SOP, old, tmp_path / "tidak-ada.yaml")
    court.fails(2, "diff", SOP, old, DEFINITIONS / "banding-perdata.yaml")
    broken = tmp_path / "rusak.yaml"
    broken.write_text("id: [", encoding="utf-8")
    court.fails(1, "diff", SOP, old, broken)


def test_the_ketua_approves_a_revision_from_the_command_line(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    old = version(DEFINITIONS)
    draft = _revise(tmp_path / "rev")
    loaded = court.ok("init", "--definitions", draft.parent)
    assert "menunggu pengesahan Ketua (1): legalisasi-waarmerking" in loaded.stdout
    new = version(draft.parent)
    listed = {v["version"]: v for v in court.json("versions", SOP)}
    assert (listed[old]["status"], listed[new]["status"]) == ("berlaku", "draf")
    table = court.ok("versions", SOP).stdout
    assert "draf, menunggu pengesahan" in table and new[:12] in table

    refused = court.fails(1, "approve", SOP, new[:8], "--as", "rina.ptsp")
    assert "wewenang Ketua Pengadilan Negeri" in refused.stderr
    court.fails(2, "approve", SOP, "ffffffff", "--as", "hendra.kpn")
    done = court.ok("approve", SOP, new[:8], "--as", "hendra.kpn").stdout
    assert "disahkan oleh Hendra Wijaya Saputra" in done and "Perkara yang sudah berjalan" in done
    listed = {v["version"]: v for v in court.json("versions", SOP)}
    assert listed[new]["status"] == "berlaku" and listed[new]["approved_by"]
    case = court.start(SOP, "rina.ptsp")
    assert court.json("case", case)["version"] == new
    journal = court.ok("journal", "definisi").stdout
    assert "(revisi ke-1) disahkan (tanggal efektif" in journal and "Hendra Wijaya" in journal


def test_a_revision_drafted_apart_is_loaded_as_a_draft(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    revision = ROOT / "examples" / "revisi" / "salinan-putusan.yaml"
    broken = tmp_path / "salinan-putusan.yaml"
    broken.write_text(revision.read_text(encoding="utf-8").replace(
        "  nomor_revisi: 1\n", ""), encoding="utf-8")
    refused = court.fails(1, "load", broken)
    assert f"{broken}:" in refused.stdout + refused.stderr and "E140" in \
        refused.stdout + refused.stderr
    assert [v["status"] for v in court.json("versions", "salinan-putusan")] == ["berlaku"]
    loaded = court.json("load", revision)
    assert loaded["drafts"] == ["salinan-putusan"]
    assert [v["status"] for v in court.json("versions", "salinan-putusan")] == \
        ["draf", "berlaku"]
    assert court.json("load", revision)["drafts"] == ["salinan-putusan"]  # again: nothing new
    assert len(court.json("versions", "salinan-putusan")) == 2
