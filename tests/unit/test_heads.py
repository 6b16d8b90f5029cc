"""A witness's check between two exported heads, without the database
(sop_runtime.audit.heads): both signed by the court's key and the later extending the
earlier by its consistency proof, or a named problem; a malformed export is refused by name."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from sop_runtime.audit.heads import HeadError, SignedHead, check_consistency, parse
from sop_runtime.audit.merkle import consistency_path, root
from sop_runtime.audit.signing import SigningKey, TreeHead, new_key

AT = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)
LEAVES = [hashlib.sha256(str(i).encode()).digest() for i in range(40)]


def head(key: SigningKey, size: int, *, leaves: list[bytes] = LEAVES, since: int | None = None,
         court: str = "PN Sanana", seal_id: int = 1) -> SignedHead:
    th = TreeHead(court, size, root(leaves[:size]).hex(), AT + timedelta(hours=size))
    path = () if since is None or since in (0, size) else tuple(
        consistency_path(since, leaves[:size]))
    return SignedHead(seal_id, th, key.id, key.sign(th), since, path)


@pytest.fixture
def key(tmp_path: Path) -> SigningKey:
    return new_key(tmp_path / "kunci.pem")


def test_a_later_head_that_extends_the_earlier_passes(key: SigningKey) -> None:
    for old, new in ((5, 17), (16, 40), (1, 2), (7, 7), (0, 3)):
        held, later = head(key, old), head(key, new, since=old, seal_id=2)
        assert check_consistency(held, later, key.public) == [], (old, new)
        # and survives the trip through JSON
        again = parse(later.as_json(), "baru.json")
        assert check_consistency(parse(held.as_json(), "lama.json"), again, key.public) == []


def test_a_rewritten_sealed_entry_is_found(key: SigningKey) -> None:
    held = head(key, 16)
    rewritten = list(LEAVES)
    rewritten[3] = hashlib.sha256(b"diubah").digest()
    later = head(key, 40, leaves=rewritten, since=16, seal_id=2)  # re-signed by the court key
    problems = check_consistency(held, later, key.public)
    assert len(problems) == 1 and "TIDAK memperluas" in problems[0]


def test_a_forged_proof_another_key_another_court_or_a_cut_log_fail(
        key: SigningKey, tmp_path: Path) -> None:
    held = head(key, 16)
    later = head(key, 40, since=16, seal_id=2)
    forged = SignedHead(2, later.head, later.key_id, later.signature, 16,
                        (hashlib.sha256(b"x").digest(), *later.path[1:]))
    assert "TIDAK memperluas" in check_consistency(held, forged, key.public)[0]
    other = new_key(tmp_path / "lain.pem")
    by_other = head(other, 40, since=16, seal_id=2)
    assert "tidak ditandatangani kunci" in check_consistency(held, by_other, key.public)[0]
    assert "pengadilan berbeda" in check_consistency(
        held, head(key, 40, since=16, court="PN Ternate"), key.public)[0]
    assert "dipotong" in check_consistency(later, held, key.public)[0]
    assert "tidak membawa bukti" in check_consistency(held, head(key, 40), key.public)[0]
    same_size = head(key, 16, leaves=[hashlib.sha256(b"y").digest(), *LEAVES[1:]])
    assert "ditulis ulang" in check_consistency(held, same_size, key.public)[0]


@pytest.mark.parametrize(("change", "why"), [
    ({"format": "lain"}, "format"),
    ({"size": "banyak"}, "bilangan bulat"),
    ({"root": "abc"}, "64 digit"),
    ({"sealed_at": "kemarin"}, "waktu UTC"),
    ({"signature": 5}, "teks"),
    ({"consistency": {"from_size": 1}}, "from_size dan path"),
    ({"consistency": {"from_size": 1, "path": ["zz"]}}, "rusak"),
])
def test_a_malformed_export_is_refused_by_name(key: SigningKey, change: dict[str, object],
                                               why: str) -> None:
    data = {**head(key, 5).as_json(), **change}
    with pytest.raises(HeadError, match=why):
        parse(data, "kepala.json")
    with pytest.raises(HeadError, match="size"):
        parse({k: v for k, v in head(key, 5).as_json().items() if k != "size"}, "k.json")


def test_the_short_text_and_the_qr_code_carry_the_head(key: SigningKey) -> None:
    from zoneinfo import ZoneInfo

    from sop_runtime.audit.qr import qr_text_svg
    from sop_runtime.i18n import set_lang
    from tests.qrread import read_svg

    signed = head(key, 17, court="Pengadilan Negeri Sanana", seal_id=12)
    text = signed.lines(ZoneInfo("Asia/Jayapura"))
    assert text[0] == ("Kepala log Pengadilan Negeri Sanana: segel #12, 17 entri log, "
                       "2 Desember 2026 pukul 03.00 WIT")
    assert signed.head.root in text[1] and key.id in text[2] and signed.signature in text[2]
    set_lang("en")
    try:
        assert signed.lines(ZoneInfo("Asia/Jakarta"))[0].endswith(
            "seal #12, 17 log entries, 2 December 2026, 01:00 WIB")
    finally:
        set_lang(None)
    # the QR code holds the head exactly: read back, it is the export, and it still checks
    scanned = read_svg(qr_text_svg(signed.compact()))
    assert scanned == [signed.compact()] and " " not in signed.compact().replace(
        "Pengadilan Negeri Sanana", "")
    import json

    again = parse(json.loads(scanned[0]), "qr")
    assert again == SignedHead(12, signed.head, key.id, signed.signature)
    assert check_consistency(again, head(key, 40, since=17, seal_id=13, court=again.head.court),
                             key.public) == []
