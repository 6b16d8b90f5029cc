from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from pydantic import ValidationError

from sop_runtime.compiler.compile import compile_document
from sop_runtime.compiler.library import compile_source
from sop_runtime.compiler.workflow import EdgeKind
from sop_runtime.definition.loader import validate_as
from sop_runtime.definition.models import SopDocument, StepKind, Symbol
from sop_runtime.definition.synthetic_sop import synthetic_dict, synthetic_document
from sop_runtime.definition.yamlsource import load_yaml


def _compile(data: dict[str, Any]) -> Any:
    return compile_document(SopDocument.model_validate(data))


def _codes(data: dict[str, Any]) -> list[str]:
    return sorted(p.code for p in _compile(data).problems)


def test_synthetic_document_compiles_clean() -> None:
    result = compile_document(synthetic_document(40))
    assert result.problems == []
    wf = result.workflow
    assert wf is not None
    assert wf.start == "1"
    assert wf.ends == ("40",)
    assert wf.node("7").kind is StepKind.KEPUTUSAN
    assert wf.node("7").symbol is Symbol.BELAH_KETUPAT
    assert wf.node("7").branch_labels == ("Lengkap", "Tidak lengkap")
    timer = wf.node("3").timer
    assert timer is not None and timer.target == "40" and timer.limit.months == 6
    assert [t.kind for t in wf.node("3").transitions] == [EdgeKind.NEXT, EdgeKind.TIMER]


def test_implicit_next_follows_table_order() -> None:
    wf = compile_document(synthetic_document(5)).workflow
    assert wf is not None
    assert [t.target for t in wf.node("1").transitions] == ["2"]


def test_same_document_twice_gives_same_hash() -> None:
    a = compile_document(synthetic_document(30)).workflow
    b = compile_document(synthetic_document(30)).workflow
    assert a is not None and b is not None
    assert a.version == b.version
    assert len(a.version) == 64


def test_formatting_does_not_change_the_hash() -> None:
    data = synthetic_dict(12)
    plain = yaml.safe_dump(data, sort_keys=True, allow_unicode=True)
    # other key order, flow style, comments, explicit default next steps
    data2 = copy.deepcopy(data)
    for i, row in enumerate(data2["langkah"][:-1]):
        if "cabang" not in row:
            row["lanjut"] = data2["langkah"][i + 1]["no"]
    fancy = "# komentar\n" + yaml.safe_dump(
        dict(reversed(list(data2.items()))), sort_keys=False, default_flow_style=True, width=60,
        allow_unicode=True)
    h1 = _version_of_yaml(plain)
    h2 = _version_of_yaml(fancy)
    assert h1 == h2


def _version_of_yaml(text: str) -> str:
    loaded = validate_as(load_yaml(text, "x.yaml"), SopDocument)
    wf = compile_document(loaded.model, loaded.source).workflow
    assert wf is not None
    return wf.version


MUTATIONS = {
    "time limit": lambda d: d["langkah"][1]["mutu_baku"].__setitem__("waktu", "11 menit"),
    "approximate": lambda d: d["langkah"][1]["mutu_baku"].__setitem__("waktu", "± 10 menit"),
    "branch label": lambda d: d["langkah"][6]["cabang"][1].__setitem__("label", "Tidak"),
    "branch target": lambda d: d["langkah"][6]["cabang"][1].__setitem__("ke", 2),
    "pelaksana": lambda d: d["langkah"][1].__setitem__("pelaksana", "ketua"),
    "kegiatan": lambda d: d["langkah"][1].__setitem__("kegiatan", "Meneliti berkas"),
    "output": lambda d: d["langkah"][1]["mutu_baku"]["output"].append("Tanda terima"),
    "optional input": lambda d: d["langkah"][1]["mutu_baku"].__setitem__(
        "kelengkapan", [{"nama": "Berkas tahap 1", "wajib": False}]),
    "enforcement": lambda d: d.__setitem__("penegakan", "tolak"),
    "identity": lambda d: d["identitas"].__setitem__("nomor", "SINTETIS/13b"),
    "legal basis": lambda d: d["identitas"]["dasar_hukum"].append("RBg"),
    "timer": lambda d: d["langkah"][2]["jika_lewat_waktu"].__setitem__("setelah", "5 bulan"),
    "source": lambda d: d["sumber"][0].__setitem__("url", "https://example.org/lain"),
}


