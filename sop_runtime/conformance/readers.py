"""Reading a log kept elsewhere, CSV or XES, into the rows a replay needs, grouped by case.

A row that cannot be read (no case id, a time that is not a time, or one outside the years
every interface takes: :data:`sop_runtime.isotime.EARLIEST_YEAR` to ``LATEST_YEAR``) does not
stop the import: it is kept as a :class:`RowProblem` with its place in the file, and the
report lists it. A file that cannot be read at all, or lacks a column the mapping names, is
an error that says which file and which columns.

A log may come from anyone (the web app takes uploads), so reading it is bounded: memory
stays flat whatever the file holds (an XES file is read as a stream of elements, none kept;
a CSV line longer than :data:`MAX_LINE` is refused), an XES file with a DTD is refused (so
no entity is ever expanded and nothing outside the file is read), and so is one nested
deeper than :data:`MAX_DEPTH`.
"""

from __future__ import annotations

import csv
import gzip
import io
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from operator import itemgetter
from pathlib import Path
from typing import Any, BinaryIO, ClassVar, Literal, TextIO, cast
from xml.parsers import expat

from sop_runtime.conformance.mapping import Columns, LogMapping
from sop_runtime.errors import Kind, SopRuntimeError
from sop_runtime.files import open_bytes
from sop_runtime.i18n import tr
from sop_runtime.isotime import year_problem

PROGRESS_EVERY = 20_000
MAX_LINE = 1 << 20   # characters in one line of a CSV log (a real row is a few hundred)
MAX_DEPTH = 64       # XES nests log > trace > event > attribute > nested attributes
MAX_UNPACKED = 4 << 30  # bytes a .gz log may unpack to
# bytes fed to the XML parser at a time: expat before 2.6 parses a token that spans many
# feeds again at each one, so a 50 MB attribute fed in 16 KB pieces took minutes
_XES_CHUNK = 1 << 22

# lifecycle transitions that are the step being done; others (schedule, start...) are not
DONE_TRANSITIONS = frozenset({"", "complete"})


class LogError(SopRuntimeError):
    """The log file cannot be imported (bad input: exit 2)."""

    kind: ClassVar[Kind] = "bad_input"


@dataclass(frozen=True, slots=True)
class LogRow:
    """One activity of one case as the log records it. ``place`` is its line in a CSV file,
    or its position among the events of an XES file (1-based)."""

    place: int
    case: str
    activity: str
    resource: str
    at: datetime
    role: str = ""
    decision: str = ""
    values: dict[str, str] = field(default_factory=dict)
    day_only: bool = False  # the log gives the day, not the time: ``at`` is the day's close


@dataclass(frozen=True, slots=True)
class RowProblem:
    place: int
    case: str
    message: str


@dataclass
class ImportedLog:
    cases: dict[str, list[LogRow]] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    rows: int = 0            # activities read (every lifecycle)
    not_done: int = 0        # lifecycle transitions other than the step being done


def log_format(path: Path, mapping: LogMapping) -> Literal["csv", "xes"]:
    if mapping.format is not None:
        return mapping.format
    suffix = _plain(path).suffix.lower()
    if suffix in (".xes", ".xml"):
        return "xes"
    if suffix in (".csv", ".txt", ".tsv"):
        return "csv"
    raise LogError(tr("{f}: jenis log tidak diketahui dari akhiran '{s}'; tulis 'format: csv' "
                      "atau 'format: xes' di berkas pemetaan",
                      "{f}: cannot tell the log's kind from '{s}'; put 'format: csv' or "
                      "'format: xes' in the mapping file", f=path, s=suffix or "-"))


def _plain(path: Path) -> Path:
    """The log's name without ``.gz``: ``log.xes.gz`` is an XES log."""
    return path.with_suffix("") if path.suffix.lower() == ".gz" else path


class _Capped(io.RawIOBase):
    """A gzip stream refused past :data:`MAX_UNPACKED` bytes (a small file may unpack to a
    huge one)."""

    def __init__(self, raw: gzip.GzipFile, path: Path) -> None:
        self.raw, self.path, self.total = raw, path, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self.raw.readinto(buffer)
        self.total += n
        if self.total > MAX_UNPACKED:
            raise LogError(tr("{f}: isi gzip lebih dari {m} GB; ini bukan log",
                              "{f}: the gzip holds more than {m} GB; this is no log",
                              f=self.path, m=MAX_UNPACKED >> 30))
        return int(n)


@contextmanager
def _opened(path: Path) -> Iterator[BinaryIO]:
    """The log's bytes, unpacked when its name ends in ``.gz``."""
    with open_bytes(path) as f:
        if path.suffix.lower() != ".gz":
            yield f
            return
        with gzip.GzipFile(fileobj=f) as packed:
            yield cast(BinaryIO, io.BufferedReader(_Capped(packed, path), 1 << 16))


