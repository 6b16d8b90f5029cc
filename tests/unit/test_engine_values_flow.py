"""Values flowing between steps: what an earlier step recorded is known to a later step that
names the same item, with who recorded it and when; a different value needs a reason and is
flagged as a contradiction (``isian bertentangan``); a tick (``centang``) is ``ada`` or
``tidak ada``; money is stored as whole rupiah in digits, whatever a clerk typed."""

from __future__ import annotations

from dataclasses import replace

import pytest

from sop_runtime.definition.models import Item, ItemKind
from sop_runtime.engine import (
    CommandRejected,
    CompleteStep,
    Context,
    DeviationFlagged,
    DeviationKind,
    StartCase,
    StepCompleted,
    apply,
    decide,
)
from sop_runtime.engine.events import to_record, utc_iso
from sop_runtime.engine.recorded import recorded_values
from sop_runtime.engine.state import fold
from sop_runtime.engine.values import canonical, is_present, same_value, value_problem, value_text
from tests.unit.enginekit import T0, Case, calendar, chain, directory, summary

MONEY = {"id": "taksiran_panjar", "nama": "Taksiran panjar", "jenis": "uang"}
NUMBER = {"id": "nomor_perkara", "nama": "Nomor perkara", "jenis": "nomor"}
TICK = {"id": "surat_gugatan", "nama": "Surat gugatan asli", "jenis": "centang"}


def flow(enforcement: str = "catat") -> Case:
    """Step 2 (Kasir) records the taksiran and the nomor perkara; step 3 (Panitera) names
    both again as its kelengkapan; the nomor perkara is also a case field."""
    wf = chain(
        {"kegiatan": "Menghitung panjar", "pelaksana": "kasir",
         "mutu_baku": {"kelengkapan": [TICK], "output": [MONEY, NUMBER]}},
        {"kegiatan": "Mencatat panjar dalam jurnal", "pelaksana": "panitera",
         "mutu_baku": {"kelengkapan": [MONEY, NUMBER], "output": ["Jurnal"]}},
        isian=[NUMBER], penegakan=enforcement)
    c = Case(wf, now=T0)
    c.do(StartCase(actor="rina.ptsp"))
    c.later(minutes=1).do(CompleteStep(actor="rina.ptsp", node="1"))
    return c


def at_step_3(enforcement: str = "catat") -> Case:
    c = flow(enforcement)
    c.later(minutes=5).do(CompleteStep(actor="siti.kasir", node="2", values={
        "surat_gugatan": "ya", "taksiran_panjar": "Rp 431.000",
        "nomor_perkara": "14/Pdt.G/2026/PN Snn"}))
    return c.later(minutes=5)


def test_an_earlier_step_s_value_is_known_with_who_when_and_where() -> None:
    c = at_step_3()
    done = T0.replace(minute=6)
    found = recorded_values(c.state)
    assert found["taksiran_panjar"].value == "431000"
    got = found["nomor_perkara"]
    assert (got.node, got.attempt, got.actor, got.at) == ("2", 1, "siti.kasir", done)
    # the log: 1 started, 2 activated, 3 done, 4 activated, 5 step 2 done
    assert got.seq == 5
    # a step's own earlier attempt is not an earlier step's record
    assert "taksiran_panjar" not in recorded_values(c.state, besides="2")


def test_the_same_value_written_another_way_is_no_contradiction() -> None:
    c = at_step_3("tolak")
    events = c.do(CompleteStep(actor="bambang.panitera", node="3", values={
        "taksiran_panjar": "431000", "nomor_perkara": " 14/pdt.g/2026/pn snn ",
        "jurnal": "J-7"}))
    assert summary(events)[0] == ("step_completed", "3", 1)


def test_a_different_value_without_a_reason_is_refused_and_nothing_recorded() -> None:
    c = at_step_3()
    before = c.state
    with pytest.raises(CommandRejected) as exc:
        c.do(CompleteStep(actor="bambang.panitera", node="3",
                          values={"taksiran_panjar": "Rp 500.000", "jurnal": "J-7"}))
    assert exc.value.code == "contradiction_reason"
    said = str(exc.value)
    assert "'Taksiran panjar' sudah dicatat di langkah 2: 'Rp431.000'" in said
    assert "'Rp500.000'" in said and "alasan" in said
    assert c.state == before


