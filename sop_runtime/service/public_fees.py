"""What a published service costs, as the public page and the poster show it: from the
court's fee tables (``tarif_layanan``: PNBP per PP 5/2019 ...; ``tarif_panjar``: the panjar
of a claim, set by the Ketua's SK under Perma 3/2012 Pasal 2 ayat (3)), each figure with its
legal basis. Where the court's table gives no figure, the page says so (with the SOP's own
words on the cost) instead of inventing one."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sop_runtime.actions.panjar import assess, definitions_dir, fee_table
from sop_runtime.compiler.workflow import Workflow
from sop_runtime.definition.court import CourtFile
from sop_runtime.definition.tarif import TarifPanjar
from sop_runtime.definition.tarif_layanan import BiayaLayanan, TarifLayanan, load_tarif_layanan
from sop_runtime.errors import SopRuntimeError
from sop_runtime.i18n import tr
from sop_runtime.wording import rupiah_text

__all__ = ["FeeLine", "Fees", "PanjarTable", "fees", "services_table"]

PANJAR_BASIS = ("Perma Nomor 3 Tahun 2012 tentang Biaya Proses Penyelesaian Perkara, Pasal 2 "
                "ayat (3): panjar ditetapkan Ketua Pengadilan")


@dataclass(frozen=True, slots=True)
class FeeLine:
    what: str
    per: str
    amount: str  # "Rp10.000"
    basis: str


@dataclass(frozen=True, slots=True)
class PanjarTable:
    """The panjar of a claim: fixed lines, a summons by radius, summonses per party, and the
    total of the commonest case (one party on each side, the default radius)."""

    name: str
    fixed: tuple[FeeLine, ...]
    per_summons: tuple[tuple[str, str], ...]  # (radius class, amount)
    per_side: tuple[tuple[str, int], ...]     # (side, summonses per party)
    example: str                               # "1 penggugat dan 1 tergugat, radius I"
    example_total: str
    basis: str


@dataclass(frozen=True, slots=True)
class Fees:
    """``kind``: ``baris`` (the lines), ``panjar`` (the panjar table), ``tanpa_biaya`` (free,
    by ``basis``) or ``tidak_tercantum`` (no figure in the court's table)."""

    kind: str
    lines: tuple[FeeLine, ...] = ()
    panjar: PanjarTable | None = None
    note: str | None = None
    sop_text: str | None = None  # the SOP's own words on the cost
    basis: str | None = None


def services_table(court: CourtFile) -> TarifLayanan | None:
    """The court's fee table of its services, read now (None when the court file names
    none); one that cannot be read is a SopRuntimeError naming its problems."""
    if court.tarif_layanan is None:
        return None
    path = Path(court.tarif_layanan)
    try:
        return load_tarif_layanan(path if path.is_absolute()
                                  else definitions_dir() / path).model
    except SopRuntimeError as exc:
        raise SopRuntimeError(tr("Tabel biaya layanan tidak dapat dipakai:\n{p}",
                                 "The services' fee table cannot be used:\n{p}", p=exc)) from None


def fees(wf: Workflow, court: CourtFile, table: TarifLayanan | None) -> Fees:
    """What the service of ``wf`` costs."""
    standard = wf.document.standar_pelayanan
    sop_text = standard.biaya if standard else None
    entry = table.of(wf.sop_id) if table else None
    if entry is None:
        return Fees("tidak_tercantum", sop_text=sop_text, note=tr(
            "Besaran biaya layanan ini tidak tercantum dalam tabel biaya pengadilan.",
            "The amount of this service's cost is not in the court's fee table."))
    return _from_entry(entry, court, sop_text)


def _from_entry(entry: BiayaLayanan, court: CourtFile, sop_text: str | None) -> Fees:
    if entry.tanpa_biaya is not None:
        return Fees("tanpa_biaya", note=entry.keterangan, basis=entry.tanpa_biaya,
                    sop_text=sop_text)
    if entry.panjar:
        try:
            table = fee_table(court)
        except SopRuntimeError:  # no table, or a broken one: `sop validate` names it
            return Fees("tidak_tercantum", sop_text=sop_text, note=tr(
                "Tabel panjar biaya perkara pengadilan belum tersedia; tanyakan di meja PTSP.",
                "The court's table of the panjar is not available; ask at the PTSP desk."))
        return Fees("panjar", panjar=_panjar(table), note=entry.keterangan, sop_text=sop_text)
    if entry.baris:
        return Fees("baris", tuple(FeeLine(b.uraian, b.satuan, rupiah_text(b.jumlah), b.dasar)
                                   for b in entry.baris), note=entry.keterangan,
                    sop_text=sop_text)
    return Fees("tidak_tercantum", note=entry.keterangan, sop_text=sop_text)


def _panjar(table: TarifPanjar) -> PanjarTable:
    example = assess(table, {})
    parties = tr(" dan ", " and ").join(f"{side.jumlah} {side.nama.lower()}"
                                        for side in example.pihak)
    radius = sorted({r for side in example.pihak for r in side.radius})
    return PanjarTable(
        name=table.nama,
        fixed=tuple(FeeLine(b.uraian, tr("per perkara", "per case"), rupiah_text(b.jumlah),
                            PANJAR_BASIS) for b in table.biaya_tetap),
        per_summons=tuple((name, rupiah_text(rate)) for name, rate in table.radius.items()),
        per_side=tuple((side.nama, side.panggilan) for side in table.pihak),
        example=tr("{p}, radius {r}", "{p}, radius {r}", p=parties, r=", ".join(radius)),
        example_total=rupiah_text(example.total), basis=PANJAR_BASIS)
