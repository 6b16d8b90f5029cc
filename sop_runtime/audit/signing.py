"""Signed tree heads: the court's Ed25519 key signs what a seal fixes (RFC 9162 section 4.10's
signed tree head, in this product's JSON form), so that a head held outside the building (the
Ketua's report, the supervising court, the court's website) can be checked without the
database, and a rewritten log cannot come with a head the court's key signed.

The signed message is canonical JSON (sorted keys, no space)::

    {"court":"PN Sanana","format":"sop-runtime/tree-head/v1","root":"<64 hex>",
     "sealed_at":"2026-12-01T01:00:00.000000Z","size":1234}

The private key lives in a file named like the database (``SOP_SIGNING_KEY``: a PEM PKCS#8
Ed25519 key, readable by its owner only), never in the database: whoever holds the database
alone cannot sign. A key is named by its id, the first 16 hex digits of the SHA-256 of its
raw public key; the public key itself (base64 of its 32 bytes) is what a witness keeps.
"""

from __future__ import annotations

import base64
import hashlib
import os
import stat
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)

from sop_runtime.errors import SopRuntimeError
from sop_runtime.i18n import tr

HEAD_FORMAT = "sop-runtime/tree-head/v1"
INSTANT_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"  # a head's sealed_at (UTC)
KEY_ENV = "SOP_SIGNING_KEY"


class SigningKeyError(SopRuntimeError):
    """The signing key file cannot be used (missing, not a PEM Ed25519 private key, readable
    by others, or already there when a new key is asked for)."""


@dataclass(frozen=True, slots=True)
class TreeHead:
    """What a seal fixes: the first ``size`` entries of ``court``'s log have ``root``, as of
    ``sealed_at``."""

    court: str
    size: int
    root: str  # hex
    sealed_at: datetime

    @property
    def instant(self) -> str:
        """``sealed_at`` as the head states it: UTC, microseconds, ``Z``."""
        return self.sealed_at.astimezone(UTC).strftime(INSTANT_FORMAT)

    def message(self) -> bytes:
        """The bytes signed: canonical JSON of the head."""
        return orjson.dumps({"court": self.court, "format": HEAD_FORMAT, "root": self.root,
                             "sealed_at": self.instant, "size": self.size},
                            option=orjson.OPT_SORT_KEYS)


def key_id(public: bytes) -> str:
    """A public key's name: the first 16 hex digits of the SHA-256 of its 32 raw bytes."""
    return hashlib.sha256(public).hexdigest()[:16]


@dataclass(frozen=True)
class SigningKey:
    """The court's private key, loaded from its file."""

    private: Ed25519PrivateKey

    @property
    def public(self) -> bytes:
        return self.private.public_key().public_bytes(serialization.Encoding.Raw,
                                                      serialization.PublicFormat.Raw)

    @property
    def id(self) -> str:
        return key_id(self.public)

    def sign(self, head: TreeHead) -> str:
        """The head's signature, base64."""
        return base64.b64encode(self.private.sign(head.message())).decode("ascii")


def public_text(public: bytes) -> str:
    """A public key as a witness keeps it: base64 of its 32 raw bytes."""
    return base64.b64encode(public).decode("ascii")


def public_from_text(text: str) -> bytes:
    """The 32 raw bytes of a public key given as :func:`public_text` writes it."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except ValueError as exc:
        raise SigningKeyError(tr("kunci publik bukan base64: {e}",
                                 "the public key is not base64: {e}", e=exc)) from None
    if len(raw) != 32:
        raise SigningKeyError(tr("kunci publik Ed25519 harus 32 bait, bukan {n}",
                                 "an Ed25519 public key is 32 bytes, not {n}", n=len(raw)))
    return raw


def verify(head: TreeHead, signature: str, public: bytes) -> bool:
    """Whether ``signature`` (base64) is ``public``'s signature of ``head``."""
    try:
        raw = base64.b64decode(signature, validate=True)
        Ed25519PublicKey.from_public_bytes(public).verify(raw, head.message())
    except (InvalidSignature, ValueError, TypeError):
        return False
    return True


def new_key(path: Path) -> SigningKey:
    """Make a new key at ``path`` (owner-only, refused if a file is there: an existing key
    is never overwritten, the heads it signed would no longer be the court's)."""
    private = Ed25519PrivateKey.generate()
    pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                serialization.NoEncryption())
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise SigningKeyError(tr(
            "{p} sudah ada: kunci yang ada tidak ditimpa (kepala yang ditandatanganinya tidak "
            "akan lagi milik pengadilan)",
            "{p} already exists: an existing key is never overwritten (the heads it signed "
            "would no longer be the court's)", p=path)) from None
    except OSError as exc:
        raise SigningKeyError(tr("{p} tidak dapat ditulis: {e}", "cannot write {p}: {e}",
                                 p=path, e=exc.strerror or exc)) from None
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return SigningKey(private)


def load_key(path: Path) -> SigningKey:
    """The key in ``path``: a PEM PKCS#8 Ed25519 private key that only its owner may read."""
    try:
        mode = path.stat().st_mode
        data = path.read_bytes()
    except FileNotFoundError:
        raise SigningKeyError(tr("kunci penanda tangan {p} tidak ada ({env})",
                                 "the signing key {p} does not exist ({env})",
                                 p=path, env=KEY_ENV)) from None
    except OSError as exc:
        raise SigningKeyError(tr("kunci penanda tangan {p} tidak dapat dibaca: {e}",
                                 "cannot read the signing key {p}: {e}",
                                 p=path, e=exc.strerror or exc)) from None
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise SigningKeyError(tr(
            "kunci penanda tangan {p} dapat dibaca orang lain (mode {m:o}): jalankan chmod 600",
            "the signing key {p} is readable by others (mode {m:o}): run chmod 600",
            p=path, m=stat.S_IMODE(mode)))
    try:
        private: Any = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise SigningKeyError(tr("{p} bukan kunci privat PEM tanpa sandi: {e}",
                                 "{p} is not an unencrypted PEM private key: {e}",
                                 p=path, e=exc)) from None
    if not isinstance(private, Ed25519PrivateKey):
        raise SigningKeyError(tr("{p} bukan kunci Ed25519 ({t})", "{p} is not an Ed25519 key ({t})",
                                 p=path, t=type(private).__name__.removeprefix("_")))
    return SigningKey(private)


def configured_key() -> SigningKey | None:
    """The key ``SOP_SIGNING_KEY`` names, or None when it names none."""
    where = os.environ.get(KEY_ENV)
    return load_key(Path(where).expanduser()) if where else None