@pytest.mark.parametrize("enforcement", ["catat", "tolak"])
def test_a_different_value_with_a_reason_is_recorded_and_flagged(enforcement: str) -> None:
    c = at_step_3(enforcement)
    events = c.do(CompleteStep(actor="bambang.panitera", node="3", reason="SKUM dihitung ulang",
                               values={"taksiran_panjar": "Rp500.000", "jurnal": "J-7"}))
    assert summary(events)[:2] == [("deviation_flagged", "contradiction", "3", 1),
                                   ("step_completed", "3", 1)]
    flag = events[0]
    assert isinstance(flag, DeviationFlagged)
    assert (flag.rule, flag.reason, flag.actor) == ("nilai_tercatat", "SKUM dihitung ulang",
                                                    "bambang.panitera")
    assert flag.evidence == {
        "butir": "taksiran_panjar", "nama": "Taksiran panjar", "jenis": "uang", "nilai": "500000",
        "nilai_sebelumnya": "431000", "langkah_sebelumnya": "2", "percobaan_sebelumnya": "1",
        "urutan_sebelumnya": "5", "oleh": "siti.kasir", "pada": utc_iso(T0.replace(minute=6))}
    done = events[1]
    assert isinstance(done, StepCompleted) and done.outputs["taksiran_panjar"] == "500000"
    # the new value now stands: a later step compares with it
    assert recorded_values(c.state)["taksiran_panjar"].node == "3"


def test_a_case_field_recorded_at_the_opening_is_contradicted_too() -> None:
    wf = flow().wf
    c = Case(wf, now=T0)
    c.do(StartCase(actor="rina.ptsp", fields={"nomor_perkara": "14/Pdt.G/2026/PN Snn"}))
    c.later(minutes=1).do(CompleteStep(actor="rina.ptsp", node="1"))
    earlier = recorded_values(c.state)["nomor_perkara"]
    assert (earlier.node, earlier.actor, earlier.seq) == (None, "rina.ptsp", 1)
    with pytest.raises(CommandRejected) as exc:
        c.later(minutes=1).do(CompleteStep(actor="siti.kasir", node="2", values={
            "surat_gugatan": "ada", "taksiran_panjar": "10000",
            "nomor_perkara": "15/Pdt.G/2026/PN Snn"}))
    assert "saat perkara dibuka" in str(exc.value)
    events = c.do(CompleteStep(actor="siti.kasir", node="2", reason="salah ketik di loket",
                               values={"surat_gugatan": "ada", "taksiran_panjar": "10000",
                                       "nomor_perkara": "15/Pdt.G/2026/PN Snn"}))
    flag = events[0]
    assert isinstance(flag, DeviationFlagged) and flag.kind is DeviationKind.CONTRADICTION
    assert flag.evidence["langkah_sebelumnya"] == "" and flag.evidence["urutan_sebelumnya"] == "1"
    assert c.state.fields["nomor_perkara"] == "15/Pdt.G/2026/PN Snn"


def test_replaying_a_log_flags_a_contradiction_without_a_reason() -> None:
    c = at_step_3("tolak")
    ctx = Context(now=c.now, calendar=calendar(), directory=directory(), replay=True)
    events = decide(c.wf, c.state, CompleteStep(
        actor="bambang.panitera", node="3",
        values={"taksiran_panjar": "450000", "jurnal": "J-7"}), ctx=ctx)
    flag = events[0]
    assert isinstance(flag, DeviationFlagged) and flag.kind is DeviationKind.CONTRADICTION
    assert flag.reason is None and flag.evidence["nilai_sebelumnya"] == "431000"
    state = c.state
    for e in events:
        state = apply(state, e)
    assert state.current("3") is not None


# -- ticks ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("typed", "stored"), [
    ("ada", "ada"), ("Ya", "ada"), ("yes", "ada"), ("tidak ada", "tidak ada"),
    (" Tidak  Ada ", "tidak ada"), ("tidak", "tidak ada"), ("no", "tidak ada")])
def test_a_tick_is_stored_as_ada_or_tidak_ada(typed: str, stored: str) -> None:
    item = Item.model_validate(TICK)
    assert value_problem(item, typed) is None
    assert canonical(item, typed) == stored
    assert is_present(item, typed) is (stored == "ada")


def test_a_tick_that_is_no_tick_is_rejected() -> None:
    c = flow()
    with pytest.raises(CommandRejected) as exc:
        c.do(CompleteStep(actor="siti.kasir", node="2", values={"surat_gugatan": "mungkin"}))
    assert exc.value.code == "bad_value"
    assert "'ada' atau 'tidak ada'" in str(exc.value)