@pytest.mark.parametrize("name", sorted(MUTATIONS))
def test_any_semantic_change_gives_a_new_hash(name: str) -> None:
    base = synthetic_dict(12)
    changed = copy.deepcopy(base)
    MUTATIONS[name](changed)
    a, b = _compile(base).workflow, _compile(changed).workflow
    assert a is not None and b is not None, _compile(changed).problems
    assert a.version != b.version


def test_all_problems_are_reported_at_once() -> None:
    data = synthetic_dict(10)
    data["langkah"][1]["pelaksana"] = "jurusita"  # undeclared
    data["langkah"][3]["lanjut"] = 99  # unknown step
    data["langkah"][6]["cabang"] = [{"label": "Ya", "ke": 8}]  # one branch
    codes = _codes(data)
    assert "E106" in codes and "E107" in codes and "E105" in codes


def test_separation_of_duties_must_name_existing_steps() -> None:
    data = synthetic_dict(6)
    data["pemisahan_tugas"] = [{"langkah": [2, 42], "alasan": "uji"}]
    assert "E107" in _codes(data)


def test_anchor_to_an_earlier_step_and_to_a_case_field() -> None:
    data = synthetic_dict(6)
    data["isian"] = [{"id": "tanggal_putusan", "nama": "Tanggal putusan", "jenis": "tanggal"}]
    data["langkah"][3]["mutu_baku"]["waktu"] = {"batas": "14 hari", "sejak": {"langkah": 2}}
    data["langkah"][4]["mutu_baku"]["waktu"] = {"batas": "14 hari kerja",
                                                "sejak": {"isian": "tanggal_putusan"}}
    wf = _compile(data).workflow
    assert wf is not None
    assert wf.node("4").anchor is not None and wf.node("4").anchor.langkah == 2
    assert wf.node("5").anchor is not None and wf.node("5").anchor.isian == "tanggal_putusan"
    data["langkah"][3]["mutu_baku"]["waktu"]["sejak"] = {"langkah": 4}
    assert "E138" in _codes(data)


def test_extension_needs_a_limit_and_is_kept() -> None:
    data = synthetic_dict(6)
    data["langkah"][1]["perpanjangan"] = "3 hari kerja"
    wf = _compile(data).workflow
    assert wf is not None and wf.node("2").extension is not None
    del data["langkah"][1]["mutu_baku"]["waktu"]
    assert "E135" in _codes(data)


def test_off_page_connectors_pair_up() -> None:
    data = synthetic_dict(8)
    rows = data["langkah"]
    rows.insert(3, {"no": 20, "kegiatan": "Ke halaman 2", "jenis": "penghubung",
                    "penghubung": {"label": "A", "arah": "keluar"}})
    rows.insert(4, {"no": 21, "kegiatan": "Dari halaman 1", "jenis": "penghubung",
                    "penghubung": {"label": "A", "arah": "masuk"}, "lanjut": 4})
    result = _compile(data)
    assert result.workflow is not None, result.problems
    assert result.workflow.node("20").transitions[0].target == "21"
    assert result.workflow.node("20").symbol is Symbol.SEGILIMA


def test_public_steps_recorded_by_a_clerk() -> None:
    data = synthetic_dict(5)
    data["pelaksana"].append({"id": "pemohon", "nama": "Pemohon", "publik": True})
    data["langkah"][1].update(pelaksana="pemohon", dicatat_oleh=["petugas_ptsp"])
    wf = _compile(data).workflow
    assert wf is not None and wf.node("2").recorded_by == ("petugas_ptsp",)
    data["langkah"][2]["dicatat_oleh"] = ["petugas_ptsp"]  # not a public step
    assert "E121" in _codes(data)


