"""Audit through the CLI: log, verify, export (CSV, JSON lines, XES)."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import pytest

from sop_runtime.store.chain import GENESIS, event_hash
from tests.e2e.court import GUGATAN_1, GUGATAN_2, SKUM_1, Court, ago, local, new_court

XES = "{http://www.xes-standard.org/}"


def _busy_court(tmp_path: Path) -> tuple[Court, dict[str, str]]:
    """Cases with a late entry, a refusal, a skip, a reopen and a cancellation."""
    court = new_court(tmp_path)
    done = court.start("pendaftaran-gugatan-ptsp", "rina.ptsp", "--at", local(ago(days=3)))
    court.complete(done, "1", "rina.ptsp", **GUGATAN_1)
    court.complete(done, "2", "ahmad.panmudpdt", "--decision", "Tidak lengkap", **GUGATAN_2)
    court.complete(done, "8", "rina.ptsp",
                   berkas_dikembalikan_dengan_catatan_kekurangan="Kurang surat kuasa")
    refused = court.start("taksiran-panjar-skum", "rina.ptsp")
    court.fails(4, "complete", refused, "1", "--as", "siti.kasir",
                *[f"--output={k}={v}" for k, v in SKUM_1.items()])
    court.ok("claim", refused, "1", "--as", "fadli.ptsp")
    skipped = court.start("salinan-putusan", "rina.ptsp")
    court.ok("override", "skip", skipped, "1", "--as", "bambang.panitera",
             "--reason", "Permohonan lisan dicatat oleh Panmud")
    court.ok("override", "cancel", skipped, "--as", "bambang.panitera", "--reason", "Dicabut")
    return court, {"done": done, "refused": refused, "skipped": skipped}


def test_log_shows_the_stored_chain(tmp_path: Path) -> None:
    court, cases = _busy_court(tmp_path)
    rows = court.json("log", cases["done"])
    assert [r["seq"] for r in rows] == list(range(1, len(rows) + 1))
    assert rows[0]["type"] == "case_started" and rows[-1]["type"] == "case_completed"
    prev = GENESIS
    for r in rows:
        assert r["prev_hash"] == prev
        payload = json.dumps(r["payload"], sort_keys=True, separators=(",", ":"),
                             ensure_ascii=False)
        assert event_hash(cases["done"], r["seq"], r["type"], r["version"],
                          datetime.fromisoformat(r["occurred_at"]),
                          datetime.fromisoformat(r["recorded_at"]), r["actor"], payload,
                          prev) == r["hash"]
        prev = r["hash"]
    table = court.ok("log", cases["done"]).stdout
    assert rows[0]["hash"][:8] in table and "case_started" in table
    court.fails(2, "log", "PNSNN-2026-99999")


def test_verify_passes_then_names_the_first_broken_link(tmp_path: Path) -> None:
    court, cases = _busy_court(tmp_path)
    data = court.json("verify")
    assert data["ok"] is True and data["cases"] == 3 and data["first_break"] is None
    assert data["events"] == sum(len(court.json("log", c)) for c in cases.values())
    assert "Log utuh" in court.ok("verify").stdout
    assert court.json("verify", "--workers", "2") == data  # ranges of cases on two processes
    with sqlite3.connect(tmp_path / "sop.db") as db:
        db.execute("UPDATE events SET actor = 'siapa' WHERE case_id = ? AND seq = 3",
                   (cases["done"],))
    r = court.fails(1, "verify")
    assert cases["done"] in r.stderr and "3" in r.stderr and "hash" in r.stderr
    broken = json.loads(court.fails(1, "verify", "--json").stdout)
    assert broken["ok"] is False
    assert (broken["first_break"]["case_id"], broken["first_break"]["seq"],
            broken["first_break"]["what"]) == (cases["done"], 3, "hash")
    assert "Log broken" in court.fails(1, "--lang", "en", "verify").stderr
    in_parallel = json.loads(court.fails(1, "verify", "--workers", "2", "--json").stdout)
    assert (in_parallel["ok"], in_parallel["first_break"]) == (False, broken["first_break"])


def test_export_csv_and_jsonl_carry_every_stored_field(tmp_path: Path) -> None:
    court, cases = _busy_court(tmp_path)
    total = court.json("verify")["events"]
    rows = list(csv.DictReader(io.StringIO(court.ok("export", "--format", "csv").stdout)))
    assert len(rows) == total
    assert {r["case_id"] for r in rows} == set(cases.values())
    first = rows[0]
    assert first["seq"] == "1" and first["type"] == "case_started"
    assert len(first["hash"]) == 64 and first["prev_hash"] == GENESIS
    assert event_hash(first["case_id"], 1, first["type"], int(first["version"]),
                      datetime.fromisoformat(first["occurred_at"]),
                      datetime.fromisoformat(first["recorded_at"]), first["actor"] or None,
                      first["payload"], first["prev_hash"]) == first["hash"]
    lines = court.ok("export", "--format", "jsonl").stdout.splitlines()
    assert len(lines) == total
    events = [json.loads(line) for line in lines]
    assert all(e["sop_id"] and len(e["sop_version"]) == 64 for e in events)
    assert [e["hash"] for e in events] == [r["hash"] for r in rows]
    out = tmp_path / "out" / "log.csv"
    r = court.ok("export", "-f", "csv", "-o", out)
    assert f"{total} peristiwa" in r.stderr
    assert out.read_text(encoding="utf-8").count("\n") == total + 1
    assert not list(out.parent.glob("*.part"))
    court.fails(2, "export", "--format", "pdf")


def test_export_xes_is_ieee_1849_with_lifecycles_and_deviations(tmp_path: Path) -> None:
    court, cases = _busy_court(tmp_path)
    out = tmp_path / "log.xes"
    court.ok("export", "--format", "xes", "-o", out)
    root = ET.parse(out).getroot()
    assert root.tag == f"{XES}log" and root.get("xes.version") == "1849-2016"
    assert {e.get("prefix") for e in root.findall(f"{XES}extension")} == \
        {"concept", "lifecycle", "org", "time"}

    def attrs(el: ET.Element) -> dict[str, str]:
        return {a.get("key", ""): a.get("value", "") for a in el if a.tag != f"{XES}event"}

    traces = {attrs(t)["concept:name"]: t for t in root.findall(f"{XES}trace")}
    assert set(traces) == set(cases.values())
    done = traces[cases["done"]]
    head = attrs(done)
    assert head["sop:id"] == "pendaftaran-gugatan-ptsp" and len(head["sop:version"]) == 64
    events = [attrs(e) for e in done.findall(f"{XES}event")]
    for e in events:
        assert e["concept:name"] and e["lifecycle:transition"]
        datetime.fromisoformat(e["time:timestamp"])
    names = [(e["concept:name"], e["lifecycle:transition"]) for e in events]
    assert names[0] == ("case_started", "complete")
    assert any(n.startswith("1. Menerima berkas") and t == "schedule" for n, t in names)
    completed = [e for e in events if e["lifecycle:transition"] == "complete"
                 and e["concept:name"].startswith("2. ")]
    assert completed[0]["org:resource"] == "ahmad.panmudpdt"
    assert completed[0]["org:role"] == "panmud_perdata"
    assert completed[0]["sop:decision"] == "Tidak lengkap"
    assert "deviation_flagged" not in {e["sop:event"] for e in events}
    late = next(e for e in events if e["sop:event"] == "case_started")
    assert "late_entry" in late.get("sop:deviation", "")  # started 3 days before recording

    refused = [attrs(e) for e in traces[cases["refused"]].findall(f"{XES}event")]
    no = next(e for e in refused if e["sop:event"] == "action_refused")
    assert no["concept:name"] == "action_refused" and no["sop:refused"] == "true"
    assert no["sop:deviation"] == "wrong_actor" and no["org:resource"] == "siti.kasir"
    assert any(e["lifecycle:transition"] == "start" and e["org:resource"] == "fadli.ptsp"
               for e in refused)

    skipped = [attrs(e) for e in traces[cases["skipped"]].findall(f"{XES}event")]
    skip = next(e for e in skipped if e["sop:event"] == "step_skipped")
    assert skip["lifecycle:transition"] == "manualskip"
    assert (skip["org:resource"], skip["org:role"]) == ("bambang.panitera", "panitera")
    assert skip["sop:deviation"] == "override"
    assert skip["sop:deviation_reason"] == "Permohonan lisan dicatat oleh Panmud"
    assert skipped[-1]["lifecycle:transition"] == "pi_abort"
    assert skipped[-1]["concept:name"] == "case_cancelled"


def test_export_escapes_xml_in_values(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    case = court.start("salinan-putusan", "rina.ptsp")
    court.complete(case, "1", "rina.ptsp", **{
        "surat_permohonan_salinan_putusan_kepada_ketua_pengadilan_negeri":
            'Surat <b>"A & B"</b> \'x\'',
        "fotokopi_ktp": "ada", "surat_permohonan_salinan_putusan_diterima": "ok"})
    text = court.ok("export", "--format", "xes").stdout
    root = ET.fromstring(text)
    key = "sop:output:surat_permohonan_salinan_putusan_kepada_ketua_pengadilan_negeri"
    values = [a.get("value") for a in root.iter() if a.get("key") == key]
    assert values == ['Surat <b>"A & B"</b> \'x\'']


def test_rebuild_gives_back_the_lists(tmp_path: Path) -> None:
    court = new_court(tmp_path)
    case = court.start("pendaftaran-gugatan-ptsp", "rina.ptsp")
    court.ok("complete", case, "1", "--as", "siti.kasir")  # catat: accepted, flagged
    before = (court.json("tasks", "--as", "ahmad.panmudpdt")["tasks"],
              court.json("deviations")["deviations"])
    assert before[0] and before[1]
    assert court.json("rebuild") == {"cases": 1, "events": len(court.json("log", case))}
    assert (court.json("tasks", "--as", "ahmad.panmudpdt")["tasks"],
            court.json("deviations")["deviations"]) == before


TAMPERING = ("change", "delete", "delete-newest", "insert", "reorder")


@pytest.mark.parametrize("how", sorted(TAMPERING))
def test_sop_verify_finds_any_single_row_tampered_with(tmp_path: Path, how: str) -> None:
    court, cases = _busy_court(tmp_path)
    case = cases["done"]
    assert court.json("verify")["ok"] is True
    with sqlite3.connect(tmp_path / "sop.db") as db:
        if how == "change":
            db.execute("UPDATE events SET payload = replace(payload, '\"', '\" ') "
                       "WHERE case_id = ? AND seq = 4", (case,))
            expect = ("hash", 4)
        elif how == "delete":
            db.execute("DELETE FROM events WHERE case_id = ? AND seq = 3", (case,))
            expect = ("seq_gap", 4)
        elif how == "delete-newest":
            db.execute("DELETE FROM events WHERE id = (SELECT max(id) FROM events "
                       "WHERE case_id = ?)", (case,))
            expect = ("head_mismatch", None)
        elif how == "insert":
            db.execute("UPDATE events SET seq = -(seq + 1) WHERE case_id = ? AND seq >= 3",
                       (case,))
            db.execute("UPDATE events SET seq = -seq WHERE case_id = ? AND seq < 0", (case,))
            db.execute("INSERT INTO events (case_id, seq, type, version, occurred_at, recorded_at,"
                       " actor, payload, prev_hash, hash) SELECT case_id, 3, type, version, "
                       "occurred_at, recorded_at, 'siapa', payload, hash, hash FROM events "
                       "WHERE case_id = ? AND seq = 2", (case,))
            expect = ("hash", 3)
        else:
            db.execute("UPDATE events SET seq = -1 WHERE case_id = ? AND seq = 2", (case,))
            db.execute("UPDATE events SET seq = 2 WHERE case_id = ? AND seq = 3", (case,))
            db.execute("UPDATE events SET seq = 3 WHERE case_id = ? AND seq = -1", (case,))
            expect = ("prev_hash", 2)
    broken = json.loads(court.fails(1, "verify", "--json").stdout)
    brk = broken["first_break"]
    assert broken["ok"] is False and brk["case_id"] == case
    assert brk["what"] == expect[0]
    if expect[1] is not None:
        assert brk["seq"] == expect[1]


def test_seal_list_prove_and_verify_through_the_cli(tmp_path: Path) -> None:
    court, cases = _busy_court(tmp_path)
    assert "Belum ada segel" in court.ok("seal", "list").stdout
    court.fails(1, "seal", "create", "--as", "rina.ptsp")  # not a supervisor
    made = court.json("seal", "create", "--as", "bambang.panitera", "--note", "November")
    assert made["seal_id"] == 1 and len(made["root"]) == 64
    with sqlite3.connect(tmp_path / "sop.db") as db:  # every case event and journal entry
        entries = db.execute("SELECT (SELECT count(*) FROM events) "
                             "+ (SELECT count(*) FROM journal)").fetchone()[0]
    assert (made["kind"], made["size"]) == ("log", entries)
    assert [s["root"] for s in court.json("seal", "list")] == [made["root"]]
    assert "1 segel cocok" in court.ok("seal", "check").stdout
    assert court.json("seal", "check", "--quick")["ok"] is True
    first = json.loads(court.ok("seal", "proof", cases["done"], "--seq", "1").stdout)
    assert first["leaf"]["seq"] == 1 and first["root"] == made["root"]
    court.fails(2, "seal", "proof", cases["done"], "--seq", "999")
    proof = court.ok("seal", "proof", cases["done"]).stdout
    path = tmp_path / "bukti.json"
    path.write_text(proof, encoding="utf-8")
    assert "Bukti sah" in court.ok("seal", "check-proof", path, "--root", made["root"]).stdout
    court.fails(1, "seal", "check-proof", path, "--root", "0" * 64)
    forged = json.loads(proof)
    forged["leaf"]["seq"] += 1
    path.write_text(json.dumps(forged), encoding="utf-8")
    court.fails(1, "seal", "check-proof", path)
    assert court.json("verify")["seals"] == {"ok": True, "checked": 1, "signatures_held": 0,
                                             "first_break": None}

    with sqlite3.connect(tmp_path / "sop.db") as db:  # a whole case removed, row and all
        for table in ("events", "cases", "open_steps", "deviations"):
            db.execute(f"DELETE FROM {table} WHERE case_id = ?", (cases["refused"],))
    # by default only what changed since seal #1 is read again, and it says so
    quick = court.json("verify")
    assert (quick["ok"], quick["mode"], quick["since_seal"]) == (True, "changed", 1)
    assert "sop verify --full" in court.ok("verify").stdout
    broken = json.loads(court.fails(1, "verify", "--full", "--json").stdout)
    assert broken["mode"] == "full" and broken["since_seal"] is None
    assert broken["first_break"] is None  # every chain left is intact...
    assert broken["seals"]["first_break"]["what"] == "case_removed"  # ...but the seal knows
    assert "segel #1" in court.fails(1, "verify", "--full").stderr
    checked = json.loads(court.fails(1, "seal", "check", "--json").stdout)
    assert (checked["first_break"]["what"], checked["first_break"]["case_id"]) == (
        "case_removed", cases["refused"])
    assert "dihapus seluruhnya" in court.fails(1, "seal", "check").stderr
