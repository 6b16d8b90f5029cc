"""Read YAML into plain Python data while keeping where every value stood.

PyYAML's composer gives a node tree with marks; we build the data from it ourselves so that
duplicate keys are errors instead of silently overwriting each other, and we keep the tree:
the ``(line, col)`` (1-based) of any path is looked up in it only when a problem has to be
reported, so a valid file pays nothing for positions.

Scalars follow YAML 1.1 as PyYAML resolves them, except that keys are always the text as
written (the official column ``no`` must not become ``False``) and sexagesimal numbers
(``14:30`` -> 870) stay strings: office hours must not become integers.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

from sop_runtime.i18n import tr
from sop_runtime.problems import Problem

try:  # the C parser is much faster; it is in PyYAML's wheels
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment,unused-ignore]
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader

Path = tuple[str | int, ...]

_STR_TAG = "tag:yaml.org,2002:str"
_MERGE_TAG = "tag:yaml.org,2002:merge"
_SEXAGESIMAL = re.compile(r"^[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?$")
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


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


@dataclass
class YamlDoc:
    """Plain data plus the node tree it was built from (for positions)."""

    file: str
    data: Any
    root: yaml.Node | None = None

    def _walk(self, path: Path) -> tuple[yaml.Node | None, yaml.Node | None]:
        """The deepest node on ``path`` and, if the last step was a mapping key, its key node."""
        node = self.root
        key_node = None
        for part in path:
            if isinstance(node, yaml.MappingNode):
                hit = next(((k, v) for k, v in node.value if k.value == part), None)
                if hit is None:
                    return node, None
                key_node, node = hit
            elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
                if not 0 <= part < len(node.value):
                    return node, None
                key_node, node = None, node.value[part]
            else:
                return node, None
        return node, key_node

    def where(self, path: Path) -> tuple[int, int]:
        """The position of ``path``, or of its closest existing parent."""
        node, _ = self._walk(tuple(path))
        return _mark(node) if node is not None else (1, 1)

    def where_key(self, path: Path) -> tuple[int, int]:
        """Position of the key that names ``path`` (for unknown/missing keys)."""
        node, key_node = self._walk(tuple(path))
        if key_node is not None:
            return _mark(key_node)
        return _mark(node) if node is not None else (1, 1)


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
        doc = YamlDoc(file=file, data=None, root=node)
        problems: list[Problem] = []
        if node is not None:
            doc.data = _Builder(loader, file, problems, max(_LEAST_BUDGET, len(text))
                                ).build(node, ())
        if problems:
            raise YamlError(problems)
        return doc
    finally:
        loader.dispose()


# values built from a document: without aliases there are fewer than its characters; an
# alias repeats its anchor's whole value, and aliases of aliases multiply (the "billion
# laughs": a few lines that build 10**9 values), so at most this many, or one per character
_LEAST_BUDGET = 10_000


class _Builder:
    def __init__(self, loader: Any, file: str, problems: list[Problem], budget: int) -> None:
        self.loader = loader
        self.file = file
        self.problems = problems
        self.budget = budget

    def build(self, node: yaml.Node, path: Path) -> Any:
        # ``path`` is only used to name the place of a problem.
        self.budget -= 1
        if self.budget < 0:
            line, col = _mark(node)
            raise YamlError([Problem("E001", self.file, line, col, format_path(path), {
                "detail": tr("alias YAML mengembang terlalu besar (lebih banyak nilai daripada "
                             "karakter berkas)", "YAML aliases expand too far (more values "
                             "than the file has characters)")})])
        if type(node) is yaml.ScalarNode:
            return node.value if node.tag == _STR_TAG else self._scalar(node)
        if type(node) is yaml.MappingNode:
            if any(k.tag == _MERGE_TAG for k, _ in node.value):
                self.loader.flatten_mapping(node)  # merge keys (<<)
            result: dict[str, Any] = {}
            for key_node, value_node in node.value:
                # Keys are text as written: YAML 1.1 would read ``no`` as false.
                if type(key_node) is not yaml.ScalarNode:
                    line, col = _mark(key_node)
                    self.problems.append(Problem(
                        "E012", self.file, line, col, format_path(path),
                        {"detail": tr("kunci harus berupa teks", "a key must be text")}))
                    continue
                key = str(key_node.value)
                if key in result:
                    first = next(k for k, _ in node.value if k.value == key)
                    line, col = _mark(key_node)
                    self.problems.append(Problem(
                        "E002", self.file, line, col, format_path((*path, key)),
                        {"key": key, "first_line": first.start_mark.line + 1}))
                    continue
                result[key] = self.build(value_node, (*path, key))
            return result
        if type(node) is yaml.SequenceNode:
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        raise TypeError(f"unexpected YAML node {node!r}")  # pragma: no cover

    def _scalar(self, node: yaml.Node) -> Any:
        if (node.tag in ("tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
                and _SEXAGESIMAL.match(node.value)):
            return node.value
        try:
            return self.loader.construct_object(node, deep=True)
        except ValueError:
            # e.g. 2026-02-30 matches the timestamp pattern but is no date: keep the text and
            # let the schema report it where it stands.
            return node.value