def test_automated_steps_need_a_system_role_and_an_action() -> None:
    data = synthetic_dict(5)
    data["pelaksana"].append({"id": "sipp", "nama": "SIPP", "sistem": True})
    data["langkah"][1].update(jenis="otomatis", pelaksana="sipp",
                              aksi="sop_runtime.actions:nomor_perkara")
    assert _compile(data).workflow is not None
    data["langkah"][2]["pelaksana"] = "sipp"  # a system doing a human step
    assert "E124" in _codes(data)


def test_big_sop_compiles_without_recursion_limits() -> None:
    result = compile_document(synthetic_document(2000))
    assert result.ok and result.problems == []


def test_a_step_may_name_several_roles_drawn_in_the_first_lane() -> None:
    data = synthetic_dict(5)
    data["langkah"][1]["pelaksana"] = ["ketua", "panitera"]
    wf = _compile(data).workflow
    assert wf is not None
    assert wf.node("2").role == "ketua" and wf.node("2").roles == ("ketua", "panitera")
    data["langkah"][1]["pelaksana"] = ["ketua", "hakim_agung"]
    assert "E106" in _codes(data)


def test_service_standard_anchored_to_a_case_date() -> None:
    data = synthetic_dict(5)
    data["isian"] = [{"id": "tanggal_putusan", "nama": "Tanggal putusan", "jenis": "tanggal"}]
    data["standar_pelayanan"] = {
        "persyaratan": ["Permohonan"], "biaya": "PNBP", "produk": ["Salinan putusan"],
        "pengaduan": "SIWAS", "waktu_pelayanan": "14 hari kerja",
        "waktu_pelayanan_sejak": {"isian": "tanggal_putusan"}}
    wf = _compile(data).workflow
    assert wf is not None and wf.service_anchor is not None
    data["standar_pelayanan"]["waktu_pelayanan_sejak"] = {"isian": "tanggal_lain"}
    assert "E114" in _codes(data)


def test_limits_counted_from_the_same_step_do_not_add_up() -> None:
    data = synthetic_dict(5)
    for row in data["langkah"]:
        row["mutu_baku"]["waktu"] = "10 menit"
    data["langkah"][2]["mutu_baku"]["waktu"] = {"batas": "1 hari kerja", "sejak": {"langkah": 1}}
    data["langkah"][3]["mutu_baku"]["waktu"] = {"batas": "1 hari kerja", "sejak": {"langkah": 1}}
    data["standar_pelayanan"] = {
        "persyaratan": ["Permohonan"], "biaya": "-", "produk": ["Surat"], "pengaduan": "SIWAS",
        "waktu_pelayanan": "1 hari kerja 20 menit"}
    assert _codes(data) == []
    data["standar_pelayanan"]["waktu_pelayanan"] = "1 hari kerja"
    assert _codes(data) == ["W202"]


def test_canonical_json_matches_the_standard_library_spelling() -> None:
    import json

    from sop_runtime.compiler.canonical import canonical_json, content

    wf = compile_document(synthetic_document(12)).workflow
    assert wf is not None
    data = content(wf.document, wf.nodes)
    expected = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    assert canonical_json(data) == expected.encode()


def test_the_end_of_a_limits_last_day_is_kept_and_checked() -> None:
    data = synthetic_dict(6)
    before = _compile(data).workflow
    data["langkah"][3]["mutu_baku"]["waktu"] = {"batas": "14 hari", "berakhir": "akhir_hari"}
    data["saluran"] = "elektronik"
    wf = _compile(data).workflow
    assert wf is not None and before is not None
    assert (wf.node("4").limit_end, wf.channel, before.channel) == (
        "akhir_hari", "elektronik", "loket")
    assert wf.version != before.version
    for bad in ("24:00", "tengah malam", "8:00"):
        data["langkah"][3]["mutu_baku"]["waktu"]["berakhir"] = bad
        with pytest.raises(ValidationError):
            _compile(data)
    data["langkah"][3]["mutu_baku"]["waktu"]["berakhir"] = "20:00"
    data["saluran"] = "pos"
    with pytest.raises(ValidationError):
        _compile(data)


