"""The XES export read back by an independent reader (rustxes, the Rust process-mining
library's Python binding): every stored event once, exact counts, the right lifecycle
transitions, resources and times."""

from __future__ import annotations

import json
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.e2e.court import Court

rustxes = pytest.importorskip("rustxes")


def test_the_demo_days_xes_reads_back_exactly(demo_copy: Path, tmp_path: Path) -> None:
    court = Court(tmp_path, f"sqlite:///{demo_copy}")
    court.ok("override", "cancel", "SNN-2026-00006", "--as", "bambang.panitera",
             "--reason", "Permohonan dicabut")
    stored = [json.loads(line) for line in
              court.ok("export", "--format", "jsonl").stdout.splitlines()]
    xes = tmp_path / "log.xes"
    court.ok("export", "--format", "xes", "-o", xes)

    df, _ = rustxes.import_xes(str(xes))
    rows = df.to_dicts()
    assert df["case:concept:name"].n_unique() == len({e["case_id"] for e in stored}) == 12
    flags = [e for e in stored if e["type"] == "deviation_flagged"]
    others = [e for e in stored if e["type"] != "deviation_flagged"]
    # every stored event but the deviation flags is one XES event, with its seq
    mine = {(r["case:concept:name"], r["sop:seq"]) for r in rows
            if r["concept:name"] != "deviation_flagged"}
    assert mine == {(e["case_id"], e["seq"]) for e in others}
    assert len(rows) - sum(r["concept:name"] == "deviation_flagged" for r in rows) == len(others)
    # every deviation is on exactly one event: as an attribute, or an event of its own
    kinds = Counter(k for r in rows if r.get("sop:deviation")
                    for k in r["sop:deviation"].split(","))
    refused = [e for e in stored if e["type"] == "action_refused"]
    assert sum(kinds.values()) == len(flags) + len(refused)
    transitions = Counter(r["lifecycle:transition"] for r in rows)
    types = Counter(e["type"] for e in stored)
    assert transitions["schedule"] == types["step_activated"]
    assert transitions["start"] == types.get("step_claimed", 0)
    assert transitions["pi_abort"] == types["case_cancelled"] == 1
    # who and when: the actor and the time it really happened
    by_key = {(e["case_id"], e["seq"]): e for e in others}
    for r in rows:
        e = by_key.get((r["case:concept:name"], r["sop:seq"]))
        if e is None:
            continue
        assert r.get("org:resource") == e["actor"]
        happened = datetime.fromisoformat(e["occurred_at"]).astimezone(UTC)
        happened = happened.replace(microsecond=happened.microsecond // 1000 * 1000)  # XES: ms
        assert r["time:timestamp"].replace(tzinfo=UTC) == happened
