"""Canonical content of a workflow and its version hash.

The hash covers everything the SOP says (identity, service standard, roles, every step
with its resolved flow), encoded as JSON with sorted keys and no insignificant space.
Comments, key order, YAML style and implicit-vs-explicit ``lanjut`` do not change it;
any change of content does.
"""

from __future__ import annotations

import hashlib
from typing import Any

import orjson

from sop_runtime.compiler.workflow import Node
from sop_runtime.definition.models import SopDocument
from sop_runtime.definition.timelimit import TimeLimit

FORMAT = "sop-runtime/workflow/v1"


def _limit(t: TimeLimit | None) -> Any:
    return None if t is None else {"c": t.canonical(), "t": t.text}


def node_content(n: Node) -> dict[str, Any]:
    content = _node_content(n)
    # added to the form later: present only when used, so older versions keep their hash
    if n.extension_by:
        content["extension_by"] = list(n.extension_by)
    if n.extension_scope != "langkah":
        content["extension_scope"] = n.extension_scope
    if n.limit_end is not None:
        content["limit_end"] = n.limit_end
    if n.waits:
        content["waits"] = list(n.waits)
    if n.joint:
        content["joint"] = True
    if n.author_notes:
        content["author_notes"] = list(n.author_notes)
    if n.notice is not None:
        content["notice"] = n.notice.model_dump(mode="json")
    if any(t.condition is not None for t in n.transitions):
        content["transitions"] = [
            [t.target, str(t.kind), t.label,
             *([t.condition.content()] if t.condition is not None else [])]
            for t in n.transitions]
    return content


def _node_content(n: Node) -> dict[str, Any]:
    return {
        "id": n.id, "no": n.no, "kind": str(n.kind), "kegiatan": n.kegiatan, "role": n.role,
        "roles": list(n.roles),
        "inputs": [i.model_dump(mode="json") for i in n.inputs],
        "outputs": [o.model_dump(mode="json") for o in n.outputs],
        "limit": _limit(n.limit), "limit_set": n.limit_set,
        "anchor": _without_absent(n.anchor.model_dump(mode="json")) if n.anchor else None,
        "extension": _limit(n.extension),
        "timer": None if n.timer is None else {
            "limit": _limit(n.timer.limit), "target": n.timer.target,
            "anchor": (_without_absent(n.timer.anchor.model_dump(mode="json"))
                       if n.timer.anchor else None),
            "note": n.timer.note},
        "transitions": [[t.target, str(t.kind), t.label] for t in n.transitions],
        "enforcement": str(n.enforcement), "action": n.action, "sub_sop": n.sub_sop,
        "connector": n.connector.model_dump(mode="json") if n.connector else None,
        "recorded_by": list(n.recorded_by), "keterangan": n.keterangan,
    }


ADDED_LATER = ("kerahasiaan", "saluran", "para_pihak", "catatan_penyusun")
"""Keys added to the form after versions were stored: absent (None, or no notes), they are
left out of the content, so an SOP that does not use them keeps the version it always had."""


ADDED_LATER_NESTED = ("paling_akhir", "paling_awal", "nomor_revisi")
"""Keys added to nested parts of the form (an anchor's, the identity block's) later: left
out when absent."""


def _without_absent(value: Any) -> Any:
    """``value`` with the keys of :data:`ADDED_LATER_NESTED` that are None removed, at any
    depth."""
    if isinstance(value, dict):
        return {k: _without_absent(v) for k, v in value.items()
                if not (k in ADDED_LATER_NESTED and v is None)}
    if isinstance(value, list):
        return [_without_absent(v) for v in value]
    return value


def content(wf_doc: SopDocument, nodes: tuple[Node, ...]) -> dict[str, Any]:
    document = _without_absent(wf_doc.model_dump(mode="json", exclude={"langkah"}))
    for key in ADDED_LATER:
        if document.get(key) in (None, []):
            document.pop(key, None)
    return {
        "format": FORMAT,
        "document": document,
        "nodes": [node_content(n) for n in nodes],
    }


def canonical_json(data: Any) -> bytes:
    """UTF-8 JSON, keys sorted, no insignificant space (orjson: same bytes as
    ``json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)``)."""
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def version_hash(wf_doc: SopDocument, nodes: tuple[Node, ...]) -> str:
    return hashlib.sha256(canonical_json(content(wf_doc, nodes))).hexdigest()
