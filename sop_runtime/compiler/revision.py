"""The revision fields of a changed SOP, checked against the version in force before it.

A definition loaded again with other content is a revision: it is kept as a draft until
the Ketua approves it, and its identity block must say that it is one. Its ``nomor_revisi``
is the next number after the approved version's (1 after an unrevised one) and its
``tanggal_revisi`` is given and not before the approved version's making or last revision;
``tanggal_efektif`` not before ``tanggal_revisi`` is checked with the document itself.
"""

from __future__ import annotations

from sop_runtime.definition.loader import Loaded
from sop_runtime.definition.models import SopDocument
from sop_runtime.i18n import tr
from sop_runtime.problems import Problem
from sop_runtime.wording import day_text

__all__ = ["revision_problems"]


def revision_problems(draft: Loaded[SopDocument], approved: SopDocument) -> list[Problem]:
    """What is wrong with ``draft``'s revision fields as a revision of ``approved``."""
    new, old = draft.model.identitas, approved.identitas
    found: list[Problem] = []

    def problem(code: str, key: str, **params: object) -> None:
        path = ("identitas", key)
        line, col = draft.source.where_key(path) if getattr(new, key) is None \
            else draft.source.where(path)
        found.append(Problem(code, draft.source.file, line, col, ".".join(path),
                             {"sop": draft.model.id, **params}))

    want_number = (old.nomor_revisi or 0) + 1
    if new.nomor_revisi is None or new.nomor_revisi < want_number:
        problem("E140", "nomor_revisi",
                want=tr("{n} atau lebih", "{n} or more", n=want_number),
                before=old.nomor_revisi if old.nomor_revisi is not None
                else tr("belum pernah direvisi", "never revised"))
    last_day = old.tanggal_revisi or old.tanggal_pembuatan
    if new.tanggal_revisi is None or new.tanggal_revisi < last_day:
        problem("E141", "tanggal_revisi",
                want=tr("diisi, tidak sebelum {d}", "given, not before {d}",
                        d=day_text(last_day)),
                before=day_text(last_day))
    return found
