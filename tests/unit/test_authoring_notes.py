"""The authors' notes (``catatan_penyusun``) stay apart from the official text: the form holds
them on the SOP and on a step, the compiler warns (W207) when official text reads like one,
and the printed sheet never carries them."""

from __future__ import annotations

from typing import Any

import pytest

from sop_runtime.compiler.compile import compile_document
from sop_runtime.compiler.library import load_library
from sop_runtime.compiler.notes import authoring_note
from sop_runtime.compiler.render.sheet import render_html
from sop_runtime.definition.models import SopDocument
from tests.conftest import DEFINITIONS
from tests.unit.test_render import rich_sop_dict

NOTE_SOP = "Disusun dari SOP PN Contoh, https://example.org/sop-contoh"
NOTE_STEP = "Sumber tidak menyebut waktu untuk langkah ini"


def _with_notes(**step_two: Any) -> dict[str, Any]:
    data = rich_sop_dict(12)
    data["catatan_penyusun"] = NOTE_SOP
    data["langkah"][1] = {**data["langkah"][1], **step_two}
    return data


def test_the_form_takes_notes_on_the_sop_and_on_a_step() -> None:
    doc = SopDocument.model_validate(_with_notes(catatan_penyusun=[NOTE_STEP, "Kedua"]))
    assert doc.catatan_penyusun == [NOTE_SOP]
    assert doc.langkah[1].catatan_penyusun == [NOTE_STEP, "Kedua"]
    result = compile_document(doc)
    assert result.workflow is not None
    assert result.workflow.nodes[1].author_notes == (NOTE_STEP, "Kedua")
    assert not [p for p in result.problems if p.code == "W207"]


def test_no_note_reaches_the_sheet() -> None:
    doc = SopDocument.model_validate(_with_notes(catatan_penyusun=NOTE_STEP,
                                                 keterangan="Resmi: berkas dicap"))
    wf = compile_document(doc).workflow
    assert wf is not None
    page = render_html(wf)
    assert "Resmi: berkas dicap" in page  # the official keterangan is on it
    for note in (NOTE_SOP, NOTE_STEP, "example.org"):
        assert note not in page


def test_notes_change_the_version_only_when_written() -> None:
    plain = compile_document(SopDocument.model_validate(rich_sop_dict(12))).workflow
    empty = rich_sop_dict(12) | {"catatan_penyusun": []}
    same = compile_document(SopDocument.model_validate(empty)).workflow
    noted = compile_document(SopDocument.model_validate(_with_notes())).workflow
    assert plain is not None and same is not None and noted is not None
    assert plain.version == same.version  # a version stored before the key keeps its hash
    assert noted.version != plain.version  # the notes are part of what is stored


@pytest.mark.parametrize(("text", "why"), [
    ("Sumber tidak menyebut waktu untuk langkah ini", "sumber"),
    ("PN Bantul - penerimaan 1 hari kerja", "PN Bantul"),
    ("Dicatat (SIPPN PT Semarang)", "PT Semarang"),
    ("lihat https://example.org", "alamat web"),
    ("UU 5/2004 Pasal 45A ayat 3 (naskah tidak diambil)", "naskah tidak diambil"),
])
def test_official_text_that_reads_like_a_note_is_named(text: str, why: str) -> None:
    found = authoring_note(text, "Pengadilan Negeri Sanana")
    assert found is not None and why in found


@pytest.mark.parametrize("text", [
    None, "", "Penyerahan hanya setelah PNBP dibayar",
    "Berkas diteruskan ke PN Sanana", "Dikirim ke Pengadilan Tinggi melalui Panitera",
    "UU 14/1985 Pasal 46 ayat 4 (Panitera memberitahukan)",
])
def test_official_text_passes(text: str | None) -> None:
    assert authoring_note(text, "Pengadilan Negeri Sanana") is None


def test_the_compiler_warns_at_the_keterangan() -> None:
    data = rich_sop_dict(12)
    data["langkah"][1] = {**data["langkah"][1], "keterangan": NOTE_STEP}
    result = compile_document(SopDocument.model_validate(data))
    assert result.workflow is not None  # a warning, not an error
    found = [p for p in result.problems if p.code == "W207"]
    assert [(p.path, p.params["where"]) for p in found] == [
        ("langkah[1].keterangan", "keterangan langkah 2")]
    assert "catatan_penyusun" in found[0].format()


def test_the_compiler_looks_at_all_official_text() -> None:
    data = rich_sop_dict(12)
    data["identitas"]["dasar_hukum"].append("UU 20/1947 (dirujuk sumber)")
    data["standar_pelayanan"]["biaya"] = "Sumber tidak menyebut biaya"
    data["pemisahan_tugas"] = [{"langkah": [2, 4], "alasan": "Dua persetujuan (PTUN Makassar)"}]
    result = compile_document(SopDocument.model_validate(data))
    found = {p.path for p in result.problems if p.code == "W207"}
    assert found == {"identitas.dasar_hukum[1]", "standar_pelayanan.biaya",
                     "pemisahan_tugas[0].alasan"}


def test_the_library_keeps_its_notes_apart() -> None:
    lib = load_library([DEFINITIONS])
    assert [p.format() for p in lib.problems if p.code == "W207"] == []
    assert any(n.author_notes for wf in lib.workflows.values() for n in wf.nodes)
