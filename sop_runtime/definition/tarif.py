"""The court's fee table for the panjar biaya perkara (``definitions/tarif/panjar.yaml``).

Perma 3/2012 Pasal 2(3): the Ketua of a first-instance court sets the amounts of the panjar
by SK. The file is that SK's table in the form the e-SKUM action computes from:

* ``biaya_tetap``: the lines every case pays once (pendaftaran, redaksi, meterai ...);
* ``radius``: what one summons (panggilan/pemberitahuan) costs, by the radius class of the
  place where the party lives;
* ``pihak``: each side of the case (penggugat, tergugat): how many summonses one party of
  that side is charged for, and where the case says how many parties there are and in
  which radius they live (``nilai``: an item id of the case's values), with the default
  (``bawaan``) when the case does not say;
* ``virtual_account``: how the payment code is formed.

Amounts are whole rupiah, written ``30000`` or ``Rp 30.000``. The court file names the
table (``tarif_panjar``), relative to the folder of the court file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from sop_runtime.definition.loader import Loaded, read_yaml_file, validate_as
from sop_runtime.definition.models import SLUG, Sumber
from sop_runtime.definition.yamlsource import format_path
from sop_runtime.errors import DefinitionError
from sop_runtime.i18n import tr
from sop_runtime.problems import Problem

_RUPIAH = re.compile(r"^(?:Rp\.?\s*)?(\d{1,3}(?:\.\d{3})+|\d+)(?:,0{1,2})?$", re.IGNORECASE)


def _rupiah(value: Any) -> Any:
    if isinstance(value, bool):
        raise PydanticCustomError("rupiah", "harus jumlah rupiah / must be an amount in rupiah")
    if isinstance(value, int):
        return value
    m = _RUPIAH.match(str(value).strip())
    if not m:
        raise PydanticCustomError(
            "rupiah", "'{v}' bukan jumlah rupiah (mis. 30000 atau Rp 30.000) / "
            "'{v}' is not an amount in rupiah (e.g. 30000 or Rp 30.000)", {"v": value})
    return int(m[1].replace(".", ""))


Rupiah = Annotated[int, BeforeValidator(_rupiah), Field(ge=0)]


def radius_key(text: str) -> str:
    """How a radius class is compared: ``Radius II``, `` ii `` and ``II`` are one class."""
    words = " ".join(text.split()).casefold()
    return words.removeprefix("radius ").strip()


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class BiayaTetap(_Model):
    """One line of the panjar that every case pays once."""

    uraian: str = Field(min_length=1)
    jumlah: Rupiah


class Jumlah(_Model):
    """How many parties a side has: the case's value ``nilai``, else ``bawaan``."""

    nilai: str = Field(pattern=SLUG)
    bawaan: int = Field(ge=1)


class Radius(_Model):
    """Where the parties of a side live: the case's value ``nilai`` (one class for all of
    them, or one per party separated by commas), else the class ``bawaan``."""

    nilai: str = Field(pattern=SLUG)
    bawaan: str = Field(min_length=1)


class Pihak(_Model):
    """A side of the case and the summonses its parties are charged for."""

    id: str = Field(pattern=SLUG)
    nama: str = Field(min_length=1)
    panggilan: int = Field(ge=0)    # summonses per party of this side
    jumlah: Jumlah
    radius: Radius


class VirtualAccount(_Model):
    """A payment code: ``awalan`` then the register number, zero-padded to ``panjang``
    digits."""

    awalan: str = Field(pattern=r"^\d+$")
    panjang: int = Field(ge=8, le=30)
    bank: str | None = None

    @model_validator(mode="after")
    def _room(self) -> VirtualAccount:
        if len(self.awalan) >= self.panjang:
            raise PydanticCustomError(
                "virtual_account", "awalan harus lebih pendek dari panjang / "
                "the prefix must be shorter than the length")
        return self


class TarifPanjar(_Model):
    """``tarif/panjar.yaml``: the panjar of a first-instance claim, from the court's SK."""

    nama: str = Field(min_length=1)
    sumber: list[Sumber] = Field(min_length=1)
    biaya_tetap: list[BiayaTetap] = Field(default_factory=list)
    radius: dict[str, Rupiah] = Field(min_length=1)   # class -> one summons
    pihak: list[Pihak] = Field(min_length=1)
    virtual_account: VirtualAccount


def load_tarif(path: Path) -> Loaded[TarifPanjar]:
    """The fee table at ``path``; a DefinitionError lists every problem with file:line."""
    loaded = validate_as(read_yaml_file(path), TarifPanjar)
    problems = _cross_checks(loaded)
    if problems:
        raise DefinitionError(problems)
    return loaded


def _cross_checks(loaded: Loaded[TarifPanjar]) -> list[Problem]:
    """What one field cannot check alone: radius classes written twice, a side named twice,
    a default radius that is not a class of the table."""
    table, doc = loaded.model, loaded.source
    problems = []

    def problem(path: tuple[str | int, ...], id_text: str, en_text: str, **params: str) -> None:
        line, col = doc.where(path)
        problems.append(Problem("E012", doc.file, line, col, format_path(path),
                                {"detail": tr(id_text, en_text, **params)}))

    classes: dict[str, str] = {}
    for name in table.radius:
        if radius_key(name) in classes:
            problem(("radius", name), "kelas radius '{r}' sama dengan '{o}'",
                    "the radius class '{r}' is the same as '{o}'", r=name,
                    o=classes[radius_key(name)])
        classes.setdefault(radius_key(name), name)
    sides: set[str] = set()
    for i, side in enumerate(table.pihak):
        if side.id in sides:
            problem(("pihak", i, "id"), "pihak '{p}' ditulis dua kali",
                    "the side '{p}' is written twice", p=side.id)
        sides.add(side.id)
        if radius_key(side.radius.bawaan) not in classes:
            problem(("pihak", i, "radius", "bawaan"),
                    "radius bawaan '{r}' bukan kelas di 'radius' ({k})",
                    "the default radius '{r}' is not a class in 'radius' ({k})",
                    r=side.radius.bawaan, k=", ".join(table.radius))
    return problems
