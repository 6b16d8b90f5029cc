"""Parallel work in the definition: ``lanjut: [..]`` (a split) and ``menunggu: [..]`` (a
join). What the model accepts, what the compiler checks (E115, W205, W206, with file:line),
and that the canonical form is unchanged for SOPs that use neither."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from sop_runtime.compiler.canonical import node_content
from sop_runtime.compiler.library import compile_source
from sop_runtime.compiler.workflow import EdgeKind
from sop_runtime.errors import DefinitionError
from sop_runtime.i18n import set_lang
from sop_runtime.problems import Problem
from tests.unit.enginekit import inline_document


def rows(**changes: dict[str, Any]) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = [
        {"no": 1, "jenis": "mulai", "kegiatan": "Menerima pernyataan banding",
         "pelaksana": "petugas_ptsp"},
        {"no": 2, "kegiatan": "Mencatat banding", "pelaksana": "panmud_perdata",
         "lanjut": [3, 4]},
        {"no": 3, "kegiatan": "Memberitahukan banding", "pelaksana": "panitera", "lanjut": 5},
        {"no": 4, "kegiatan": "Menerima memori banding", "pelaksana": "petugas_ptsp",
         "lanjut": 5},
        {"no": 5, "kegiatan": "Mengirim berkas banding", "pelaksana": "panmud_perdata",
         "menunggu": [3, 4]},
        {"no": 6, "jenis": "selesai", "kegiatan": "Mengarsipkan", "pelaksana": "panmud_perdata"},
    ]
    for no, change in changes.items():
        row = steps[int(no.removeprefix("s")) - 1]
        row.update(change)
        for key in [k for k, v in row.items() if v is None]:
            del row[key]
    return steps


def english(problem: Problem) -> str:
    set_lang("en")
    try:
        return problem.message
    finally:
        set_lang(None)


def compiled(steps: list[dict[str, Any]]) -> tuple[Any, list[Problem], str]:
    text = yaml.safe_dump(inline_document(steps), allow_unicode=True, sort_keys=False,
                          default_flow_style=None)
    try:
        result = compile_source(text, "banding.yaml")
    except DefinitionError as exc:
        return None, exc.problems, text
    return result.workflow, [p for p in result.problems if p.code != "W201"], text


def line_of(text: str, needle: str, after: str) -> int:
    lines = text.splitlines()
    start = next(i for i, s in enumerate(lines) if after in s)
    return next(i for i in range(start, len(lines)) if needle in lines[i]) + 1


def test_a_split_and_a_join_compile_clean() -> None:
    wf, problems, _ = compiled(rows())
    assert problems == []
    split = wf.node("2")
    assert split.is_split
    assert [(t.target, t.kind) for t in split.transitions] == [("3", EdgeKind.NEXT),
                                                                ("4", EdgeKind.NEXT)]
    assert wf.node("5").waits == ("3", "4") and not wf.node("5").is_split


@pytest.mark.parametrize(("value", "says"), [
    ([3], "paling sedikit 2"),
    ([3, 3], "lebih dari sekali"),
    ([3, "x"], "harus nomor langkah"),
    ([0, 3], "harus nomor langkah"),
    ("tiga", "harus nomor langkah"),
])
def test_a_bad_lanjut_is_an_error_at_its_line(value: Any, says: str) -> None:
    wf, problems, text = compiled(rows(s2={"lanjut": value}))
    assert wf is None
    assert [p.code for p in problems] == ["E012"]
    assert says in problems[0].message and problems[0].path == "langkah[1].lanjut"
    assert problems[0].line == line_of(text, "lanjut", "Mencatat banding")


@pytest.mark.parametrize(("value", "says"), [
    ([3], "paling sedikit 2"), ([3, 4, 3], "lebih dari sekali"), (3, "daftar nomor langkah"),
])
def test_a_bad_menunggu_is_an_error(value: Any, says: str) -> None:
    wf, problems, _ = compiled(rows(s5={"menunggu": value}))
    assert wf is None and [p.code for p in problems] == ["E012"]
    assert says in problems[0].message and problems[0].path == "langkah[4].menunggu"


def test_a_join_waiting_for_a_step_that_does_not_lead_to_it_is_e115() -> None:
    wf, problems, text = compiled(rows(s5={"menunggu": [2, 4]}))
    assert wf is None
    assert [(p.code, p.path) for p in problems] == [("E115", "langkah[4].menunggu[0]")]
    assert problems[0].line == line_of(text, "menunggu: [2, 4]", "Mengirim berkas banding")
    assert problems[0].message == ("langkah 5 menunggu langkah 2, tetapi langkah 2 tidak "
                                   "berlanjut ke langkah 5")
    assert english(problems[0]) == "step 5 waits for step 2, but step 2 does not lead to step 5"


def test_a_join_waiting_for_a_missing_step_is_e107() -> None:
    _, problems, _ = compiled(rows(s5={"menunggu": [3, 9]}))
    assert [(p.code, p.path) for p in problems] == [("E107", "langkah[4].menunggu[1]")]


def test_branches_meeting_without_menunggu_warn_w205_and_w206() -> None:
    wf, problems, text = compiled(rows(s5={"menunggu": None}))
    assert wf is not None  # a warning: it compiles
    w205 = [p for p in problems if p.code == "W205"]
    assert [(p.path, p.params) for p in w205] == [
        ("langkah[4]", {"no": 5, "split": 2, "a": "3", "b": "4"})]
    assert w205[0].line == line_of(text, "no': 5", "Menerima memori")
    assert "tanpa 'menunggu'" in w205[0].message
    # without the join, each branch runs on to the end
    assert sorted(p.params["branch"] for p in problems if p.code == "W206") == ["3", "4"]


def test_a_branch_that_reaches_an_end_before_the_join_warns_w206() -> None:
    steps = rows(s3={"jenis": "keputusan", "lanjut": None,
                     "cabang": [{"label": "Disampaikan", "ke": 5}, {"label": "Dicabut", "ke": 6}]})
    wf, problems, text = compiled(steps)
    assert wf is not None
    assert [(p.code, p.path, p.params) for p in problems] == [
        ("W206", "langkah[1].lanjut", {"no": 2, "branch": "3", "end": "6"})]
    assert problems[0].line == line_of(text, "lanjut", "Mencatat banding")
    assert english(problems[0]).startswith("the parallel branch of step 2 through step 3 "
                                           "reaches end step 6")


def test_a_join_downstream_of_a_longer_branch_is_clean() -> None:
    steps = rows(s4={"lanjut": 7}, s5={"menunggu": [3, 7]})
    steps.append({"no": 7, "kegiatan": "Memeriksa memori", "pelaksana": "petugas_ptsp",
                  "lanjut": 5})
    _, problems, _ = compiled(steps)
    assert problems == []


def test_a_join_that_does_not_wait_for_every_branch_warns_w206() -> None:
    # a third branch (7) leads into the join, which does not wait for it: the join opens
    # when branch 7 arrives, and runs on to the end while 3 and 4 may still be at work
    steps = rows(s2={"lanjut": [3, 4, 7]})
    steps.append({"no": 7, "kegiatan": "Menaksir biaya", "pelaksana": "kasir", "lanjut": 5})
    _, problems, _ = compiled(steps)
    assert [(p.code, p.params["branch"]) for p in problems] == [("W206", "7")]


def test_new_keys_enter_the_canonical_form_only_when_set() -> None:
    plain = rows(s2={"lanjut": 3}, s3={"lanjut": 4}, s4={"lanjut": 5},
                 s5={"menunggu": None})
    wf, _, _ = compiled(plain)
    assert all("waits" not in node_content(n) for n in wf.nodes)
    joined, _, _ = compiled(rows())
    assert node_content(joined.node("5"))["waits"] == ["3", "4"]
    assert joined.version != wf.version
    # the same SOP written with the default next steps left out has the same version
    implicit = rows(s2={"lanjut": None}, s3={"lanjut": None}, s4={"lanjut": None},
                    s5={"menunggu": None})
    assert compiled(implicit)[0].version == wf.version
