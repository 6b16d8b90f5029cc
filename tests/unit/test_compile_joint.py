"""``bersama`` and ``cabang[].jika`` in the compiler: what they compile to, what they must
satisfy, and that versions written without them keep their hash."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from sop_runtime.compiler.compile import compile_document
from sop_runtime.compiler.library import compile_source
from sop_runtime.compiler.render.sheet import render_html
from sop_runtime.compiler.workflow import Condition, EdgeKind
from sop_runtime.definition.models import SopDocument
from sop_runtime.definition.synthetic_sop import synthetic_dict
from tests.unit.enginekit import inline_document

# synthetic_dict(6)'s version before the keys existed: it must never change
SYNTHETIC_6 = "9ee5890acee70600db9136266e2c5dfef3cb3e3cfc5256075caa65877bd61194"


def _version(data: dict[str, Any]) -> str:
    wf = compile_document(SopDocument.model_validate(data)).workflow
    assert wf is not None
    return wf.version


def _codes(rows: list[dict[str, Any]], **top: Any) -> list[str]:
    result = compile_source(yaml.safe_dump(inline_document(rows, **top)), "uji.yaml")
    return [p.code for p in result.problems if p.code.startswith("E")]


def rows(step2: dict[str, Any] | None = None, cabang: Any = None) -> list[dict[str, Any]]:
    return [
        {"no": 1, "jenis": "mulai", "kegiatan": "Menerima", "pelaksana": "petugas_ptsp",
         "mutu_baku": {"waktu": "1 hari kerja"}},
        {"no": 2, "kegiatan": "Menandatangani", "pelaksana": ["ketua", "panitera"],
         "mutu_baku": {"waktu": "1 hari kerja", "output": ["Berita acara"]}, **(step2 or {})},
        {"no": 3, "jenis": "keputusan", "kegiatan": "Memeriksa", "pelaksana": "panmud_perdata",
         "cabang": cabang or [{"label": "Ya", "ke": 4, "jika": {"tepat_waktu": 2}},
                              {"label": "Tidak", "ke": 4}]},
        {"no": 4, "jenis": "selesai", "kegiatan": "Selesai", "pelaksana": "petugas_ptsp"},
    ]


def test_versions_written_without_the_keys_keep_their_hash() -> None:
    data = synthetic_dict(6)
    assert _version(data) == SYNTHETIC_6
    explicit = copy.deepcopy(data)
    explicit["langkah"][1]["bersama"] = False  # the default written out
    assert _version(explicit) == SYNTHETIC_6


def test_both_keys_enter_the_version_when_set() -> None:
    data = synthetic_dict(6)
    data["langkah"][1]["pelaksana"] = ["panitera", "ketua"]
    either = _version(data)
    data["langkah"][1]["bersama"] = True
    assert _version(data) != either


def test_joint_steps_and_conditions_compile() -> None:
    result = compile_source(yaml.safe_dump(inline_document(rows({"bersama": True}))),
                            "uji.yaml")
    wf = result.workflow
    assert wf is not None, result.problems
    assert wf.node("2").joint and not wf.node("1").joint
    branches = [t for t in wf.node("3").transitions if t.kind is EdgeKind.BRANCH]
    assert branches[0].condition == Condition("tepat_waktu", step="2")
    assert branches[1].condition is None and wf.node("3").data_decided


def test_a_joint_step_needs_two_roles() -> None:
    one = rows({"bersama": True, "pelaksana": ["ketua"]})
    assert _codes(one) == ["E116"]
    twice = rows({"bersama": True, "pelaksana": ["ketua", "ketua"]})
    assert _codes(twice) == ["E116"]


@pytest.mark.parametrize(("jika", "code"), [
    ({"tepat_waktu": 9}, "E107"),               # no such step
    ({"terlambat": 3}, "E117"),                 # the decision itself
    ({"terlambat": 4}, "E117"),                 # after the decision
    ({"isian": "tidak_ada", "sama_dengan": "x"}, "E117"),
])
def test_conditions_name_an_earlier_timed_step_or_a_known_item(jika: dict[str, Any],
                                                              code: str) -> None:
    cabang = [{"label": "Ya", "ke": 4, "jika": jika}, {"label": "Tidak", "ke": 4}]
    assert _codes(rows(cabang=cabang)) == [code]


def test_a_condition_on_a_known_item_or_field_passes() -> None:
    cabang = [{"label": "Ya", "ke": 4, "jika": {"isian": "berita_acara", "sama_dengan": 1}},
              {"label": "Tidak", "ke": 4, "jika": {"isian": "status", "sama_dengan": True}}]
    assert _codes(rows(cabang=cabang), isian=[{"id": "status", "nama": "Status"}]) == []
    wf = compile_source(yaml.safe_dump(inline_document(
        rows(cabang=cabang), isian=[{"id": "status", "nama": "Status"}])), "uji.yaml").workflow
    assert wf is not None
    conds = [t.condition for t in wf.node("3").transitions]
    assert conds == [Condition("isian", item="berita_acara", value="1"),
                     Condition("isian", item="status", value="ya")]


def test_at_most_one_otherwise_branch() -> None:
    cabang = [{"label": "A", "ke": 4, "jika": {"tepat_waktu": 2}}, {"label": "B", "ke": 4},
              {"label": "C", "ke": 4}]
    assert _codes(rows(cabang=cabang)) == ["E118"]


@pytest.mark.parametrize("jika", [{}, {"tepat_waktu": 2, "terlambat": 2},
                                  {"isian": "x"}, {"tepat_waktu": 2, "sama_dengan": "x"}])
def test_a_condition_is_exactly_one_kind(jika: dict[str, Any]) -> None:
    doc = inline_document(rows(cabang=[{"label": "Ya", "ke": 4, "jika": jika},
                                       {"label": "Tidak", "ke": 4}]))
    with pytest.raises(ValidationError):
        SopDocument.model_validate(doc)


def test_the_sheet_says_joint_with_dan_and_either_with_atau() -> None:
    joint = compile_source(yaml.safe_dump(inline_document(rows({"bersama": True}))),
                           "uji.yaml").workflow
    either = compile_source(yaml.safe_dump(inline_document(rows())), "uji.yaml").workflow
    assert joint is not None and either is not None
    assert "Pelaksana bersama: Ketua dan Panitera" in render_html(joint)
    assert "Pelaksana: Ketua atau Panitera" in render_html(either)


def test_a_condition_changes_the_version_and_a_plain_decision_does_not_carry_one() -> None:
    plain = [{"label": "Ya", "ke": 4}, {"label": "Tidak", "ke": 4}]
    decided = [{"label": "Ya", "ke": 4, "jika": {"tepat_waktu": 2}}, {"label": "Tidak", "ke": 4}]
    a = compile_source(yaml.safe_dump(inline_document(rows(cabang=plain))), "uji.yaml").workflow
    b = compile_source(yaml.safe_dump(inline_document(rows(cabang=decided))), "uji.yaml").workflow
    assert a is not None and b is not None
    assert a.version != b.version and not a.node("3").data_decided
