"""The panjar biaya perkara of a case, from the court's fee table: a pure computation.

The table (:class:`~sop_runtime.definition.tarif.TarifPanjar`) gives the lines paid once
and what one summons costs by radius; the case's values give how many parties each side has
and where they live. The panjar is the fixed lines plus, for every party, its side's number
of summonses at the rate of its radius. A value the case does not give takes the table's
default; a value that cannot be read is an :class:`ActionError` that says which and why.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from sop_runtime.actions import ActionError
from sop_runtime.definition.court import CourtFile
from sop_runtime.definition.tarif import Pihak, TarifPanjar, load_tarif, radius_key
from sop_runtime.errors import DefinitionError
from sop_runtime.i18n import tr
from sop_runtime.wording import rupiah_text


@dataclass(frozen=True, slots=True)
class Baris:
    """One line of the assessment: what it is, how it was reached, the amount."""

    uraian: str
    perhitungan: str
    jumlah: int


@dataclass(frozen=True, slots=True)
class SisiPihak:
    """A side as the case gives it: its name, how many parties, each party's radius."""

    nama: str
    jumlah: int
    radius: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Taksiran:
    baris: tuple[Baris, ...]
    pihak: tuple[SisiPihak, ...]

    @property
    def total(self) -> int:
        return sum(b.jumlah for b in self.baris)


def assess(table: TarifPanjar, values: Mapping[str, str]) -> Taksiran:
    """The panjar of a case whose values are ``values`` (item id -> text)."""
    lines = [Baris(b.uraian, "", b.jumlah) for b in table.biaya_tetap]
    sides = []
    for side in table.pihak:
        found = _side(table, side, values)
        sides.append(found)
        if side.panggilan == 0:
            continue
        for name, rate in table.radius.items():
            count = sum(1 for r in found.radius if r == name)
            if count:
                lines.append(Baris(
                    f"Panggilan {side.nama.lower()}, radius {name}",
                    f"{count} pihak × {side.panggilan} kali × {rupiah(rate)}",
                    count * side.panggilan * rate))
    return Taksiran(tuple(lines), tuple(sides))


def _side(table: TarifPanjar, side: Pihak, values: Mapping[str, str]) -> SisiPihak:
    classes = {radius_key(k): k for k in table.radius}
    text = values.get(side.radius.nilai, "").strip()
    given = [r.strip() for r in text.split(",")] if text else []
    radii = []
    for r in given:
        known = classes.get(radius_key(r))
        if known is None:
            raise ActionError(tr(
                "Radius '{v}' ({item}) tidak dikenal dalam tarif panjar; kelas radius yang "
                "dikenal: {known}",
                "The radius '{v}' ({item}) is not in the fee table; the radius classes are: "
                "{known}", v=r or text, item=side.radius.nilai, known=", ".join(table.radius)))
        radii.append(known)
    count = _count(side, values.get(side.jumlah.nilai, "").strip())
    if count is None:
        count = len(radii) if len(radii) > 1 else side.jumlah.bawaan
    if not radii:
        radii = [classes[radius_key(side.radius.bawaan)]]
    if len(radii) == 1:
        radii *= count
    elif len(radii) != count:
        raise ActionError(tr(
            "{item} menyebut {n} kelas radius ({v}) untuk {c} {side} ({count_item}); sebut satu "
            "kelas untuk semua atau satu kelas per pihak",
            "{item} names {n} radius classes ({v}) for {c} {side} ({count_item}); name one "
            "class for all or one class per party", item=side.radius.nilai, n=len(radii),
            v=text, c=count, side=side.nama.lower(), count_item=side.jumlah.nilai))
    return SisiPihak(side.nama, count, tuple(radii))


def _count(side: Pihak, text: str) -> int | None:
    if not text:
        return None
    if not text.isdigit() or int(text) < 1:
        raise ActionError(tr(
            "Jumlah {side} ({item}) harus bilangan bulat paling sedikit 1, bukan '{v}'",
            "The number of {side} ({item}) must be a whole number of at least 1, not '{v}'",
            side=side.nama.lower(), item=side.jumlah.nilai, v=text))
    return int(text)


def rupiah(amount: int) -> str:
    """``Rp1.250.000``: one style for money everywhere (:func:`wording.rupiah_text`)."""
    return rupiah_text(amount)


_UNITS = ("nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan",
          "sembilan", "sepuluh", "sebelas")
_SCALES = ((10**12, "triliun"), (10**9, "miliar"), (10**6, "juta"), (10**3, "ribu"))


def terbilang(n: int) -> str:
    """An amount in Indonesian words, as a payment order writes it: ``lima ratus lima puluh
    satu ribu``."""
    if n < 0:
        return "minus " + terbilang(-n)
    if n < 12:
        return _UNITS[n]
    if n < 20:
        return f"{_UNITS[n - 10]} belas"
    if n < 100:
        return _join(f"{_UNITS[n // 10]} puluh", n % 10)
    if n < 1000:
        head = "seratus" if n < 200 else f"{_UNITS[n // 100]} ratus"
        return _join(head, n % 100)
    for size, word in _SCALES:
        if n >= size:
            lead = n // size
            head = "seribu" if size == 1000 and lead == 1 else f"{terbilang(lead)} {word}"
            return _join(head, n % size)
    raise AssertionError(n)  # pragma: no cover  (every n >= 1000 meets a scale)


def _join(head: str, rest: int) -> str:
    return f"{head} {terbilang(rest)}" if rest else head


def definitions_dir() -> Path:
    """The court's definitions folder as the process running the action sees it: the CLI's
    rule, ``SOP_DEFINITIONS`` or ``definitions`` in the working folder."""
    return Path(os.environ.get("SOP_DEFINITIONS", "definitions"))


def fee_table_path(court: CourtFile) -> Path:
    """Where the court's fee table is: ``tarif_panjar`` in the court file, relative to the
    definitions folder (where court.yaml is)."""
    if court.tarif_panjar is None:
        raise ActionError(tr(
            "Berkas pengadilan tidak menyebut tarif panjar (kunci tarif_panjar di court.yaml, "
            "mis. tarif/panjar.yaml)",
            "The court file names no fee table (the key tarif_panjar in court.yaml, e.g. "
            "tarif/panjar.yaml)"))
    path = Path(court.tarif_panjar)
    return path if path.is_absolute() else definitions_dir() / path


def fee_table(court: CourtFile) -> TarifPanjar:
    """The court's fee table, read now (a new SK applies from the next assessment); a table
    that cannot be used is an ActionError listing each problem with file:line."""
    try:
        return load_tarif(fee_table_path(court)).model
    except DefinitionError as exc:
        raise ActionError(tr("Tarif panjar tidak dapat dipakai:\n{p}",
                             "The fee table cannot be used:\n{p}", p=exc)) from None
