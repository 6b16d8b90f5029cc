"""Bad arguments on the command line, one row each: the exit code a script can rely on and a
fragment of the message that says where (the option, the file) and why; never a traceback,
never the internal error's exit 70, never a hang.

Rows run in this process (tests/e2e/cli.py) on a court of their own with one case started;
``{case}`` is that case, ``{tmp}`` a folder of the module's own with the files below. A row
marked ``alone`` runs as a process of its own with a time budget: one that ran for minutes or
forever before its bound existed (a regression then fails the test rather than stalling the
suite), or one that imports Prefect.
"""

from __future__ import annotations

import os
import shutil
import socket
import stat
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.conftest import DEFINITIONS, ROOT
from tests.e2e.court import Court, new_court

INTERNAL = 70
BUDGET_S = 30  # a refusal takes well under a second; a hang is what this catches


@dataclass(frozen=True)
class Row:
    args: tuple[str, ...]
    code: int
    says: str              # a fragment of stdout + stderr
    alone: bool = False    # run as a process of its own, with a time budget

    @property
    def id(self) -> str:
        return " ".join(self.args)[:70]


def row(*args: str, code: int = 2, says: str, alone: bool = False) -> Row:
    return Row(args, code, says, alone)


SOP = "pendaftaran-gugatan-ptsp"

# text: no NUL (PostgreSQL cannot store it) nor another control character, in any argument;
# tabs and line breaks pass (a reason may have several lines)
CONTROL = [
    row("start", SOP, "--as", "rina.ptsp", "--reason", "a\x00b",
        says="--reason: memuat karakter kendali NUL U+0000 (pada posisi 2)"),
    row("start", SOP, "--as", "rina.ptsp", "--field=catatan=a\x00", says="--field: "),
    row("case", "SNN\x00", says="argumen ke-2: memuat karakter kendali NUL U+0000"),
    row("tasks", "--as", "rina.ptsp\x00", says="--as: "),
    row("complete", "{case}", "1", "--as", "rina.ptsp", "--output", "x=\x00",
        says="--output: "),
    row("deviations", "--case", "\x00", says="--case: "),
    row("overdue", "--role", "kasir\x00", says="--role: "),
    row("seal", "create", "--as", "bambang.panitera", "--note", "\x1b[31mmerah",
        says="--note: memuat karakter kendali U+001B"),
    row("delegate", "--as", "bambang.panitera", "--to", "rina.ptsp", "--role", "kasir",
        "--from", "2026-01-01", "--until", "2026-01-02", "--reference", "SP\x00",
        says="--reference: "),
]

