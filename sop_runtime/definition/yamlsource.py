"""Read YAML into plain Python data while keeping where every value stood.

The data is built from the parser's events within bounds (:mod:`.yamlbuild`): size, depth,
aliases and values counted with what each alias stands for, so that no text -- a billion
laughs, ``[[[[...]]]]`` nested 100,000 deep, an unknown tag -- costs more than its bounds or
ends in anything but a :class:`YamlError` whose problems say where. Duplicate keys are
errors instead of silently overwriting each other.

The ``(line, col)`` (1-based) of a path is looked up in PyYAML's node tree, composed from
the text only when a problem has to be reported, so a valid file pays nothing for positions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import yaml

from sop_runtime.definition.yamlbuild import (
    Builder,
    Path,
    Refused,
    YamlLimits,
    format_path,
    size_text,
)
from sop_runtime.problems import Problem

__all__ = ["DEFAULT_LIMITS", "Path", "YamlDoc", "YamlError", "YamlLimits", "format_path",
           "load_yaml", "size_problem"]

try:  # the C parser is much faster; it is in PyYAML's wheels
    _BaseLoader: type[yaml.SafeLoader] = yaml.CSafeLoader  # type: ignore[assignment,unused-ignore]
except AttributeError:  # pragma: no cover
    _BaseLoader = yaml.SafeLoader

DEFAULT_LIMITS = YamlLimits()


def _mark(node: yaml.Node) -> tuple[int, int]:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


@dataclass
class YamlDoc:
    """Plain data plus the text it was read from (for positions)."""

    file: str
    data: Any
    text: str = field(default="", repr=False)

    @cached_property
    def root(self) -> yaml.Node | None:
        """The text's node tree: the text was read within bounds, and an alias is one
        shared node here, so this costs what the text is long."""
        loader = _BaseLoader(self.text)
        try:
            return loader.get_single_node()
        except yaml.YAMLError:  # pragma: no cover - the same text was read before
            return None
        finally:
            loader.dispose()

    @cached_property
    def _keys(self) -> dict[int, dict[Any, tuple[yaml.Node, yaml.Node]]]:
        """Per mapping node (by id), its first (key node, value node) for each key's text:
        a file with thousands of problems in one mapping looks each up at once."""
        return {}

    def _pairs(self, node: yaml.MappingNode) -> dict[Any, tuple[yaml.Node, yaml.Node]]:
        pairs = self._keys.get(id(node))
        if pairs is None:
            pairs = {}
            for k, v in node.value:
                if isinstance(k, yaml.ScalarNode):
                    pairs.setdefault(k.value, (k, v))
            self._keys[id(node)] = pairs
        return pairs

    def _walk(self, path: Path) -> tuple[yaml.Node | None, yaml.Node | None]:
        """The deepest node on ``path`` and, if the last step was a mapping key, its key node."""
        node = self.root
        key_node = None
        for part in path:
            if isinstance(node, yaml.MappingNode):
                hit = self._pairs(node).get(part)
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


class YamlError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("; ".join(p.format() for p in problems))


def size_problem(data: str | bytes, file: str, limit: int) -> Problem | None:
    """E005 at the line where ``data`` (text, or its UTF-8 bytes) passes ``limit`` bytes."""
    if isinstance(data, str):
        if len(data) <= limit // 4:  # a character is at most 4 bytes
            return None
        raw = data.encode("utf-8", "surrogatepass")
    else:
        raw = data
    if len(raw) <= limit:
        return None
    head = raw[:limit]
    line_start = head.rfind(b"\n") + 1
    col = len(head[line_start:].decode("utf-8", "ignore")) + 1
    return Problem("E005", file, head.count(b"\n") + 1, col, "", {"limit": size_text(limit)})


def load_yaml(text: str, file: str, limits: YamlLimits = DEFAULT_LIMITS) -> YamlDoc:
    """Parse ``text`` within ``limits``; raise :class:`YamlError` with positioned problems
    on failure."""
    too_large = size_problem(text, file, limits.max_bytes)
    if too_large is not None:
        raise YamlError([too_large])
    loader = _BaseLoader(text)
    builder = Builder(loader, file, limits)
    try:
        data = builder.document()
    except Refused:
        data = None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        detail = " ".join(s for s in (exc.context, exc.problem) if s) or str(exc)
        builder.problems.append(Problem("E001", file, line, col, "", {"detail": detail}))
    except yaml.YAMLError as exc:
        builder.problems.append(Problem("E001", file, 1, 1, "", {"detail": str(exc)}))
    finally:
        loader.dispose()
    if builder.problems:
        raise YamlError(builder.problems)
    return YamlDoc(file=file, data=data, text=text)
