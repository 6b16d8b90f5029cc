"""The IKM of Permenpan-RB 14/2017, computed by hand and held by properties: the weight 1/9
exactly, one rounding (half up, two decimals) at the IKM unit, the mutu table's bounds."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sop_runtime.audit import ikm
from sop_runtime.i18n import set_lang


def answers(*values: int) -> dict[str, int]:
    assert len(values) == 9
    return dict(zip(ikm.KEYS, values, strict=True))


def totals_summing_to(respondents: int, total: int) -> dict[str, int]:
    """Totals per unsur, each possible for ``respondents``, adding up to ``total``."""
    spread = dict.fromkeys(ikm.KEYS, respondents)
    rest = total - 9 * respondents
    for key in ikm.KEYS:
        more = min(rest, 3 * respondents)
        spread[key] += more
        rest -= more
    assert rest == 0
    return spread


def test_the_nine_unsur_in_the_questionnaires_order() -> None:
    assert ikm.KEYS == ("persyaratan", "prosedur", "waktu", "biaya", "produk", "kompetensi",
                        "perilaku", "sarana", "pengaduan")
    assert [u.no for u in ikm.UNSUR] == list(range(1, 10))
    set_lang("id")
    try:
        biaya = ikm.BY_KEY["biaya"]
        assert [biaya.answer(v) for v in (1, 2, 3, 4)] == ["Sangat mahal", "Cukup mahal",
                                                            "Murah", "Gratis"]
        assert ikm.BY_KEY["pengaduan"].answer(2) == "Ada tetapi tidak berfungsi"
        assert ikm.BY_KEY["persyaratan"].question.startswith(
            "Bagaimana pendapat Saudara tentang kesesuaian persyaratan")
    finally:
        set_lang(None)


def test_two_respondents_by_hand() -> None:
    # totals 7 6 5 4 6 7 8 6 5 = 54; NRR 3,5 3 2,5 2 3 3,5 4 3 2,5; IKM 54/18 = 3; x25 = 75
    result = ikm.from_responses([answers(4, 3, 3, 2, 3, 3, 4, 3, 3),
                                 answers(3, 3, 2, 2, 3, 4, 4, 3, 2)])
    assert result is not None and result.respondents == 2
    assert [u.nrr for u in result.unsur] == [Fraction(7, 2), 3, Fraction(5, 2), 2, 3,
                                             Fraction(7, 2), 4, 3, Fraction(5, 2)]
    assert result.unsur[0].weighted == Fraction(7, 18)
    assert result.ikm == 3
    assert result.unit == Decimal("75.00")
    assert (result.grade.mutu, result.grade.kinerja_id) == ("C", "Kurang Baik")
    # an unsur on its own: perilaku's NRR 4 is 100,00, A; biaya's 2 is 50,00, D
    assert (result.unsur[6].unit, result.unsur[6].grade.mutu) == (Decimal("100.00"), "A")
    assert (result.unsur[3].unit, result.unsur[3].grade.mutu) == (Decimal("50.00"), "D")


def test_the_weight_is_one_ninth_not_0_111() -> None:
    # 0,111 would give 9 x 4 x 0,111 x 25 = 99,90 for a unanimous 4, and 24,975 for all 1
    best = ikm.from_responses([answers(*[4] * 9)])
    worst = ikm.from_responses([answers(*[1] * 9)])
    assert best is not None and worst is not None
    assert (best.unit, best.grade.mutu, best.grade.kinerja_id) == (Decimal("100.00"), "A",
                                                                   "Sangat Baik")
    assert (worst.unit, worst.grade.mutu, worst.grade.kinerja_id) == (Decimal("25.00"), "D",
                                                                      "Tidak Baik")


def test_one_rounding_half_up_at_the_unit() -> None:
    # 5000 respondents, 116991 in all: IKM 116991 / 45000 = 2,5998 exactly; x25 = 64,995
    # -> 65,00, which is C (rounded first, then judged: the table's gap 64,99 | 65,00)
    result = ikm.from_totals(5000, totals_summing_to(5000, 116991))
    assert result is not None
    assert result.ikm == Fraction(116991, 45000)
    assert result.unit == Decimal("65.00") and result.grade.mutu == "C"
    below = ikm.from_totals(5000, totals_summing_to(5000, 116990))  # 64,99444...
    assert below is not None and below.unit == Decimal("64.99") and below.grade.mutu == "D"


@pytest.mark.parametrize(("unit", "mutu"), [
    ("25.00", "D"), ("64.99", "D"), ("65.00", "C"), ("76.60", "C"), ("76.61", "B"),
    ("88.30", "B"), ("88.31", "A"), ("100.00", "A")])
def test_each_interval_of_the_table_includes_its_bounds(unit: str, mutu: str) -> None:
    assert ikm.grade(Decimal(unit)).mutu == mutu


@pytest.mark.parametrize("unit", ["24.99", "100.01"])
def test_no_grade_outside_25_to_100(unit: str) -> None:
    with pytest.raises(ValueError, match="outside"):
        ikm.grade(Decimal(unit))


def test_the_tables_bounds_reached_by_real_totals() -> None:
    # 250 respondents: 9 x 250 = 2250 answers; IKM unit = 25 x total / 2250 = total / 90
    def unit_of(total: int) -> tuple[Decimal, str]:
        result = ikm.from_totals(250, totals_summing_to(250, total))
        assert result is not None
        return result.unit, result.grade.mutu

    assert unit_of(7947) == (Decimal("88.30"), "B")   # 7947 / 90 = 88,3
    assert unit_of(7948) == (Decimal("88.31"), "A")   # 88,3111...
    assert unit_of(6894) == (Decimal("76.60"), "C")   # 76,6
    assert unit_of(6895) == (Decimal("76.61"), "B")   # 76,6111...
    assert unit_of(5850) == (Decimal("65.00"), "C")
    assert unit_of(5849) == (Decimal("64.99"), "D")   # 64,9888...


def test_nobody_answered_is_no_index() -> None:
    assert ikm.from_responses([]) is None
    assert ikm.from_totals(0, dict.fromkeys(ikm.KEYS, 0)) is None


def test_impossible_totals_are_refused() -> None:
    with pytest.raises(ValueError, match="impossible"):
        ikm.from_totals(2, {**dict.fromkeys(ikm.KEYS, 4), "waktu": 9})


def test_the_answers_problems_say_which_unsur_and_why() -> None:
    set_lang("id")
    try:
        assert ikm.answer_problems(answers(*[3] * 9)) == []
        found = ikm.answer_problems({**answers(*[3] * 9), "waktu": 5, "nama": 1})
        assert found == ["'nama' bukan unsur survei; unsurnya: " + ", ".join(ikm.KEYS),
                         "unsur 3 (Waktu penyelesaian): nilai 5 di luar 1-4"]
        missing = dict(answers(*[3] * 9))
        del missing["sarana"]
        assert ikm.answer_problems(missing) == ["unsur 8 (Sarana dan prasarana) belum dijawab"]
        assert ikm.answer_problems({**answers(*[3] * 9), "biaya": True}) \
            == ["unsur 4 (Biaya/tarif): nilai True di luar 1-4"]
        assert ikm.answer_problems({**answers(*[3] * 9), "biaya": "4"}) \
            == ["unsur 4 (Biaya/tarif): nilai '4' di luar 1-4"]
    finally:
        set_lang(None)


def test_numbers_read_as_each_language_writes_them() -> None:
    set_lang("id")
    try:
        assert ikm.number_text(Decimal("88.31")) == "88,31"
    finally:
        set_lang("en")
    try:
        assert ikm.number_text(Decimal("88.31")) == "88.31"
    finally:
        set_lang(None)


response = st.lists(st.integers(1, 4), min_size=9, max_size=9).map(lambda v: answers(*v))


@given(st.lists(response, min_size=1, max_size=40))
def test_the_unit_stays_within_25_and_100(responses: list[dict[str, int]]) -> None:
    result = ikm.from_responses(responses)
    assert result is not None
    assert Decimal(25) <= result.unit <= Decimal(100)
    assert result.grade in ikm.GRADES
    assert 1 <= result.ikm <= 4


@given(st.lists(response, min_size=1, max_size=20), st.data())
def test_raising_one_answer_never_lowers_the_index(responses: list[dict[str, int]],
                                                   data: st.DataObject) -> None:
    before = ikm.from_responses(responses)
    who = data.draw(st.integers(0, len(responses) - 1))
    key = data.draw(st.sampled_from(ikm.KEYS))
    if responses[who][key] == 4:
        return
    raised = [dict(r) for r in responses]
    raised[who][key] += 1
    after = ikm.from_responses(raised)
    assert before is not None and after is not None
    assert after.ikm > before.ikm
    assert after.unit >= before.unit
    assert "ABCD".index(after.grade.mutu) <= "ABCD".index(before.grade.mutu)


@given(st.lists(response, min_size=1, max_size=20))
def test_the_unit_is_the_exact_mean_rounded_once(responses: list[dict[str, int]]) -> None:
    result = ikm.from_responses(responses)
    assert result is not None
    exact = Fraction(sum(sum(r.values()) for r in responses), 9 * len(responses)) * 25
    assert abs(Fraction(result.unit) - exact) <= Fraction(1, 200)
