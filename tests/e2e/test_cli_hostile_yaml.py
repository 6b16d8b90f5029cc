"""YAML built to hurt (an alias bomb, tags that are no plain scalar) through the CLI: a
located problem and exit 1, the other files still checked, nothing written."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from tests.conftest import DEFINITIONS, ROOT
from tests.e2e.cli import sop
from tests.e2e.court import Court, new_court
from tests.hostile_yaml import BAD_TAGS, alias_bomb


def _folder(tmp_path: Path, **extra: str) -> Path:
    folder = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, folder)
    for name, text in extra.items():
        (folder / f"{name}.yaml").write_text(text, encoding="utf-8")
    return folder


def test_validate_reports_the_bad_files_and_still_checks_the_others(tmp_path: Path) -> None:
    folder = _folder(tmp_path, bom=alias_bomb(), tag="a: !!python/object:os.system x\n")
    r = sop("validate", "--json", folder)
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr
    data = json.loads(r.stdout)
    found = {(Path(p["file"]).name, p["line"], p["col"], p["code"]) for p in data["problems"]}
    assert found == {("bom.yaml", 6, 8, "E008"), ("tag.yaml", 1, 4, "E009")}
    assert set(data["sops"]) == {p.stem for p in DEFINITIONS.glob("*.yaml")} - {"court"}
    text = sop("validate", folder)
    assert text.returncode == 1
    assert f"{folder / 'bom.yaml'}:6:8: E008: " in text.stdout
    assert "lebih dari 200000 nilai" in text.stdout


def test_init_refuses_a_folder_holding_a_bomb_and_writes_nothing(tmp_path: Path) -> None:
    folder = _folder(tmp_path, bom=alias_bomb())
    court = Court(tmp_path, f"sqlite:///{tmp_path / 'sop.db'}")
    r = court.fails(1, "init", "--definitions", folder)
    assert f"{folder / 'bom.yaml'}:6:8: E008: " in r.stdout + r.stderr
    (folder / "bom.yaml").unlink()
    assert "sop init" in court.fails(2, "overdue").stderr  # nothing was set up
    court.ok("init", "--definitions", folder)


@pytest.mark.parametrize(("text", "tag"), BAD_TAGS, ids=[t for _, t in BAD_TAGS])
def test_validate_reports_a_tag_at_its_place(tmp_path: Path, text: str, tag: str) -> None:
    path = tmp_path / "tag.yaml"
    path.write_text(text, encoding="utf-8")
    r = sop("validate", path)
    assert r.returncode == 1 and "Traceback" not in r.stdout + r.stderr
    assert f"{path}:1:4: E009: tag {tag} tidak didukung" in r.stdout


@pytest.mark.parametrize("mapping", [alias_bomb(), "aktivitas: !!bool maybe\n",
                                     "kolom: !!python/object/apply:os.system [ls]\n"],
                         ids=["bomb", "bool-maybe", "python-object"])
def test_conformance_refuses_a_hostile_mapping_at_its_place(tmp_path: Path,
                                                            mapping: str) -> None:
    court = new_court(tmp_path)
    path = tmp_path / "peta.yaml"
    path.write_text(mapping, encoding="utf-8")
    log = ROOT / "examples" / "skum-januari-2026.csv"
    r = court.fails(1, "conformance", log, "--sop", "taksiran-panjar-skum", "--map", path)
    code, line = ("E008", 6) if mapping.startswith("a: &a") else ("E009", 1)
    assert f"{path}:{line}:" in r.stdout and f": {code}: " in r.stdout


def test_demo_on_a_hostile_court_file_stops_at_init_with_its_place(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "court.yaml").write_text(alias_bomb(), encoding="utf-8")
    court = Court(tmp_path, f"sqlite:///{tmp_path / 'sop.db'}")
    r = court.fails(1, "demo", "--definitions", folder)
    assert f"{folder / 'court.yaml'}:6:8: E008: " in r.stdout + r.stderr
