from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from sop_runtime.compiler.textfit import text_width
from tests.conftest import DEFINITIONS, FIXTURES
from tests.e2e.cli import sop

LINE = re.compile(r"^(?P<file>[^:]+):(?P<line>\d+):(?P<col>\d+): (?P<code>[EW]\d{3}): .+$")


def test_validate_the_library_passes() -> None:
    r = sop("validate", "definitions/")
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 galat" in r.stderr


def test_validate_defaults_to_definitions() -> None:
    r = sop("validate", "--json")
    assert r.returncode == 0, r.stdout + r.stderr
    data = json.loads(r.stdout)
    assert data["valid"] is True
    assert len(data["sops"]) == 15
    assert data["court"].endswith("court.yaml")


def test_validate_broken_fixtures_prints_positioned_lines_and_no_traceback() -> None:
    r = sop("validate", FIXTURES / "broken")
    assert r.returncode == 1
    assert "Traceback" not in r.stdout + r.stderr
    lines = r.stdout.strip().splitlines()
    assert lines
    for line in lines:
        assert LINE.match(line), line


@pytest.mark.parametrize("path", sorted((FIXTURES / "broken").glob("e*.yaml")),
                         ids=lambda p: p.name)
def test_each_broken_file_exits_1_without_traceback(path: Path) -> None:
    r = sop("validate", path)
    assert r.returncode == 1
    assert "Traceback" not in r.stdout + r.stderr
    code = path.name[:4].upper()
    assert f": {code}: " in r.stdout


def test_messages_switch_to_english() -> None:
    r = sop("--lang", "en", "validate", FIXTURES / "broken" / "e102-no-end.yaml")
    assert "there is no 'selesai' (end) step" in r.stdout
    r = sop("validate", FIXTURES / "broken" / "e102-no-end.yaml", lang="en")
    assert "there is no 'selesai' (end) step" in r.stdout


def test_missing_path_is_a_clear_error() -> None:
    r = sop("validate", "tidak/ada.yaml")
    assert r.returncode == 2
    assert "tidak ada" in r.stderr and "Traceback" not in r.stderr


def test_list_json_names_every_sop() -> None:
    r = sop("list", "--json")
    assert r.returncode == 0, r.stderr
    rows = json.loads(r.stdout)
    ids = {row["id"] for row in rows}
    files = {p.stem for p in DEFINITIONS.glob("*.yaml")} - {"court"}
    assert ids == files
    for row in rows:
        assert len(row["versi"]) == 64


def test_show_prints_identity_and_table() -> None:
    r = sop("show", "pendaftaran-gugatan-ptsp")
    assert r.returncode == 0, r.stderr
    assert "Pengadilan Negeri Sanana" in r.stdout
    assert "Menerima berkas gugatan" in r.stdout
    assert "Lengkap → 3" in r.stdout


def test_show_unknown_sop_exits_2() -> None:
    r = sop("show", "tidak-ada")
    assert r.returncode == 2
    assert "tidak ditemukan" in r.stderr


def test_render_by_id_and_by_file(tmp_path: Path) -> None:
    out = tmp_path / "a.svg"
    r = sop("render", "pendaftaran-gugatan-ptsp", "--format", "svg", "-o", out)
    assert r.returncode == 0, r.stderr
    ET.fromstring(out.read_text(encoding="utf-8"))
    r = sop("render", DEFINITIONS / "pendaftaran-gugatan-ptsp.yaml", "--format", "mermaid")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("flowchart")
    r = sop("render", "pendaftaran-gugatan-ptsp", "--format", "html")
    assert r.returncode == 0 and "<html" in r.stdout.lower()


