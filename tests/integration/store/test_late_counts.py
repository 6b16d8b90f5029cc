"""The overview's counts read from the kept counts (store.late_counts) equal the full scans
of the open steps (store.supervision's ``*_scanned``), exactly, on messy histories written
through the projection's own writer: work interleaved across cases, back-dated steps,
steps reopened (a later attempt), steps without a deadline, holders changed, deadlines
recorded overdue (some ahead of the instant asked about), steps of two roles, cases
cancelled; asked at many instants, on hour edges and the boundaries themselves."""

from __future__ import annotations

import random
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import Engine

from sop_runtime.store import late_counts, tallies
from sop_runtime.store import supervision as scan
from sop_runtime.store.projections import CaseRow, OpenStepRow, save_case

T0 = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)
SOPS = ("sop-a", "sop-b", "sop-c")
SHARED = scan.SharedNodes(frozenset({("sop-a", "S"), ("sop-b", "S")}),
                          frozenset({"ketua", "wakil_ketua"}))
PEOPLE = (None, "rina", "siti", "yusuf")


def instant(rng: random.Random) -> datetime:
    """Around T0, often on an hour's first or last microsecond."""
    at = T0 + timedelta(hours=rng.randint(-300, 300))
    pick = rng.random()
    if pick < 0.2:
        return at
    if pick < 0.3:
        return at - timedelta(microseconds=1)
    return at + timedelta(seconds=rng.randint(0, 3599), microseconds=rng.randint(0, 999999))


def steps_of(rng: random.Random, case_id: str, sop_id: str) -> list[OpenStepRow]:
    rows: list[OpenStepRow] = []
    for node in rng.sample(["1", "2", "S"], rng.randint(0, 2)):
        attempt = rng.randint(1, 3)  # reopened: a later attempt of the node
        activated = instant(rng)
        due = None if rng.random() < 0.25 else activated + timedelta(
            hours=rng.uniform(-5, 200))  # back-dated: due before it was activated too
        flagged = due is not None and rng.random() < 0.5  # some ahead of the now asked
        who = rng.choice(PEOPLE)
        roles = ("ketua", "wakil_ketua") if node == "S" and sop_id != "sop-c" \
            else (rng.choice(("kasir", "ptsp", "ketua")),)
        rows.extend(OpenStepRow(case_id, node, attempt, role, sop_id, "k", activated, due,
                                who, who, None, flagged) for role in roles)
    return rows


def write(engine: Engine, rng: random.Random, cases: int, changes: int) -> None:
    sop_of = {f"C{i}": rng.choice(SOPS) for i in range(cases)}
    for n in range(changes):  # interleaved: each change to any case, in any order
        case_id = rng.choice(sorted(sop_of))
        steps = [] if rng.random() < 0.1 else steps_of(rng, case_id, sop_of[case_id])
        row = CaseRow(case_id, sop_of[case_id], "v1", "aktif" if steps else "batal", T0,
                      "rina", n + 1, f"{n:064x}", T0)
        with engine.begin() as conn:
            save_case(conn, row, steps)


def boundaries(rng: random.Random, now: datetime) -> list[datetime]:
    found = sorted({now - timedelta(hours=rng.uniform(0, 400)) for _ in range(4)},
                   reverse=True)
    if rng.random() < 0.3:  # a boundary on an hour's edge
        found[0] = found[0].replace(minute=0, second=0, microsecond=0)
    return found


def groups(found: list[scan.LateGroup]) -> set[tuple[object, ...]]:
    return {(g.sop_id, g.node, g.holder, g.steps, g.oldest_due) for g in found}


def roles(found: list[scan.RoleCount]) -> set[tuple[object, ...]]:
    return {(r.role, r.steps, r.oldest_due) for r in found}


@pytest.mark.parametrize("seed", range(6))
def test_the_kept_counts_equal_the_full_scans(store_engine: Engine, seed: int) -> None:
    rng = random.Random(seed)
    write(store_engine, rng, cases=25, changes=120)
    lead = scan.one_row_per_step(SHARED)
    with store_engine.begin() as conn:
        if seed % 2:
            tallies.compact(conn)  # folded as the sweep folds them: the same counts
        assert tallies.kept(conn) == tallies.counted(conn)
        activated = [r.activated_at for r in conn.execute(
            scan.open_steps.select()).all()]
    nows = [instant(rng) for _ in range(25)] + rng.sample(activated, min(5, len(activated)))
    compared = 0
    with store_engine.connect() as conn:
        for now in nows:
            assert groups(late_counts.late_groups(conn, now, lead)) == \
                groups(scan.late_groups_scanned(conn, now, lead)), now
            for hide in ((), ("sop-b",), SOPS):
                assert roles(late_counts.late_by_role(conn, now, hide)) == \
                    roles(scan.late_by_role_scanned(conn, now, hide)), (now, hide)
            cuts = boundaries(rng, now)
            if activated and rng.random() < 0.3:
                cuts = sorted({*cuts[:3], rng.choice(activated)}, reverse=True)  # on a step
            kept = late_counts.open_counts(conn, now, cuts, SHARED)
            assert kept == scan.open_counts_scanned(conn, now, cuts, SHARED), (now, cuts)
            compared += sum(kept.ages.values())
    assert compared  # the histories left open steps to count
