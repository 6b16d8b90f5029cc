"""A difference between a table and the record it is derived from (``sop verify``): the
log of a case, a stored SOP version's source, a court journal."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from sop_runtime.i18n import tr

SHOWN = 200  # differences kept for the answer; the rest are only counted

What = Literal["missing", "extra", "changed", "unreadable"]


@dataclass(frozen=True, slots=True)
class Difference:
    """One place where a table says something the log (or a stored version) does not."""

    subject: str     # the case id, or the SOP version
    table: str       # cases | open_steps | deviations | workflows
    what: What
    row: str = ""    # which row of the case: "langkah 3/1 (kasir)", "urutan 12"
    detail: str = ""  # the columns that differ, stored vs the log's value

    @property
    def message(self) -> str:
        row = self.row or tr("baris perkara", "the case's row")
        if self.what == "missing":
            return tr("{r}: tidak ada, padahal log mencatatnya",
                      "{r}: missing, though the log records it", r=row)
        if self.what == "extra":
            return tr("{r}: tidak ada di log{d}", "{r}: not in the log{d}", r=row,
                      d=f" {self.detail}" if self.detail else "")
        return f"{self.row}: {self.detail}" if self.row else self.detail

    @property
    def table_label(self) -> str:
        return tr(*_TABLES.get(self.table, (self.table, self.table)))


_TABLES = {
    "cases": ("Perkara", "Case"),
    "open_steps": ("Langkah terbuka", "Open steps"),
    "deviations": ("Penyimpangan", "Deviations"),
    "workflows": ("Versi SOP", "SOP version"),
    "documents": ("Dokumen", "Documents"),
    "sops": ("Versi SOP yang berlaku", "SOP version in force"),
    "settings": ("Berkas pengadilan", "Court file"),
    "roles": ("Peran", "Roles"),
    "users": ("Pegawai", "Staff"),
    "user_roles": ("Pemegang peran", "Role holders"),
    "delegations": ("Plh/Plt", "Plh/Plt"),
    "passwords": ("Kata sandi", "Passwords"),
    "api_tokens": ("Token API", "API tokens"),
    "journal": ("Jurnal pengadilan", "Court journal"),
    "tallies": ("Hitungan tersimpan", "Kept counts"),
}


@dataclass
class Findings:
    """Differences found so far: the first :data:`SHOWN`, and how many in all."""

    shown: list[Difference] = field(default_factory=list)
    total: int = 0

    def add(self, found: Iterable[Difference]) -> None:
        for d in found:
            self.total += 1
            if len(self.shown) < SHOWN:
                self.shown.append(d)

    def merge(self, other: Findings) -> None:
        self.add(other.shown)
        self.total += other.total - len(other.shown)