def test_validate_and_render_outer_lane_decisions_keep_labels_inside(tmp_path: Path) -> None:
    """Branch labels of decisions in the outer lanes are drawn whole, inside the SVG."""
    fixture = FIXTURES / "render" / "keputusan-lajur-tepi.yaml"
    r = sop("validate", fixture)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "0 galat" in r.stderr and "0 peringatan" in r.stderr
    out = tmp_path / "tepi.svg"
    r = sop("render", fixture, "--format", "svg", "-o", out)
    assert r.returncode == 0, r.stderr
    root = ET.fromstring(out.read_text(encoding="utf-8"))
    width = float(root.get("width", 0))
    assert root.get("viewBox", "").split()[2] == root.get("width")
    ns = "{http://www.w3.org/2000/svg}"
    lanes = next(g for g in root.iter(ns + "g") if g.get("class") == "lanes")
    left = float(re.fullmatch(r"translate\(([\d.]+),0\)", lanes.get("transform", ""))[1])
    labels = [t for t in lanes.iter(ns + "text") if "label" in (t.get("class") or "")]
    drawn = " ".join("".join(t.itertext()) for t in labels)
    for text in ("Tidak lengkap, dikembalikan untuk dilengkapi",
                 "Register perlu diperbaiki oleh panitera muda"):
        assert text in drawn  # whole, maybe on two lines
    assert "…" not in drawn
    for t in labels:
        w = text_width("".join(t.itertext()), 9)
        x = left + float(t.get("x", 0))
        x0 = x - w if t.get("text-anchor") == "end" else x
        assert x0 >= 0 and x0 + w <= width, (t.text, x0, w, width)


def test_render_broken_file_reports_problems() -> None:
    r = sop("render", FIXTURES / "broken" / "e105-one-branch.yaml")
    assert r.returncode == 1
    assert "E105" in r.stdout and "Traceback" not in r.stderr


def test_validate_warns_of_a_kelengkapan_no_earlier_step_supplies() -> None:
    path = FIXTURES / "broken" / "w204-kelengkapan-typo.yaml"
    r = sop("validate", path, lang="en")
    assert r.returncode == 0, r.stdout + r.stderr  # a warning: the SOP still compiles
    found = [m.groupdict() for m in map(LINE.match, r.stdout.splitlines()) if m]
    assert [(f["line"], f["code"]) for f in found] == [("33", "W204"), ("40", "W204")]
    assert "close to 'nomor_perkara' (output of step 2); a typo?" in r.stdout
    assert "produced only at step 3, which cannot come before it" in r.stdout
    assert sop("validate", "--strict", path).returncode == 1


BRANCHES = """langkah:
  - no: 1
    kegiatan: Menerima
    jenis: mulai
    pelaksana: petugas
    mutu_baku: {waktu: 10 menit, output: [Tanda terima]}
  - no: 2
    kegiatan: Memeriksa
    jenis: keputusan
    pelaksana: panmud
    mutu_baku: {waktu: 10 menit, output: [Ceklist]}
    cabang: [{label: Lengkap, ke: 3}, {label: Tidak lengkap, ke: 4}]
  - no: 3
    kegiatan: Meneliti
    pelaksana: panmud
    lanjut: 5
    mutu_baku: {waktu: 1 hari kerja, output: [Catatan]}
  - no: 4
    kegiatan: Mengembalikan
    pelaksana: petugas
    mutu_baku: {waktu: WAKTU4, output: [Surat]}
  - no: 5
    kegiatan: Menyerahkan
    jenis: selesai
    pelaksana: petugas
    mutu_baku: {waktu: 10 menit, output: [Surat]}
"""


def test_validate_times_anchored_limits_by_the_path_they_are_on(tmp_path: Path) -> None:
    src = (FIXTURES / "broken" / "w202-exceeds-service-standard.yaml").read_text("utf-8")
    head = src[:src.index("langkah:")].replace("waktu_pelayanan: 30 menit",
                                               "waktu_pelayanan: 1 hari kerja 30 menit")
    path = tmp_path / "cabang.yaml"
    # step 4 counts from step 3, on the other branch: on its own path it counts from its
    # activation, so 1 -> 2 -> 3 -> 5 (1 hari kerja 30 menit) is the longest path
    path.write_text(head + BRANCHES.replace("WAKTU4", "{batas: 1 jam, sejak: {langkah: 3}}"),
                    encoding="utf-8")
    r = sop("validate", "--strict", path)
    assert r.returncode == 0, r.stdout + r.stderr
    path.write_text(head + BRANCHES.replace("WAKTU4", "1 hari kerja 1 jam"), encoding="utf-8")
    r = sop("validate", path)
    assert r.returncode == 0
    assert "(langkah 1 → 2 → 4 → 5) mencapai 1 hari kerja 1 jam 30 menit" in r.stdout, r.stdout
