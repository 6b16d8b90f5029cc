"""An SOP's procedure in plain words, its service time and its fees, as the public pages
show them, for the real definitions."""

from __future__ import annotations

from pathlib import Path

import pytest

from sop_runtime.compiler.library import Library, load_library
from sop_runtime.compiler.render.plain import PlainStep, plain_steps, service_time
from sop_runtime.compiler.workflow import Workflow
from sop_runtime.definition.court import CourtFile
from sop_runtime.definition.tarif_layanan import TarifLayanan, load_tarif_layanan
from sop_runtime.errors import DefinitionError
from sop_runtime.i18n import set_lang
from sop_runtime.service.public_fees import fees
from tests.conftest import DEFINITIONS

MINUTES = 450


@pytest.fixture(scope="module")
def lib() -> Library:
    found = load_library([DEFINITIONS])
    assert not found.errors
    return found


def _wf(lib: Library, sop: str) -> Workflow:
    return lib.workflows[sop]


def _steps(lib: Library, sop: str) -> dict[int, PlainStep]:
    names = {k: w.nama for k, w in lib.workflows.items()}
    return {s.no: s for s in plain_steps(_wf(lib, sop), names)}


def test_a_decision_reads_as_if_this_or_that(lib: Library) -> None:
    steps = _steps(lib, "salinan-putusan")
    four = steps[4]
    assert four.actor == "Staf Kepaniteraan Hukum"
    assert four.branches == ("jika ditemukan: langkah 5",
                             "jika tidak ditemukan: langkah 9")
    # an acronym keeps its capitals
    assert "jika perdata - dikenai PNBP: langkah 7" in steps[6].branches
    assert steps[8].then == "selesai" and steps[9].then == "selesai"


def test_a_call_of_another_sop_names_the_service(lib: Library) -> None:
    steps = _steps(lib, "standar-pelayanan-ptsp")
    seven = steps[7]
    assert seven.continues_with == "legalisasi-waarmerking"
    assert "«Legalisasi Surat Akta di Bawah Tangan (Waarmerking)»" in seven.action
    assert seven.then == "lanjut ke langkah 11"
    assert steps[1].public and steps[1].actor == "Pengguna Layanan (Anda)"
    assert len(steps[3].branches) == 7


def test_parallel_work_and_the_step_that_waits(lib: Library) -> None:
    steps = _steps(lib, "banding-perdata")
    assert steps[8].then == "lalu langkah 9 dan 11 berjalan bersamaan"
    assert steps[13].waits == "setelah langkah 10 dan 12 selesai"
    assert steps[9].limit == "7 hari kalender sejak langkah 8 selesai"
    assert steps[10].then == "lanjut ke langkah 13"


def test_a_timer_a_date_and_the_applicants_own_step(lib: Library) -> None:
    steps = _steps(lib, "pengembalian-sisa-panjar")
    assert "jika tidak selesai dalam 6 bulan: langkah 11" in steps[9].branches
    assert steps[8].limit == "5 hari kerja sejak tanggal minutasi"
    assert steps[7].public and steps[7].actor.endswith("(Anda)")
    assert not steps[3].public


def test_an_automated_step_is_the_systems(lib: Library) -> None:
    automated = [s for s in plain_steps(_wf(lib, "pendaftaran-ecourt")) if s.automated]
    assert automated and all(not s.public for s in automated)


@pytest.mark.parametrize("sop", sorted(p.stem for p in DEFINITIONS.glob("*.yaml")
                                       if p.stem != "court"))
def test_every_step_once_and_no_authors_note(lib: Library, sop: str) -> None:
    wf = _wf(lib, sop)
    steps = plain_steps(wf)
    assert [s.no for s in steps] == sorted(n.no for n in wf.nodes)
    told = " ".join(" ".join((s.actor, s.action, s.limit or "", *s.branches, s.then or ""))
                    for s in steps)
    notes = [*wf.document.catatan_penyusun, *(n for node in wf.nodes
                                              for n in node.author_notes)]
    for note in notes:
        assert note not in told
    assert wf.version not in told and wf.version[:12] not in told


def test_the_service_time_honestly(lib: Library) -> None:
    standard = service_time(_wf(lib, "salinan-putusan"), MINUTES)
    assert (standard.kind, standard.text, standard.hours) == ("standar", "14 hari kerja", False)
    assert service_time(_wf(lib, "pendaftaran-gugatan-ptsp"), MINUTES).hours
    summed = service_time(_wf(lib, "pengembalian-sisa-panjar"), MINUTES)
    assert summed.kind == "jumlah" and summed.text == "kira-kira 5 hari kerja"
    assert summed.note and "tidak menetapkan waktu pelayanan" in summed.note
    assert "tanpa batas waktu, tidak terhitung" in summed.note
    none = service_time(_wf(lib, "legalisasi-waarmerking"), MINUTES)
    assert (none.kind, none.text) == ("tidak_ada", "Tidak ditetapkan dalam SOP ini")