def test_extension_by_whom_and_what_it_extends() -> None:
    data = synthetic_dict(6)
    plain = _compile(data).workflow
    data["langkah"][1]["perpanjangan"] = "3 hari kerja"
    bare = _compile(data).workflow
    data["langkah"][1]["perpanjangan"] = {"batas": "3 hari kerja"}
    spelled = _compile(data).workflow
    assert plain is not None and bare is not None and spelled is not None
    assert bare.version == spelled.version  # a bare limit is the short form
    data["langkah"][1]["perpanjangan"] = {"batas": "3 hari kerja", "oleh": ["tidak_ada"]}
    assert "E106" in _codes(data)


def test_an_anchor_on_the_later_of_two_moments_is_checked_part_by_part() -> None:
    data = synthetic_dict(6)
    data["isian"] = [{"id": "tanggal_putusan", "nama": "Tanggal putusan", "jenis": "tanggal"}]
    data["langkah"][3]["mutu_baku"]["waktu"] = {"batas": "14 hari", "sejak": {
        "paling_akhir": [{"isian": "tanggal_putusan"}, {"langkah": 2}]}}
    wf = _compile(data).workflow
    assert wf is not None and wf.node("4").anchor is not None
    assert wf.node("4").anchor.describe() == "sejak yang paling akhir dari tanggal putusan, " \
        "langkah 2"
    data["langkah"][3]["mutu_baku"]["waktu"]["sejak"]["paling_akhir"][0] = {"isian": "tidak_ada"}
    data["langkah"][3]["mutu_baku"]["waktu"]["sejak"]["paling_akhir"][1] = {"langkah": 4}
    assert _codes(data) == ["E114", "E138"]
    data["langkah"][3]["mutu_baku"]["waktu"]["sejak"] = {"paling_akhir": [{"langkah": 2}]}
    with pytest.raises(ValidationError):
        _compile(data)


@pytest.mark.parametrize(("row", "hint"), [
    ({"waktu": "1 hari"}, "kunci ini tempatnya di bawah 'mutu_baku'"),
    ({"keteranagn": "x"}, "maksudnya 'keterangan'?"),
])
def test_an_unknown_key_says_where_it_belongs_or_what_was_meant(row: dict[str, str],
                                                                hint: str) -> None:
    """A key of another part of the form written in the wrong place (``waktu`` beside
    ``kegiatan``) is told where it goes, not "did you mean 'waktu'"."""
    from sop_runtime.compiler.library import compile_source
    from sop_runtime.errors import DefinitionError
    from tests.unit.enginekit import inline_document

    doc = inline_document([{"no": 1, "jenis": "mulai", "kegiatan": "Menerima",
                            "pelaksana": "petugas_ptsp", **row},
                           {"no": 2, "jenis": "selesai", "kegiatan": "Menyerahkan",
                            "pelaksana": "petugas_ptsp"}])
    with pytest.raises(DefinitionError) as caught:
        compile_source(yaml.safe_dump(doc, allow_unicode=True), "uji.yaml")
    assert hint in str(caught.value) and "E010" in str(caught.value)


def test_a_tick_is_for_kelengkapan_and_an_item_keeps_one_kind() -> None:
    from tests.unit.enginekit import inline_document

    tick = {"id": "fotokopi_ktp", "nama": "Fotokopi KTP", "jenis": "centang"}
    doc = inline_document([
        {"no": 1, "jenis": "mulai", "kegiatan": "Menerima berkas", "pelaksana": "petugas_ptsp",
         "mutu_baku": {"kelengkapan": [tick], "output": [dict(tick, id="tanda_terima")]}},
        {"no": 2, "jenis": "selesai", "kegiatan": "Menyerahkan hasil", "pelaksana": "kasir",
         "mutu_baku": {"kelengkapan": [{"id": "fotokopi_ktp", "nama": "Fotokopi KTP"}]}}])
    result = compile_source(yaml.safe_dump(doc, allow_unicode=True), "uji.yaml")
    found = {(p.code, p.path) for p in result.problems}
    assert ("E139", "langkah[0].mutu_baku.output[0].jenis") in found
    assert ("W209", "langkah[1].mutu_baku.kelengkapan[0]") in found
    assert result.workflow is None
