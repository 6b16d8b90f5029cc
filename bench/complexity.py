"""Functions in sop_runtime whose cyclomatic complexity is above a threshold (radon).

A report, not a style test: it prints every function or method above the threshold
(default 25), worst first, with its file and line, then the maximum over the whole package,
and always exits 0.

    python bench/complexity.py            # above 25
    python bench/complexity.py 15         # above 15
"""

from __future__ import annotations

import sys
from pathlib import Path

from radon.complexity import cc_visit
from radon.visitors import Function

PACKAGE = Path(__file__).resolve().parent.parent / "sop_runtime"
DEFAULT_THRESHOLD = 25


def _functions(path: Path) -> list[tuple[int, str, int]]:
    """(complexity, qualified name, line) of every function and method in one file."""
    # radon lists a class's methods both on their own and inside the class: the functions
    # alone are every function and method once
    return [
        (block.complexity, block.fullname, block.lineno)
        for block in cc_visit(path.read_text(encoding="utf-8"))
        if isinstance(block, Function)
    ]


def main(argv: list[str]) -> int:
    threshold = int(argv[0]) if argv else DEFAULT_THRESHOLD
    rows: list[tuple[int, str]] = []
    for path in sorted(PACKAGE.rglob("*.py")):
        where = path.relative_to(PACKAGE.parent).as_posix()
        rows.extend(
            (complexity, f"{where}:{line} {name}") for complexity, name, line in _functions(path)
        )
    rows.sort(key=lambda row: (-row[0], row[1]))
    above = [row for row in rows if row[0] > threshold]
    for complexity, name in above:
        print(f"{complexity:4d}  {name}")
    print(f"{len(above)} functions above {threshold} of {len(rows)}")
    if rows:
        print(f"maximum: {rows[0][0]} ({rows[0][1]})")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
