"""W204: a kelengkapan that no earlier step can have supplied and that looks like a mistake.

At a step the engine takes a required kelengkapan as known when it is a case field (``isian``),
a value given at an earlier step (its output, or a kelengkapan supplied there), or a value given
with the completion itself. Most kelengkapan are the last kind, documents the applicant brings
to that very step, so an item that is simply new at its step is legitimate and not reported.
Two shapes are reported, because the clerk would be asked on every case for something the
procedure itself was meant to supply:

* the item is produced (as ``output``) only by steps that cannot come before this one: the
  flow asks for it too early, or names the wrong step;
* the item is a near miss of something known at the step (an earlier step's output or
  kelengkapan, or a case field): its id is within a small edit distance (one edit for ids
  shorter than 10 characters, two otherwise, none for ids shorter than 4; a swap of two
  neighbouring letters is one edit) -- a typo such as ``nomor_perkra``.

Both are warnings: the definition compiles and runs (the value can still be given with
``--output``), but a reviewer should look. The check follows every edge, rework loops and
timer branches included, so it only reports what no path can supply.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sop_runtime.compiler.graph import reachable
from sop_runtime.compiler.workflow import Node
from sop_runtime.i18n import tr

_MIN_LEN = 4  # ids shorter than this are never taken for a near miss


@dataclass(frozen=True, slots=True)
class UnsuppliedInput:
    """Kelengkapan ``item`` (index ``index`` in the step's list) of step ``no``; ``detail``
    says why it is reported, in the current language."""

    no: int
    index: int
    item: str
    detail: str


def unsupplied_inputs(nodes: Sequence[Node], fields: Iterable[str]) -> list[UnsuppliedInput]:
    field_ids = set(fields)
    ids = {n.id for n in nodes}
    pred: dict[str, list[str]] = {n.id: [] for n in nodes}
    for n in nodes:
        for t in n.transitions:
            if t.target in ids:
                pred[t.target].append(n.id)
    producers: dict[str, list[int]] = {}
    for n in nodes:
        for o in n.outputs:
            producers.setdefault(o.id, []).append(n.no)
    supplied = {n.id: {o.id for o in n.outputs} | {i.id for i in n.inputs} for n in nodes}
    found: list[UnsuppliedInput] = []
    for n in nodes:
        if not n.inputs:
            continue
        # most items come from the step just before, or with the completion itself
        near_by = field_ids.union({o.id for o in n.outputs}, *(supplied[p] for p in pred[n.id]))
        pending = [(j, item) for j, item in enumerate(n.inputs) if item.id not in near_by]
        if not pending:
            continue
        earlier = reachable(pred, pred[n.id])
        known = field_ids.union(*(supplied[m] for m in earlier))
        for j, item in pending:
            if item.id in known:
                continue
            later = [no for no in producers.get(item.id, ()) if no != n.no]
            if later:
                detail = tr("baru dihasilkan di langkah {later}, yang tidak dapat mendahuluinya",
                            "it is produced only at step {later}, which cannot come before it",
                            later=", ".join(map(str, later)))
            else:
                near = _near_miss(item.id, known)
                if near is None:
                    continue  # brought in at this step
                detail = tr("mirip '{near}' ({source}); salah ketik?",
                            "close to '{near}' ({source}); a typo?",
                            near=near, source=_source(near, nodes, earlier, field_ids))
            found.append(UnsuppliedInput(n.no, j, item.id, detail))
    return found


def _source(item: str, nodes: Sequence[Node], earlier: set[str], fields: set[str]) -> str:
    """Where ``item``, known at a step whose earlier steps are ``earlier``, comes from."""
    if item in fields:
        return tr("isian perkara", "a case field")
    before = [m for m in nodes if m.id in earlier]
    for m in before:
        if any(o.id == item for o in m.outputs):
            return tr("output langkah {no}", "output of step {no}", no=m.no)
    no = next(m.no for m in before if any(i.id == item for i in m.inputs))
    return tr("kelengkapan langkah {no}", "kelengkapan of step {no}", no=no)


def _near_miss(item: str, known: Iterable[str]) -> str | None:
    best: tuple[int, str] | None = None
    for other in known:
        shorter = min(len(item), len(other))
        if shorter < _MIN_LEN:
            continue
        limit = 1 if shorter < 10 else 2
        d = edit_distance(item, other, limit)
        if 0 < d <= limit and (best is None or (d, other) < best):
            best = (d, other)
    return best[1] if best else None


def edit_distance(a: str, b: str, limit: int) -> int:
    """Edits (insert, delete, replace, swap of neighbours) from ``a`` to ``b``; any figure
    above ``limit`` is returned as ``limit + 1``."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        row = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = a[i - 1] != b[j - 1]
            row[j] = min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                row[j] = min(row[j], prev2[j - 2] + 1)
        if min(row) > limit:
            return limit + 1
        prev2, prev = prev, row
    return min(prev[-1], limit + 1)
