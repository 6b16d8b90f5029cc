"""The court's SOP library in definitions/: valid, sourced, consistent with the court file."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from sop_runtime.compiler.library import load_library
from sop_runtime.definition.models import StepKind
from sop_runtime.definition.yamlsource import load_yaml
from tests.conftest import DEFINITIONS

REQUIRED = {
    "pendaftaran-gugatan-ptsp", "pendaftaran-ecourt", "taksiran-panjar-skum", "tambah-panjar",
    "surat-keterangan-eraterang", "legalisasi-waarmerking", "pengesahan-badan-hukum",
    "pengembalian-sisa-panjar", "pengaduan-siwas", "salinan-putusan",
    "penerimaan-perkara-pidana", "standar-pelayanan-ptsp",
}


@pytest.fixture(scope="module")
def lib():  # type: ignore[no-untyped-def]
    return load_library([DEFINITIONS])


def test_library_is_valid_and_complete(lib) -> None:  # type: ignore[no-untyped-def]
    assert lib.errors == [], "\n".join(p.format() for p in lib.errors)
    assert set(lib.workflows) >= REQUIRED
    assert len(lib.workflows) == 15


def test_every_sop_is_sourced_and_written_for_pn_sanana(lib) -> None:  # type: ignore[no-untyped-def]
    for wf in lib.workflows.values():
        doc = wf.document
        assert doc.identitas.satuan_kerja == "Pengadilan Negeri Sanana", wf.sop_id
        assert doc.sumber, wf.sop_id
        for s in doc.sumber:
            assert s.url.startswith(("http://", "https://")), (wf.sop_id, s.url)


def test_decisions_and_time_rules_the_issue_names(lib) -> None:  # type: ignore[no-untyped-def]
    keterangan = lib.workflows["surat-keterangan-eraterang"]
    assert any(n.kind is StepKind.KEPUTUSAN for n in keterangan.nodes)
    sisa = lib.workflows["pengembalian-sisa-panjar"]
    timers = [n.timer for n in sisa.nodes if n.timer is not None]
    assert timers and timers[0].limit.months == 6
    assert any(n.limit is not None and n.limit.working_days == 5 and n.anchor is not None
               for n in sisa.nodes)
    salinan = lib.workflows["salinan-putusan"]
    assert any(n.limit is not None and n.limit.working_days == 14 for n in salinan.nodes) or (
        salinan.service_limit is not None and salinan.service_limit.working_days == 14)
    pengaduan = lib.workflows["pengaduan-siwas"]
    limits = [n.limit for n in pengaduan.nodes if n.limit is not None]
    assert any(lim.working_days == 7 for lim in limits)
    ecourt = lib.workflows["pendaftaran-ecourt"]
    assert any(n.kind is StepKind.OTOMATIS and n.action for n in ecourt.nodes)


def test_parallel_work_two_date_terms_joint_acts_and_data_decided_branches(lib) -> None:  # type: ignore[no-untyped-def]
    banding = lib.workflows["banding-perdata"]
    assert banding.node("8").is_split
    assert sorted(t.target for t in banding.node("8").transitions) == ["11", "9"]
    assert banding.node("13").waits == ("10", "12")
    paid = banding.node("4")  # the pembanding's payment: 14 hari from the later of two dates
    assert paid.limit is not None and paid.limit.calendar_days == 14
    assert paid.anchor is not None and paid.anchor.paling_akhir is not None
    assert [a.isian for a in paid.anchor.parts()] == ["tanggal_putusan",
                                                      "tanggal_pemberitahuan_putusan"]
    found = [t.condition for t in banding.node("6").transitions if t.condition is not None]
    assert [(c.kind, c.step) for c in found] == [("tepat_waktu", "4")]
    kasasi = lib.workflows["kasasi-perdata"]
    assert kasasi.node("7").is_split and kasasi.node("10").waits == ("8", "9")
    assert [(t.condition.kind, t.condition.step) for t in kasasi.node("10").transitions
            if t.condition is not None] == [("tepat_waktu", "9")]
    eksekusi = lib.workflows["permohonan-eksekusi"]
    signed = [n for n in eksekusi.nodes if n.joint]
    assert [(n.id, n.roles) for n in signed] == [("17", ("ketua", "panitera"))]


def test_court_file_has_every_role_and_the_sanana_calendar(lib) -> None:  # type: ignore[no-untyped-def]
    assert lib.court is not None
    court = lib.court.model
    assert court.pengadilan.zona_waktu == "Asia/Jayapura"
    roles = {p.id for p in court.peran}
    for wf in lib.workflows.values():
        assert {r.id for r in wf.roles} <= roles, wf.sop_id
    assert court.jam_kerja.senin is not None and court.jam_kerja.sabtu is None
    assert court.dasar_jam_kerja


def test_unknown_role_against_the_court_file(tmp_path: Path) -> None:
    for f in DEFINITIONS.glob("*.yaml"):
        shutil.copy(f, tmp_path / f.name)
    path = tmp_path / "pendaftaran-gugatan-ptsp.yaml"
    data = load_yaml(path.read_text(encoding="utf-8"), str(path)).data
    data["pelaksana"].append({"id": "juru_parkir", "nama": "Juru parkir"})
    data["langkah"][0]["pelaksana"] = "juru_parkir"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    lib = load_library([path])
    assert [p.code for p in lib.errors] == ["E113"]


@pytest.mark.parametrize(
    ("mutate", "code"),
    [
        (lambda c: c["jam_kerja"]["senin"].update(kerja="16:30-08:00"), "E015"),
        (lambda c: c["jam_kerja"]["senin"].update(kerja="25:00-26:00"), "E015"),
        (lambda c: c["pengadilan"].update(zona_waktu="Asia/Sanana"), "E012"),
        (lambda c: c["pengguna"][0]["peran"].append("raja"), "E012"),
        (lambda c: c.update(jam_kantor={}), "E010"),
    ],
)
def test_broken_court_file(tmp_path: Path, mutate, code: str) -> None:  # type: ignore[no-untyped-def]
    data = load_yaml((DEFINITIONS / "court.yaml").read_text(encoding="utf-8"), "court.yaml").data
    mutate(data)
    path = tmp_path / "court.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    lib = load_library([path])
    assert {p.code for p in lib.errors} == {code}, [p.format() for p in lib.errors]


def test_the_court_publishes_every_service_of_its_desks_once(lib) -> None:  # type: ignore[no-untyped-def]
    """Every SOP with a standar pelayanan is at a PTSP desk (but the PTSP's own entry flow),
    every desk's service is an SOP of the library, and the services' fee table names each
    published service."""
    from sop_runtime.definition.tarif_layanan import load_tarif_layanan

    ptsp = lib.court.model.ptsp
    listed = [s for desk in ptsp.meja for s in desk.layanan]
    standard = {k for k, wf in lib.workflows.items() if wf.document.standar_pelayanan}
    assert set(listed) == standard - {"standar-pelayanan-ptsp"}
    assert not any(p.code == "W210" for p in lib.problems)
    table = load_tarif_layanan(DEFINITIONS / lib.court.model.tarif_layanan).model
    assert {fee.sop for fee in table.layanan} == set(listed)


def test_an_unknown_service_of_the_court_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, folder)
    court = folder / "court.yaml"
    court.write_text(court.read_text(encoding="utf-8").replace(
        "        - pengesahan-badan-hukum\n", "        - pengesahan-badan-hukumm\n"),
        encoding="utf-8")
    fees = folder / "tarif" / "layanan.yaml"
    fees.write_text(fees.read_text(encoding="utf-8").replace(
        "  - sop: pengaduan-siwas\n", "  - sop: pengaduan-siwass\n"), encoding="utf-8")
    found = load_library([court])
    warned = sorted((p.file.rsplit("/", 1)[-1], p.path, p.format()) for p in found.problems
                    if p.code == "W210")
    assert [(f, path) for f, path, _ in warned] == [
        ("court.yaml", "ptsp.meja[2].layanan[3]"), ("layanan.yaml", "layanan[12].sop")]
    assert "'pengesahan-badan-hukumm' bukan SOP dalam pustaka" in warned[0][2]
