"""What the flow tests share: a court whose library has, besides definitions/, one test SOP
with an automated step whose action always fails (tests.flows.kit:always_fails), and cases
walked to the points the tests need."""

from __future__ import annotations

import json
import os
import shutil
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, ClassVar
from zoneinfo import ZoneInfo

import yaml

from sop_runtime.actions import ActionContext, ActionError
from sop_runtime.actions.builtin import nomor_perkara
from sop_runtime.definition.models import StepKind
from sop_runtime.service import automation, cases, catalog, setup
from sop_runtime.service.contacts import ContactGiven
from sop_runtime.service.runtime import Runtime
from tests.conftest import DEFINITIONS, ROOT

WIT = ZoneInfo("Asia/Jayapura")
ROUTES: dict[str, Any] = yaml.safe_load(
    (ROOT / "tests" / "golden" / "routes.yaml").read_text(encoding="utf-8"))["rute"]
FAILING_SOP = "uji-otomatis-gagal"


HANGING_SOP = "uji-otomatis-macet"
NUMBERING_SOP = "uji-otomatis-nomor"  # step 2 is SIPP's numbering, as in the e-Court SOP
HANGS_IN = "SOP_TEST_HANG_DIR"  # where hangs_once leaves its marks


def always_fails(ctx: ActionContext) -> Mapping[str, str]:
    raise ActionError(f"SIPP tidak menjawab (perkara {ctx.case_id})")


def hangs_once(ctx: ActionContext) -> Mapping[str, str]:
    """The first try for a case hangs (a machine about to be lost); later ones number it.
    The mark is left before hanging, so a test knows a worker is in the middle of it."""
    mark = Path(os.environ[HANGS_IN]) / ctx.case_id
    if not mark.exists():
        mark.parent.mkdir(parents=True, exist_ok=True)
        mark.write_text(str(os.getpid()), encoding="utf-8")  # the worker holding it
        time.sleep(3600)
    return nomor_perkara(ctx)  # the same register as the e-Court filings' numbering


def _failing_sop(sop_id: str = FAILING_SOP,
                 action: str = "tests.flows.kit:always_fails") -> dict[str, Any]:
    """A test SOP (never in definitions/): a clerk files, SIPP numbers it with ``action``
    (failing, by default), done."""
    return {
        "id": sop_id,
        "sumber": [{"pengadilan": "Uji", "judul": "SOP uji orkestrasi",
                    "url": "https://example.org/uji"}],
        "identitas": {
            "satuan_kerja": "Pengadilan Negeri Sanana",
            "nomor": {FAILING_SOP: "UJI/02/2026", HANGING_SOP: "UJI/03/2026"}.get(
                sop_id, "UJI/04/2026"),
            "nama": f"SOP uji langkah otomatis ({sop_id})", "tanggal_pembuatan": "2026-01-05",
            "tanggal_efektif": "2026-01-12",
            "disahkan_oleh": {"jabatan": "Ketua Pengadilan Negeri Sanana"},
            "dasar_hukum": ["Peraturan Sekretaris MA Nomor 002 Tahun 2012"],
            "kualifikasi_pelaksana": ["Memahami SOP"], "peralatan": ["Komputer"],
            "peringatan": "Uji", "pencatatan": ["Register"]},
        "pelaksana": [{"id": "petugas_ptsp", "nama": "Petugas PTSP"},
                      {"id": "sipp", "nama": "SIPP", "sistem": True}],
        "langkah": [
            {"no": 1, "jenis": "mulai", "kegiatan": "Menerima berkas",
             "pelaksana": "petugas_ptsp",
             "mutu_baku": {"kelengkapan": ["Surat gugatan"], "waktu": "15 menit",
                           "output": ["Berkas diterima"]}},
            {"no": 2, "jenis": "otomatis", "kegiatan": "Memberikan nomor perkara",
             "pelaksana": "sipp", "aksi": action,
             "mutu_baku": {"kelengkapan": ["Berkas diterima"], "waktu": "15 menit",
                           "output": [{"id": "nomor_perkara", "nama": "Nomor perkara",
                                       "jenis": "nomor"}]}},
            {"no": 3, "jenis": "selesai", "kegiatan": "Menyerahkan nomor perkara",
             "pelaksana": "petugas_ptsp",
             "mutu_baku": {"kelengkapan": ["Nomor perkara"], "waktu": "15 menit",
                           "output": ["Nomor perkara diserahkan"]}},
        ],
    }


