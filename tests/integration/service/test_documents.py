"""Files given at steps: checked by content, size and name before anything is kept; kept by
their SHA-256 before the completion is recorded; recorded on the step's event (so the chain
covers them); read back; and checked by ``sop verify``. A refused upload keeps nothing and
records nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from sop_runtime.engine import StepCompleted
from sop_runtime.engine.rejections import CommandRejected
from sop_runtime.service import cases, documents, integrity
from sop_runtime.service.cases import decode
from sop_runtime.service.confidential import operator
from sop_runtime.service.documents import Upload, UploadRefused
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import events as store_events
from tests.e2e.court import GUGATAN_1

PDF = b"%PDF-1.7\n% scanned KTP\n" + bytes(range(256)) * 8 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
ELF = b"\x7fELF\x02\x01\x01" + b"\x00" * 120
SOP = "pendaftaran-gugatan-ptsp"
KTP = "fotokopi_ktp_penggugat"


@pytest.fixture
def kept(court: Runtime, tmp_path: Path) -> Path:
    court.documents_root = tmp_path / "dokumen"
    return court.documents_root


def _log_length(rt: Runtime, case_id: str) -> int:
    with rt.engine.connect() as conn:
        return len(store_events.load(conn, case_id))


def _files(folder: Path) -> list[Path]:
    return [p for p in folder.rglob("*") if p.is_file()] if folder.exists() else []


def test_a_scanned_pdf_is_kept_by_its_hash_and_recorded_on_the_step(
        court: Runtime, kept: Path) -> None:
    case_id = cases.start_case(court, SOP, "rina.ptsp").case_id
    values = {k: v for k, v in GUGATAN_1.items() if k != KTP}
    out = documents.complete_with_files(court, case_id, "1", "rina.ptsp", values=values,
                                        files=[Upload(KTP, "ktp-penggugat.pdf", PDF)])
    done = next(e for e in out.events if isinstance(e, StepCompleted))
    recorded = done.documents[KTP]
    assert recorded == {"nama": "ktp-penggugat.pdf", "jenis": "application/pdf",
                        "ukuran": len(PDF), "sha256": recorded["sha256"]}
    assert done.outputs[KTP] == "ktp-penggugat.pdf"  # the item's value: the file's name
    found = documents.document_to_read(court, case_id, str(recorded["sha256"]), operator())
    assert documents.document_path(court, found).read_bytes() == PDF
    # the stored event carries it (so its hash covers it) and reads back the same
    with court.engine.connect() as conn:
        stored = store_events.load(conn, case_id)
    assert "documents" in stored[-2].payload or "documents" in stored[-1].payload
    listed = documents.recorded(list(zip((s.seq for s in stored), decode(stored),
                                         strict=True)))
    assert [(d.node, d.item, d.nama, d.ukuran) for d in listed] == [
        ("1", KTP, "ktp-penggugat.pdf", len(PDF))]
    found = integrity.verify(court)
    assert found.ok and found.documents.documents == 1 and found.documents.files == 1


@pytest.mark.parametrize(("name", "data", "why"), [
    ("surat-gugatan.pdf", ELF, "bukan PDF, JPEG atau PNG"),
    ("ktp.pdf", PDF + b"\x00" * (1024 * 1024), "sedikit lebih besar dari batas 1 MB"),
    ("ktp.pdf", PDF + b"\x00" * (3 * 1024 * 1024), "berkas 3 MB, lebih besar dari batas 1 MB"),
    ("ktp.pdf", b"", "berkas kosong"),
    ("../../etc/ktp.pdf", PDF, "garis miring"),
    ("..ktp.pdf", PDF, "'..'"),
    ("ktp\x00.pdf", PDF, "NUL"),
    ("ktp.png", PDF, "isinya PDF, tetapi namanya tidak berakhiran .pdf"),
    ("ktp", PDF, "untuk 'Fotokopi KTP penggugat' ditolak"),  # the SOP's name of the item
])
def test_a_refused_upload_keeps_nothing_and_records_nothing(
        court: Runtime, kept: Path, monkeypatch: pytest.MonkeyPatch,
        name: str, data: bytes, why: str) -> None:
    monkeypatch.setenv("SOP_DOCUMENT_MAX_MB", "1")
    case_id = cases.start_case(court, SOP, "rina.ptsp").case_id
    before = _log_length(court, case_id)
    with pytest.raises(UploadRefused) as refused:
        documents.complete_with_files(court, case_id, "1", "rina.ptsp", values=GUGATAN_1,
                                      files=[Upload(KTP, name, data)])
    assert why in str(refused.value), str(refused.value)
    assert "Tidak ada yang disimpan atau dicatat" in str(refused.value)
    assert _files(kept) == []
    assert _log_length(court, case_id) == before


def test_a_file_for_an_item_that_is_no_document_is_refused_first(
        court: Runtime, kept: Path) -> None:
    case_id = cases.start_case(court, "taksiran-panjar-skum", "fadli.ptsp").case_id
    with pytest.raises(UploadRefused, match="bukan dokumen langkah 1"):
        documents.complete_with_files(court, case_id, "1", "fadli.ptsp",
                                      files=[Upload("tidak_ada", "x.png", PNG)])
    assert _files(kept) == []
    # the engine holds the rule too, for any caller that gives documents itself
    with pytest.raises(CommandRejected, match="bukan dokumen"):
        cases.complete(court, case_id, "1", "fadli.ptsp",
                       documents={"x": {"nama": "x.png", "jenis": "image/png", "ukuran": 1,
                                        "sha256": "0" * 64}})


def test_verify_names_the_case_and_step_of_an_altered_or_missing_file(
        court: Runtime, kept: Path) -> None:
    case_id = cases.start_case(court, SOP, "rina.ptsp").case_id
    out = documents.complete_with_files(court, case_id, "1", "rina.ptsp", values=GUGATAN_1,
                                        files=[Upload(KTP, "ktp.pdf", PDF)])
    sha = str(next(e for e in out.events if isinstance(e, StepCompleted)).documents[KTP]
              ["sha256"])
    path = court.documents.path(sha)
    path.write_bytes(PDF.replace(b"KTP", b"KTQ"))
    found = integrity.verify(court)
    assert not found.ok
    (diff,) = found.documents.differences
    assert diff.subject == case_id and diff.what == "changed"
    assert "langkah 1 (Menerima berkas gugatan" in diff.row
    assert "Fotokopi KTP penggugat 'ktp.pdf'" in diff.row  # the SOP's name of the item
    assert sha in diff.detail
    path.unlink()
    # the court's register number, once the case has one, names the case first
    cases.record_register_number(court, case_id, "rina.ptsp", "14/Pdt.G/2026/PN Snn")
    (diff,) = integrity.verify(court).documents.differences
    assert diff.what == "missing" and "tidak ada" in diff.message
    assert diff.row.startswith("nomor perkara 14/Pdt.G/2026/PN Snn, langkah 1")
    assert integrity.as_json(integrity.verify(court))["documents"]["ok"] is False


def test_a_file_for_a_confidential_case_from_someone_who_may_not_read_it(
        court: Runtime, kept: Path) -> None:
    from sop_runtime.service import journals
    from sop_runtime.service.confidential import Withheld

    case_id = cases.start_case(court, "pengaduan-siwas", "dewi.pengaduan").case_id
    before = [(e.type, e.actor) for e in journals.entries(court, "akses")]
    with pytest.raises(Withheld):  # as for a case that does not exist
        documents.complete_with_files(court, case_id, "1", "rina.ptsp",
                                      files=[Upload("bukti_pendukung", "bukti.pdf", PDF)])
    assert _files(kept) == []
    after = [(e.type, e.actor) for e in journals.entries(court, "akses")]
    assert after[len(before):] == [("case_read_refused", "rina.ptsp")]


def test_by_default_the_documents_of_the_new_events_are_checked(
        court: Runtime, kept: Path) -> None:
    """What changed since the seal: a file recorded after it is read and hashed; one
    recorded before it is sealed history, read again by the full check only."""
    from sop_runtime.service import seals

    def recorded(case_id: str, data: bytes) -> Path:
        out = documents.complete_with_files(court, case_id, "1", "rina.ptsp",
                                            values=GUGATAN_1, files=[Upload(KTP, "k.pdf", data)])
        return court.documents.path(str(next(
            e for e in out.events if isinstance(e, StepCompleted)).documents[KTP]["sha256"]))

    before = recorded(cases.start_case(court, SOP, "rina.ptsp").case_id, PDF)
    seals.seal(court, "bambang.panitera")
    after_case = cases.start_case(court, SOP, "rina.ptsp").case_id
    after = recorded(after_case, PDF.replace(b"KTP", b"SIM"))
    found = integrity.verify(court, full=False)
    assert found.ok and found.mode == "changed" and found.documents.documents == 1
    before.write_bytes(b"%PDF-1.7 forged")
    assert integrity.verify(court, full=False).ok
    assert not integrity.verify(court).documents.ok
    before.write_bytes(PDF)
    after.unlink()
    (diff,) = integrity.verify(court, full=False).documents.differences
    assert (diff.subject, diff.what) == (after_case, "missing")
