"""Load definition files: YAML -> validated pydantic model, or every problem at once."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from pydantic import BaseModel, ValidationError

from sop_runtime.definition.court import CourtFile
from sop_runtime.definition.models import SopDocument
from sop_runtime.definition.yamlsource import (
    DEFAULT_LIMITS,
    YamlDoc,
    YamlError,
    YamlLimits,
    format_path,
    load_yaml,
    size_problem,
)
from sop_runtime.errors import DefinitionError
from sop_runtime.files import open_bytes
from sop_runtime.i18n import current_lang
from sop_runtime.problems import Problem

M = TypeVar("M", bound=BaseModel)

_CODE_BY_TYPE = {
    "missing": "E011",
    "extra_forbidden": "E010",
    "time_limit": "E013",
    "date_parsing": "E014",
    "date_from_datetime_parsing": "E014",
    "date_from_datetime_inexact": "E014",
    "date_type": "E014",
    "date_order": "E014",
    "date_range": "E014",
    "office_hours": "E015",
}

# Indonesian wording for pydantic's most common error types (English comes from pydantic).
_ID_MESSAGES = {
    "int_parsing": "harus bilangan bulat",
    "int_type": "harus bilangan bulat",
    "int_from_float": "harus bilangan bulat",
    "string_type": "harus berupa teks",
    "bool_type": "harus true atau false",
    "bool_parsing": "harus true atau false",
    "list_type": "harus berupa daftar (list)",
    "dict_type": "harus berupa pemetaan (mapping)",
    "model_type": "harus berupa pemetaan (mapping)",
    "model_attributes_type": "harus berupa pemetaan (mapping)",
    "greater_than_equal": "harus paling sedikit {ge}",
    "string_pattern_mismatch": "tidak sesuai pola {pattern}",
    "string_too_short": "tidak boleh kosong",
    "too_short": "harus berisi paling sedikit {min_length} butir",
    "enum": "harus salah satu dari: {expected}",
    "literal_error": "harus salah satu dari: {expected}",
    "date_parsing": "bukan tanggal yang sah (gunakan YYYY-MM-DD)",
    "date_from_datetime_parsing": "bukan tanggal yang sah (gunakan YYYY-MM-DD)",
    "date_type": "bukan tanggal yang sah (gunakan YYYY-MM-DD)",
}


def _all_field_names(model: type[BaseModel], seen: set[type[BaseModel]] | None = None) -> set[str]:
    seen = seen if seen is not None else set()
    if model in seen:
        return set()
    seen.add(model)
    names = set(model.model_fields)
    for f in model.model_fields.values():
        for arg in _types_in(f.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                names |= _all_field_names(arg, seen)
    return names


def _homes(model: type[BaseModel], parent: str = "", seen: set[type[BaseModel]] | None = None,
           out: dict[str, set[str]] | None = None) -> dict[str, set[str]]:
    """Each field name of ``model``'s tree -> the keys it sits under (``""``: the top)."""
    seen = seen if seen is not None else set()
    out = out if out is not None else {}
    if model in seen:
        return out
    seen.add(model)
    for name, f in model.model_fields.items():
        out.setdefault(name, set()).add(parent)
        for arg in _types_in(f.annotation):
            if isinstance(arg, type) and issubclass(arg, BaseModel):
                _homes(arg, name, seen, out)
    return out


def _hint(key: str, loc: tuple[Any, ...], model: type[BaseModel], known: list[str]) -> str:
    """A hint for the unknown ``key`` at ``loc``: where it belongs, when it is a key of another
    part of the document (``waktu`` written beside ``kegiatan`` belongs under ``mutu_baku``),
    else the nearest known key."""
    en = current_lang() == "en"
    homes = sorted(h for h in _homes(model).get(key, set()) if h)
    here = next((str(p) for p in reversed(loc[:-1]) if isinstance(p, str)), "")
    if homes and here not in homes:
        where = " / ".join(f"'{h}'" for h in homes)
        return f"; it belongs under {where}" if en else f"; kunci ini tempatnya di bawah {where}"
    close = [c for c in difflib.get_close_matches(key, known, n=2) if c != key]
    if close:
        return f"; did you mean '{close[0]}'?" if en else f"; maksudnya '{close[0]}'?"
    return ""


def _types_in(annotation: Any) -> list[Any]:
    args = getattr(annotation, "__args__", None)
    if not args:
        return [annotation]
    out: list[Any] = []
    for a in args:
        out.extend(_types_in(a))
    return out


def _message(err: Any) -> str:
    """The error text in the current language."""
    msg = str(err.get("msg", ""))
    ctx = err.get("ctx") or {}
    if " / " in msg and err["type"] not in _ID_MESSAGES:  # our bilingual custom errors
        id_text, _, en_text = msg.partition(" / ")
        return en_text if current_lang() == "en" else id_text
    if current_lang() == "id" and err["type"] in _ID_MESSAGES:
        try:
            return _ID_MESSAGES[err["type"]].format(**ctx)
        except (KeyError, IndexError):
            return _ID_MESSAGES[err["type"]]
    return msg


def problems_from_validation(exc: ValidationError, doc: YamlDoc,
                             model: type[BaseModel]) -> list[Problem]:
    known = sorted(_all_field_names(model))
    problems = []
    for err in exc.errors():
        loc = tuple(err["loc"])
        code = _CODE_BY_TYPE.get(err["type"], "E012")
        path = format_path(loc)
        if code == "E010":
            key = str(loc[-1])
            hint = _hint(key, loc, model, known)
            line, col = doc.where_key(loc)
            problems.append(Problem(code, doc.file, line, col, path, {"key": key, "hint": hint}))
        elif code == "E011":
            line, col = doc.where(loc[:-1])
            problems.append(Problem(code, doc.file, line, col, path, {"key": str(loc[-1])}))
        else:
            line, col = doc.where(loc)
            problems.append(Problem(code, doc.file, line, col, path, {"detail": _message(err)}))
    return problems


@dataclass(frozen=True)
class Loaded(Generic[M]):
    model: M
    source: YamlDoc


def read_yaml_file(path: Path, display: str | None = None,
                   limits: YamlLimits = DEFAULT_LIMITS) -> YamlDoc:
    """Read the YAML file at ``path`` (no more of it than ``limits`` allow) into one
    mapping."""
    file = display or str(path)
    try:
        with open_bytes(path) as f:
            raw = f.read(limits.max_bytes + 1)
        too_large = size_problem(raw, file, limits.max_bytes)
        if too_large is not None:
            raise DefinitionError([too_large])
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DefinitionError([Problem("E004", file, 1, 1, "", {"detail": str(exc)})]) from None
    if "\r" in text:  # as a file read as text: universal newlines
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    try:
        doc = load_yaml(text, file, limits)
    except YamlError as exc:
        raise DefinitionError(exc.problems) from None
    if not isinstance(doc.data, dict):
        raise DefinitionError([Problem("E003", file, 1, 1)])
    return doc


def validate_as(doc: YamlDoc, model: type[M]) -> Loaded[M]:
    try:
        return Loaded(model.model_validate(doc.data), doc)
    except ValidationError as exc:
        raise DefinitionError(problems_from_validation(exc, doc, model)) from None


def is_court_file(doc: YamlDoc) -> bool:
    return isinstance(doc.data, dict) and "pengadilan" in doc.data and "langkah" not in doc.data


def load_document(path: Path, display: str | None = None) -> Loaded[SopDocument]:
    return validate_as(read_yaml_file(path, display), SopDocument)


def load_court(path: Path, display: str | None = None) -> Loaded[CourtFile]:
    return validate_as(read_yaml_file(path, display), CourtFile)
