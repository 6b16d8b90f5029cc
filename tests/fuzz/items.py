"""What one fuzz item does, drawn from (seed, target, index) alone.

Four targets, each through the product's public interfaces:

- ``definitions``: a copy of definitions/ with one to three files mutated (an SOP, the
  court file, a fee table), then ``sop validate`` (the folder or a file), ``sop render``, or
  ``sop init`` on a copy of the demo court followed by ``sop start`` of a mutated SOP;
- ``mappings``: the example log with a mutated mapping, through ``sop conformance``;
- ``uploads``: a mutated CSV or XES log (and now and then a mutated mapping) sent to
  ``POST /api/conformance`` or given to ``sop conformance``;
- ``cli``: a command line drawn from the CLI's own command tree, each option given a real
  value, an edge one or a hostile one.

An item is a list of steps (a CLI call or an upload); the worker runs them in order."""

from __future__ import annotations

import csv
import json
import os
import random
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
import yaml

from tests.conftest import DEFINITIONS, ROOT
from tests.fuzz import mutate

TARGETS = ("definitions", "mappings", "uploads", "cli")
EXAMPLE_LOG = ROOT / "examples" / "skum-januari-2026.csv"
EXAMPLE_MAP = ROOT / "examples" / "skum-januari-2026.map.yaml"
SOP_IDS = sorted(p.stem for p in DEFINITIONS.glob("*.yaml") if p.name != "court.yaml")
USERS = ["bambang.panitera", "rina.ptsp", "ahmad.panmudpdt", "hendra.kpn", "dewi.pengaduan",
         "siti.kasir", "fitri.hakim", "fadli.ptsp", "tidak.ada"]
CASES = [f"SNN-2026-{n:05d}" for n in range(1, 8)]
# commands left out: they serve until stopped (serve, orchestrate), play a whole day
# (demo), or print through Chromium (--pdf, tested on their own)
SKIPPED = {("serve",), ("demo",), ("orchestrate", "serve"), ("orchestrate", "deploy")}
SKIPPED_OPTIONS = {"pdf"}


@dataclass
class Step:
    """A CLI call (``argv``, ``env``) or an upload (``upload``: the form's files and
    fields)."""

    argv: list[str] | None = None
    env: dict[str, str] = field(default_factory=dict)
    upload: dict[str, Any] | None = None

    def describe(self) -> str:
        if self.argv is not None:
            return "sop " + " ".join(_short(a) for a in self.argv)
        assert self.upload is not None
        return "POST /api/conformance " + ", ".join(
            f"{k}={_short(v if isinstance(v, str) else v[0])}" for k, v in self.upload.items())


def _short(text: str, n: int = 60) -> str:
    text = repr(text)[1:-1]
    return text if len(text) <= n else text[:n] + f"...({len(text)} chars)"


@dataclass
class Item:
    target: str
    index: int
    steps: list[Step]
    files: list[Path]  # the mutated files, kept when the item fails

    def describe(self) -> str:
        return f"{self.target}#{self.index}: " + " ; ".join(s.describe() for s in self.steps)


