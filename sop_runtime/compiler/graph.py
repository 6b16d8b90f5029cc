"""Small graph algorithms over step ids (adjacency lists)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence


def reachable(succ: Mapping[str, Sequence[str]], roots: Iterable[str]) -> set[str]:
    seen: set[str] = set()
    stack = list(roots)
    while stack:
        n = stack.pop()
        if n in seen:
            continue
        seen.add(n)
        stack.extend(m for m in succ.get(n, ()) if m not in seen)
    return seen


def longest_path(succ: Mapping[str, Sequence[str]], weight: Mapping[str, int], start: str,
                 ends: set[str]) -> tuple[int, list[str]]:
    """Heaviest start->end path once rework loops (back edges of a DFS) are removed.

    Node weights count once per node. Iterative DFS, so 500-step SOPs do not recurse.
    """
    # 1. find back edges and a topological order of the remaining DAG
    state: dict[str, int] = {}  # 1 = on stack, 2 = done
    order: list[str] = []
    back: set[tuple[str, str]] = set()
    stack: list[tuple[str, int]] = [(start, 0)]
    state[start] = 1
    while stack:
        node, i = stack[-1]
        nexts = succ.get(node, ())
        if i < len(nexts):
            stack[-1] = (node, i + 1)
            m = nexts[i]
            s = state.get(m)
            if s == 1:
                back.add((node, m))
            elif s is None:
                state[m] = 1
                stack.append((m, 0))
        else:
            state[node] = 2
            order.append(node)
            stack.pop()
    order.reverse()
    # 2. longest path by dynamic programming in topological order
    best: dict[str, int] = {start: weight.get(start, 0)}
    prev: dict[str, str] = {}
    for node in order:
        if node not in best:
            continue
        for m in succ.get(node, ()):
            if (node, m) in back:
                continue
            cand = best[node] + weight.get(m, 0)
            if cand > best.get(m, -1):
                best[m] = cand
                prev[m] = node
    candidates = [e for e in ends if e in best]
    if not candidates:
        return 0, []
    end = max(candidates, key=lambda e: best[e])
    path = [end]
    while path[-1] in prev:
        path.append(prev[path[-1]])
    path.reverse()
    return best[end], path
