"""YAML texts that must cost no more than their bounds, for the loader's, the CLI's and the
web API's tests."""

from __future__ import annotations

from itertools import pairwise


def alias_bomb(levels: int = 9, width: int = 10) -> str:
    """A billion laughs: each level a list of ``width`` aliases of the level before, so the
    last level stands for ``width ** levels`` values in a few KB. With the defaults, the
    alias that passes a budget of 200,000 values is line 6's first (``f: &f [*e, ...``,
    column 8)."""
    names = "abcdefghijklmnop"[:levels]
    lines = [f"a: &a [{', '.join(['hahaha'] * width)}]"]
    lines += [f"{n}: &{n} [{', '.join([f'*{p}'] * width)}]" for p, n in pairwise(names)]
    return "\n".join(lines) + "\n"


# (text, the tag a problem names): each is refused at line 1, column 4
BAD_TAGS = [
    ("a: !!bool maybe\n", "!!bool"),
    ("a: !!int abc\n", "!!int"),
    ("a: !!float x1\n", "!!float"),
    ("a: !!timestamp x\n", "!!timestamp"),
    ("a: !!timestamp 2026-01-05T25:00:00\n", "!!timestamp"),
    ("a: !!python/object:os.system x\n", "!!python/object:os.system"),
    ("a: !!python/name:os.system\n", "!!python/name:os.system"),
    ("a: !!python/object/apply:os.system [ls]\n", "!!python/object/apply:os.system"),
    ("a: !!binary aGVsbG8=\n", "!!binary"),
    ("a: !!set {x, y}\n", "!!set"),
    ("a: !!omap [x: 1]\n", "!!omap"),
    ("a: !!pairs [x: 1]\n", "!!pairs"),
    ("a: !sop apa\n", "!sop"),
    ("a: !<tag:example.com,2026:x> {b: 1}\n", "tag:example.com,2026:x"),
]
