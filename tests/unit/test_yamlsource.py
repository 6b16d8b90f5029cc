from __future__ import annotations

import datetime as dt

import pytest

from sop_runtime.definition.yamlsource import YamlError, format_path, load_yaml


def test_marks_every_value_with_line_and_column() -> None:
    doc = load_yaml("a: 1\nb:\n  - x: foo\n    y: 2026-01-05\n", "f.yaml")
    assert doc.data == {"a": 1, "b": [{"x": "foo", "y": dt.date(2026, 1, 5)}]}
    assert doc.where(("b", 0, "y")) == (4, 8)
    assert doc.where_key(("b", 0, "y")) == (4, 5)
    assert doc.where(("b", 0, "missing", "deeper")) == (3, 5)


def test_no_is_a_key_not_false() -> None:
    doc = load_yaml("no: 1\n", "f.yaml")
    assert doc.data == {"no": 1}


def test_office_hours_stay_text() -> None:
    assert load_yaml("mulai: 08:00\n", "f.yaml").data == {"mulai": "08:00"}


def test_impossible_date_stays_text_for_the_schema_to_report() -> None:
    assert load_yaml("d: 2026-02-30\n", "f.yaml").data == {"d": "2026-02-30"}


def test_duplicate_keys_are_errors_with_both_lines() -> None:
    with pytest.raises(YamlError) as info:
        load_yaml("a: 1\nb: 2\na: 3\n", "f.yaml")
    (p,) = info.value.problems
    assert (p.code, p.line, p.col, p.params["first_line"]) == ("E002", 3, 1, 1)


def test_syntax_error_is_positioned() -> None:
    with pytest.raises(YamlError) as info:
        load_yaml("a: [1, 2\nb: 3\n", "f.yaml")
    (p,) = info.value.problems
    assert p.code == "E001"
    assert p.line == 2


def test_format_path() -> None:
    assert format_path(("langkah", 3, "mutu_baku", "waktu")) == "langkah[3].mutu_baku.waktu"


def test_aliases_that_multiply_are_refused_before_they_are_built() -> None:
    lines = ['a0: &a0 ["ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha", "ha"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 9)]
    with pytest.raises(YamlError) as refused:  # 10**9 values from nine lines
        load_yaml("\n".join(lines), "bom.yaml")
    (problem,) = refused.value.problems
    assert problem.code == "E001" and "alias" in problem.format()


def test_a_few_aliases_and_merges_still_load() -> None:
    doc = load_yaml("base: &b {x: 1, y: [1, 2]}\none: *b\ntwo: {<<: *b, z: 3}\n", "f.yaml")
    assert doc.data == {"base": {"x": 1, "y": [1, 2]}, "one": {"x": 1, "y": [1, 2]},
                        "two": {"x": 1, "y": [1, 2], "z": 3}}
