"""The API on documents: a step completed with files for its ``dokumen`` items (multipart),
and a case's recorded document downloaded by its SHA-256.

The upload is capped before it is read: a request that announces more than
:data:`~sop_runtime.web.request_checks.UPLOADS_MOST` documents at their largest, or no
size at all, is refused. Each file is then checked by the service (type by content, size,
name); a refused one keeps and records nothing."""

from __future__ import annotations

from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Path, Request
from fastapi.responses import FileResponse
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile

from sop_runtime.i18n import tr
from sop_runtime.service import documents
from sop_runtime.web.api.cases import REFUSED, UNKNOWN, outcome
from sop_runtime.web.api.common import CaseId, NodeId, aware
from sop_runtime.web.api.schemas import CompleteBody, Outcome
from sop_runtime.web.deps import ApiError, ApiReader, ApiUser, Rt
from sop_runtime.web.request_checks import UPLOADS_MOST

TAG = "perkara / cases"
_SLACK = 1024 * 1024  # the multipart framing and the text fields
FILE_PREFIX = "file."

Sha256 = Annotated[str, Path(pattern=r"^[0-9a-f]{64}$", description="SHA-256 berkas / the "
                             "file's SHA-256", examples=["9f86d081884c7d65" * 4])]

BODY = {"requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
    "type": "object",
    "properties": {
        "values": {"type": "string", "description": "Objek JSON kelengkapan, output dan isian "
                   "/ a JSON object of inputs, outputs and fields"},
        "decision": {"type": "string", "description": "Label cabang keputusan / decision "
                     "branch"},
        "at": {"type": "string", "description": "Kapan sebenarnya terjadi / when it really "
               "happened"},
        "reason": {"type": "string", "description": "Alasan / reason"}},
    "additionalProperties": {"type": "string", "format": "binary", "description":
                             "file.<item>: berkas PDF, JPEG atau PNG untuk dokumen langkah / a "
                             "PDF, JPEG or PNG file for a document of the step"}}}}}}


def _body(form: Any) -> CompleteBody:
    """The text fields of the form as the JSON endpoint's body (the same checks)."""
    fields = ("values", "decision", "at", "reason")
    unknown = sorted({k for k, v in form.multi_items()
                      if k not in fields and not isinstance(v, UploadFile)})
    if unknown:  # as the JSON endpoint: nothing else, in particular no one else to act as
        raise ApiError(422, tr("Isian tidak dikenal: {k} (hanya {f})",
                               "Unknown field: {k} (only {f})", k=", ".join(unknown)[:120],
                               f=", ".join(fields)))
    text = {k: form.get(k) for k in fields}
    if any(v is not None and not isinstance(v, str) for v in text.values()):
        raise ApiError(422, tr("'values', 'decision', 'at' dan 'reason' adalah isian teks, "
                               "bukan berkas", "'values', 'decision', 'at' and 'reason' are "
                               "text fields, not files"))
    try:
        values = orjson.loads(text["values"]) if text["values"] else {}
        return CompleteBody.model_validate({**{k: v for k, v in text.items()
                                               if v not in (None, "")}, "values": values})
    except orjson.JSONDecodeError:
        raise ApiError(422, tr("'values' bukan objek JSON", "'values' is no JSON object")
                       ) from None
    except ValidationError as exc:
        where = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or '-'}: {e['msg']}"
                          for e in exc.errors())
        raise ApiError(422, where) from None


def router() -> APIRouter:
    api = APIRouter(tags=[TAG])

    @api.post("/cases/{case_id}/steps/{node}/complete-with-files", openapi_extra=BODY,
              summary="Selesaikan langkah dengan berkas / complete a step with files",
              responses={**REFUSED, **UNKNOWN,
                         411: {"description": "Tanpa Content-Length / no Content-Length"},
                         413: {"description": "Unggahan terlalu besar / upload too large"}})
    async def complete_with_files(case_id: CaseId, node: NodeId, request: Request, rt: Rt,
                                  caller: ApiUser) -> Outcome:
        """Seperti ``complete``, dalam multipart/form-data: isian ``values`` (objek JSON),
        ``decision``, ``at``, ``reason``, dan satu berkas ``file.<item>`` per dokumen
        langkah / as ``complete``, in multipart/form-data: the fields ``values`` (a JSON
        object), ``decision``, ``at``, ``reason``, and one file ``file.<item>`` per document
        of the step. Each file is checked by its content (PDF, JPEG, PNG), size and name; a
        refused one keeps and records nothing."""
        limit = documents.size_limit()
        most = UPLOADS_MOST * limit + _SLACK
        announced = request.headers.get("content-length")
        if announced is None or not announced.isdigit():
            raise ApiError(411, tr("Sebutkan Content-Length unggahan",
                                   "The upload needs a Content-Length"))
        if int(announced) > most:
            raise ApiError(413, tr(
                "Unggahan terlalu besar (paling banyak {n} berkas, masing-masing {m} MB)",
                "The upload is too large (at most {n} files of {m} MB each)",
                n=UPLOADS_MOST, m=limit // documents.MB))
        form = await request.form(max_files=UPLOADS_MOST, max_fields=8,
                                  max_part_size=_SLACK)
        try:
            body = _body(form)
            files = []
            for key, part in form.multi_items():
                if isinstance(part, UploadFile):
                    if not key.startswith(FILE_PREFIX):
                        raise ApiError(422, tr(
                            "Berkas '{k}' harus bernama file.<item>",
                            "The file '{k}' must be named file.<item>", k=key[:80]))
                    files.append(documents.Upload(key[len(FILE_PREFIX):], part.filename or "",
                                                  await part.read(limit + 1)))
            return outcome(rt, await run_in_threadpool(
                documents.complete_with_files, rt, case_id, node, caller.username,
                files=files, values=body.values, decision=body.decision,
                at=aware(rt, body.at), reason=body.reason))
        finally:
            await form.close()

    @api.get("/cases/{case_id}/documents/{sha256}",
             summary="Unduh dokumen perkara / download a case's document",
             response_class=FileResponse,
             responses={**UNKNOWN, 403: {"description": "Perkara rahasia: bukan pembacanya / "
                                                        "a confidential case: not its reader"},
                        200: {"content": {"application/pdf": {}, "image/jpeg": {},
                                          "image/png": {}},
                              "description": "Berkas seperti disimpan / the file as kept"}})
    def download(case_id: CaseId, sha256: Sha256, rt: Rt, caller: ApiReader) -> FileResponse:
        """Dokumen yang dicatat perkara, bagi yang boleh membaca perkara; isinya diperiksa
        terhadap SHA-256 yang dicatat / a document the case records, for whoever may read
        the case; its bytes checked against the recorded SHA-256."""
        found = documents.document_to_read(rt, case_id, sha256, caller.reader)
        return FileResponse(documents.document_path(rt, found), media_type=found.jenis,
                            filename=found.nama, content_disposition_type="attachment",
                            headers={"Cache-Control": "private, no-store"})

    return api
