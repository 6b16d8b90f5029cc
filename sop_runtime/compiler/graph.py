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
                 ends: set[str], *,
                 anchors: Mapping[str, str] | None = None) -> tuple[int, list[str]]:
    """Latest finish over start->end paths once rework loops (back edges of a DFS) are removed.

    A node's finish is its predecessor's finish plus its weight. A node listed in
    ``anchors`` (a limit "since step k") counts its weight from the anchor's finish when
    every path to it passes the anchor (the anchor dominates it): it runs concurrently with
    the steps in between and finishes at the later of its predecessor's finish and the
    anchor's finish plus its weight. Where some path reaches it without passing the anchor,
    the limit counts from its own activation there (as the engine does when the anchor step
    is not done), so its weight is added after its predecessor, which bounds every path.
    Iterative DFS, so 500-step SOPs do not recurse.
    """
    anchors = anchors or {}
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
    dom = _dominators(succ, order, back) if anchors else {}
    # 2. longest path by dynamic programming in topological order
    best: dict[str, int] = {start: weight.get(start, 0)}
    prev: dict[str, str] = {}
    for node in order:
        if node not in best:
            continue
        for m in succ.get(node, ()):
            if (node, m) in back:
                continue
            anchor = anchors.get(m)
            if anchor is not None and anchor != m and anchor in dom[m]:
                cand = max(best[node], best[anchor] + weight.get(m, 0))
            else:
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


def _dominators(succ: Mapping[str, Sequence[str]], order: Sequence[str],
                back: set[tuple[str, str]]) -> dict[str, frozenset[str]]:
    """For each node of the DAG (``order`` topological, ``back`` edges left out), the nodes
    every path from the start to it passes, itself included."""
    preds: dict[str, list[str]] = {n: [] for n in order}
    for node in order:
        for m in succ.get(node, ()):
            if (node, m) not in back and m in preds:
                preds[m].append(node)
    dom: dict[str, frozenset[str]] = {}
    for node in order:
        common = frozenset.intersection(*(dom[p] for p in preds[node])) if preds[node] \
            else frozenset()
        dom[node] = common | {node}
    return dom
