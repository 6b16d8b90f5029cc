"""A court database of its own for each CLI test: ``sop init`` runs once per test process
into a template SQLite file, and each test gets a copy (or its own init for other
definitions)."""

from __future__ import annotations

import atexit
import json
import shutil
import subprocess
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tests.conftest import DEFINITIONS
from tests.e2e.cli import sop

TZ = ZoneInfo("Asia/Jayapura")  # definitions/court.yaml: zona_waktu
CASE_ID = r"[A-Z0-9]+-\d{4}-\d{5}"

_templates: dict[Path, Path] = {}


def local(moment: datetime) -> str:
    """``moment`` as ``--at`` takes it: ``YYYY-MM-DD HH:MM`` in the court's time."""
    return moment.astimezone(TZ).strftime("%Y-%m-%d %H:%M")


def ago(**delta: float) -> datetime:
    return datetime.now(UTC) - timedelta(**delta)


@dataclass
class Court:
    root: Path
    url: str

    @property
    def env(self) -> dict[str, str]:
        return {"SOP_DATABASE_URL": self.url}

    def run(self, *args: str | Path, lang: str = "id") -> subprocess.CompletedProcess[str]:
        r = sop(*args, cwd=self.root, env=self.env, lang=lang)
        assert "Traceback" not in r.stdout + r.stderr, r.stdout + r.stderr
        return r

    def ok(self, *args: str | Path, lang: str = "id") -> subprocess.CompletedProcess[str]:
        r = self.run(*args, lang=lang)
        assert r.returncode == 0, f"sop {' '.join(map(str, args))}: {r.returncode}\n" \
                                  f"{r.stdout}\n{r.stderr}"
        return r

    def fails(self, code: int, *args: str | Path,
              lang: str = "id") -> subprocess.CompletedProcess[str]:
        r = self.run(*args, lang=lang)
        assert r.returncode == code, f"sop {' '.join(map(str, args))}: {r.returncode} " \
                                     f"(expected {code})\n{r.stdout}\n{r.stderr}"
        return r

    def json(self, *args: str | Path) -> Any:
        return json.loads(self.ok(*args, "--json").stdout)

    def start(self, sop_id: str, actor: str, *extra: str) -> str:
        return str(self.json("start", sop_id, "--as", actor, *extra)["case_id"])

    def complete(self, case: str, step: str, actor: str, *extra: str,
                 **outputs: str) -> dict[str, Any]:
        args: list[str] = ["complete", case, step, "--as", actor, *extra]
        for key, value in outputs.items():
            args += ["--output", f"{key}={value}"]
        result: dict[str, Any] = self.json(*args)
        return result


MakeCourt = Callable[[Path], Court]
"""The ``make_court`` fixture (tests/e2e/conftest.py): a court from a definitions folder, on
SQLite and on PostgreSQL."""


def _copy_db(src: Path, dst: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        f = src.with_name(src.name + suffix)
        if f.exists():
            shutil.copy(f, dst.with_name(dst.name + suffix))


def new_court(tmp_path: Path, definitions: Path = DEFINITIONS) -> Court:
    """A court at ``tmp_path/sop.db`` set up from ``definitions``."""
    db = tmp_path / "sop.db"
    court = Court(tmp_path, f"sqlite:///{db}")
    if definitions == DEFINITIONS:
        template = _templates.get(definitions)
        if template is None:
            folder = Path(tempfile.mkdtemp(prefix="sop-template-"))
            atexit.register(shutil.rmtree, folder, True)
            template = folder / "sop.db"
            Court(folder, f"sqlite:///{template}").ok("init", "--definitions", definitions)
            _templates[definitions] = template
        _copy_db(template, db)
        return court
    court.ok("init", "--definitions", definitions)
    return court


def library_with(tmp_path: Path, steps: list[dict[str, Any]], **top: Any) -> Path:
    """PN Sanana's library in ``tmp_path/definitions`` plus ``uji-waktu``, an SOP of
    ``steps`` (rows as tests.unit.enginekit.inline_document takes them)."""
    import yaml

    from tests.unit.enginekit import inline_document

    folder = tmp_path / "definitions"
    shutil.copytree(DEFINITIONS, folder)
    (folder / "uji-waktu.yaml").write_text(
        yaml.safe_dump(inline_document(steps, id="uji-waktu", **top), allow_unicode=True),
        encoding="utf-8")
    return folder


def start_end(*middle: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows for :func:`library_with`: a start step, ``middle`` as steps 2.., an end step; all
    by petugas_ptsp unless a row says otherwise."""
    steps = [{"no": 1, "jenis": "mulai", "kegiatan": "Menerima permohonan",
              "pelaksana": "petugas_ptsp"}]
    steps += [{"no": i, **row} for i, row in enumerate(middle, start=2)]
    steps.append({"no": len(middle) + 2, "jenis": "selesai", "kegiatan": "Menyerahkan hasil",
                  "pelaksana": "petugas_ptsp"})
    return steps


# The outputs each step needs, for the routes the tests take (ids from definitions/).
GUGATAN_1 = {"surat_gugatan_asli": "Gugatan 6 rangkap", "fotokopi_ktp_penggugat": "KTP",
             "softcopy_surat_gugatan": "gugatan.docx",
             "ceklist_kelengkapan_yang_ditandatangani": "CK-01"}
GUGATAN_2 = {"berkas_dinyatakan_lengkap_atau_tidak_lengkap": "Lengkap"}
SKUM_1 = {"surat_gugatan_permohonan": "Permohonan", "data_identitas_para_pihak": "KTP",
          "berkas_perkara_diterima_di_meja_i": "Meja I"}