ROWS = [
    # instants: every command that takes one, the years 2000-2100 only (sop_runtime.isotime)
    row("overdue", "--now", "9999-12-31", says="--now '9999-12-31'", alone=True),
    row("overdue", "--now", "0001-01-01", says="tahun 1 di luar 2000-2100"),
    row("overdue", "--now", "2101-01-01T00:00+09:00", says="--now"),
    row("start", SOP, "--as", "rina.ptsp", "--at", "0001-01-01 08:00", says="--at"),
    row("start", SOP, "--as", "rina.ptsp", "--at", "1999-12-31", says="2000-2100"),
    row("claim", "{case}", "1", "--as", "rina.ptsp", "--at", "9999-12-31", says="--at"),
    row("complete", "{case}", "1", "--as", "rina.ptsp", "--at", "0001-01-01", says="--at"),
    row("extend", "{case}", "1", "--as", "bambang.panitera", "--reason", "r", "--at",
        "9999-12-31", says="--at"),
    row("override", "skip", "{case}", "1", "--as", "bambang.panitera", "--reason", "r",
        "--at", "0001-01-01", says="--at"),
    row("delegate", "--as", "bambang.panitera", "--to", "rina.ptsp", "--role", "kasir",
        "--from", "0001-01-01", "--until", "0001-01-02", "--reason", "r", says="--from"),
    row("delegate", "--as", "bambang.panitera", "--to", "rina.ptsp", "--role", "kasir",
        "--from", "2026-01-01", "--until", "9999-12-31", "--reason", "r", says="--until"),
    row("report", "period", "--from", "0001-01-01", "--to", "2026-01-31", says="--from"),
    row("report", "period", "--from", "2026-01-01", "--to", "9999-12-31", says="--to"),
    # a proof file: a regular file of JSON of a few KB, read no further than the bound
    row("seal", "check-proof", "/dev/zero", says="bukan berkas biasa", alone=True),
    row("seal", "check-proof", "{tmp}/antrian", says="bukan berkas biasa", alone=True),
    row("seal", "check-proof", "{tmp}", says="bukan berkas biasa"),
    row("seal", "check-proof", "{tmp}/besar.json", says="lebih dari 64 KB"),
    row("seal", "check-proof", "{tmp}/bukan.json", says="bukan JSON"),
    row("seal", "check-proof", "{tmp}/daftar.json", says="bukan objek JSON"),
    row("seal", "check-proof", "{tmp}/dalam.json", says="JSON bersarang terlalu dalam"),
    row("seal", "check-proof", "{tmp}/tidak-ada.json", says="tidak-ada.json"),
    row("seal", "check-proof", "{tmp}/daftar.json", "--root", "xyz", says="--root 'xyz'"),
    # numbers: processes 1-64, counts and ids in their range, seconds that are numbers
    row("verify", "--workers", "100000", says="'--workers': 100000 is not in the range 1<=x<=64"),
    row("verify", "--workers", "0", says="'--workers'"),
    row("conformance", "{tmp}/log.csv", "--sop", "taksiran-panjar-skum", "--map",
        "{tmp}/map.yaml", "--workers", "100000", says="'--workers'"),
    row("overdue", "--limit", "-1", says="'--limit'"),
    row("overdue", "--limit", "1000000000000", says="'--limit'"),
    row("seal", "proof", "{case}", "--seal", "0", says="'--seal'"),
    row("seal", "proof", "{case}", "--seal", "99999999999999999999", says="'--seal'"),
    row("serve", "--port", "0", says="'--port'", alone=True),
    row("serve", "--port", "70000", says="'--port'", alone=True),
    row("serve", "--host", "bad..host", says="--host 'bad..host'", alone=True),
    row("serve", "--host", "999.1.1.1", says="--host '999.1.1.1'", alone=True),
    row("orchestrate", "serve", "--dispatch-every", "nan", says="'--dispatch-every'", alone=True),
    row("orchestrate", "serve", "--dispatch-every", "inf", says="'--dispatch-every'", alone=True),
    row("orchestrate", "serve", "--dispatch-every", "-1", says="'--dispatch-every'", alone=True),
    row("orchestrate", "serve", "--workers", "-1", says="'--workers'", alone=True),
    row("orchestrate", "worker", "--concurrency", "0", says="'--concurrency'", alone=True),
    row("orchestrate", "worker", "--concurrency", "1000", says="'--concurrency'", alone=True),
    *CONTROL,
    # paths: what is read must be there (and be a file); what is written must be writable
    # (a missing folder on the way is made)
    row("validate", "/tidak/ada", says="'/tidak/ada' tidak ada"),
    row("validate", "{tmp}/kosong", says="tidak berisi definisi"),
    row("init", "--definitions", "/tidak/ada", says="'/tidak/ada' tidak ada"),
    row("init", "--definitions", "{tmp}/kosong", says="tidak berisi definisi"),
    # a named pipe among the definitions reads as empty rather than waiting for a writer
    row("validate", "{tmp}/dengan-antrian", code=1,
        says="dengan-antrian/antrian.yaml:1:1: E003", alone=True),
    row("init", "--definitions", "{tmp}/dengan-antrian", code=1,
        says="dengan-antrian/antrian.yaml:1:1: E003", alone=True),
    row("render", "/tidak/ada.yaml", "--format", "svg", says="/tidak/ada.yaml"),
    row("render", SOP, "--format", "svg", "-o", "{tmp}/berkas.txt/bagan.svg",
        says="tidak dapat menulis {tmp}/berkas.txt/bagan.svg"),
    row("render", SOP, "--format", "svg", "-o", "{tmp}/kosong",
        says="{tmp}/kosong adalah folder, bukan berkas"),
    row("publish", "{tmp}/berkas.txt/situs", says="tidak dapat menulis {tmp}/berkas.txt/situs"),
    row("export", "--format", "csv", "-o", "{tmp}/berkas.txt/log.csv",
        says="tidak dapat menulis {tmp}/berkas.txt/log.csv"),
    row("export", "--format", "csv", "-o", "{tmp}/kosong",
        says="{tmp}/kosong adalah folder, bukan berkas"),
    row("export", "--format", "csv", "-o", "", says="adalah folder, bukan berkas"),
    row("export", "--format", "xes", "-o", "/", says="/ adalah folder, bukan berkas"),
    row("report", "period", "--from", "2026-01-01", "--to", "2026-01-31", "--html",
        "{tmp}/berkas.txt/laporan.html", says="tidak dapat menulis {tmp}/berkas.txt"),
    row("report", "case", "{case}", "--html", "{tmp}/kosong", says="adalah folder"),
    row("conformance", "/tidak/ada.csv", "--sop", "taksiran-panjar-skum", "--map",
        "{tmp}/map.yaml", says="Berkas /tidak/ada.csv tidak ada"),
    row("conformance", "{tmp}/log.csv", "--sop", "taksiran-panjar-skum", "--map",
        "/tidak/ada.yaml", says="Berkas /tidak/ada.yaml tidak ada"),
    row("conformance", "{tmp}/kosong", "--sop", "taksiran-panjar-skum", "--map",
        "{tmp}/map.yaml", says="{tmp}/kosong bukan berkas biasa"),
    row("conformance", "{tmp}/antrian", "--sop", "taksiran-panjar-skum", "--map",
        "{tmp}/map.yaml", says="bukan berkas biasa", alone=True),
    row("conformance", "{tmp}/log.csv", "--sop", "taksiran-panjar-skum", "--map",
        "{tmp}/map.yaml", "--html", "{tmp}/berkas.txt/laporan.html",
        says="tidak dapat menulis {tmp}/berkas.txt/laporan.html"),
    row("orchestrate", "serve", "--sweep-cron", "tiap hari", says="--sweep-cron 'tiap hari'",
        alone=True),
    row("orchestrate", "serve", "--seal-cron", "0 * * *", says="--seal-cron '0 * * *'",
        alone=True),
    row("orchestrate", "deploy", "--pool", "sop", "--close-cron", "16:30",
        says="--close-cron '16:30'", alone=True),
]


