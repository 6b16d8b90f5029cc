"""Signed tree heads (sop_runtime.audit.signing): a head signed by the court's key verifies
with its public key alone, and any change of the head, another key or a damaged signature
does not; the key file is made owner-only, never overwritten, and refused when unusable."""

from __future__ import annotations

import os
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec

from sop_runtime.audit.signing import (
    KEY_ENV,
    SigningKeyError,
    TreeHead,
    configured_key,
    key_id,
    load_key,
    new_key,
    public_from_text,
    public_text,
    verify,
)

HEAD = TreeHead("PN Sanana", 1234, "ab" * 32, datetime(2026, 12, 1, 1, 0, tzinfo=UTC))


def test_the_signed_message_is_the_heads_canonical_json() -> None:
    assert HEAD.message() == (
        b'{"court":"PN Sanana","format":"sop-runtime/tree-head/v1","root":"' + b"ab" * 32
        + b'","sealed_at":"2026-12-01T01:00:00.000000Z","size":1234}')
    # the same instant in another zone is the same head
    wit = HEAD.sealed_at.astimezone(datetime.now(UTC).astimezone().tzinfo)
    assert replace(HEAD, sealed_at=wit).message() == HEAD.message()


def test_a_head_verifies_with_the_public_key_and_nothing_else_does(tmp_path: Path) -> None:
    key = new_key(tmp_path / "kunci.pem")
    signature = key.sign(HEAD)
    assert verify(HEAD, signature, key.public)
    for forged in (replace(HEAD, size=1235), replace(HEAD, root="cd" * 32),
                   replace(HEAD, court="PN Ternate"),
                   replace(HEAD, sealed_at=HEAD.sealed_at + timedelta(microseconds=1))):
        assert not verify(forged, signature, key.public), forged
    other = new_key(tmp_path / "lain.pem")
    assert not verify(HEAD, signature, other.public)
    assert not verify(HEAD, other.sign(HEAD), key.public)
    damaged = signature[:10] + ("A" if signature[10] != "A" else "B") + signature[11:]
    for bad in (damaged, "", "bukan base64!", signature[:-4]):
        assert not verify(HEAD, bad, key.public), bad


def test_a_new_key_is_owner_only_loads_back_and_is_never_overwritten(tmp_path: Path) -> None:
    path = tmp_path / "kunci.pem"
    made = new_key(path)
    assert path.stat().st_mode & 0o777 == 0o600
    loaded = load_key(path)
    assert loaded.id == made.id == key_id(made.public) and len(made.id) == 16
    assert verify(HEAD, loaded.sign(HEAD), made.public)
    before = path.read_bytes()
    with pytest.raises(SigningKeyError, match="sudah ada"):
        new_key(path)
    assert path.read_bytes() == before


def test_an_unusable_key_file_is_refused_saying_why(tmp_path: Path) -> None:
    with pytest.raises(SigningKeyError, match="tidak ada"):
        load_key(tmp_path / "hilang.pem")
    shared = tmp_path / "bersama.pem"
    new_key(shared)
    shared.chmod(0o640)
    with pytest.raises(SigningKeyError, match=r"dapat dibaca orang lain \(mode 640\)"):
        load_key(shared)
    text = tmp_path / "teks.pem"
    text.write_text("bukan kunci\n")
    text.chmod(0o600)
    with pytest.raises(SigningKeyError, match="bukan kunci privat PEM"):
        load_key(text)
    ecdsa = tmp_path / "ec.pem"
    ecdsa.write_bytes(ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption()))
    ecdsa.chmod(0o600)
    with pytest.raises(SigningKeyError, match="bukan kunci Ed25519"):
        load_key(ecdsa)


def test_a_public_key_travels_as_base64_of_its_32_bytes(tmp_path: Path) -> None:
    key = new_key(tmp_path / "kunci.pem")
    assert public_from_text(public_text(key.public) + "\n") == key.public
    with pytest.raises(SigningKeyError, match="bukan base64"):
        public_from_text("bukan base64!")
    with pytest.raises(SigningKeyError, match="32 bait, bukan 3"):
        public_from_text("YWJj")


def test_the_key_is_named_like_the_database(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(KEY_ENV, raising=False)
    assert configured_key() is None
    key = new_key(tmp_path / "kunci.pem")
    monkeypatch.setenv(KEY_ENV, str(tmp_path / "kunci.pem"))
    found = configured_key()
    assert found is not None and found.id == key.id
    assert os.environ[KEY_ENV].endswith("kunci.pem")
