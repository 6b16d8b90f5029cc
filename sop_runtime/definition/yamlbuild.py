"""Plain data from the YAML parser's events, built within bounds.

PyYAML's composer makes a node tree in which an alias *is* the anchored node, so a builder
walking that tree builds an aliased value again at every reference: nine levels of ten
aliases fit in 3 KB and stand for 10**9 values. Here the data is built straight from the
parser's events, on an explicit stack (no recursion however deep the text nests), and each
bound of :class:`YamlLimits` is checked *before* what it guards is taken in:

- depth, when a collection opens;
- aliases, at each ``*alias``;
- values (nodes), counting an alias as everything it stands for: an anchored value's size is
  known when it closes, so a bomb is refused at the alias that would pass the budget,
  before anything is expanded.

An alias's value is the anchored object itself (PyYAML's constructor shares it too); whoever
walks the data walks at most the node budget.

Scalars follow YAML 1.1 as PyYAML resolves them, except that keys are always the text as
written (the official column ``no`` must not become ``False``) and sexagesimal numbers
(``14:30`` -> 870) stay strings: office hours must not become integers. Only the standard
scalar tags are read (str, int, float, bool, null, timestamp); any other tag, or a value
its explicit tag cannot read (``!!bool maybe``), is a problem at its place, never an error
raised from PyYAML's constructor.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, NoReturn

import yaml
from yaml.constructor import SafeConstructor

from sop_runtime.i18n import tr
from sop_runtime.problems import Problem

Path = tuple[str | int, ...]

_PREFIX = "tag:yaml.org,2002:"
STR_TAG = _PREFIX + "str"
_SEQ_TAG = _PREFIX + "seq"
_MAP_TAG = _PREFIX + "map"
_NUMBER_TAGS = frozenset((_PREFIX + "int", _PREFIX + "float"))
# The typed scalars a value may carry, written or resolved, each read by the safe constructor.
_SCALARS: dict[str, Callable[[Any, yaml.ScalarNode], Any]] = {
    _PREFIX + name: SafeConstructor.yaml_constructors[_PREFIX + name]
    for name in ("int", "float", "bool", "null", "timestamp")}
_KEY_TAGS = frozenset((STR_TAG, *_SCALARS))
_SUPPORTED = "!!str, !!int, !!float, !!bool, !!null, !!timestamp"
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
# First characters with which a plain scalar may resolve to something other than a string
# (bool, null, int, float, timestamp, merge, value). Anything else is text, decided here
# without running the resolver's regular expressions.
_MAYBE_TYPED = frozenset("0123456789+-.~<=yYnNtTfFoO")

MB = 1024 * 1024


@dataclass(frozen=True, slots=True)
class YamlLimits:
    """What reading one YAML text may cost. The defaults leave ample room: a generated
    500-step SOP is 0.1 MB, 5 levels deep, 9,575 values and has no alias."""

    max_bytes: int = 4 * MB
    max_depth: int = 64
    max_aliases: int = 100
    max_nodes: int = 200_000


def size_text(n: int) -> str:
    return f"{n / MB:g} MB" if n >= MB and n % (MB // 4) == 0 else f"{n} byte"


def show_tag(tag: str) -> str:
    return "!!" + tag[len(_PREFIX):] if tag.startswith(_PREFIX) else tag


def _short(text: str) -> str:
    return text if len(text) <= 40 else text[:37] + "..."


class Refused(Exception):
    """A bound was passed; the problem saying which is the last of the builder's."""


# What a mapping frame waits for: a key, or the value of a key that is to be dropped (a
# duplicate, or a key that was no text), or a merge (``<<``). Otherwise ``key`` holds the
# key's text; a sequence frame's ``key`` is None.
_NO_KEY, _DROP, _MERGE = object(), object(), object()


class _Frame:
    __slots__ = ("anchor", "data", "key", "lines", "mark", "merges", "name", "start")

    def __init__(self, is_map: bool, mark: Any, start: int, name: str | int,
                 anchor: str | None) -> None:
        self.data: Any = {} if is_map else []
        self.key: object = _NO_KEY if is_map else None
        self.lines: dict[str, int] = {}      # a mapping's keys and their lines
        self.merges: list[dict[str, Any]] = []
        self.mark, self.start, self.name, self.anchor = mark, start, name, anchor

    def value(self) -> Any:
        if not self.merges:
            return self.data
        merged: dict[str, Any] = {}
        for part in reversed(self.merges):   # the first merged mapping wins, the own keys most
            merged.update(part)
        merged.update(self.data)
        return merged


@dataclass(frozen=True, slots=True)
class _Anchor:
    value: Any
    size: int | None          # None while the anchored collection is still open
    text: str | None          # a scalar's text as written (for use as a key)
    mark: Any


