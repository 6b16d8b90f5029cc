"""What changed between two versions of one SOP (compiler.diff): every kind of change, on
small SOPs written inline."""

from __future__ import annotations

import copy
from typing import Any

import yaml

from sop_runtime.compiler.diff import diff_workflows, match_steps
from sop_runtime.compiler.library import compile_source
from sop_runtime.compiler.workflow import Workflow
from tests.unit.enginekit import inline_document

ROWS: list[dict[str, Any]] = [
    {"no": 1, "jenis": "mulai", "kegiatan": "Menerima permohonan", "pelaksana": "petugas_ptsp"},
    {"no": 2, "kegiatan": "Memeriksa kelengkapan berkas", "pelaksana": "petugas_ptsp",
     "mutu_baku": {"kelengkapan": ["Surat permohonan", "Fotokopi KTP"], "waktu": "1 jam",
                   "output": ["Tanda terima"]}, "keterangan": "Di loket"},
    {"no": 3, "jenis": "keputusan", "kegiatan": "Menilai kelengkapan berkas",
     "pelaksana": "panitera",
     "cabang": [{"label": "Lengkap", "ke": 4}, {"label": "Tidak lengkap", "ke": 6}]},
    {"no": 4, "kegiatan": "Menerima pembayaran panjar", "pelaksana": "kasir",
     "mutu_baku": {"waktu": "1 hari kerja"},
     "jika_lewat_waktu": {"setelah": "6 bulan", "ke": 6}},
    {"no": 5, "jenis": "selesai", "kegiatan": "Menyerahkan tanda terima",
     "pelaksana": "petugas_ptsp"},
    {"no": 6, "jenis": "selesai", "kegiatan": "Mengembalikan berkas",
     "pelaksana": "petugas_ptsp"},
]


