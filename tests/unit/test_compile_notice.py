"""``beri_tahu_pemohon``: the notice an SOP's step gives the applicant; its two forms, the
values it may name (E142), and that versions written without it keep their hash."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from pydantic import ValidationError

from sop_runtime.compiler.compile import compile_document
from sop_runtime.definition.models import SopDocument
from sop_runtime.definition.synthetic_sop import synthetic_dict
from tests.unit.test_compile_joint import SYNTHETIC_6


def _compile(data: dict[str, Any]) -> Any:
    return compile_document(SopDocument.model_validate(data))


def _with_notice(notice: Any, step: int = 1) -> dict[str, Any]:
    data = synthetic_dict(6)
    data["langkah"][step]["beri_tahu_pemohon"] = notice
    return data


def test_an_sop_without_notices_keeps_its_version() -> None:
    assert _compile(synthetic_dict(6)).workflow.version == SYNTHETIC_6


def test_the_message_alone_is_told_when_the_step_is_done() -> None:
    wf = _compile(_with_notice("Berkas Anda sudah diterima.")).workflow
    notice = wf.node("2").notice
    assert notice is not None and notice.saat == "selesai"
    assert notice.pesan == "Berkas Anda sudah diterima."
    assert wf.node("1").notice is None


def test_a_notice_and_its_moment_enter_the_version() -> None:
    versions = {_compile(data).workflow.version for data in (
        synthetic_dict(6), _with_notice("Silakan datang."),
        _with_notice({"pesan": "Silakan datang.", "saat": "aktif"}),
        _with_notice("Silakan datang ke loket."))}
    assert len(versions) == 4 and SYNTHETIC_6 in versions


def test_the_values_a_message_names_must_be_the_cases() -> None:
    data = synthetic_dict(6)
    item = data["langkah"][1]["mutu_baku"]["output"][0]
    name = item["id"] if isinstance(item, dict) else None
    ok = copy.deepcopy(data)
    if name is None:  # a plain-text output: give it an id the message can name
        ok["langkah"][1]["mutu_baku"]["output"][0] = {"id": "nomor_berkas", "nama": item,
                                                       "jenis": "nomor"}
        name = "nomor_berkas"
    ok["langkah"][1]["beri_tahu_pemohon"] = f"Nomor berkas Anda {{{name}}}."
    result = _compile(ok)
    assert result.workflow is not None, result.problems
    assert result.workflow.node("2").notice.fields == (name,)
    bad = _compile(_with_notice("Sisa panjar {sisa_tidak_ada} siap diambil."))
    assert bad.workflow is None
    assert [(p.code, p.path) for p in bad.problems] == [
        ("E142", "langkah[1].beri_tahu_pemohon.pesan")]
    assert "{sisa_tidak_ada}" in bad.problems[0].message


@pytest.mark.parametrize("notice", ["", {"pesan": "x", "saat": "besok"}, {"saat": "aktif"},
                                    "x" * 601, {"pesan": "x", "kepada": "semua"}])
def test_a_malformed_notice_is_refused(notice: Any) -> None:
    with pytest.raises(ValidationError):
        SopDocument.model_validate(_with_notice(notice))