class Builder:
    """Builds one document from ``loader``'s events; problems go to ``problems``."""

    def __init__(self, loader: Any, file: str, limits: YamlLimits) -> None:
        self.loader, self.file, self.limits = loader, file, limits
        self.problems: list[Problem] = []
        self.anchors: dict[str, _Anchor] = {}
        self.stack: list[_Frame] = []

    def document(self) -> Any:
        """The single document's data (None for an empty stream)."""
        get_event = self.loader.get_event
        get_event()  # stream start
        event = get_event()
        if type(event) is yaml.StreamEndEvent:
            return None
        data = self._body()
        get_event()  # document end
        event = get_event()
        if type(event) is not yaml.StreamEndEvent:
            self._refuse("E001", event.start_mark, detail=tr(
                "berkas hanya boleh berisi satu dokumen; dokumen kedua mulai di sini",
                "the file may hold one document only; a second one starts here"))
        return data

    def _body(self) -> Any:
        get_event, stack, anchors = self.loader.get_event, self.stack, self.anchors
        max_nodes = self.limits.max_nodes
        max_aliases = self.limits.max_aliases
        nodes = aliases = 0
        scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
        map_start, seq_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
        map_end, seq_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
        while True:
            event = get_event()
            kind = type(event)
            if kind is scalar_event:
                nodes += 1
                if nodes > max_nodes:
                    self._refuse("E008", event.start_mark, limit=max_nodes)
                if stack and stack[-1].key is _NO_KEY:
                    self._key(stack[-1], event)
                    continue
                value = self._scalar(event)
                mark = event.start_mark
                if event.anchor is not None:
                    self._anchor(event.anchor, _Anchor(value, 1, event.value, mark))
            elif kind is map_start or kind is seq_start:
                nodes += 1
                if nodes > max_nodes:
                    self._refuse("E008", event.start_mark, limit=max_nodes)
                self._open(event, kind is map_start, nodes - 1)
                continue
            elif kind is map_end or kind is seq_end:
                frame = stack.pop()
                value = frame.value()
                mark = frame.mark
                if frame.anchor is not None:
                    anchors[frame.anchor] = _Anchor(value, nodes - frame.start, None, mark)
                if stack and stack[-1].key is _NO_KEY:  # ? [a, b] : ...
                    self._not_text(stack[-1], mark)
                    continue
            elif kind is alias_event:
                mark = event.start_mark
                aliases += 1
                if aliases > max_aliases:
                    self._refuse("E007", mark, limit=max_aliases)
                anchor, size = self._alias(event)
                nodes += size
                if nodes > max_nodes:
                    self._refuse("E008", mark, limit=max_nodes)
                if stack and stack[-1].key is _NO_KEY:
                    if anchor.text is None:
                        self._not_text(stack[-1], mark)
                    else:
                        self._key_text(stack[-1], anchor.text, mark)
                    continue
                value = anchor.value
            else:  # pragma: no cover - the parser gives nothing else inside a document
                raise TypeError(f"unexpected YAML event {event!r}")
            if not stack:
                return value
            top = stack[-1]
            key = top.key
            if key is None:
                top.data.append(value)
                continue
            top.key = _NO_KEY
            if key is _MERGE:
                self._merge(top, value, mark)
            elif key is not _DROP:
                top.data[key] = value

    def _open(self, event: Any, is_map: bool, start: int) -> None:
        """A mapping or sequence starts: within the depth limit, with a supported tag; its
        frame named for the error paths by the key or index it stands at."""
        stack = self.stack
        if len(stack) >= self.limits.max_depth:
            self._refuse("E006", event.start_mark, limit=self.limits.max_depth)
        tag = event.tag
        if tag is not None and tag != "!" and tag != (_MAP_TAG if is_map else _SEQ_TAG):
            self._unsupported(tag, event.start_mark)
        name: str | int = "?"
        if stack:
            top = stack[-1]
            name = (len(top.data) if top.key is None
                    else top.key if isinstance(top.key, str) else "?")
        frame = _Frame(is_map, event.start_mark, start, name, event.anchor)
        if event.anchor is not None:
            self._anchor(event.anchor, _Anchor(None, None, None, event.start_mark))
        stack.append(frame)

    def _alias(self, event: Any) -> tuple[_Anchor, int]:
        """The anchor an alias refers to and how many nodes its value counts: written
        before the alias, and not around it."""
        mark = event.start_mark
        anchor = self.anchors.get(event.anchor)
        if anchor is None:
            self._refuse("E001", mark, detail=tr(
                "alias *{a} tidak dikenal: &{a} harus ditulis sebelumnya",
                "unknown alias *{a}: &{a} must be written before it", a=event.anchor))
        if anchor.size is None:
            self._refuse("E001", mark, detail=tr(
                "alias *{a} berada di dalam nilai yang dirujuknya sendiri",
                "the alias *{a} stands inside the value it refers to", a=event.anchor))
        return anchor, anchor.size

    # -- keys ---------------------------------------------------------------------------

    def _key(self, top: _Frame, event: Any) -> None:
        # Keys are text as written: YAML 1.1 would read ``no`` as false.
        tag, text = event.tag, event.value
        if tag is not None and tag != "!" and tag not in _KEY_TAGS:
            self._unsupported(tag, event.start_mark)
        elif event.anchor is not None:
            self._anchor(event.anchor, _Anchor(self._scalar(event), 1, text, event.start_mark))
        if text == "<<" and tag is None and event.implicit[0]:
            top.key = _MERGE
            return
        self._key_text(top, text, event.start_mark)

    def _key_text(self, top: _Frame, text: str, mark: Any) -> None:
        first = top.lines.get(text)
        if first is not None:
            self._problem("E002", mark, (*self._path(), text), key=text, first_line=first)
            top.key = _DROP
            return
        top.lines[text] = mark.line + 1
        top.key = text

    def _not_text(self, top: _Frame, mark: Any) -> None:
        self._problem("E012", mark, self._path(),
                      detail=tr("kunci harus berupa teks", "a key must be text"))
        top.key = _DROP

    def _merge(self, top: _Frame, value: Any, mark: Any) -> None:
        """``<<: *defaults`` or ``<<: [*a, *b]``: keys the mapping does not set itself."""
        parts = value if isinstance(value, list) else [value]
        if all(isinstance(part, dict) for part in parts):
            top.merges.extend(parts)
            return
        self._problem("E012", mark, (*self._path(), "<<"), detail=tr(
            "'<<' harus berisi pemetaan atau daftar pemetaan",
            "'<<' must hold a mapping or a list of mappings"))

    # -- scalars ------------------------------------------------------------------------

    def _scalar(self, event: Any) -> Any:
        value: str = event.value
        tag = event.tag
        if tag is None or tag == "!":
            if event.implicit[0] and value and value[0] not in _MAYBE_TYPED:
                return value
            tag = self.loader.resolve(yaml.ScalarNode, value, event.implicit)
            build = _SCALARS.get(tag)
            if build is None or (tag in _NUMBER_TAGS and _SEXAGESIMAL.match(value)):
                return value  # text; also '<<' or '=' where a value stands
            try:
                return build(self.loader, yaml.ScalarNode(tag, value, event.start_mark))
            except Exception:
                # e.g. 2026-02-30 matches the timestamp pattern but is no date: keep the
                # text and let the schema report it where it stands.
                return value
        if tag == STR_TAG:
            return value
        build = _SCALARS.get(tag)
        if build is None:
            self._unsupported(tag, event.start_mark)
            return None
        if tag in _NUMBER_TAGS and _SEXAGESIMAL.match(value):
            return value
        try:
            return build(self.loader, yaml.ScalarNode(tag, value, event.start_mark))
        except Exception:  # every constructor error: ValueError, KeyError, AttributeError...
            self._problem("E009", event.start_mark, self._path(), tag=show_tag(tag),
                          detail=tr(" untuk nilai '{v}'", " for the value '{v}'",
                                    v=_short(value)))
            return None

    def _unsupported(self, tag: str, mark: Any) -> None:
        self._problem("E009", mark, self._path(), tag=_short(show_tag(tag)),
                      detail=tr("; yang didukung: {s}", "; supported: {s}", s=_SUPPORTED))

    # -- anchors, places and problems ---------------------------------------------------

    def _anchor(self, name: str, anchor: _Anchor) -> None:
        first = self.anchors.get(name)
        if first is not None:  # PyYAML's composer, which gives positions, refuses it too
            self._refuse("E001", anchor.mark, detail=tr(
                "anchor &{a} sudah dipakai di baris {line}",
                "the anchor &{a} is already used at line {line}", a=name,
                line=first.mark.line + 1))
        self.anchors[name] = anchor

    def _path(self) -> Path:
        """Where the next value goes (its mapping key or sequence index)."""
        parts: list[str | int] = [f.name for f in self.stack[1:]]
        if self.stack:
            top = self.stack[-1]
            if top.key is None:
                parts.append(len(top.data))
            elif isinstance(top.key, str):
                parts.append(top.key)
        return tuple(parts)

    def _problem(self, code: str, mark: Any, path: Path, **params: object) -> None:
        where = format_path(path)
        if len(where) > 200:  # long keys 64 levels deep
            where = "..." + where[-197:]
        self.problems.append(Problem(code, self.file, mark.line + 1, mark.column + 1, where,
                                     params))

    def _refuse(self, code: str, mark: Any, **params: object) -> NoReturn:
        self._problem(code, mark, self._path(), **params)
        raise Refused


def format_path(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out