def read_log(path: Path, mapping: LogMapping, tz: tzinfo, *,
             day_close: Callable[[date], datetime] | None = None,
             progress: Callable[[int], None] | None = None) -> ImportedLog:
    """Read ``path`` as the mapping says; times without an offset are at ``tz`` (the
    mapping's zona_waktu wins); a date without a time stands at ``day_close(day)`` (default:
    the day's last second at ``tz``). ``progress(rows read)`` is called every few thousand
    rows."""
    fmt = log_format(path, mapping)
    cols = mapping.columns(fmt)
    zone = mapping.zone or tz
    parse = _time_parser(mapping.time_format, zone, day_close or (
        lambda d: datetime.combine(d, time(23, 59, 59), zone)))
    out = ImportedLog()
    keys = _keys(cols, mapping)
    items = tuple(mapping.values)
    try:
        source = _csv(path, mapping, keys) if fmt == "csv" else _xes(path, cols, keys)
        for place, fields in source:
            out.rows += 1
            _add(out, place, fields, items, parse)
            if progress is not None and not out.rows % PROGRESS_EVERY:
                progress(out.rows)
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise LogError(tr("{f}: berkas gzip rusak atau terpotong ({e})",
                          "{f}: a damaged or truncated gzip file ({e})",
                          f=path, e=exc)) from None
    except OSError as exc:
        raise LogError(tr("{f}: log tidak dapat dibaca: {e}", "{f}: the log cannot be read: {e}",
                          f=path, e=exc.strerror or exc)) from None
    except UnicodeDecodeError as exc:
        raise LogError(tr("{f}: bukan teks UTF-8 ({e})", "{f}: not UTF-8 text ({e})",
                          f=path, e=exc.reason)) from None
    except expat.ExpatError as exc:
        raise LogError(tr("{f}:{line}: XES tidak sah: {e}", "{f}:{line}: invalid XES: {e}",
                          f=path, line=exc.lineno, e=expat.ErrorString(exc.code))) from None
    except csv.Error as exc:
        raise LogError(tr("{f}: CSV tidak sah: {e}", "{f}: invalid CSV: {e}",
                          f=path, e=exc)) from None
    return out


def _keys(cols: Columns, mapping: LogMapping) -> tuple[str | None, ...]:
    """The columns (XES keys) a row's fields are read from, in the order :func:`_add` takes
    them: case, activity, person, time, decision, lifecycle, role, then each mapped value's;
    None: a column the log need not have."""
    return (cols.case, cols.activity, cols.resource, cols.time, cols.decision, cols.lifecycle,
            cols.role, *mapping.values.values())


def _add(out: ImportedLog, place: int, fields: tuple[str, ...], items: tuple[str, ...],
         parse: Callable[[str], tuple[datetime, bool]]) -> None:
    """One row from its ``fields`` (in :func:`_keys`' order; "" for a column it lacks)."""
    case, activity, person, stamp, decision, lifecycle, role = fields[:7]
    case = case.strip()
    if not case:
        out.problems.append(RowProblem(place, "", tr("tanpa nomor perkara", "no case id")))
        return
    if lifecycle and lifecycle.strip().lower() not in DONE_TRANSITIONS:
        out.not_done += 1
        return
    stamp = stamp.strip()
    try:
        at, day_only = parse(stamp)
    except ValueError:
        out.problems.append(RowProblem(place, case, tr(
            "waktu '{t}' tidak dapat dibaca", "time '{t}' cannot be read", t=stamp)))
        return
    outside = year_problem(at)
    if outside is not None:  # the rules' calendar would run off its ends, or for minutes
        out.problems.append(RowProblem(place, case, tr(
            "waktu '{t}': {why}", "time '{t}': {why}", t=stamp, why=outside)))
        return
    values = {item: value for item, value in zip(items, fields[7:], strict=True)
              if value and not value.isspace()} if items else {}
    row = LogRow(place, case, activity.strip(), person.strip(), at, role.strip(),
                 decision.strip(), values, day_only)
    rows = out.cases.get(case)
    if rows is None:
        out.cases[case] = [row]
    else:
        rows.append(row)


# strptime directives that read a time of day: a format with none of them reads dates only
_TIME_DIRECTIVES = ("%H", "%I", "%M", "%S", "%X", "%c", "%T", "%R", "%p", "%f")


def _time_parser(fmt: str | None, tz: tzinfo, day_close: Callable[[date], datetime]
                 ) -> Callable[[str], tuple[datetime, bool]]:
    """Text to (moment, day only). A date without a time of day (ISO ``2026-03-02``, or a
    ``format_waktu`` that reads no time) stands at ``day_close`` of its day."""
    strptime = datetime.strptime
    fromiso = datetime.fromisoformat
    dates_only = fmt is not None and not any(d in fmt for d in _TIME_DIRECTIVES)
    closes: dict[date, datetime] = {}

    def close(d: date) -> datetime:
        moment = closes.get(d)
        if moment is None:
            moment = closes[d] = day_close(d)
        return moment

    # one object per offset the log writes: moments with the same zone object compare
    # without asking it their offsets, a quarter of a microsecond each time
    zones: dict[tzinfo, tzinfo] = {}

    def parse(text: str) -> tuple[datetime, bool]:
        if fmt:
            moment = strptime(text, fmt)
            if dates_only:
                return close(moment.date()), True
        else:
            moment = fromiso(text)
            if len(text) <= 10:  # ISO date alone: 2026-03-02 (or 20260302)
                return close(moment.date()), True
        zone = moment.tzinfo
        if zone is None:
            return moment.replace(tzinfo=tz), False
        same = zones.setdefault(zone, zone)  # (the same offset: the same wall time)
        return (moment if same is zone else moment.replace(tzinfo=same)), False

    return parse


