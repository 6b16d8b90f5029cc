"""The document store: files kept by their SHA-256, written once, never overwritten."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from sop_runtime.store.documents import DocumentStore, default_root, documents_root

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"


def test_a_file_is_kept_under_its_hash_once(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path / "dokumen")
    digest = store.put(PDF)
    assert digest == hashlib.sha256(PDF).hexdigest()
    kept = tmp_path / "dokumen" / digest[:2] / digest[2:]
    assert kept.read_bytes() == PDF
    before = kept.stat().st_mtime_ns
    assert store.put(PDF) == digest  # the same bytes: the same file, not written again
    assert kept.stat().st_mtime_ns == before
    assert [p.name for p in kept.parent.iterdir()] == [kept.name]  # no temporary left
    with store.open(digest) as f:
        assert f.read() == PDF


def test_a_file_already_there_is_never_overwritten(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path)
    digest = hashlib.sha256(PDF).hexdigest()
    squatter = store.path(digest)
    squatter.parent.mkdir(parents=True)
    squatter.write_bytes(b"something else")
    assert store.put(PDF) == digest
    assert squatter.read_bytes() == b"something else"  # kept as found, and check says so
    assert store.check(digest) == "altered"


def test_check_tells_present_missing_and_altered(tmp_path: Path) -> None:
    store = DocumentStore(tmp_path)
    digest = store.put(PDF)
    assert store.check(digest) == "ok"
    store.path(digest).write_bytes(PDF + b"x")
    assert store.check(digest) == "altered"
    store.path(digest).unlink()
    assert store.check(digest) == "missing"
    assert store.check("not a hash") == "missing"
    with pytest.raises(ValueError):
        store.path("../../etc/passwd")


def test_the_folder_is_beside_the_database_unless_set(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    assert default_root(f"sqlite:///{tmp_path}/x/sop.db") == tmp_path / "x" / "dokumen"
    assert default_root("sqlite:///sop.db") == Path("dokumen")
    assert default_root("postgresql+psycopg://u@h/db") == Path("dokumen")
    monkeypatch.delenv("SOP_DOCUMENTS", raising=False)
    assert documents_root("sqlite:////srv/pn/sop.db") == Path("/srv/pn/dokumen")
    monkeypatch.setenv("SOP_DOCUMENTS", str(tmp_path / "arsip"))
    assert documents_root("sqlite:////srv/pn/sop.db") == tmp_path / "arsip"