def test_a_required_tick_ticked_absent_is_a_missing_input() -> None:
    c = flow()
    events = c.do(CompleteStep(actor="siti.kasir", node="2", values={
        "surat_gugatan": "tidak ada", "taksiran_panjar": "10000", "nomor_perkara": "1"}))
    flag = events[0]
    assert isinstance(flag, DeviationFlagged) and flag.kind is DeviationKind.MISSING_INPUT
    assert flag.evidence == {"kurang": "Surat gugatan asli"}
    done = events[1]
    assert isinstance(done, StepCompleted) and done.outputs["surat_gugatan"] == "tidak ada"


def test_a_required_tick_refused_under_tolak_when_absent() -> None:
    c = flow("tolak")
    events = c.do(CompleteStep(actor="siti.kasir", node="2", values={
        "surat_gugatan": "tidak", "taksiran_panjar": "10000", "nomor_perkara": "1"}))
    assert summary(events) == [("action_refused", "missing_input", "2")]
    events = c.do(CompleteStep(actor="siti.kasir", node="2", values={
        "surat_gugatan": "ya", "taksiran_panjar": "10000", "nomor_perkara": "1"}))
    assert summary(events)[0] == ("step_completed", "2", 1)


# -- money ---------------------------------------------------------------------------------

@pytest.mark.parametrize("typed", ["Rp 10.000", "Rp10.000", "rp. 10.000", "10.000", "10000",
                                   "Rp 10.000,00"])
def test_money_accepts_what_clerks_type_and_stores_digits(typed: str) -> None:
    item = Item.model_validate(MONEY)
    assert value_problem(item, typed) is None
    assert canonical(item, typed) == "10000"
    assert value_text(item, canonical(item, typed)) == "Rp10.000"


@pytest.mark.parametrize("typed", ["sepuluh ribu", "Rp 1.00.000", "10.000,50", "-5000",
                                   "Rp", "10 000"])
def test_money_that_is_no_amount_is_rejected_clearly(typed: str) -> None:
    problem = value_problem(Item.model_validate(MONEY), typed)
    assert problem is not None
    assert "Taksiran panjar" in problem and typed.strip() in problem


def test_old_stored_money_reads_and_compares_as_the_same_amount() -> None:
    item = Item.model_validate(MONEY)
    assert value_text(item, "Rp 431.000") == "Rp431.000"  # an event stored before
    assert same_value(item, "Rp 431.000", "431000")
    assert not same_value(item, "Rp 431.000", "431001")


def test_values_of_other_kinds_read_as_people_read_them() -> None:
    day = Item.model_validate({"id": "tgl", "nama": "Tanggal", "jenis": "tanggal"})
    assert value_text(day, "2026-11-24") == "24 November 2026"
    text = Item.model_validate({"id": "x", "nama": "X"})
    assert value_text(text, "CK-01") == "CK-01"
    assert value_text(None, "CK-01") == "CK-01"
    assert canonical(text, "  dua   kata ") == "dua kata"
    assert Item.model_validate(TICK).jenis is ItemKind.CENTANG


def test_money_stored_before_as_it_was_typed_is_read_and_compared_by_amount() -> None:
    """Events stored before money was kept as digits hold it as the clerk typed it: their
    stored form is untouched, and a later step giving the same amount is no contradiction."""
    c = at_step_3()
    old = [replace(e, outputs={**e.outputs, "taksiran_panjar": "Rp 431.000"})
           if isinstance(e, StepCompleted) and e.node == "2" else e for e in c.log]
    done_2 = next(e for e in old if isinstance(e, StepCompleted) and e.node == "2")
    type_, _, payload = to_record(done_2)
    assert type_ == "step_completed" and payload["outputs"]["taksiran_panjar"] == "Rp 431.000"
    state = fold("c1", old)
    assert recorded_values(state)["taksiran_panjar"].value == "Rp 431.000"
    events = decide(c.wf, state, CompleteStep(
        actor="bambang.panitera", node="3",
        values={"taksiran_panjar": "431000", "jurnal": "J-7"}), ctx=c.ctx)
    assert summary(events)[0] == ("step_completed", "3", 1)
    events = decide(c.wf, state, CompleteStep(
        actor="bambang.panitera", node="3", reason="dihitung ulang",
        values={"taksiran_panjar": "431001", "jurnal": "J-7"}), ctx=c.ctx)
    flag = events[0]
    assert isinstance(flag, DeviationFlagged)
    assert flag.evidence["nilai_sebelumnya"] == "Rp 431.000"