def test_in_english(lib: Library) -> None:
    set_lang("en")
    try:
        steps = {s.no: s for s in plain_steps(_wf(lib, "salinan-putusan"))}
        assert steps[4].branches[0] == "if ditemukan: step 5"
        assert service_time(_wf(lib, "salinan-putusan"), MINUTES).text == "14 working days"
    finally:
        set_lang(None)


# -- fees --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def table() -> TarifLayanan:
    return load_tarif_layanan(DEFINITIONS / "tarif" / "layanan.yaml").model


def _court(lib: Library) -> CourtFile:
    assert lib.court is not None
    return lib.court.model


def test_fee_lines_with_their_basis(lib: Library, table: TarifLayanan) -> None:
    legal = fees(_wf(lib, "legalisasi-waarmerking"), _court(lib), table)
    assert legal.kind == "baris"
    assert [(x.amount, x.per) for x in legal.lines] == [("Rp10.000", "per surat")]
    assert "PP Nomor 5 Tahun 2019" in legal.lines[0].basis
    copy = fees(_wf(lib, "salinan-putusan"), _court(lib), table)
    assert [x.amount for x in copy.lines] == ["Rp500", "Rp10.000"]
    assert copy.note == "Salinan putusan perkara pidana tidak dikenai biaya."


def test_a_claim_pays_the_panjar_of_the_courts_table(lib: Library, table: TarifLayanan,
                                                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOP_DEFINITIONS", str(DEFINITIONS))
    claim = fees(_wf(lib, "pendaftaran-gugatan-ptsp"), _court(lib), table)
    assert claim.kind == "panjar" and claim.panjar is not None
    assert claim.panjar.example_total == "Rp391.000"  # 41.000 + 3 x 50.000 + 4 x 50.000
    assert claim.panjar.example == "1 penggugat dan 1 tergugat, radius I"
    assert ("Wilayah sulit", "Rp75.000") in claim.panjar.per_summons
    assert "Perma Nomor 3 Tahun 2012" in claim.panjar.basis
    monkeypatch.setenv("SOP_DEFINITIONS", "/tidak/ada")
    missing = fees(_wf(lib, "pendaftaran-gugatan-ptsp"), _court(lib), table)
    assert missing.kind == "tidak_tercantum" and "belum tersedia" in (missing.note or "")


def test_no_figure_is_invented(lib: Library, table: TarifLayanan) -> None:
    unknown = fees(_wf(lib, "pengesahan-badan-hukum"), _court(lib), table)
    assert unknown.kind == "tidak_tercantum" and not unknown.lines
    assert "tidak ditemukan" in (unknown.note or "")
    untabled = fees(_wf(lib, "pengesahan-badan-hukum"), _court(lib), None)
    assert untabled.kind == "tidak_tercantum"
    assert untabled.sop_text == "Tidak ditetapkan dalam SOP ini"
    assert "tidak tercantum dalam tabel biaya" in (untabled.note or "")


def test_free_only_where_a_source_says(lib: Library, tmp_path: Path) -> None:
    path = tmp_path / "layanan.yaml"
    path.write_text("nama: Uji\nsumber:\n  - {pengadilan: MA, judul: SEMA 2/2018, "
                    "url: 'https://example.org/sema'}\nlayanan:\n"
                    "  - {sop: legalisasi-waarmerking, tanpa_biaya: SEMA Nomor 2 Tahun 2018}\n",
                    encoding="utf-8")
    free = fees(_wf(lib, "legalisasi-waarmerking"), _court(lib),
                load_tarif_layanan(path).model)
    assert (free.kind, free.basis) == ("tanpa_biaya", "SEMA Nomor 2 Tahun 2018")


@pytest.mark.parametrize(("entry", "said"), [
    ("{sop: a, panjar: true, tanpa_biaya: x}", "tulis satu dari"),
    ("{sop: a}", "tulis satu dari"),
    ("{sop: a, keterangan: x}\n  - {sop: a, keterangan: y}", "sudah ditulis pada butir 1"),
    ("{sop: a, baris: [{uraian: x, satuan: y, jumlah: sepuluh, dasar: z}]}", "bukan jumlah"),
])
def test_a_bad_fee_table_says_where(tmp_path: Path, entry: str, said: str) -> None:
    path = tmp_path / "layanan.yaml"
    path.write_text("nama: Uji\nsumber:\n  - {pengadilan: MA, judul: PP, "
                    f"url: 'https://example.org/pp'}}\nlayanan:\n  - {entry}\n",
                    encoding="utf-8")
    with pytest.raises(DefinitionError) as raised:
        load_tarif_layanan(path)
    text = str(raised.value)
    assert said in text and "layanan.yaml:" in text
