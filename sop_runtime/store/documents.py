"""The document store: the files uploaded at steps (and the documents automated steps make),
kept by their content.

A document is a file named by the SHA-256 of its bytes, under a folder of the hash's first
two hex digits: ``<root>/ab/cdef...``. The log records the hash (with the name, type and
size the person gave); the store only keeps bytes. So:

- a write is **idempotent**: the same bytes are the same file, stored once however often
  they are uploaded;
- a write **never overwrites**: the file is written to a temporary name in the same folder,
  flushed to disk (``fsync``), then linked to its final name, which fails if that name is
  taken (by the same bytes, since the name is their hash); the folder is synced too, so a
  file whose event was committed survives a power cut;
- a file whose recording failed afterwards (a refusal, a conflict, a crash between the two)
  is left unreferenced: harmless, since nothing points at it and the same bytes uploaded
  again are the same file.

Whether a recorded document is still present and unchanged is :meth:`DocumentStore.check`
(``sop verify`` re-hashes every recorded file once).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO, Literal

from sop_runtime.files import sync_folder

_HASH = re.compile(r"^[0-9a-f]{64}$")
_CHUNK = 1 << 20

Condition = Literal["ok", "missing", "altered"]


def sha256_of(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class DocumentStore:
    """The folder that holds the documents (created on the first write)."""

    root: Path

    def path(self, sha256: str) -> Path:
        """Where the document with this hash is (or would be) kept."""
        if not _HASH.match(sha256):
            raise ValueError(f"not a SHA-256 in hex: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:]

    def put(self, data: bytes) -> str:
        """Keep ``data``; its SHA-256 (the name it is kept under). The same bytes kept
        before: nothing is written."""
        digest = sha256_of(data)
        target = self.path(digest)
        if target.exists():
            return digest
        folder = target.parent
        folder.mkdir(parents=True, exist_ok=True)
        temporary = folder / f".{target.name[:16]}.{os.getpid()}.{os.urandom(6).hex()}.tmp"
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
        try:
            with os.fdopen(fd, "wb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            # link fails if the name is taken (by the same bytes, kept meanwhile by another
            # writer): a kept file is never overwritten
            with contextlib.suppress(FileExistsError):
                os.link(temporary, target)
        finally:
            with contextlib.suppress(FileNotFoundError):
                temporary.unlink()
        sync_folder(folder)
        return digest

    def open(self, sha256: str) -> BinaryIO:
        """The kept document opened to read (FileNotFoundError when it is not there)."""
        return self.path(sha256).open("rb")

    def check(self, sha256: str) -> Condition:
        """Whether the document with this hash is present and its bytes still hash to it."""
        try:
            path = self.path(sha256)
            digest = hashlib.sha256()
            with path.open("rb") as f:
                while chunk := f.read(_CHUNK):
                    digest.update(chunk)
        except (FileNotFoundError, NotADirectoryError, ValueError):
            return "missing"
        return "ok" if digest.hexdigest() == sha256 else "altered"


def default_root(database_url: str) -> Path:
    """Where the documents are kept when ``SOP_DOCUMENTS`` does not say: the ``dokumen``
    folder beside a SQLite database file (``sqlite:///x/sop.db`` -> ``x/dokumen``), or
    ``dokumen`` in the working folder for any other database."""
    from sqlalchemy.engine import make_url

    try:
        url = make_url(database_url)
    except Exception:  # an unparsable URL fails elsewhere with its own message
        return Path("dokumen")
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:" \
            and not url.database.startswith("file:"):
        return Path(url.database).parent / "dokumen"
    return Path("dokumen")


def documents_root(database_url: str) -> Path:
    """``SOP_DOCUMENTS``, or :func:`default_root` of the database."""
    return Path(os.environ.get("SOP_DOCUMENTS") or default_root(database_url))
