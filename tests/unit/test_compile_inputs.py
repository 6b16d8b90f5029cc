"""W204: a kelengkapan that no earlier step supplies and that looks like a mistake."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from sop_runtime.compiler.compile import compile_document
from sop_runtime.compiler.inputs import edit_distance
from sop_runtime.compiler.library import load_library
from sop_runtime.definition.models import SopDocument
from sop_runtime.definition.synthetic_sop import synthetic_dict
from sop_runtime.i18n import set_lang
from sop_runtime.problems import Problem
from tests.conftest import DEFINITIONS


def _step(no: int, kelengkapan: list[Any], output: list[Any], **extra: Any) -> dict[str, Any]:
    return {"no": no, "kegiatan": f"Memproses tahap {no}", "pelaksana": "petugas_ptsp",
            "mutu_baku": {"kelengkapan": kelengkapan, "waktu": "10 menit", "output": output},
            **extra}


def _sop(rows: list[dict[str, Any]]) -> dict[str, Any]:
    data = synthetic_dict(3)
    data["langkah"] = rows
    return data


def _w204(data: dict[str, Any]) -> list[Problem]:
    set_lang("en")
    try:
        result = compile_document(SopDocument.model_validate(data))
        assert result.ok, [p.format() for p in result.problems]
        found = [p for p in result.problems if p.code == "W204"]
        for p in found:
            assert p.message  # rendered while English is on
        return found
    finally:
        set_lang(None)


def _registration(step3_needs: list[Any]) -> dict[str, Any]:
    """1 receives the claim, 2 registers it (nomor perkara), 3 needs ``step3_needs``."""
    return _sop([
        _step(1, ["Surat gugatan"], ["Tanda terima"], jenis="mulai"),
        _step(2, ["Tanda terima"], [{"id": "nomor_perkara", "nama": "Nomor perkara",
                                     "jenis": "nomor"}]),
        _step(3, step3_needs, ["Penetapan majelis hakim"]),
        _step(4, ["Penetapan majelis hakim"], ["Berkas"], jenis="selesai"),
    ])


def test_a_typo_of_an_earlier_output_is_reported_at_its_place() -> None:
    (p,) = _w204(_registration([{"id": "nomor_perkra", "nama": "Nomor perkara"}]))
    assert p.path == "langkah[2].mutu_baku.kelengkapan[0]"
    assert p.params["item"] == "nomor_perkra" and p.params["no"] == 3
    assert "close to 'nomor_perkara' (output of step 2); a typo?" in str(p.params["detail"])


def test_documents_brought_in_at_the_step_are_not_reported() -> None:
    # new at step 3, like most kelengkapan in the library: the applicant brings them
    assert _w204(_registration(["Nomor perkara", "Surat kuasa khusus", "Fotokopi KTP"])) == []


def test_a_typo_of_a_case_field_or_of_an_earlier_kelengkapan() -> None:
    data = _registration(["Tanggal putusn", "Surat gugatn"])
    data["isian"] = [{"id": "tanggal_putusan", "nama": "Tanggal putusan", "jenis": "tanggal"}]
    details = [str(p.params["detail"]) for p in _w204(data)]
    assert details == ["close to 'tanggal_putusan' (a case field); a typo?",
                       "close to 'surat_gugatan' (kelengkapan of step 1); a typo?"]


def test_an_item_produced_only_later_is_reported() -> None:
    data = _registration(["Berkas"])  # step 4's output
    (p,) = _w204(data)
    assert p.params["detail"] == "it is produced only at step 4, which cannot come before it"


def _branches(step3_next: int) -> dict[str, Any]:
    """2 decides: 'Lengkap' -> 3 (registers), 'Tidak lengkap' -> 4 (needs the register
    number); 3 goes on to ``step3_next``."""
    return _sop([
        _step(1, ["Permohonan"], ["Tanda terima"], jenis="mulai"),
        _step(2, ["Tanda terima"], ["Hasil pemeriksaan"], jenis="keputusan",
              cabang=[{"label": "Lengkap", "ke": 3}, {"label": "Tidak lengkap", "ke": 4}]),
        _step(3, ["Hasil pemeriksaan"], ["Nomor register"], lanjut=step3_next),
        _step(4, ["Nomor register"], ["Surat penolakan"]),
        _step(5, ["Hasil pemeriksaan"], ["Surat"], jenis="selesai"),
    ])


def test_an_output_on_another_branch_does_not_count_as_earlier() -> None:
    (p,) = _w204(_branches(step3_next=5))
    assert (p.params["no"], p.params["item"]) == (4, "nomor_register")
    assert p.params["detail"] == "it is produced only at step 3, which cannot come before it"
    # step 3 loops back to the decision (rework): on a later round step 4 has its output
    assert _w204(_branches(step3_next=2)) == []


def test_an_items_own_output_and_short_ids_are_not_reported() -> None:
    data = _sop([
        _step(1, ["Nomor antrian"], ["Nomor antrian"], jenis="mulai"),  # given at the step
        _step(2, ["KTP"], ["KK"]),
        _step(3, ["KTA"], ["Surat"], jenis="selesai"),  # 'kta' vs 'ktp': too short to judge
    ])
    assert _w204(data) == []


@pytest.mark.parametrize(("a", "b", "d"), [
    ("nomor_perkara", "nomor_perkara", 0), ("nomor_perkra", "nomor_perkara", 1),
    ("nomor_pekrara", "nomor_perkara", 1), ("nomr_perkra", "nomor_perkara", 2),
    ("sisa_panjar", "nomor_perkara", 3), ("skum", "skum_lunas", 3)])
def test_edit_distance_counts_a_swap_as_one_and_stops_past_the_limit(a: str, b: str,
                                                                    d: int) -> None:
    assert edit_distance(a, b, 2) == d
    assert edit_distance(b, a, 2) == d


def test_the_library_has_no_unsupplied_kelengkapan() -> None:
    lib = load_library([Path(DEFINITIONS)])
    assert [p.format() for p in lib.problems if p.code == "W204"] == []