class Workspace:
    """The folder an item works in: pristine copies of the definitions and the example
    log, the demo court's database (``court.db``, shared by the items that only read or add
    to it) and a folder per item."""

    def __init__(self, root: Path, court_db: Path) -> None:
        self.root = root
        self.pristine = root / "definitions"
        self.log = root / "examples" / EXAMPLE_LOG.name
        self.map = root / "examples" / EXAMPLE_MAP.name
        if not self.pristine.exists():  # copies: a command may write over any file it is given
            shutil.copytree(DEFINITIONS, self.pristine)
            self.log.parent.mkdir()
            shutil.copy(EXAMPLE_LOG, self.log)
            shutil.copy(EXAMPLE_MAP, self.map)
        self.court_db = court_db
        self.proof = root / "examples" / "proof.json"
        self.fifo = root / "examples" / "antrean.yaml"
        if not self.proof.exists():
            self._proof()
        if not self.fifo.exists():  # a named pipe: reading it waits for a writer forever
            os.mkfifo(self.fifo)
        with EXAMPLE_LOG.open(encoding="utf-8", newline="") as f:
            self.log_rows = list(csv.reader(f))
        self.log_text = EXAMPLE_LOG.read_text(encoding="utf-8")
        self.map_text = EXAMPLE_MAP.read_text(encoding="utf-8")
        # for XES: the attribute keys are the defaults, no column names
        mapping = yaml.safe_load(self.map_text)
        del mapping["kolom"]
        self.xes_map_text = yaml.safe_dump(mapping, allow_unicode=True, sort_keys=False)

    def _proof(self) -> None:
        """A seal over the court and one case's proof, for ``sop seal check-proof``."""
        from sop_runtime.service import seals
        from sop_runtime.service.runtime import Runtime
        from sop_runtime.store.db import make_engine

        rt = Runtime(make_engine(self.court_url()))
        try:
            seals.seal(rt, "bambang.panitera", note="fuzz")
            self.proof.write_text(json.dumps(seals.proof(rt, CASES[0])), encoding="utf-8")
        finally:
            rt.engine.dispose()

    def folder(self, item: str) -> Path:
        path = self.root / "items" / item
        if path.exists():
            shutil.rmtree(path)
        path.mkdir(parents=True)
        return path

    def court_url(self) -> str:
        return f"sqlite:///{self.court_db}"


def make_item(ws: Workspace, seed: int, target: str, index: int) -> Item:
    rng = random.Random(f"{seed}/{target}/{index}")
    folder = ws.folder(f"{target}-{index}")
    (folder / "berkas.txt").write_text("bukan folder\n", encoding="utf-8")
    (folder / "nul").symlink_to(os.devnull)  # written through, never replaced
    os.mkfifo(folder / "pipa")  # nobody reads it: opening it to write must not wait
    return {"definitions": _definitions, "mappings": _mappings, "uploads": _uploads,
            "cli": _cli}[target](rng, ws, folder, index)


def _definitions(rng: random.Random, ws: Workspace, folder: Path, index: int) -> Item:
    defs = folder / "definitions"
    shutil.copytree(ws.pristine, defs)
    candidates = sorted(p for p in defs.rglob("*.yaml"))
    changed = rng.sample(candidates, rng.choice([1, 1, 1, 2, 3]))
    for path in changed:
        path.write_bytes(mutate.mutate_yaml(rng, path.read_text(encoding="utf-8")))
    if rng.random() < 0.03:  # a named pipe among the definitions (reading it would wait)
        os.mkfifo(defs / "antrean.yaml")
    sop_file = next((p for p in changed if p.parent == defs and p.name != "court.yaml"),
                    defs / f"{rng.choice(SOP_IDS)}.yaml")
    roll = rng.random()
    if roll < 0.3:
        flags = rng.sample(["--json", "--strict"], rng.randint(0, 2))
        steps = [Step(["validate", str(defs), *flags])]
    elif roll < 0.5:
        steps = [Step(["validate", str(sop_file), "--json"])]
    elif roll < 0.6:
        steps = [Step(["render", str(sop_file), "--format", rng.choice(["svg", "html", "mermaid"]),
                       "--output", str(folder / "out")])]
    else:
        db = folder / "court.db"
        shutil.copy(ws.court_db, db)
        env = {"SOP_DATABASE_URL": f"sqlite:///{db}"}
        steps = [Step(["init", "--definitions", str(defs)], env)]
        steps.append(Step(["start", sop_file.stem, "--as", rng.choice(USERS[:3]),
                           *(["--json"] if rng.random() < 0.5 else [])], env))
        if rng.random() < 0.3:
            steps.append(Step(["verify"], env))
    return Item("definitions", index, steps, changed)