def _csv(path: Path, mapping: LogMapping, keys: tuple[str | None, ...]
         ) -> Iterator[tuple[int, tuple[str, ...]]]:
    with _opened(path) as raw, io.TextIOWrapper(raw, encoding="utf-8-sig", newline="") as f:
        reader = csv.reader(_bounded_lines(f, path), delimiter=mapping.delimiter)
        header = next(reader, None)
        if header is None:
            raise LogError(tr("{f}: log kosong", "{f}: the log is empty", f=path))
        header = [h.strip() for h in header]
        missing = [c for c in dict.fromkeys(keys) if c and c not in header]
        if missing:
            raise LogError(tr(
                "{f}:1: kolom {m} tidak ada; kolom log: {h}",
                "{f}:1: no column {m}; the log's columns: {h}",
                f=path, m=", ".join(repr(c) for c in missing), h=", ".join(header)))
        width = len(header)
        # a column the log need not have reads the blank cell put after the row's own
        pick = itemgetter(*(header.index(k) if k else width for k in keys))
        blanks = [""] * (width + 1)
        for line, cells in enumerate(reader, start=2):
            if not cells:
                continue
            if len(cells) != width:
                cells = (cells + blanks)[:width]
            cells.append("")
            yield line, pick(cells)


def _bounded_lines(f: TextIO, path: Path) -> Iterator[str]:
    """The lines of ``f``, refusing one longer than :data:`MAX_LINE` before it is read
    whole (a single line of a few MB would otherwise be split into millions of cells)."""
    number = 0
    while line := f.readline(MAX_LINE + 1):
        number += 1
        if len(line) > MAX_LINE:
            raise LogError(tr("{f}:{n}: baris lebih panjang dari {m} karakter; ini bukan log",
                              "{f}:{n}: a line longer than {m} characters; this is no log",
                              f=path, n=number, m=f"{MAX_LINE:,}"))
        yield line


def _local(name: str) -> str:
    """An element's name without its namespace (expat joins them with a space)."""
    return name.rsplit(" ", 1)[-1]


def _xes(path: Path, cols: Columns, keys: tuple[str | None, ...]
         ) -> Iterator[tuple[int, tuple[str, ...]]]:
    """The events of an XES file, each with its trace's ``cols.case`` attribute, read as a
    stream: only the open elements' attributes are held."""
    found: list[tuple[int, tuple[str, ...]]] = []
    event_keys = keys[1:]
    place = 0
    trace: dict[str, str] = {}
    event: dict[str, str] | None = None
    depth_in_event = 0
    open_attrs: list[dict[str, str]] = []
    parser = expat.ParserCreate(namespace_separator=" ")

    def refuse(message: tuple[str, str]) -> LogError:
        return LogError(tr("{f}:{line}: " + message[0], "{f}:{line}: " + message[1],
                           f=path, line=parser.CurrentLineNumber, depth=MAX_DEPTH))

    def doctype(*_: Any) -> None:
        raise refuse(("XES dengan DTD (<!DOCTYPE>) tidak diterima",
                      "an XES file with a DTD (<!DOCTYPE>) is not accepted"))

    def start(name: str, attrs: dict[str, str]) -> None:
        nonlocal trace, event, depth_in_event
        if len(open_attrs) >= MAX_DEPTH:
            raise refuse(("elemen bersarang lebih dari {depth} tingkat",
                          "elements nested deeper than {depth} levels"))
        open_attrs.append(attrs)
        tag = _local(name)
        if tag == "trace":
            trace = {}
        elif tag == "event":
            event = {}
            depth_in_event = 0
        elif event is not None:
            depth_in_event += 1

    def end(name: str) -> None:
        nonlocal event, place, depth_in_event
        attrs = open_attrs.pop()
        tag = _local(name)
        if tag == "event" and event is not None:
            place += 1
            found.append((place, (trace.get(cols.case, ""), *(
                event.get(k, "") if k else "" for k in event_keys))))
            event = None
        elif tag == "trace":
            pass
        elif "key" in attrs and "value" in attrs:
            if event is not None:
                if depth_in_event == 1:  # a direct attribute of the event, not a nested one
                    event[attrs["key"]] = attrs["value"]
                depth_in_event -= 1
            else:
                trace.setdefault(attrs["key"], attrs["value"])
        elif event is not None:
            depth_in_event -= 1

    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = doctype
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartElementHandler = start
    parser.EndElementHandler = end
    with _opened(path) as f:
        while chunk := f.read(_XES_CHUNK):
            parser.Parse(chunk, False)
            yield from found
            found.clear()
        parser.Parse(b"", True)
    yield from found
