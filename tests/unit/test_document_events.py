"""A document on a step's event: a sparse field (an event without one is stored, and so
hashed, exactly as before), recorded whole, read back the same; and sizes in words."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from sop_runtime.engine.events import (
    DOCUMENT_KEYS,
    StepCompleted,
    StepSigned,
    from_record,
    to_record,
)
from sop_runtime.i18n import set_lang
from sop_runtime.wording import size_text

AT = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
DOC = {"nama": "ktp.pdf", "jenis": "application/pdf", "ukuran": 1_258_291,
       "sha256": "ab" * 32}


def test_an_event_without_documents_is_stored_as_before() -> None:
    plain = StepSigned(occurred_at=AT, recorded_at=AT, actor="hendra.kpn", node="4",
                       attempt=1, role="ketua", outputs={"x": "y"})
    assert "documents" not in plain.payload()
    assert "documents" not in StepCompleted(occurred_at=AT, recorded_at=AT, actor="a",
                                            node="1", attempt=1).payload()


def test_documents_are_recorded_whole_and_read_back() -> None:
    done = StepCompleted(occurred_at=AT, recorded_at=AT, actor="rina.ptsp", node="1",
                         attempt=1, outputs={"ktp": "ktp.pdf"}, documents={"ktp": DOC})
    type_, version, payload = to_record(done)
    assert payload["documents"] == {"ktp": DOC} and set(DOC) == set(DOCUMENT_KEYS)
    back = from_record(type_, version, payload, occurred_at=AT, recorded_at=AT,
                       actor="rina.ptsp")
    assert back == done


@pytest.mark.parametrize(("size", "id_text", "en_text"), [
    (0, "0 B", "0 B"), (850, "850 B", "850 B"), (3041, "3 KB", "3 KB"),
    (3584, "3,5 KB", "3.5 KB"), (1_258_291, "1,2 MB", "1.2 MB"),
    (10 * 1024 * 1024, "10 MB", "10 MB"), (5 * 1024 ** 3, "5 GB", "5 GB"),
])
def test_a_size_in_words(size: int, id_text: str, en_text: str) -> None:
    try:
        set_lang("id")
        assert size_text(size) == id_text
        set_lang("en")
        assert size_text(size) == en_text
    finally:
        set_lang("id")
