"""Read YAML into plain Python data while remembering where every value stood.

PyYAML's composer gives nodes with marks; we build the data ourselves so that every
mapping key, list item and scalar has a ``(line, col)`` (1-based) keyed by its path, and
so that duplicate keys are errors instead of silently overwriting each other.

Scalars follow YAML 1.1 as PyYAML resolves them, except that sexagesimal numbers
(``14:30`` -> 870) are kept as strings: office hours must not become integers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from sop_runtime.i18n import tr
from sop_runtime.problems import Problem

try:  # the C parser is much faster; it is in PyYAML's wheels
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment,unused-ignore]
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader

Path = tuple[str | int, ...]

_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")


_STR_TAG = "tag:yaml.org,2002:str"
# First characters with which a plain scalar may resolve to something other than a string
# (bool, null, int, float, timestamp, merge, value). Anything else is text, decided here
# without running the resolver's regular expressions.
_MAYBE_TYPED = frozenset("0123456789+-.~<=yYnNtTfFoO")


class _Loader(_BaseLoader):  # type: ignore[valid-type,misc]
    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        if (kind is yaml.ScalarNode and implicit[0] and value
                and value[0] not in _MAYBE_TYPED):
            return _STR_TAG
        return super().resolve(kind, value, implicit)


@dataclass
class YamlDoc:
    """Plain data plus the position of every path in it."""

    file: str
    data: Any
    marks: dict[Path, tuple[int, int]] = field(default_factory=dict)
    key_marks: dict[Path, tuple[int, int]] = field(default_factory=dict)

    def where(self, path: Path) -> tuple[int, int]:
        """The closest known position of ``path`` (walking up to its parents)."""
        p = tuple(path)
        while True:
            if p in self.marks:
                return self.marks[p]
            if not p:
                return (1, 1)
            p = p[:-1]

    def where_key(self, path: Path) -> tuple[int, int]:
        """Position of the key that names ``path`` (for unknown/missing keys)."""
        return self.key_marks.get(tuple(path)) or self.where(path)


def format_path(path: Path) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


class YamlError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.format() for p in problems))


def load_yaml(text: str, file: str) -> YamlDoc:
    """Parse ``text``; raise :class:`YamlError` with positioned problems on failure."""
    loader = _Loader(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
            detail = " ".join(s for s in (exc.context, exc.problem) if s) or str(exc)
            raise YamlError([Problem("E001", file, line, col, "", {"detail": detail})]) from None
        except yaml.YAMLError as exc:
            raise YamlError([Problem("E001", file, 1, 1, "", {"detail": str(exc)})]) from None
        doc = YamlDoc(file=file, data=None)
        problems: list[Problem] = []
        if node is not None:
            doc.data = _build(loader, node, (), doc, problems)
        if problems:
            raise YamlError(problems)
        return doc
    finally:
        loader.dispose()


def _build(loader: Any, node: yaml.Node, path: Path, doc: YamlDoc, problems: list[Problem]) -> Any:
    mark = node.start_mark
    doc.marks[path] = (mark.line + 1, mark.column + 1)
    if isinstance(node, yaml.ScalarNode):
        return node.value if node.tag == _STR_TAG else _scalar(loader, node)
    if isinstance(node, yaml.MappingNode):
        if any(k.tag == "tag:yaml.org,2002:merge" for k, _ in node.value):
            loader.flatten_mapping(node)  # merge keys (<<)
        result: dict[Any, Any] = {}
        first_seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            # Keys are text as written: YAML 1.1 would read the official column name
            # ``no`` as the boolean false.
            if not isinstance(key_node, yaml.ScalarNode):
                problems.append(Problem(
                    "E012", doc.file, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                    format_path(path), {"detail": tr("kunci harus berupa teks",
                                                     "a key must be text")}))
                continue
            key = str(key_node.value)
            kline = key_node.start_mark.line + 1
            if key in result:
                problems.append(Problem(
                    "E002", doc.file, kline, key_node.start_mark.column + 1,
                    format_path((*path, key)), {"key": key, "first_line": first_seen[key]}))
                continue
            first_seen[key] = kline
            doc.key_marks[(*path, key)] = (kline, key_node.start_mark.column + 1)
            result[key] = _build(loader, value_node, (*path, key), doc, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(loader, item, (*path, i), doc, problems)
                for i, item in enumerate(node.value)]
    return _scalar(loader, node)


def _scalar(loader: Any, node: yaml.Node) -> Any:
    if node.tag == "tag:yaml.org,2002:int" and _SEXAGESIMAL.match(node.value):
        return node.value
    if node.tag == "tag:yaml.org,2002:float" and _SEXAGESIMAL.match(node.value):
        return node.value
    try:
        return loader.construct_object(node, deep=True)
    except ValueError:
        # e.g. 2026-02-30 matches the timestamp pattern but is no date: keep the text and
        # let the schema report it where it stands.
        return node.value
