"""The applicant's notices (``beri_tahu_pemohon``): a value a message names must be one the
case can hold: a case field, or a kelengkapan or output of one of the SOP's steps (E142)."""

from __future__ import annotations

from collections.abc import Callable

from sop_runtime.definition.models import SopDocument

Add = Callable[..., None]


def check_notices(doc: SopDocument, add: Add) -> None:
    """E142 for every ``{name}`` of a notice's message that names no value of the case."""
    known = {f.id for f in doc.isian}
    for step in doc.langkah:
        if step.mutu_baku is not None:
            known.update(i.id for i in (*step.mutu_baku.kelengkapan, *step.mutu_baku.output))
    for i, step in enumerate(doc.langkah):
        notice = step.beri_tahu_pemohon
        if notice is None:
            continue
        for name in notice.fields:
            if name not in known:
                add("E142", ("langkah", i, "beri_tahu_pemohon", "pesan"), no=step.no,
                    ref=name)