@pytest.fixture(scope="module")
def court(tmp_path_factory: pytest.TempPathFactory) -> Court:
    court = new_court(tmp_path_factory.mktemp("bad-input"))
    folder = court.root
    os.mkfifo(folder / "antrian")  # a FIFO nobody writes: opening it to read waits forever
    (folder / "besar.json").write_text('{"path": ["' + "0" * 100_000 + '"]}', encoding="utf-8")
    (folder / "bukan.json").write_text("bukti: ya\n", encoding="utf-8")
    (folder / "daftar.json").write_text("[1, 2, 3]\n", encoding="utf-8")
    (folder / "dalam.json").write_text("[" * 30_000 + "]" * 30_000, encoding="utf-8")
    (folder / "definitions").symlink_to(DEFINITIONS)  # for render and publish
    (folder / "berkas.txt").write_text("bukan folder\n", encoding="utf-8")
    (folder / "kosong").mkdir()
    shutil.copytree(DEFINITIONS, folder / "dengan-antrian")
    os.mkfifo(folder / "dengan-antrian" / "antrian.yaml")
    shutil.copy(ROOT / "examples" / "skum-januari-2026.csv", folder / "log.csv")
    shutil.copy(ROOT / "examples" / "skum-januari-2026.map.yaml", folder / "map.yaml")
    return court


@pytest.fixture(scope="module")
def case(court: Court) -> str:
    return court.start(SOP, "rina.ptsp")


def _in_process(court: Court, args: list[str]) -> subprocess.CompletedProcess[str]:
    return court.run(*args)


def _as_process(court: Court, args: list[str]) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **court.env, "SOP_LANG": "id", "COLUMNS": "200"}
    env.pop("SOP_DEBUG", None)
    try:
        return subprocess.run([sys.executable, "-m", "sop_runtime", *args], cwd=court.root,
                              env={**env, "PYTHONPATH": str(ROOT)}, capture_output=True,
                              text=True, timeout=BUDGET_S)
    except subprocess.TimeoutExpired:
        pytest.fail(f"sop {' '.join(args)}: still running after {BUDGET_S} s")


@pytest.mark.parametrize("bad", ROWS, ids=[r.id for r in ROWS])
def test_a_bad_argument_is_refused_clearly(bad: Row, court: Court, case: str) -> None:
    args = [a.format(case=case, tmp=court.root) for a in bad.args]
    if os.environ.get("SOP_TEST_SUBPROCESS") and any("\x00" in a for a in args):
        pytest.skip("an operating system passes no NUL in a process's arguments")
    r = (_as_process if bad.alone else _in_process)(court, args)
    said = r.stdout + r.stderr
    assert "Traceback" not in said, said
    assert r.returncode != INTERNAL, said
    assert r.returncode == bad.code, f"exit {r.returncode}, expected {bad.code}:\n{said}"
    assert bad.says.format(case=case, tmp=court.root) in said, said


