from __future__ import annotations

import datetime as dt
import tracemalloc
from collections.abc import Iterator
from typing import Any

import pytest

from sop_runtime.definition.yamlsource import (
    DEFAULT_LIMITS,
    YamlError,
    YamlLimits,
    format_path,
    load_yaml,
)
from sop_runtime.i18n import set_lang
from sop_runtime.problems import Problem
from tests.hostile_yaml import BAD_TAGS, alias_bomb


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


# --- bounds -----------------------------------------------------------------------------

def refused(text: str, limits: YamlLimits = DEFAULT_LIMITS) -> tuple[Problem, float]:
    """The one problem ``text`` is refused with, and the peak MB it took (a bound that held
    stops the work early, so little is ever held; time is left to bench/fuzz.py)."""
    tracemalloc.start()
    try:
        with pytest.raises(YamlError) as info:
            load_yaml(text, "f.yaml", limits)
        peak = tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()
    (p,) = info.value.problems
    return p, peak


def test_an_alias_bomb_is_refused_at_the_alias_that_passes_the_budget() -> None:
    text = alias_bomb()
    assert len(text) < 4096
    p, peak = refused(text)
    # a..e stand for 123,465 values (keys included); f's first *e adds 111,111 more
    assert (p.code, p.line, p.col, p.path) == ("E008", 6, 8, "f[0]")
    assert peak < 50, peak
    set_lang("en")
    try:
        assert "more than 200000 values" in p.message
    finally:
        set_lang(None)


def test_the_node_budget_counts_each_use_of_an_alias() -> None:
    text = "a: &a [1, 2, 3]\nb: [*a, *a]\n"  # 1 + 2 keys + 4 + 1 + 2 * 4 = 16 values
    assert load_yaml(text, "f.yaml", YamlLimits(max_nodes=16)).data == {
        "a": [1, 2, 3], "b": [[1, 2, 3], [1, 2, 3]]}
    p, _ = refused(text, YamlLimits(max_nodes=15))
    assert (p.code, p.line, p.col) == ("E008", 2, 9)
    p, _ = refused("- x\n" * 20, YamlLimits(max_nodes=20))
    assert (p.code, p.line) == ("E008", 20)


def test_aliases_up_to_the_limit_are_read() -> None:
    text = "jam: &jam {mulai: 08:00, selesai: '16:00'}\nhari:\n" + "  - *jam\n" * 100
    data = load_yaml(text, "f.yaml").data
    assert len(data["hari"]) == 100 and data["hari"][99] == {"mulai": "08:00",
                                                            "selesai": "16:00"}
    p, _ = refused(text + "  - *jam\n")
    assert (p.code, p.line, p.col, p.path) == ("E007", 103, 5, "hari[100]")


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    for text, col in (("a: &a [1, *a]\n", 11), ("a: &a {<<: *a}\n", 12)):
        p, _ = refused(text)
        assert (p.code, p.line, p.col) == ("E001", 1, col), text


def nested_block(depth: int) -> str:
    return "".join("  " * i + "a:\n" for i in range(depth - 1)) + "  " * (depth - 1) + "a: 1\n"


def test_nesting_up_to_the_limit_is_read_and_deeper_is_refused_where_it_passes() -> None:
    doc = load_yaml(nested_block(64), "f.yaml")
    assert (doc.where_key(("a",) * 64), doc.where(("a",) * 64)) == ((64, 127), (64, 130))
    p, _ = refused(nested_block(65))
    assert (p.code, p.line, p.col) == ("E006", 65, 129)
    p, _ = refused("x:\n" + "  " + "- " * 100 + "1\n")
    assert (p.code, p.line, p.col) == ("E006", 2, 129)
    p, _ = refused(nested_block(10), YamlLimits(max_depth=9))
    assert (p.code, p.line) == ("E006", 10)


@pytest.mark.parametrize("text", ["[" * 100_000 + "]" * 100_000,
                                  "{a: " * 100_000 + "}" * 100_000,
                                  "- " * 100_000 + "x\n",
                                  "".join(" " * i + "a:\n" for i in range(2000))],
                         ids=["flow-sequences", "flow-mappings", "block-sequences",
                              "block-mappings"])
def test_very_deep_nesting_is_a_located_refusal_not_a_crash(text: str) -> None:
    p, peak = refused(text)
    # E006 at our bound; a libyaml built with its own bound (1000) may stop the scanner first
    assert p.code in ("E006", "E001") and p.line >= 1 and p.col >= 1
    assert "nest" in p.message or "tingkat" in p.message
    assert peak < 50, peak