def _mappings(rng: random.Random, ws: Workspace, folder: Path, index: int) -> Item:
    mapping = folder / "map.yaml"
    mapping.write_bytes(mutate.mutate_yaml(rng, ws.map_text))
    sop = "taksiran-panjar-skum" if rng.random() < 0.8 else rng.choice(SOP_IDS)
    argv = ["conformance", str(ws.log), "--sop", sop, "--map", str(mapping),
            "--workers", "1", *(["--json"] if rng.random() < 0.5 else [])]
    return Item("mappings", index, [Step(argv, {"SOP_DATABASE_URL": ws.court_url()})], [mapping])


def _uploads(rng: random.Random, ws: Workspace, folder: Path, index: int) -> Item:
    xes = rng.random() < 0.4
    log = folder / ("log.xes" if xes else "log.csv")
    log.write_bytes(mutate.mutate_xes(rng, ws.log_rows) if xes
                    else mutate.mutate_csv(rng, ws.log_text))
    mapping = folder / "map.yaml"
    map_text = ws.xes_map_text if xes else ws.map_text
    mapping.write_bytes(mutate.mutate_yaml(rng, map_text) if rng.random() < 0.25
                        else map_text.encode("utf-8"))
    sop = "taksiran-panjar-skum"
    if rng.random() < 0.6:
        step = Step(upload={"log": (log.name, log.read_bytes()),
                            "mapping": ("map.yaml", mapping.read_bytes()), "sop": sop})
    else:
        step = Step(["conformance", str(log), "--sop", sop, "--map", str(mapping),
                     "--workers", "1", *(["--json"] if rng.random() < 0.5 else [])],
                    {"SOP_DATABASE_URL": ws.court_url()})
    return Item("uploads", index, [step], [log, mapping])


# --- command lines -----------------------------------------------------------------------

TIMES = ["2026-12-01", "2026-12-01T10:00", "2026-12-01 10:00", "2026-01-05T08:00:00+09:00",
         "0001-01-01", "9999-12-31", "1899-12-31", "2101-01-01", "2026-02-30", "31-12-2026",
         "besok", "", "-1", "1e9", "2026-12-01T25:00", "2026-12-01T10:00+99:00", "now",
         "2026-12-01T10:00:00.123456789", "١٢٠٢٦-٠١-٠٥", "2026"]
NUMBERS = ["0", "1", "-1", "2", "4", "100000", "99999999999999999999", "1.5", "nan", "inf",
           "", "x", "0x10", "٣"]
TEXTS = ["", " ", "x" * 70_000, "alasan yang sah", "ä", "😀", "\u202e", "'; DROP TABLE events;--",
         "<b>x</b>", "%s", "{}", "a=b", "=", "ketua", "1", "-", "--", "--json", "\x7f", "\n",
         "\u2028", "\t"]
# hostile paths to read: devices, a file of the kernel's, the folder itself, nothing, a NUL
READ_PATHS = ["/dev/null", "/dev/zero", "/dev/stdin", "/proc/self/status", ".", "", "\x00",
              "tidak/ada/berkas.yaml", "../definitions"]
# hostile paths to write, none outside the item's folder (the fuzzer may run as root): the
# folder itself, nothing, a NUL, a path under a file, links to a device and a named pipe
WRITE_PATHS = [".", "", "\x00", "tidak/ada/keluaran.txt", "berkas.txt/keluaran.txt", "nul",
               "pipa"]
OUTPUTS = {"output", "html", "pdf", "outdir"}  # the options and arguments that name outputs


