"""Joint acts and data-decided branches through the CLI, on SQLite and on PostgreSQL: a
filing done late decides its branch, a clerk's choice against it is flagged; a berita acara
waits for the Ketua and the Panitera, each in person; `sop case` says who is awaited."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.court import Court, MakeCourt, ago, library_with, local

SOP = "uji-waktu"  # the id library_with gives the SOP
STEPS = [
    {"no": 1, "jenis": "mulai", "kegiatan": "Menerima permohonan banding",
     "pelaksana": "petugas_ptsp"},
    {"no": 2, "kegiatan": "Menerima memori banding", "pelaksana": "petugas_ptsp",
     "mutu_baku": {"waktu": "2 hari"}},
    {"no": 3, "jenis": "keputusan", "kegiatan": "Memeriksa tenggang waktu memori banding",
     "pelaksana": "panmud_perdata",
     "cabang": [{"label": "Diterima", "ke": 4, "jika": {"tepat_waktu": 2}},
                {"label": "Tidak dapat diterima", "ke": 5, "jika": {"terlambat": 2}}]},
    {"no": 4, "kegiatan": "Menandatangani berita acara", "pelaksana": ["ketua", "panitera"],
     "bersama": True, "lanjut": 6,
     "mutu_baku": {"waktu": "1 hari kerja",
                   "output": [{"id": "nomor_berita_acara", "nama": "Nomor berita acara",
                               "jenis": "nomor"}]}},
    {"no": 5, "kegiatan": "Membuat akta tidak dapat diterima", "pelaksana": "panmud_perdata",
     "lanjut": 6},
    {"no": 6, "jenis": "selesai", "kegiatan": "Menyerahkan hasil", "pelaksana": "petugas_ptsp"},
]
REASON = ("--reason", "dicatat dari buku register")



def _definitions(tmp_path: Path) -> Path:
    return library_with(tmp_path, STEPS)


def _walk(court: Court) -> None:
    case = court.start(SOP, "rina.ptsp", "--at", local(ago(days=10)))
    court.ok("complete", case, "1", "--as", "rina.ptsp", "--at", local(ago(days=10)), *REASON)
    court.ok("complete", case, "2", "--as", "rina.ptsp", "--at", local(ago(days=5)), *REASON)

    # the memori came 3 days after its 2-day term: the data decides "Tidak dapat diterima";
    # the clerk's "Diterima" stands (penegakan catat) and is flagged
    chosen = court.complete(case, "3", "ahmad.panmudpdt", "--decision", "Diterima")
    [wrong] = [d for d in chosen["deviations"] if d["kind"] == "wrong_branch"]
    assert wrong["rule"] == "cabang.jika"
    assert (wrong["evidence"]["temuan"], wrong["evidence"]["pilihan"],
            wrong["evidence"]["syarat"]) == ("Tidak dapat diterima", "Diterima", "terlambat")
    said = " ".join(court.ok("deviations", "--case", case, "--kind", "wrong_branch")
                    .stdout.split())
    assert "cabang bertentangan dengan data perkara" in said, said

    # the berita acara: both officers, each in person
    shown = " ".join(court.ok("case", case).stdout.split())
    assert "menunggu: Ketua, Panitera" in shown, shown
    first = court.complete(case, "4", "hendra.kpn", nomor_berita_acara="1/BA/2026")
    assert "step_completed" not in first["events"] and first["status"] == "aktif"
    shown = " ".join(court.ok("case", case).stdout.split())
    assert "sudah: Ketua (hendra.kpn); menunggu: Panitera" in shown, shown
    [open4] = court.json("case", case)["open_steps"]
    assert open4["joint"] == {"acted": {"ketua": "hendra.kpn"}, "awaiting": ["panitera"]}
    again = court.fails(2, "complete", case, "4", "--as", "hendra.kpn")
    assert "orang yang berbeda" in again.stderr, again.stderr
    tasks = court.json("tasks", "--as", "bambang.panitera")["tasks"]
    assert [(t["case_id"], t["node"]) for t in tasks] == [(case, "4")]
    assert court.json("tasks", "--as", "hendra.kpn")["tasks"] == []
    last = court.complete(case, "4", "bambang.panitera")
    assert "step_completed" in last["events"]
    assert [d["kind"] for d in last["deviations"]] == []  # the output the Ketua gave counts
    court.complete(case, "6", "rina.ptsp")
    assert court.json("case", case)["status"] == "selesai"

    # a second case, decided by the data alone: no --decision
    other = court.start(SOP, "rina.ptsp", "--at", local(ago(days=10)))
    court.ok("complete", other, "1", "--as", "rina.ptsp", "--at", local(ago(days=10)), *REASON)
    court.ok("complete", other, "2", "--as", "rina.ptsp", "--at", local(ago(days=9)), *REASON)
    decided = court.ok("complete", other, "3", "--as", "ahmad.panmudpdt")
    assert "keputusan Diterima ditentukan dari data" in " ".join(decided.stderr.split()
                                                                 + decided.stdout.split())
    report = " ".join(court.ok("report", "case", other).stdout.split())
    assert "ditentukan dari data: langkah 2." in report, report
    assert "selesai dalam batas waktunya" in report, report
    assert court.ok("verify").returncode == 0


def test_joint_act_and_data_decided_branch(tmp_path: Path, make_court: MakeCourt) -> None:
    """On SQLite and on PostgreSQL."""
    _walk(make_court(_definitions(tmp_path)))
