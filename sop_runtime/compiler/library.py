"""A library of definitions: every SOP file in the given paths, plus the court file.

Cross references (``keterkaitan``, ``sub_sop``) resolve against every SOP in the same
folders as the given files, so that one file can be validated on its own; problems are
reported for the given files only (and for the fee table a given court file names).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from sop_runtime.compiler.compile import (
    DEFAULT_MINUTES_PER_DAY,
    CompileResult,
    compile_document,
)
from sop_runtime.compiler.render.kop import LOGO_MAX_BYTES, Kop, kop_of, logo_type
from sop_runtime.compiler.workflow import Workflow
from sop_runtime.definition.court import CourtFile
from sop_runtime.definition.loader import (
    Loaded,
    is_court_file,
    read_yaml_file,
    validate_as,
)
from sop_runtime.definition.models import SopDocument
from sop_runtime.definition.tarif import load_tarif
from sop_runtime.definition.tarif_layanan import load_tarif_layanan
from sop_runtime.definition.yamlsource import YamlError, format_path, load_yaml
from sop_runtime.errors import DefinitionError, NotFoundError
from sop_runtime.files import open_bytes
from sop_runtime.gcpause import gc_paused
from sop_runtime.i18n import current_lang, tr
from sop_runtime.problems import Problem, Severity

YAML_SUFFIXES = (".yaml", ".yml")


@dataclass
class Library:
    workflows: dict[str, Workflow] = field(default_factory=dict)
    documents: dict[str, Loaded[SopDocument]] = field(default_factory=dict)
    files: dict[str, str] = field(default_factory=dict)  # sop id -> file
    court: Loaded[CourtFile] | None = None
    court_checked: bool = False  # the court file is one of the files asked for
    problems: list[Problem] = field(default_factory=list)
    checked_files: list[str] = field(default_factory=list)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.ERROR]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity is Severity.WARNING]

    def checked_workflows(self) -> dict[str, Workflow]:
        """Valid workflows among the files that were asked for (not their siblings)."""
        asked = set(self.checked_files)
        return {k: w for k, w in self.workflows.items() if self.files[k] in asked}

    def kop(self) -> Kop | None:
        """The court's kop surat with its logo (without it when the logo cannot be read:
        validation reports why); None without a court file."""
        if self.court is None:
            return None
        try:
            logo = court_logo(self.court)
        except DefinitionError:
            logo = None
        return kop_of(self.court.model.pengadilan, logo)

    def titles(self) -> dict[str, str]:
        """SOP id -> its name, for every SOP of the library."""
        return {k: d.model.identitas.nama for k, d in self.documents.items()}

    def workflow(self, sop: str) -> Workflow:
        """A workflow by id or by file path."""
        if sop in self.workflows:
            return self.workflows[sop]
        for sop_id, file in self.files.items():
            if Path(file).resolve() == Path(sop).resolve() and sop_id in self.workflows:
                return self.workflows[sop_id]
        raise NotFoundError(tr("SOP '{s}' tidak ditemukan (lihat 'sop list')",
                               "SOP '{s}' not found (see 'sop list')", s=sop))


def expand(paths: Iterable[Path]) -> list[Path]:
    files: list[Path] = []
    for p in paths:
        if p.is_dir():
            found = sorted(f for f in p.iterdir() if f.suffix in YAML_SUFFIXES)
            if not found:
                raise NotFoundError(tr("folder '{p}' tidak berisi definisi (*.yaml, *.yml)",
                                       "the folder '{p}' holds no definitions (*.yaml, *.yml)",
                                       p=p))
            files.extend(found)
        elif p.exists():
            files.append(p)
        else:
            raise NotFoundError(tr("berkas atau folder '{p}' tidak ada",
                                   "file or folder '{p}' does not exist", p=p))
    return files


def compile_source(text: str, file: str, *, known_sops: Iterable[str] | None = None,
                   minutes_per_day: int = DEFAULT_MINUTES_PER_DAY) -> CompileResult:
    """Load and compile one SOP from its YAML text (load problems raise DefinitionError).

    Compiling is a pure function of its arguments (and of the language its problems are
    told in), so results are kept: a process compiles a stored version once, however many
    runtimes read it (each CLI command of the demo day, or of a test, opens its own)."""
    known = None if known_sops is None else frozenset(known_sops)
    kept = _compiled(text, file, known, minutes_per_day, current_lang())
    return CompileResult(kept.workflow, list(kept.problems))  # the workflow is frozen


@lru_cache(maxsize=256)
def _compiled(text: str, file: str, known_sops: frozenset[str] | None, minutes_per_day: int,
              _lang: str) -> CompileResult:
    with gc_paused():
        try:
            source = load_yaml(text, file)
        except YamlError as exc:
            raise DefinitionError(exc.problems) from None
        loaded = validate_as(source, SopDocument)
        return compile_document(loaded.model, loaded.source, known_sops=known_sops,
                                minutes_per_day=minutes_per_day)


def _fee_table_problems(court: CourtFile, court_file: Path) -> list[Problem]:
    """The problems of the fee tables the court file names (``tarif_panjar``,
    ``tarif_layanan``, relative to the court file's folder), so that a broken table is found
    before an action or a public page reads it."""
    problems: list[Problem] = []
    for name, load in ((court.tarif_panjar, load_tarif),
                       (court.tarif_layanan, load_tarif_layanan)):
        if name is None:
            continue
        path = Path(name)
        try:
            load(path if path.is_absolute() else court_file.parent / path)
        except DefinitionError as exc:
            problems.extend(exc.problems)
    return problems


def _published_problems(court: Loaded[CourtFile], known: set[str]) -> list[Problem]:
    """W210 for each SOP id the court's PTSP desks (``ptsp``) or its services' fee table
    name that the library does not hold."""
    problems: list[Problem] = []
    ptsp = court.model.ptsp
    for i, desk in enumerate(ptsp.meja if ptsp else ()):
        for j, sop in enumerate(desk.layanan):
            if sop not in known:
                where = ("ptsp", "meja", i, "layanan", j)
                line, col = court.source.where(where)
                problems.append(Problem("W210", court.source.file, line, col,
                                        format_path(where), {"where": "ptsp", "sop": sop}))
    name = court.model.tarif_layanan
    if name is not None:
        path = Path(name)
        path = path if path.is_absolute() else Path(court.source.file).parent / path
        try:
            table = load_tarif_layanan(path)
        except DefinitionError:
            return problems  # reported with the fee table's own problems
        for i, fee in enumerate(table.model.layanan):
            if fee.sop not in known:
                at = ("layanan", i, "sop")
                line, col = table.source.where(at)
                problems.append(Problem("W210", table.source.file, line, col,
                                        format_path(at), {"where": name, "sop": fee.sop}))
    return problems


def court_logo(court: Loaded[CourtFile]) -> bytes | None:
    """The court's logo file (``logo`` in the court file, relative to its folder), read;
    None when the court names none. DefinitionError holding the warning W208, at the court
    file's ``logo``, when the file cannot be read, is too large or is no PNG, JPEG or SVG
    image by its content: the court still runs, its printouts without a logo."""
    name = court.model.pengadilan.logo
    if name is None:
        return None
    path = Path(name)
    if not path.is_absolute():
        path = Path(court.source.file).parent / path
    try:
        with open_bytes(path) as f:
            data = f.read(LOGO_MAX_BYTES + 1)
    except OSError as exc:
        detail = tr("berkas logo '{p}' tidak dapat dibaca ({e})",
                    "the logo file '{p}' cannot be read ({e})", p=name,
                    e=exc.strerror or type(exc).__name__)
    else:
        if len(data) > LOGO_MAX_BYTES:
            detail = tr("berkas logo '{p}' lebih dari {n} KB", "the logo file '{p}' is over "
                        "{n} KB", p=name, n=LOGO_MAX_BYTES // 1024)
        elif logo_type(data) is None:
            detail = tr("berkas logo '{p}' bukan gambar PNG, JPEG atau SVG",
                        "the logo file '{p}' is no PNG, JPEG or SVG image", p=name)
        else:
            return data
    line, col = court.source.where(("pengadilan", "logo"))
    raise DefinitionError([Problem("W208", court.source.file, line, col, "pengadilan.logo",
                                   {"detail": detail})])


def load_library(paths: Iterable[Path], *, include_siblings: bool = True) -> Library:
    """Load, validate and compile every definition in ``paths``."""
    with gc_paused():
        return _load_library(list(paths), include_siblings)


def _load_library(paths: list[Path], include_siblings: bool) -> Library:
    given = expand(paths)
    siblings = _siblings(given) if include_siblings else []
    lib = Library()
    docs = _read(lib, given, siblings)
    first_file = _first_files(lib, docs)
    known = set(first_file)
    court_roles = {p.id for p in lib.court.model.peran} if lib.court else None
    minutes = (lib.court.model.minutes_per_working_day() if lib.court
               else DEFAULT_MINUTES_PER_DAY)
    for loaded, reported in docs:
        if first_file.get(loaded.model.id) != loaded.source.file:
            continue
        result = compile_document(loaded.model, loaded.source, known_sops=known,
                                  court_roles=court_roles, minutes_per_day=minutes)
        if reported:
            lib.problems.extend(result.problems)
        if result.workflow is not None:
            lib.workflows[loaded.model.id] = result.workflow
            lib.documents[loaded.model.id] = loaded
            lib.files[loaded.model.id] = loaded.source.file
    if lib.court is not None and lib.court_checked:
        lib.problems.extend(_published_problems(lib.court, known))
    lib.problems.sort(key=lambda p: (p.file, p.line, p.col, p.code))
    return lib


def _siblings(given: list[Path]) -> list[Path]:
    """The other definitions in the folders of the files given (read for the court file and
    the SOPs they refer to, their problems not reported)."""
    given_set = {f.resolve() for f in given}
    siblings: list[Path] = []
    for folder in sorted({f.resolve().parent for f in given}):
        siblings.extend(f for f in sorted(folder.iterdir())
                        if f.suffix in YAML_SUFFIXES and f.resolve() not in given_set)
    return siblings


def _read(lib: Library, given: list[Path], siblings: list[Path]
          ) -> list[tuple[Loaded[SopDocument], bool]]:
    """Read every file: the court file into ``lib`` (a given one before a sibling), the
    SOPs returned with whether their problems are reported (those of the files given)."""
    docs: list[tuple[Loaded[SopDocument], bool]] = []
    for f, reported in [(f, True) for f in given] + [(f, False) for f in siblings]:
        display = str(f)
        if reported:
            lib.checked_files.append(display)
        try:
            raw = read_yaml_file(f, display)
            if is_court_file(raw):
                court = validate_as(raw, CourtFile)
                if lib.court is None or reported:
                    lib.court = court
                    lib.court_checked = reported
                if reported:
                    lib.problems.extend(_fee_table_problems(court.model, f))
                    try:
                        court_logo(court)
                    except DefinitionError as exc:
                        lib.problems.extend(exc.problems)
                continue
            docs.append((validate_as(raw, SopDocument), reported))
        except DefinitionError as exc:
            if reported:
                lib.problems.extend(exc.problems)
    return docs


def _first_files(lib: Library, docs: list[tuple[Loaded[SopDocument], bool]]) -> dict[str, str]:
    """Each SOP id's first file; a later file with the same id is E112 (when reported)."""
    first_file: dict[str, str] = {}
    for loaded, reported in docs:
        sop_id = loaded.model.id
        if sop_id in first_file:
            if reported:
                line, col = loaded.source.where(("id",))
                lib.problems.append(Problem("E112", loaded.source.file, line, col, "id",
                                            {"id": sop_id, "other": first_file[sop_id]}))
            continue
        first_file[sop_id] = loaded.source.file
    return first_file
