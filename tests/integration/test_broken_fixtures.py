"""Every broken fixture gives exactly the problems its header promises, at those lines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from sop_runtime.compiler.library import load_library
from tests.conftest import FIXTURES

BROKEN = sorted((FIXTURES / "broken").glob("*.yaml"))
EXPECT = re.compile(r"^# expect: (?P<code>[EW]\d{3}) (?P<line>\d+)$")


def expected(path: Path) -> set[tuple[str, int]]:
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        m = EXPECT.match(line)
        if m:
            out.add((m["code"], int(m["line"])))
    return out


def test_there_is_a_fixture_per_check() -> None:
    codes = {code for f in BROKEN for code, _ in expected(f)}
    # E005 (a file over 4 MB) is tested in tests/unit/test_yamlsource.py
    for code in ["E001", "E002", "E003", "E006", "E007", "E008", "E009", "E010", "E011",
                 "E012", "E013", "E014", "E101", "E102", "E103", "E104", "E105", "E106",
                 "E107", "E108", "E109", "E110", "E111", "E114", "E115", "E116", "E117",
                 "E118", *(f"E{n}" for n in range(119, 139)),
                 "W201", "W202", "W204", "W205", "W206", "W207"]:
        assert code in codes, code


@pytest.mark.parametrize("path", BROKEN, ids=[p.name for p in BROKEN])
def test_fixture_reports_the_right_code_at_the_right_line(path: Path) -> None:
    lib = load_library([path])
    got = {(p.code, p.line) for p in lib.problems}
    assert got == expected(path)
    for p in lib.problems:
        assert p.file == str(path)
        assert p.col >= 1
        assert p.message


def test_duplicate_sop_ids_across_files(tmp_path: Path) -> None:
    src = (FIXTURES / "broken" / "w201-no-mutu-baku.yaml").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(src, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(src, encoding="utf-8")
    lib = load_library([tmp_path])
    dup = [p for p in lib.problems if p.code == "E112"]
    assert len(dup) == 1 and dup[0].file.endswith("b.yaml") and dup[0].line == 2


def test_unreadable_file_is_e004(tmp_path: Path) -> None:
    path = tmp_path / "biner.yaml"
    path.write_bytes(b"\xff\xfe\x00 not utf-8 \x80")
    lib = load_library([path])
    assert [(p.code, p.line) for p in lib.problems] == [("E004", 1)]


def test_a_file_over_the_limit_is_e005_at_the_line_that_passes_it(tmp_path: Path) -> None:
    path = tmp_path / "besar.yaml"
    line = "# " + "x" * 97 + "\n"  # 100 bytes
    path.write_text(line * (5 * 1024 * 1024 // 100), encoding="utf-8")
    lib = load_library([path])
    assert [(p.code, p.line, p.col) for p in lib.problems] == [
        ("E005", 4 * 1024 * 1024 // 100 + 1, 4 * 1024 * 1024 % 100 + 1)]
    assert "4 MB" in lib.problems[0].message