def doc(rows: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return inline_document(copy.deepcopy(rows or ROWS),
                           standar_pelayanan={"waktu_pelayanan": "2 hari kerja"})


def build(d: dict[str, Any]) -> Workflow:
    result = compile_source(yaml.safe_dump(d, allow_unicode=True), "uji.yaml")
    assert result.workflow is not None, result.problems
    return result.workflow


def rows() -> list[dict[str, Any]]:
    return copy.deepcopy(ROWS)


def renumber(rs: list[dict[str, Any]], shift: dict[int, int]) -> list[dict[str, Any]]:
    """Rows with their numbers (and every reference to them) moved by ``shift``."""
    for r in rs:
        r["no"] = shift.get(r["no"], r["no"])
        for b in r.get("cabang", ()):
            b["ke"] = shift.get(b["ke"], b["ke"])
        if "jika_lewat_waktu" in r:
            r["jika_lewat_waktu"]["ke"] = shift.get(r["jika_lewat_waktu"]["ke"],
                                                    r["jika_lewat_waktu"]["ke"])
        if isinstance(r.get("lanjut"), int):
            r["lanjut"] = shift.get(r["lanjut"], r["lanjut"])
    return rs


def fields(d: Any, no: int) -> dict[str, Any]:
    kept = next(k for k in d.kept if k.new_no == no)
    return {c.field: c for c in kept.changes}


def test_the_same_version_has_no_change() -> None:
    d = diff_workflows(build(doc()), build(doc()))
    assert d.empty
    assert [(k.old_no, k.new_no) for k in d.kept] == [(n, n) for n in range(1, 7)]


def test_a_step_inserted_renumbers_the_rest_and_changes_only_its_neighbour() -> None:
    new = renumber(rows(), {3: 4, 4: 5, 5: 6, 6: 7})
    new.insert(2, {"no": 3, "kegiatan": "Menaksir panjar biaya", "pelaksana": "kasir"})
    d = diff_workflows(build(doc()), build(doc(new)))
    assert [(s.no, s.kegiatan, s.pelaksana) for s in d.added] == [
        (3, "Menaksir panjar biaya", "Kasir")]
    assert d.removed == ()
    assert [(k.old_no, k.new_no) for k in d.renumbered] == [(3, 4), (4, 5), (5, 6), (6, 7)]
    # step 2 now leads to the new step; the decision and the timer only moved with it
    assert [k.new_no for k in d.changed] == [2]
    assert (fields(d, 2)["lanjut"].old, fields(d, 2)["lanjut"].new) == ("→ 3", "→ 3 (baru)")
    assert d.new_marks() == {"3": "added", "2": "changed"}
    assert d.old_marks() == {"2": "changed"}


def test_a_step_removed_and_the_flow_that_led_to_it() -> None:
    new = [r for r in rows() if r["no"] != 4]
    new[2]["cabang"][0]["ke"] = 5
    d = diff_workflows(build(doc()), build(doc(new)))
    assert [(s.no, s.kegiatan) for s in d.removed] == [(4, "Menerima pembayaran panjar")]
    assert d.added == () and d.renumbered == ()
    cabang = fields(d, 3)["cabang"]
    assert cabang.old == "Lengkap → 4 (dihapus); Tidak lengkap → 6"
    assert cabang.new == "Lengkap → 5; Tidak lengkap → 6"
    assert d.old_marks() == {"4": "removed", "3": "changed"}


def test_a_reworded_step_is_the_same_step() -> None:
    new = rows()
    new[1]["kegiatan"] = "Memeriksa kelengkapan berkas permohonan"
    d = diff_workflows(build(doc()), build(doc(new)))
    assert d.added == () and d.removed == ()
    change = fields(d, 2)["kegiatan"]
    assert (change.old, change.new) == ("Memeriksa kelengkapan berkas",
                                       "Memeriksa kelengkapan berkas permohonan")
    assert change.label == "Kegiatan"


def test_a_rewritten_row_at_its_place_is_kept_and_another_activity_is_not() -> None:
    new = rows()
    new[3]["kegiatan"] = "Mencatat setoran ke bank"   # same row, kind and pelaksana
    d = diff_workflows(build(doc()), build(doc(new)))
    assert d.added == () and "kegiatan" in fields(d, 4)
    new[3]["pelaksana"] = "panitera"                  # another performer too: a new step
    d = diff_workflows(build(doc()), build(doc(new)))
    assert [s.no for s in d.added] == [4] and [s.no for s in d.removed] == [4]


def test_every_field_of_a_row() -> None:
    new = rows()
    new[1]["pelaksana"] = ["panitera", "petugas_ptsp"]
    new[1]["mutu_baku"] = {"kelengkapan": ["Surat permohonan", "Surat kuasa"],
                           "waktu": "30 menit", "output": ["Tanda terima", "SKUM"]}
    new[1]["keterangan"] = "Di loket PTSP"
    new[2]["cabang"][1]["label"] = "Belum lengkap"
    new[3]["jika_lewat_waktu"]["setelah"] = "3 bulan"
    new[3]["mutu_baku"] = {"waktu": {"batas": "2 hari kerja", "sejak": {"langkah": 2}}}
    d = diff_workflows(build(doc()), build(doc(new)))
    two = fields(d, 2)
    assert set(two) == {"pelaksana", "kelengkapan", "waktu", "output", "keterangan"}
    assert (two["pelaksana"].old, two["pelaksana"].new) == ("Petugas Ptsp",
                                                           "Panitera, Petugas Ptsp")
    assert two["kelengkapan"].added == ("Surat kuasa",)
    assert two["kelengkapan"].removed == ("Fotokopi KTP",)
    assert two["output"].added == ("SKUM",) and two["output"].removed == ()
    assert (two["waktu"].old, two["waktu"].new) == ("1 jam", "30 menit")
    assert fields(d, 3)["cabang"].removed == ("Tidak lengkap → 6",)
    assert fields(d, 3)["cabang"].added == ("Belum lengkap → 6",)
    four = fields(d, 4)
    assert four["lewat_waktu"].old == "setelah 6 bulan → 6"
    assert four["lewat_waktu"].new == "setelah 3 bulan → 6"
    assert four["waktu"].new.startswith("2 hari kerja (")
    assert [c.label for c in d.changed[0].changes][:2] == ["Pelaksana", "Kelengkapan"]


def test_a_kind_changes() -> None:
    new = rows()
    new[3]["jenis"] = "otomatis"
    new[3]["pelaksana"] = "sipp"
    new[3]["aksi"] = "sop_runtime.actions.builtin:issue_number"
    new[3].pop("jika_lewat_waktu")
    new[3].pop("mutu_baku")
    d = diff_workflows(build(doc()), build(doc(new)))
    four = fields(d, 4)
    assert (four["jenis"].old, four["jenis"].new) == ("proses", "otomatis")
    assert four["lewat_waktu"].new == "—"


def test_the_identity_block_lanes_and_service_standard() -> None:
    old, new = doc(), doc()
    new["identitas"]["nomor"] = "UJI/01/2027"
    new["identitas"]["tanggal_revisi"] = "2026-01-08"
    new["identitas"]["dasar_hukum"].append("Perma Nomor 7 Tahun 2022")
    new["identitas"]["disahkan_oleh"]["nama"] = "Dr. Siti"
    new["pelaksana"][2]["nama"] = "Kasir PTSP"
    new["standar_pelayanan"]["waktu_pelayanan"] = "1 hari kerja"
    new["standar_pelayanan"]["biaya"] = "Rp10.000"
    d = diff_workflows(build(old), build(new))
    assert d.kept and not d.changed and not d.added
    found = {c.field: c for c in d.sop_changes}
    assert set(found) == {"nomor", "tanggal_revisi", "dasar_hukum", "disahkan_oleh", "lajur",
                          "waktu_pelayanan", "biaya"}
    assert (found["tanggal_revisi"].old, found["tanggal_revisi"].new) == ("—",
                                                                         "8 Januari 2026")
    assert found["dasar_hukum"].added == ("Perma Nomor 7 Tahun 2022",)
    assert found["lajur"].added == ("Kasir PTSP",) and found["lajur"].removed == ("Kasir",)
    assert (found["waktu_pelayanan"].old, found["waktu_pelayanan"].new) == (
        "2 hari kerja", "1 hari kerja")
    assert found["nomor"].label == "Nomor SOP"
    assert not d.empty and d.as_json()["sop_changes"][0]["field"] == "nomor"


def test_repeated_activities_are_matched_in_table_order() -> None:
    a = build(doc())
    pairs = match_steps(a.nodes, tuple(reversed(a.nodes)))
    assert sorted((o.no, n.no) for o, n in pairs) == [(n, n) for n in range(1, 7)]