def library_with_failing_sop(folder: Path) -> Path:
    """definitions/ plus the failing test SOP, in ``folder``."""
    shutil.copytree(DEFINITIONS, folder, dirs_exist_ok=True)
    for sop in (_failing_sop(), _failing_sop(HANGING_SOP, "tests.flows.kit:hangs_once"),
                _failing_sop(NUMBERING_SOP, "sop_runtime.actions:nomor_perkara")):
        (folder / f"{sop['id']}.yaml").write_text(
            yaml.safe_dump(sop, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return folder


def new_court(rt: Runtime, folder: Path) -> Runtime:
    setup.init(rt, library_with_failing_sop(folder))
    return rt


def verified_filing(rt: Runtime, documents: Path,
                    contact: ContactGiven | None = None) -> tuple[str, str]:
    """An e-Court filing walked to its verification (its own automated steps done on the
    way, by the system as the service does them), its applicant's ``contact`` given at the
    start: returns the case and the automated numbering step now open."""
    with rt.engine.connect() as conn:
        wf = catalog.current_workflow(rt, conn, "pendaftaran-ecourt")
    verify = next(n for n in wf.nodes if "Terverifikasi" in n.branch_labels)
    numbering = next(t.target for t in verify.transitions if t.label == "Terverifikasi")
    route = ROUTES["pendaftaran-ecourt"]
    case = cases.start_case(rt, wf.sop_id, route[0]["oleh"], contact=contact).case_id
    for step in route:
        node = str(step["langkah"])
        if node == verify.id:
            break
        if wf.node(node).kind is StepKind.OTOMATIS:  # whoever is first records it
            automation.execute(rt, automation.work_for(rt, case, node, 1), documents=documents)
        else:
            cases.complete(rt, case, node, step["oleh"], values=step["nilai"])
    cases.complete(rt, case, verify.id, step["oleh"], decision="Terverifikasi",
                   values={"status_verifikasi_pendaftaran": "Terverifikasi"})
    return case, numbering


def failing_filing(rt: Runtime, sop: str = FAILING_SOP) -> str:
    """A filing of the test SOP ``sop`` walked to its automated step 2."""
    case = cases.start_case(rt, sop, "rina.ptsp").case_id
    cases.complete(rt, case, "1", "rina.ptsp", values={
        "surat_gugatan": "Surat gugatan wanprestasi", "berkas_diterima": "Diterima PTSP"})
    return case


class SteppingClock:
    """A clock for a court on a working Tuesday morning (1 December 2026, 10:00 WIT) that
    moves 30 seconds on every reading."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 1, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=30)
        return self.now


class WebhookCapture(BaseHTTPRequestHandler):
    """A webhook that keeps every JSON body posted to it (Apprise's json:// target)."""

    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        WebhookCapture.received.append(json.loads(body))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: object) -> None:
        pass


SKUM = "taksiran-panjar-skum"
PAST = datetime(2026, 11, 24, 9, 0, tzinfo=WIT)  # a working Tuesday (the demo day)


def skum_waiting_at_step_7(rt: Runtime) -> str:
    """A SKUM case done on paper on 24 November up to step 6 and entered with its real
    times: step 7 (15 minutes) has been waiting since, long overdue."""
    route = {str(s["langkah"]): s for s in ROUTES[SKUM]}
    case = cases.start_case(rt, SKUM, route["1"]["oleh"], at=PAST,
                            reason="dicatat dari buku register").case_id
    at = PAST
    for node in ("1", "2", "3", "4", "5", "6"):
        at += timedelta(minutes=2)
        cases.complete(rt, case, node, route[node]["oleh"], values=route[node]["nilai"],
                       decision=route[node].get("keputusan"), at=at,
                       reason="dicatat dari buku register")
    return case
