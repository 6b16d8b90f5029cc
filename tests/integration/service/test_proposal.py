"""``sop monev --usulan``: a day of SKUM work where step 1 (± 20 menit) mostly takes an hour
and step 2 (± 10 menit) a minute; the proposal raises the first (unrealistic) and lowers the
second (loose), each with its evidence, as a revision that loads as a draft and that
``sop diff`` reads as two changed limits. Too little evidence leaves every step alone."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from sop_runtime.cli.app import run
from sop_runtime.compiler.diff import diff_workflows
from sop_runtime.compiler.library import compile_source
from sop_runtime.service import cases, catalog, revisions
from sop_runtime.service.monev import monev_figures
from sop_runtime.service.proposal import propose_revision
from sop_runtime.service.runtime import Runtime
from sop_runtime.store import workflows
from sop_runtime.store.db import make_engine
from tests.clock import Clock
from tests.e2e.court import SKUM_1
from tests.storefixtures import init_court

WIT = ZoneInfo("Asia/Jayapura")
SOP = "taksiran-panjar-skum"
DAY = datetime(2026, 11, 30, tzinfo=WIT)  # a Monday
STEP_2 = {"taksiran_panjar": "Rp 350.000", "skum_tiga_lembar": "SKUM 3 lembar"}


@pytest.fixture
def court(store_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[Runtime, Clock]]:
    """Twelve requests started a minute apart from 08:00: step 1 done an hour later in nine
    of them (ten minutes in three), step 2 a minute after step 1."""
    monkeypatch.setenv("SOP_DATABASE_URL", store_url)
    clock = Clock(DAY.replace(hour=8))
    rt = Runtime(make_engine(store_url), clock)
    init_court(rt)
    started: list[tuple[str, datetime]] = []
    for i in range(12):
        clock.now = DAY.replace(hour=8, minute=i)
        started.append((cases.start_case(rt, SOP, "fadli.ptsp").case_id, clock.now))
    acts: list[tuple[datetime, str, str, dict[str, str]]] = []
    for i, (case_id, at) in enumerate(started):
        first = at + timedelta(minutes=10 if i % 4 == 0 else 60)
        acts += [(first, case_id, "1", SKUM_1),
                 (first + timedelta(minutes=1), case_id, "2", STEP_2)]
    for at, case_id, node, values in sorted(acts):
        clock.now = at
        cases.complete(rt, case_id, node, "fadli.ptsp", values=values)
    clock.now = DAY.replace(hour=15)
    yield rt, clock
    rt.engine.dispose()


def test_the_evidence_proposes_two_limits(court: tuple[Runtime, Clock]) -> None:
    rt, _ = court
    figures = monev_figures(rt, SOP, DAY, DAY + timedelta(days=1))
    found = propose_revision(rt, figures)
    changes = {c.no: c for c in found.changes}
    assert set(changes) == {1, 2}
    assert (changes[1].old, changes[1].new, changes[1].rule) == (
        "± 20 menit", "1 jam", "tidak_realistis")
    assert "dipenuhi 3 dari 12 (25%)" in changes[1].evidence
    assert (changes[2].old, changes[2].new, changes[2].rule) == (
        "± 10 menit", "5 menit", "terlalu_longgar")
    assert found.text is not None
    assert "# Usulan monev 30 November 2026 s.d. 30 November 2026: batas ± 20 menit" in \
        found.text
    assert "nomor_revisi: 1" in found.text and "tanggal_revisi: 2026-11-30" in found.text

    with rt.engine.connect() as conn:
        old = catalog.workflow(rt, conn, figures.version)
        known = {s.sop_id for s in workflows.list_sops(conn)}
    new = compile_source(found.text, f"{SOP}.yaml", known_sops=known).workflow
    assert new is not None
    d = diff_workflows(old, new)
    assert sorted((k.new_no, [c.field for c in k.changes]) for k in d.changed) == [
        (1, ["waktu"]), (2, ["waktu"])]
    assert not d.added and not d.removed


def test_too_little_evidence_changes_nothing(court: tuple[Runtime, Clock]) -> None:
    rt, _ = court
    figures = monev_figures(rt, SOP, DAY, DAY + timedelta(days=1))
    found = propose_revision(rt, figures, min_cases=13)
    assert found.changes == [] and found.text is None
    assert {no for no, _, _ in found.left} == {1, 2}
    assert all("bukti belum cukup" in why for _, _, why in found.left)


def test_from_the_command_line_to_a_draft(court: tuple[Runtime, Clock], tmp_path: Path,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    rt, _ = court
    proposal = tmp_path / "usulan.yaml"
    capsys.readouterr()
    assert run(["monev", SOP, "--dari", "2026-11-30", "--sampai", "2026-11-30",
                "--usulan", str(proposal), "--json"]) == 0
    told = json.loads(capsys.readouterr().out)
    assert [c["no"] for c in told["changes"]] == [1, 2] and told["file"] == str(proposal)
    assert run(["load", str(proposal)]) == 0  # a revision like any other: a draft
    draft = revisions.versions(rt, SOP)[0]
    assert draft.status is revisions.Status.DRAFT and draft.nomor_revisi == 1
    with rt.engine.connect() as conn:
        in_force = catalog.current_workflow(rt, conn, SOP)
    assert in_force.node("1").limit is not None
    assert in_force.version != draft.version  # never applied by itself