def _value(rng: random.Random, param: click.Parameter, ws: Workspace, folder: Path) -> str:
    """A value for one option or argument: mostly a sensible one (so the command gets past
    its first check), else an edge or a hostile one."""
    name = param.name or ""
    kind = param.type
    real = rng.random() < 0.6
    if isinstance(kind, click.Choice):
        return rng.choice(list(kind.choices)) if real else rng.choice(TEXTS)
    if isinstance(kind, click.Path):
        own = [str(folder / "out"), str(folder / "out.html"), str(ws.pristine),
               str(ws.pristine / f"{rng.choice(SOP_IDS)}.yaml"), str(ws.log), str(ws.map),
               str(ws.pristine / "court.yaml")]
        if name == "file":  # a seal's proof: the real one, or one changed
            proof = folder / "proof.json"
            proof.write_bytes(mutate.mutate_json(rng, json.loads(ws.proof.read_text("utf-8"))))
            own = [str(ws.proof), str(proof), str(proof)]
        if name in OUTPUTS:
            return rng.choice(own if real else [*WRITE_PATHS, *own])
        return rng.choice(own if real else [*READ_PATHS, str(ws.fifo), *own])
    if isinstance(kind, click.types._NumberParamTypeBase):
        return rng.choice(["1", "2", "10"] if real else NUMBERS)
    pools = {
        "actor": USERS, "to": USERS, "holder": USERS, "case": CASES, "case_id": CASES,
        "sop": SOP_IDS, "step": [str(n) for n in range(1, 12)],
        "at": TIMES, "now": TIMES, "start": TIMES, "end": TIMES, "until": TIMES,
        "role": ["ketua", "kasir", "panitera", "petugas_ptsp", "hakim_pengawas_bidang"],
        "kind": ["plh", "plt", "terlambat", "pelaksana_salah"], "lang": ["id", "en", "fr"],
        "name": ["direktori", "definisi", "akses", "lain"],
        "field": ["nama_pemohon=Budi", "x=y", "=", "nomor=1/Pdt.G/2026", "jumlah=Rp 1.000",
                  "nomor_perkara=" + "9" * 400, "pihak=" + "Budi, " * 2000],
        "output": ["surat=ada", "x=", "=y", "taksiran_panjar=Rp 1.450.000",
                   "taksiran_panjar=Rp 99999999999999999999999", "taksiran_panjar=Rp -5",
                   "taksiran_panjar=1e308", "jumlah_pihak=99999999999", "jumlah_pihak=-1",
                   "rincian=" + "a" * 100_000], "decision": ["Lengkap", "Tidak lengkap", "ya"],
        "root": ["0" * 64, "ab", "z" * 64],
    }
    pool = pools.get(name)
    if pool and real:
        return rng.choice(pool)
    return rng.choice(TEXTS + TIMES[:8] + (pool or []))


def _commands(command: click.Command, path: tuple[str, ...] = ()) -> list[tuple[tuple[str, ...],
                                                                              click.Command]]:
    if isinstance(command, click.Group):
        found = []
        for name, sub in sorted(command.commands.items()):
            found += _commands(sub, (*path, name))
        return found
    return [] if path in SKIPPED else [(path, command)]


_COMMANDS: list[tuple[tuple[str, ...], click.Command]] = []


def commands() -> list[tuple[tuple[str, ...], click.Command]]:
    """Every command of ``sop`` the fuzzer runs, with its click command."""
    if not _COMMANDS:
        import typer.main

        from sop_runtime.cli.app import app

        _COMMANDS.extend(_commands(typer.main.get_command(app)))
    return _COMMANDS


def _cli(rng: random.Random, ws: Workspace, folder: Path, index: int) -> Item:
    path, command = rng.choice(commands())
    argv = list(path)
    for param in command.params:
        if (param.name or "") in SKIPPED_OPTIONS:
            continue
        if not param.required and rng.random() < 0.6:
            continue
        if param.required and rng.random() < 0.03:
            continue  # a missing argument
        if isinstance(param, click.Option):
            flag = rng.choice(param.opts)
            if param.is_flag:
                argv.append(flag)
                continue
            for _ in range(rng.randint(1, 3) if param.multiple else 1):
                value = _value(rng, param, ws, folder)
                argv += [f"{flag}={value}"] if rng.random() < 0.2 else [flag, value]
        else:
            argv.append(_value(rng, param, ws, folder))
    if rng.random() < 0.05:
        argv.insert(rng.randrange(len(argv) + 1), rng.choice(["--tidak-ada", "-x", "--", "ekstra"]))
    env = {"SOP_DATABASE_URL": ws.court_url()}
    return Item("cli", index, [Step(argv, env)], [])