@pytest.mark.parametrize("limit", ["99999999 tahun", "3651 hari", "P99999999999999999999Y"])
def test_an_absurd_time_limit_is_refused_before_any_case_runs(tmp_path: Path,
                                                               limit: str) -> None:
    """It used to pass ``sop validate`` and ``sop init``; then every ``sop start`` of the SOP
    failed with exit 70 (a due time past the calendar's end)."""
    folder = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS / "tarif", folder / "tarif")
    shutil.copy(DEFINITIONS / "court.yaml", folder / "court.yaml")
    source = (DEFINITIONS / "legalisasi-waarmerking.yaml").read_text(encoding="utf-8")
    lines = source.splitlines()
    at = next(i for i, line in enumerate(lines) if "waktu: tidak ditentukan" in line)
    lines[at] = lines[at].replace("tidak ditentukan", limit)
    (folder / "legalisasi-waarmerking.yaml").write_text("\n".join(lines) + "\n",
                                                         encoding="utf-8")
    court = Court(tmp_path, f"sqlite:///{tmp_path / 'sop.db'}")
    checked = court.fails(1, "validate", folder)
    assert f"legalisasi-waarmerking.yaml:{at + 1}:" in checked.stdout, checked.stdout
    assert "E013" in checked.stdout and "paling lama 10 tahun" in checked.stdout
    court.fails(1, "init", "--definitions", folder)


def test_a_port_in_use_is_said_before_the_server_starts(court: Court) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = court.fails(2, "serve", "--port", str(port))
    assert f"--port {port}" in r.stderr, r.stderr


@pytest.mark.postgres
def test_control_characters_are_refused_on_postgresql_too(tmp_path: Path,
                                                          postgres_schema_url: str) -> None:
    """There a NUL reached the database and failed there (exit 70): the query for a case
    'SNN\\x00', the seal's note, a user named with a NUL."""
    court = Court(tmp_path, postgres_schema_url)
    court.ok("init", "--definitions", DEFINITIONS)
    case = court.start(SOP, "rina.ptsp")
    for bad in CONTROL:
        if os.environ.get("SOP_TEST_SUBPROCESS") and any("\x00" in a for a in bad.args):
            continue  # an operating system passes no NUL in a process's arguments
        r = court.run(*[a.format(case=case) for a in bad.args])
        assert r.returncode == bad.code and bad.says in r.stderr, (bad.args, r.stderr)
    assert court.json("seal", "list") == []  # nothing was written


def test_an_output_that_is_not_a_regular_file_is_written_in_place(court: Court, case: str,
                                                                   tmp_path: Path) -> None:
    """An output that exists and is not a regular file (a device, a named pipe) is written
    into, never replaced by a finished ``.part`` file: that once made ``-o /dev/null``
    replace the machine's /dev/null with a regular file."""
    null = tmp_path / "nul"
    null.symlink_to(os.devnull)  # through a link, so a regression replaces only the link
    for args in (("export", "--format", "csv", "-o", null),
                 ("report", "case", case, "--html", null)):
        court.ok(*args)
        assert null.is_symlink() and stat.S_ISCHR(os.stat(os.devnull).st_mode)
        assert not (tmp_path / "nul.part").exists()
    pipe = tmp_path / "pipa"
    os.mkfifo(pipe)
    refused = court.fails(2, "export", "--format", "csv", "-o", pipe)  # nobody reads it
    assert "pipa itu tidak dibaca siapa pun" in refused.stderr, refused.stderr
    reading = os.open(pipe, os.O_RDONLY | os.O_NONBLOCK)
    os.set_blocking(reading, True)
    keep = os.open(pipe, os.O_WRONLY)  # so the reader waits for the export, not sees an end
    received = bytearray()

    def read() -> None:
        while chunk := os.read(reading, 65536):
            received.extend(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        court.ok("export", "--format", "csv", "-o", pipe)
    finally:
        os.close(keep)
        reader.join(BUDGET_S)
        os.close(reading)
    assert stat.S_ISFIFO(pipe.stat().st_mode)
    assert case in received.decode("utf-8")