def test_a_file_larger_than_the_limit_is_refused_at_the_line_that_passes_it() -> None:
    line = "- " + "x" * 98 + "\n"  # 101 bytes
    text = line * (5 * 1024 * 1024 // len(line))
    p, _ = refused(text)
    assert (p.code, p.line) == ("E005", 4 * 1024 * 1024 // 101 + 1)
    assert "4 MB" in p.message
    p, _ = refused("a: " + "é" * 60 + "\n", YamlLimits(max_bytes=100))
    assert (p.code, p.line, p.col) == ("E005", 1, 52)  # 'a: ' and 48 two-byte characters
    assert load_yaml("a: " + "é" * 40 + "\n", "f.yaml", YamlLimits(max_bytes=100)).data


# --- tags ---------------------------------------------------------------------------------

@pytest.mark.parametrize("text, shown", [
    *BAD_TAGS, ("!!python/name:os.system a: 1\n", "!!python/name:os.system")])
def test_a_tag_that_is_not_a_plain_scalar_is_a_located_problem(text: str, shown: str) -> None:
    with pytest.raises(YamlError) as info:
        load_yaml(text, "f.yaml")
    (p,) = info.value.problems
    col = 1 if text.startswith("!") else 4
    assert (p.code, p.line, p.col) == ("E009", 1, col)
    assert f"tag {shown} tidak didukung" in p.message


def test_every_bad_tag_is_reported_with_its_line() -> None:
    with pytest.raises(YamlError) as info:
        load_yaml("a: !!bool maybe\nb: ok\nc:\n  - !foo x\n  - !!int 12\n", "f.yaml")
    assert [(p.code, p.line, p.path) for p in info.value.problems] == [
        ("E009", 1, "a"), ("E009", 4, "c[0]")]


def test_the_standard_scalar_tags_are_read() -> None:
    text = ("a: !!str 12\nb: !!int '7'\nc: !!float 1.5\nd: !!bool yes\ne: !!null ''\n"
            "f: !!timestamp 2026-01-05\ng: !!str no\nh: ! 3\n")
    assert load_yaml(text, "f.yaml").data == {
        "a": "12", "b": 7, "c": 1.5, "d": True, "e": None, "f": dt.date(2026, 1, 5),
        "g": "no", "h": 3}


def test_merge_and_value_indicators_where_a_value_stands_are_text() -> None:
    assert load_yaml("a: <<\nb: =\n", "f.yaml").data == {"a": "<<", "b": "="}


def test_merge_keys_fill_in_what_the_mapping_does_not_set() -> None:
    text = ("d: &d {x: 1, y: 2}\ne: &e {y: 3, z: 4}\n"
            "m: {<<: [*d, *e], x: 9}\nn: {<<: *e, y: 0}\n")
    data = load_yaml(text, "f.yaml").data
    assert data["m"] == {"x": 9, "y": 2, "z": 4}
    assert data["n"] == {"y": 0, "z": 4}
    with pytest.raises(YamlError) as info:
        load_yaml("m: {<<: 1}\n", "f.yaml")
    assert [(p.code, p.line, p.col) for p in info.value.problems] == [("E012", 1, 9)]


def test_a_key_that_is_no_text_is_a_problem_and_the_rest_is_read() -> None:
    with pytest.raises(YamlError) as info:
        load_yaml("? [a, b]\n: 1\nc: 2\nc: 3\n", "f.yaml")
    assert [(p.code, p.line) for p in info.value.problems] == [("E012", 1), ("E002", 4)]


def test_alias_keys_undefined_aliases_and_second_documents() -> None:
    assert load_yaml("a: &k kunci\n*k : 2\n", "f.yaml").data == {"a": "kunci", "kunci": 2}
    for text, line in (("a: *x\n", 1), ("a: &x 1\nb: &x 2\n", 2), ("a: 1\n---\nb: 2\n", 2)):
        with pytest.raises(YamlError) as info:
            load_yaml(text, "f.yaml")
        assert [(p.code, p.line) for p in info.value.problems] == [("E001", line)], text


def test_an_empty_text_is_none() -> None:
    assert load_yaml("", "f.yaml").data is None
    assert load_yaml("# komentar saja\n", "f.yaml").data is None


def test_positions_are_found_after_aliases() -> None:
    doc = load_yaml("a: &a {x: 1}\nb: *a\nc:\n  - y: 2\n", "f.yaml")
    assert doc.data == {"a": {"x": 1}, "b": {"x": 1}, "c": [{"y": 2}]}
    assert doc.where(("c", 0, "y")) == (4, 8)
    assert doc.where_key(("c", 0, "y")) == (4, 5)


def test_positions_in_a_wide_mapping_are_found_in_linear_time() -> None:
    # a mapping with a problem at each of its 40,000 keys (e.g. a conformance mapping naming
    # as many unknown steps): every lookup is a dict hit, not a scan of the keys before it.
    # Counted, not timed: the mapping's pairs are walked once for all 40,000 lookups.
    doc = load_yaml("aktivitas:\n" + "".join(f"  a{i}: 99\n" for i in range(40_000)),
                    "f.yaml")
    walked = 0

    class Counted(list[Any]):
        def __iter__(self) -> Iterator[Any]:
            nonlocal walked
            for item in super().__iter__():
                walked += 1
                yield item

    assert doc.root is not None
    mapping = doc.root.value[0][1]
    mapping.value = Counted(mapping.value)
    where = [doc.where_key(("aktivitas", f"a{i}")) for i in range(40_000)]
    assert walked == 40_000
    assert where[0] == (2, 3) and where[39_999] == (40_001, 3)


def test_a_few_aliases_and_merges_still_load() -> None:
    doc = load_yaml("base: &b {x: 1, y: [1, 2]}\none: *b\ntwo: {<<: *b, z: 3}\n", "f.yaml")
    assert doc.data == {"base": {"x": 1, "y": [1, 2]}, "one": {"x": 1, "y": [1, 2]},
                        "two": {"x": 1, "y": [1, 2], "z": 3}}
