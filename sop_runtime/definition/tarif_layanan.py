"""The court's fee table for its services other than a claim's panjar
(``definitions/tarif/layanan.yaml``): what each published service costs the applicant,
line by line, with the legal basis of each figure.

Per service (``sop``: an SOP id):

* ``baris``: the fees, each ``uraian``, ``satuan`` (per surat, per lembar ...) and
  ``jumlah`` in whole rupiah, with its ``dasar`` (the regulation that sets it);
* ``panjar: true``: the service costs the panjar biaya perkara of the court's panjar table
  (``tarif_panjar``), shown from that table;
* ``tanpa_biaya``: the source that says the service is free (only where one says so);
* ``keterangan``: what the applicant must know besides (e.g. which cases pay nothing).

A service the table does not name shows the SOP's own ``biaya`` text and says that its
amount is not in the court's table. The court file names the table (``tarif_layanan``),
relative to the folder of the court file.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from sop_runtime.definition.loader import Loaded, read_yaml_file, validate_as
from sop_runtime.definition.models import SOP_ID, Sumber
from sop_runtime.definition.tarif import Rupiah
from sop_runtime.definition.yamlsource import format_path
from sop_runtime.errors import DefinitionError
from sop_runtime.i18n import tr
from sop_runtime.problems import Problem

__all__ = ["Baris", "BiayaLayanan", "TarifLayanan", "load_tarif_layanan"]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class Baris(_Model):
    """One fee: what it is for, per what, how much, and the regulation that sets it."""

    uraian: str = Field(min_length=1)
    satuan: str = Field(min_length=1)
    jumlah: Rupiah
    dasar: str = Field(min_length=1)


class BiayaLayanan(_Model):
    """What one service costs."""

    sop: str = Field(pattern=SOP_ID)
    panjar: bool = False
    baris: list[Baris] = Field(default_factory=list)
    tanpa_biaya: str | None = Field(default=None, min_length=1)
    keterangan: str | None = Field(default=None, min_length=1)

    @model_validator(mode="after")
    def _one_answer(self) -> BiayaLayanan:
        said = [k for k, v in (("panjar", self.panjar), ("baris", self.baris),
                               ("tanpa_biaya", self.tanpa_biaya)) if v]
        if len(said) > 1 or (not said and self.keterangan is None):
            raise PydanticCustomError(
                "fee", "tulis satu dari 'panjar', 'baris' atau 'tanpa_biaya' (atau hanya "
                "'keterangan' bila besarnya tidak diketahui) / write one of 'panjar', 'baris' "
                "or 'tanpa_biaya' (or only 'keterangan' when the amount is not known)")
        return self


class TarifLayanan(_Model):
    """``tarif/layanan.yaml``: the fees of the court's services."""

    nama: str = Field(min_length=1)
    sumber: list[Sumber] = Field(min_length=1)
    layanan: list[BiayaLayanan] = Field(min_length=1)

    def of(self, sop_id: str) -> BiayaLayanan | None:
        return next((fee for fee in self.layanan if fee.sop == sop_id), None)


def load_tarif_layanan(path: Path) -> Loaded[TarifLayanan]:
    """The fee table at ``path``; a DefinitionError lists every problem with file:line."""
    loaded = validate_as(read_yaml_file(path), TarifLayanan)
    seen: dict[str, int] = {}
    problems = []
    for i, fee in enumerate(loaded.model.layanan):
        if fee.sop in seen:
            where = ("layanan", i, "sop")
            line, col = loaded.source.where(where)
            problems.append(Problem("E012", loaded.source.file, line, col, format_path(where), {
                "detail": tr("layanan '{s}' sudah ditulis pada butir {n}",
                             "the service '{s}' is already written at item {n}",
                             s=fee.sop, n=seen[fee.sop] + 1)}))
        seen.setdefault(fee.sop, i)
    if problems:
        raise DefinitionError(problems)
    return loaded
