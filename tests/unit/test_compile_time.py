"""W202: the longest path's time against the service standard, with anchored limits."""

from __future__ import annotations

from typing import Any

from sop_runtime.compiler.compile import compile_document
from sop_runtime.compiler.graph import longest_path
from sop_runtime.definition.models import SopDocument
from sop_runtime.definition.synthetic_sop import synthetic_dict
from sop_runtime.i18n import set_lang


def _step(no: int, waktu: Any, **extra: Any) -> dict[str, Any]:
    return {"no": no, "kegiatan": f"Memproses tahap {no}", "pelaksana": "petugas_ptsp",
            "mutu_baku": {"waktu": waktu, "output": [f"Berkas tahap {no}"]}, **extra}


def _sop(rows: list[dict[str, Any]], standard: str) -> dict[str, Any]:
    data = synthetic_dict(3)
    data["langkah"] = rows
    data["standar_pelayanan"] = {
        "persyaratan": ["Permohonan"], "biaya": "-", "produk": ["Surat"], "pengaduan": "SIWAS",
        "waktu_pelayanan": standard}
    return data


def _w202(data: dict[str, Any]) -> list[str]:
    """The W202 messages, in English."""
    set_lang("en")
    try:
        result = compile_document(SopDocument.model_validate(data))
        assert result.ok, [p.format() for p in result.problems]
        return [p.message for p in result.problems if p.code == "W202"]
    finally:
        set_lang(None)


def _branching(anchor_of_4: int | None) -> list[dict[str, Any]]:
    """1 -> 2 (decision) -> 3 (3 hari kerja) -> 5, or 2 -> 4 (1 hari kerja) -> 5."""
    waktu4: Any = "1 hari kerja"
    if anchor_of_4 is not None:
        waktu4 = {"batas": "1 hari kerja", "sejak": {"langkah": anchor_of_4}}
    return [
        _step(1, "10 menit", jenis="mulai"),
        _step(2, "10 menit", jenis="keputusan",
              cabang=[{"label": "Ya", "ke": 3}, {"label": "Tidak", "ke": 4}]),
        _step(3, "3 hari kerja", lanjut=5),
        _step(4, waktu4),
        _step(5, "10 menit", jenis="selesai"),
    ]


def test_a_limit_since_an_earlier_step_runs_alongside_the_steps_in_between() -> None:
    # 1 (10 menit), 2 (1 hari kerja), 3: 1 hari kerja since step 1's completion, 4 (10 menit)
    rows = [_step(1, "10 menit", jenis="mulai"), _step(2, "1 hari kerja"),
            _step(3, {"batas": "1 hari kerja", "sejak": {"langkah": 1}}),
            _step(4, "10 menit", jenis="selesai")]
    # step 3 is due 1 hari kerja after step 1, while step 2 runs: 10 + 450 + 10 minutes
    assert _w202(_sop(rows, "1 hari kerja 20 menit")) == []
    (message,) = _w202(_sop(rows, "1 hari kerja 19 menit"))
    assert "(steps 1 → 2 → 3 → 4) come to 1 working days 20 min" in message
    # counted one after the other, the same limits exceed a larger standard
    rows[2]["mutu_baku"]["waktu"] = "1 hari kerja"
    assert len(_w202(_sop(rows, "2 hari kerja"))) == 1


def test_an_anchor_on_another_branch_does_not_lengthen_this_one() -> None:
    # Step 4 counts from step 3, which is on the other branch: on its own path step 3 is
    # never done, so the engine counts step 4's limit from its activation.
    assert _w202(_sop(_branching(anchor_of_4=3), "3 hari kerja 30 menit")) == []
    assert len(_w202(_sop(_branching(anchor_of_4=3), "3 hari kerja 29 menit"))) == 1


def test_an_anchor_not_on_every_path_counts_where_it_is_not_passed() -> None:
    # 1 -> 2 -> 3 -> 4, and 2 -> 4 directly; 4 counts from 3 where 3 was done
    succ = {"1": ["2"], "2": ["3", "4"], "3": ["4"], "4": []}
    weight = {"1": 0, "2": 0, "3": 50, "4": 30}
    assert longest_path(succ, weight, "1", {"4"}, anchors={"4": "3"}) == (80, ["1", "2", "3", "4"])
    weight["3"] = 10  # through 3: max(10, 10 + 30) = 40; past 3: 0 + 30
    assert longest_path(succ, weight, "1", {"4"}, anchors={"4": "3"})[0] == 40


def test_longest_path_with_a_sibling_anchor() -> None:
    succ = {"1": ["2"], "2": ["3", "4"], "3": ["5"], "4": ["5"], "5": []}
    weight = {"3": 100, "4": 10}
    total, path = longest_path(succ, weight, "1", {"5"}, anchors={"4": "3"})
    assert (total, path) == (100, ["1", "2", "3", "5"])


def test_a_limit_since_a_case_date_is_left_out_of_the_sum() -> None:
    rows = [_step(1, "10 menit", jenis="mulai"),
            _step(2, {"batas": "14 hari", "sejak": {"isian": "tanggal_putusan"}}),
            _step(3, "10 menit", jenis="selesai")]
    data = _sop(rows, "20 menit")
    data["isian"] = [{"id": "tanggal_putusan", "nama": "Tanggal putusan", "jenis": "tanggal"}]
    assert _w202(data) == []
    rows[1]["mutu_baku"]["waktu"] = "14 hari"
    assert len(_w202(data)) == 1
