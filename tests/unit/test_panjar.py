"""The panjar computed from the court's fee table (definitions/tarif/panjar.yaml): the
source's published totals, hand-computed cases with several parties, the defaults, and the
errors a case's values can cause."""

from __future__ import annotations

from functools import cache

import pytest

from sop_runtime.actions import ActionError
from sop_runtime.actions.panjar import Baris, assess, rupiah, terbilang
from sop_runtime.definition.models import Item, ItemKind
from sop_runtime.definition.tarif import TarifPanjar, load_tarif
from sop_runtime.engine.values import value_problem
from tests.conftest import DEFINITIONS

WS = "Wilayah sulit"


@cache
def table() -> TarifPanjar:
    return load_tarif(DEFINITIONS / "tarif" / "panjar.yaml").model


def total(**values: str) -> int:
    return assess(table(), values).total


# The totals the source prints for one penggugat (P) and one tergugat (T) by radius
# (https://id.scribd.com/doc/37077259/BIAYA-PANJAR-02-2009).
@pytest.mark.parametrize(("p", "t", "published"), [
    ("I", "I", 391_000), ("I", "II", 431_000), ("I", WS, 491_000), ("II", "I", 421_000),
    ("II", "II", 461_000), ("II", WS, 521_000), (WS, WS, 566_000)])
def test_the_table_gives_the_sources_published_totals(p: str, t: str, published: int) -> None:
    assert total(radius_penggugat=p, radius_tergugat=t) == published


@pytest.mark.parametrize(("values", "expected"), [
    # nothing said: 1 penggugat and 1 tergugat in radius I
    ({}, 41_000 + 3 * 50_000 + 4 * 50_000),
    # two tergugat, one per radius
    ({"jumlah_tergugat": "2", "radius_tergugat": "I, II"},
     41_000 + 3 * 50_000 + 4 * 50_000 + 4 * 60_000),
    # two penggugat in radius II, three tergugat all in the wilayah sulit
    ({"jumlah_penggugat": "2", "radius_penggugat": "II", "jumlah_tergugat": "3",
      "radius_tergugat": WS}, 41_000 + 2 * 3 * 60_000 + 3 * 4 * 75_000),
    # the number of parties read from the radius list
    ({"radius_tergugat": "II, II, I"}, 41_000 + 3 * 50_000 + 4 * (60_000 + 60_000 + 50_000)),
    # a count with no radius: all of them in the default radius
    ({"jumlah_tergugat": "4"}, 41_000 + 3 * 50_000 + 4 * 4 * 50_000),
])
def test_several_parties_against_hand_computed_totals(values: dict[str, str],
                                                      expected: int) -> None:
    assert assess(table(), values).total == expected


def test_the_breakdown_names_each_line() -> None:
    found = assess(table(), {"jumlah_tergugat": "2", "radius_tergugat": "I, II"})
    assert found.baris == (
        Baris("Biaya pendaftaran", "", 30_000),
        Baris("Biaya redaksi", "", 5_000),
        Baris("Meterai putusan", "", 6_000),
        Baris("Panggilan penggugat, radius I", "1 pihak × 3 kali × Rp50.000", 150_000),
        Baris("Panggilan tergugat, radius I", "1 pihak × 4 kali × Rp50.000", 200_000),
        Baris("Panggilan tergugat, radius II", "1 pihak × 4 kali × Rp60.000", 240_000))
    assert [(s.nama, s.jumlah, s.radius) for s in found.pihak] == [
        ("Penggugat", 1, ("I",)), ("Tergugat", 2, ("I", "II"))]


def test_a_radius_is_read_as_people_write_it() -> None:
    assert total(radius_tergugat=" radius ii ") == total(radius_tergugat="II")
    assert total(radius_tergugat="WILAYAH  SULIT") == total(radius_tergugat=WS)
    assert total(radius_tergugat="", jumlah_tergugat="") == total()  # empty: the default


def test_a_side_without_summonses_costs_nothing_for_them() -> None:
    sides = [s.model_copy(update={"panggilan": 0}) if s.id == "penggugat" else s
             for s in table().pihak]
    found = assess(table().model_copy(update={"pihak": sides}), {})
    assert found.total == 41_000 + 4 * 50_000
    assert not any("penggugat" in b.uraian for b in found.baris)


def test_an_unknown_radius_names_the_value_and_the_known_classes() -> None:
    with pytest.raises(ActionError) as exc:
        total(radius_tergugat="I, III")
    message = str(exc.value)
    assert "'III'" in message and "radius_tergugat" in message
    assert "I, II, Wilayah sulit" in message and "tidak dikenal" in message


@pytest.mark.parametrize("count", ["dua", "0", "-1", "1.5"])
def test_a_count_that_is_not_a_whole_number_is_refused(count: str) -> None:
    with pytest.raises(ActionError, match=rf"jumlah_tergugat.*'{count}'"):
        total(jumlah_tergugat=count)


def test_a_radius_list_that_does_not_match_the_count_is_refused() -> None:
    with pytest.raises(ActionError, match=r"radius_tergugat menyebut 2 kelas radius .* 3 "
                                          r"tergugat \(jumlah_tergugat\)"):
        total(jumlah_tergugat="3", radius_tergugat="I, II")


@pytest.mark.parametrize(("amount", "text"), [
    (41_000, "Rp41.000"), (631_000, "Rp631.000"), (1_301_000, "Rp1.301.000"), (0, "Rp0"),
    (999, "Rp999")])
def test_amounts_are_written_as_the_uang_kind_reads_them(amount: int, text: str) -> None:
    assert rupiah(amount) == text
    item = Item(id="taksiran_panjar", nama="Taksiran panjar", jenis=ItemKind.UANG)
    assert value_problem(item, text) is None


@pytest.mark.parametrize(("n", "words"), [
    (0, "nol"), (11, "sebelas"), (15, "lima belas"), (40, "empat puluh"), (100, "seratus"),
    (110, "seratus sepuluh"), (1_000, "seribu"), (1_500, "seribu lima ratus"),
    (41_000, "empat puluh satu ribu"), (631_000, "enam ratus tiga puluh satu ribu"),
    (1_000_000, "satu juta"), (1_301_000, "satu juta tiga ratus satu ribu"),
    (2_111_011, "dua juta seratus sebelas ribu sebelas"),
    (3_000_000_000, "tiga miliar")])
def test_amounts_in_words(n: int, words: str) -> None:
    assert terbilang(n) == words
