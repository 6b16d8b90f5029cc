"""``POST /api/conformance``: a log kept elsewhere (CSV or XES, uploaded with its mapping)
replayed through an SOP's rules, answered with the findings as ``sop conformance --json``.

The upload is capped (:data:`MAX_LOG`, :data:`MAX_MAPPING`): a request that announces more,
or none at all, is refused before anything is read. The files live in a temporary folder for
the check only. One check runs at a time in a process (the replay keeps its cases in module
state), on one core: a web process does not fork."""

from __future__ import annotations

import re
import tempfile
import threading
from dataclasses import replace
from datetime import tzinfo
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from sop_runtime.conformance.check import ConformanceReport
from sop_runtime.conformance.jsonform import report_json
from sop_runtime.errors import DefinitionError, SopRuntimeError
from sop_runtime.i18n import tr
from sop_runtime.service.ready import court_zone
from sop_runtime.service.runtime import Runtime
from sop_runtime.web.api.common import SOP_ID
from sop_runtime.web.deps import ApiAuditor, ApiError, Rt

TAG = "audit"
MB = 1024 * 1024
MAX_LOG = 50 * MB
MAX_MAPPING = 1 * MB
_SLACK = 64 * 1024  # the multipart framing and the sop field
_CHUNK = 1 * MB
_one_at_a_time = threading.Lock()

BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object", "required": ["log", "mapping", "sop"],
    "properties": {
        "log": {"type": "string", "format": "binary",
                "description": "Log CSV atau XES (paling besar 50 MB) / a CSV or XES log (at "
                               "most 50 MB); the file name's ending (.csv, .xes, either packed as "
                               ".gz) tells its kind unless the mapping says 'format:'"},
        "mapping": {"type": "string", "format": "binary",
                    "description": "Berkas pemetaan (YAML, paling besar 1 MB; atau teksnya) / "
                                   "the mapping file (YAML, at most 1 MB; or its text)"},
        "sop": {"type": "string", "pattern": SOP_ID, "maxLength": 64,
                "description": "SOP acuan / the SOP"}}}}}}}


def _too_large(what: str, limit: int) -> ApiError:
    return ApiError(413, tr("{w} terlalu besar (paling besar {n} MB)",
                            "{w} is too large (at most {n} MB)", w=what, n=limit // MB))


def _file_name(part: UploadFile | str, default: str) -> str:
    """The uploaded file's own name, reduced to safe characters (its ending tells the log's
    kind); ``default`` for a form field, or a file without a name."""
    given = part.filename if isinstance(part, UploadFile) else None
    name = re.sub(r"[^A-Za-z0-9._-]", "_", Path(given or "").name)[-100:]
    return name.lstrip(".") or default


async def _save(part: UploadFile | str, path: Path, limit: int, what: str) -> None:
    """Write an uploaded file (or a form field's text) to ``path``, at most ``limit``
    bytes."""
    if isinstance(part, str):
        data = part.encode("utf-8")
        if len(data) > limit:
            raise _too_large(what, limit)
        path.write_bytes(data)
        return
    written = 0
    with path.open("wb") as out:
        while chunk := await part.read(_CHUNK):
            written += len(chunk)
            if written > limit:
                raise _too_large(what, limit)
            out.write(chunk)


def _run(rt: Runtime, log: Path, sop: str, mapping: Path) -> tuple[ConformanceReport, tzinfo]:
    from sop_runtime.service.conformance import conformance

    with _one_at_a_time:
        report = conformance(rt, log, sop, mapping, workers=1)
    return report, court_zone(rt)


def router() -> APIRouter:
    api = APIRouter(tags=[TAG])

    @api.post("/conformance", summary="Periksa kesesuaian log / check a log's conformance",
              openapi_extra=BODY,
              responses={400: {"description": "Pemetaan tidak sah (baris demi baris) / the "
                                              "mapping is invalid (line by line)"},
                         404: {"description": "SOP tidak dikenal / unknown SOP"},
                         411: {"description": "Tanpa Content-Length / no Content-Length"},
                         413: {"description": "Unggahan terlalu besar / upload too large"},
                         422: {"description": "Log tidak dapat dibaca atau isian kurang / the "
                                              "log cannot be read, or a field is missing"}})
    async def check(request: Request, rt: Rt, caller: ApiAuditor) -> dict[str, Any]:
        """Putar ulang log yang dicatat di luar (SIPP, buku register) melalui aturan SOP;
        temuan per perkara seperti ``sop conformance --json`` / replay a log kept elsewhere
        (SIPP, a register book) through the SOP's rules; the findings per case as ``sop
        conformance --json``. Multipart: ``log`` and ``mapping`` (files, or text fields up to
        64 KB), ``sop``."""
        announced = request.headers.get("content-length")
        if announced is None:
            raise ApiError(411, tr("Sebutkan Content-Length unggahan",
                                   "The upload needs a Content-Length"))
        if not announced.isdigit():
            raise ApiError(400, tr("Content-Length tidak sah", "Invalid Content-Length"))
        if int(announced) > MAX_LOG + MAX_MAPPING + _SLACK:
            raise _too_large(tr("Unggahan", "The upload"), MAX_LOG + MAX_MAPPING)
        form = await request.form(max_files=2, max_fields=3, max_part_size=_SLACK)
        try:
            log, mapping, sop = form.get("log"), form.get("mapping"), form.get("sop")
            if log is None or mapping is None or not isinstance(sop, str):
                missing = [name for name, part in (("log", log), ("mapping", mapping),
                                                   ("sop", sop)) if part is None]
                raise ApiError(422, tr(
                    "Kirim multipart/form-data dengan berkas 'log', berkas 'mapping' dan isian "
                    "'sop'; kurang: {m}",
                    "Send multipart/form-data with the file 'log', the file 'mapping' and the "
                    "field 'sop'; missing: {m}", m=", ".join(missing) or "sop"))
            if not re.fullmatch(SOP_ID, sop):
                raise ApiError(422, tr("'sop' bukan ID SOP: '{s}'", "'sop' is no SOP id: '{s}'",
                                       s=sop[:80]))
            with tempfile.TemporaryDirectory(prefix="sop-conformance-") as folder:
                names = {"log": _file_name(log, "log.csv"),
                         "mapping": _file_name(mapping, "pemetaan.yaml")}
                if names["log"] == names["mapping"]:
                    names["mapping"] = "pemetaan-" + names["mapping"]
                log_path, map_path = Path(folder, names["log"]), Path(folder, names["mapping"])
                await _save(log, log_path, MAX_LOG, tr("Log", "The log"))
                await _save(mapping, map_path, MAX_MAPPING, tr("Pemetaan", "The mapping"))
                try:
                    report, tz = await run_in_threadpool(_run, rt, log_path, sop, map_path)
                except DefinitionError as exc:  # the problems name the uploaded file
                    raise DefinitionError(replace(p, file=Path(p.file).name)
                                          for p in exc.problems) from None
                except SopRuntimeError as exc:
                    text = str(exc)
                    if folder not in text:
                        raise
                    raise ApiError(422, text.replace(folder + "/", "")) from None
            return report_json(report, tz, log=names["log"], mapping=names["mapping"])
        finally:
            await form.close()

    return api
