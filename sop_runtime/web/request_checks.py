"""What every request's text goes through before its route sees it: the path's parameters,
the query's, and each field of a form (a page's form posts; the API takes JSON, whose
strings its schemas check the same way). No NUL (PostgreSQL cannot store one) nor another
control character, tabs and line breaks aside in free text; and no field longer than what
it is for (a reason a few thousand characters, a name a couple of hundred). A 422 names the
field and says why; a form body over :data:`FORM_BODY_MOST`, or of a size it does not
announce, is a 413 (411) before it is read.

One dependency of the whole app (:func:`refuse_bad_input`) and one middleware for the size
(:func:`form_size_problem`), so that no page or route can forget them."""

# no "from __future__ import annotations": FastAPI reads the dependency's annotations

import re

from fastapi import Request

from sop_runtime.i18n import tr
from sop_runtime.textcheck import control_problem
from sop_runtime.web.deps import ApiError

FORM_BODY_MOST = 1 << 20
"""The largest form a page posts (200 values of a step at their longest fit in it)."""

UPLOADS_MOST = 6
"""The most documents' files one step form may carry at their largest (each at most the
document limit, ``SOP_DOCUMENT_MAX_MB``: the service refuses a larger one by name)."""
_STEP_FORM = re.compile(r"^/perkara/[^/]+/langkah/[^/]+/selesai$")

VALUE_MOST = 10_000   # a step's value or a case field (as the API's)
REASON_MOST = 2000    # a reason (as the API's)
NAME_MOST = 200       # a name, an id, a label, a time: anything else

# the pages' form fields: the longest each may be, and whether it is free text (lines)
FORM_FIELDS: dict[str, tuple[int, bool]] = {
    "alasan": (REASON_MOST, True),
    "alasan_beda": (REASON_MOST, True),  # why a value differs from the one recorded earlier
    "catatan": (500, True),
    "csrf": (128, False),
    "username": (64, False),
    "password": (256, False),
    "lanjut": (2000, False),
    "kembali": (2000, False),
}
FORM_PREFIXES: dict[str, tuple[int, bool]] = {
    "nilai.": (VALUE_MOST, True),   # a step's kelengkapan and outputs
    "isian.": (VALUE_MOST, True),   # a new case's fields
}
QUERY_MOST = 2000  # ?lanjut= carries a path back


def _form_rule(name: str) -> tuple[int, bool]:
    found = FORM_FIELDS.get(name)
    if found is not None:
        return found
    for prefix, rule in FORM_PREFIXES.items():
        if name.startswith(prefix):
            return rule
    return NAME_MOST, False


def _check(kind: tuple[str, str], name: str, value: str, longest: int, free: bool) -> None:
    what = tr(*kind)
    problem = control_problem(name, free=False)
    if problem is None and len(name) > NAME_MOST:
        problem = tr("terlalu panjang", "is too long")
    if problem is not None:
        raise ApiError(422, tr("Nama {w} {p}", "The name of a {w} {p}", w=what, p=problem))
    if len(value) > longest:
        raise ApiError(422, tr("{w} '{n}' terlalu panjang ({k} karakter; paling banyak {m})",
                               "{w} '{n}' is too long ({k} characters; at most {m})",
                               w=what.capitalize(), n=name[:NAME_MOST], k=len(value),
                               m=longest))
    problem = control_problem(value, free=free)
    if problem is not None:
        raise ApiError(422, tr("{w} '{n}' {p}", "{w} '{n}' {p}", w=what.capitalize(),
                               n=name[:NAME_MOST], p=problem))


_PATH = ("parameter jalur", "path parameter")
_QUERY = ("parameter", "query parameter")
_FIELD = ("isian", "field")
_FORMS = ("application/x-www-form-urlencoded", "multipart/form-data")


def _posts_a_form(request: Request) -> bool:
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    return (request.method in ("POST", "PUT", "PATCH") and kind in _FORMS
            and not request.url.path.startswith("/api/"))  # the API's one upload is its own


def form_size_problem(request: Request) -> ApiError | None:
    """A 411 or 413 for a page's form whose body is of a size it does not announce, or
    over :data:`FORM_BODY_MOST`: said before anything reads the body (the app's
    middleware asks, since a route's form fields are read before its dependencies run)."""
    if not _posts_a_form(request):
        return None
    announced = request.headers.get("content-length", "")
    if not announced.isdigit():  # a browser always says; a body of unknown size is not read
        return ApiError(411, tr("Formulir tanpa Content-Length",
                                "A form needs a Content-Length"))
    most = form_body_most(request)
    if int(announced) > most:
        if most > FORM_BODY_MOST:
            from sop_runtime.service.documents import MB, size_limit

            return ApiError(413, tr(
                "Formulir dengan berkasnya terlalu besar (paling banyak {n} MB; setiap berkas "
                "paling besar {m} MB)", "The form with its files is too large (at most {n} MB; "
                "each file at most {m} MB)", n=most // MB, m=size_limit() // MB))
        return ApiError(413, tr("Formulir terlalu besar (paling banyak {n} KB)",
                                "The form is too large (at most {n} KB)",
                                n=FORM_BODY_MOST // 1024))
    return None


def form_body_most(request: Request) -> int:
    """The largest body a page's form may have: a step's form sent with files
    (multipart) may carry :data:`UPLOADS_MOST` documents at their largest."""
    kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if kind == "multipart/form-data" and _STEP_FORM.match(request.url.path):
        from sop_runtime.service.documents import size_limit

        return FORM_BODY_MOST + UPLOADS_MOST * size_limit()
    return FORM_BODY_MOST


async def refuse_bad_input(request: Request) -> None:
    """A 422 on the first parameter or form field that holds a control character or is
    too long; nothing otherwise."""
    for name, value in request.path_params.items():
        if isinstance(value, str):
            _check(_PATH, name, value, NAME_MOST, free=False)
    for name, value in request.query_params.multi_items():
        _check(_QUERY, name, value, QUERY_MOST, free=False)
    if not _posts_a_form(request):
        return  # the API's JSON bodies are its schemas'
    form = await request.form()
    for name, value in form.multi_items():
        if isinstance(value, str):
            longest, free = _form_rule(name)
            _check(_FIELD, name, value, longest, free)
