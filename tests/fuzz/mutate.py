"""Seeded mutations of the files the product reads: YAML (definitions, the court file, fee
tables, mappings) changed in its structure or in its text, CSV logs and XES logs.

Every function takes a ``random.Random`` and is a pure function of it and its input: the
same seed gives the same file, so a failure found by a long run is replayed exactly."""

from __future__ import annotations

import copy
import csv
import io
import random
from collections.abc import Callable
from typing import Any
from xml.sax.saxutils import quoteattr

import yaml

from tests.hostile_yaml import BAD_TAGS, alias_bomb

# values that stand where a scalar stood: wrong types, edges of ranges, hostile text
ODD_SCALARS: list[Any] = [
    None, True, False, 0, -1, 1, 2**31, 2**63, -(2**63), 10**30, 1.5, -0.0, float("inf"),
    float("nan"), 1e308, "", " ", "0", "-1", "x" * 5000, "ä" * 300, "\u202e\u202dterbalik",
    "😀" * 40, "<script>alert(1)</script>", "'; DROP TABLE events; --", "{{7*7}}", "%s%n",
    "../../etc/passwd", "/dev/zero", "C:\\Windows", "\t", "a\nb", "99999999 tahun",
    "0 hari", "-3 hari kerja", "1 tahun", "PT0S", "P99999999D", "3 hari kerja", "2 jam",
    "12 bulan", "maks. 1 hari", "1e9 menit", "NaN hari", "2026-02-30", "0001-01-01",
    "9999-12-31T23:59:59", "2026-01-05T08:00:00+14:00", "24:00", "07:30", "25:61",
    "Asia/Jayapura", "Mars/Olympus", "UTC", "+09:00", "Rp 1.450.000", "Rp -1",
    "Rp 99999999999999999999999", "ketua", "kasir", "tidak_ada", "abaikan", "ya", "tidak",
    "Lengkap", "✓", "\u0000", "\ud800",
]

ODD_KEYS = ["", "id", "langkah", "peran", "waktu", "pelaksana", "output", "kelengkapan",
            "keputusan", "cabang", "zona_waktu", "kerahasiaan", "pembaca", "x" * 300, "1",
            "sop", "kolom", "aktivitas", "nilai", "format_waktu", "<<", "__proto__"]


# --- YAML --------------------------------------------------------------------------------


def _paths(node: Any, here: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a loaded YAML document: (key or index, ...)."""
    found = [here]
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*here, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            found += _paths(value, (*here, i))
    return found


def _get(node: Any, path: tuple[Any, ...]) -> Any:
    for step in path:
        node = node[step]
    return node


def _odd_value(rng: random.Random, near: Any) -> Any:
    roll = rng.random()
    if roll < 0.55:
        return rng.choice(ODD_SCALARS)
    if roll < 0.65:
        return [rng.choice(ODD_SCALARS) for _ in range(rng.randint(0, 4))]
    if roll < 0.75:
        return {rng.choice(ODD_KEYS): rng.choice(ODD_SCALARS) for _ in range(rng.randint(0, 3))}
    if roll < 0.8:  # deep nesting
        deep: Any = rng.choice(ODD_SCALARS)
        for _ in range(rng.randint(20, 120)):
            deep = [deep] if rng.random() < 0.5 else {"a": deep}
        return deep
    if roll < 0.9 and isinstance(near, str):  # a near miss of the real text
        cut = rng.randrange(len(near) + 1)
        return near[:cut] + rng.choice(["", "x", " ", "_", "-", "é", "0"]) + near[cut + 1:]
    if isinstance(near, int | float) and not isinstance(near, bool):
        return near * rng.choice([-1, 0, 1000, 10**9]) + rng.choice([0, 1, -1])
    return copy.deepcopy(near)


def mutate_structure(rng: random.Random, doc: Any, rounds: int | None = None) -> Any:
    """The loaded document with one to a few places changed: a value replaced, a key dropped,
    renamed or added, a list item dropped, doubled or moved."""
    doc = copy.deepcopy(doc)
    for _ in range(rounds or rng.choice([1, 1, 1, 2, 3])):
        places = _paths(doc)
        path = rng.choice(places)
        if not path:
            if rng.random() < 0.2:
                doc = _odd_value(rng, doc)
            continue
        parent, key = _get(doc, path[:-1]), path[-1]
        op = rng.random()
        if op < 0.45:
            parent[key] = _odd_value(rng, parent[key])
        elif op < 0.6:
            del parent[key]
        elif op < 0.7 and isinstance(parent, dict):
            parent[rng.choice(ODD_KEYS)] = parent.pop(key)
        elif op < 0.78 and isinstance(parent, dict):
            parent[rng.choice(ODD_KEYS)] = _odd_value(rng, parent[key])
        elif op < 0.9 and isinstance(parent, list):
            parent.insert(rng.randrange(len(parent) + 1), copy.deepcopy(parent[key]))
        elif isinstance(parent, list) and len(parent) > 1:
            parent.insert(rng.randrange(len(parent)), parent.pop(key))
        else:
            other = _get(doc, rng.choice(places))
            if other is not parent:
                parent[key] = copy.deepcopy(other)
    return doc


def dump_yaml(doc: Any) -> str:
    """The document as YAML text; a value PyYAML cannot write (a lone surrogate) is written
    escaped."""
    try:
        return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=1000)
    except (yaml.YAMLError, UnicodeEncodeError):
        return yaml.safe_dump(doc, allow_unicode=False, sort_keys=False, width=1000)


def _yaml_text_ops() -> list[Callable[[random.Random, list[str]], list[str]]]:
    def drop_line(rng: random.Random, lines: list[str]) -> list[str]:
        if lines:
            del lines[rng.randrange(len(lines))]
        return lines

    def double_line(rng: random.Random, lines: list[str]) -> list[str]:
        if lines:
            i = rng.randrange(len(lines))
            lines.insert(i, lines[i])
        return lines

    def indent(rng: random.Random, lines: list[str]) -> list[str]:
        if lines:
            i = rng.randrange(len(lines))
            lines[i] = rng.choice([" ", "\t", "", "    "]) + lines[i].lstrip(" ")
        return lines

    def tag(rng: random.Random, lines: list[str]) -> list[str]:
        text, _ = rng.choice(BAD_TAGS)
        value = text.split(": ", 1)[1].rstrip("\n")
        for i in rng.sample(range(len(lines)), min(len(lines), 20)):
            if ": " in lines[i]:
                key = lines[i].split(": ", 1)[0]
                lines[i] = f"{key}: {value}"
                break
        return lines

    def bomb(rng: random.Random, lines: list[str]) -> list[str]:
        return lines + ["bom_" + line for line in alias_bomb(rng.randint(3, 9)).splitlines()]

    def anchors(rng: random.Random, lines: list[str]) -> list[str]:
        return ["x: &x {a: 1, <<: *x}", *lines] if rng.random() < 0.5 else [*lines, "y: *nope"]

    def splice_chars(rng: random.Random, lines: list[str]) -> list[str]:
        if lines:
            i = rng.randrange(len(lines))
            cut = rng.randrange(len(lines[i]) + 1)
            junk = rng.choice([":", "- ", "{", "}", "[", "]", "&", "*", "!", "|", "#", "'", '"',
                               "%", "@", "`", "\x00", "\x07", "\ufeff", "\u2028", "\r", "?"])
            lines[i] = lines[i][:cut] + junk + lines[i][cut:]
        return lines

    def truncate(rng: random.Random, lines: list[str]) -> list[str]:
        return lines[: rng.randrange(len(lines) + 1)]

    def directive(rng: random.Random, lines: list[str]) -> list[str]:
        return [rng.choice(["%YAML 1.1", "%YAML 9.9", "%TAG ! tag:x,2026:", "---", "..."]), *lines]

    def documents(rng: random.Random, lines: list[str]) -> list[str]:
        return [*lines, "---", *lines[: rng.randrange(len(lines) + 1)]]

    return [drop_line, double_line, indent, tag, bomb, anchors, splice_chars, truncate,
            directive, documents]


YAML_TEXT_OPS = _yaml_text_ops()


def mutate_yaml(rng: random.Random, text: str) -> bytes:
    """A YAML file changed in its structure (loaded, changed, written again) or in its text
    (lines, characters, tags, aliases), sometimes as bytes that are not UTF-8."""
    roll = rng.random()
    if roll < 0.5:
        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError:
            doc = None
        out = dump_yaml(mutate_structure(rng, doc))
    else:
        lines = text.splitlines()
        for _ in range(rng.choice([1, 1, 2, 3])):
            lines = rng.choice(YAML_TEXT_OPS)(rng, lines)
        out = "\n".join(lines) + "\n"
    return _mutate_bytes(rng, out.encode("utf-8", "surrogatepass"), 0.08)


def _mutate_bytes(rng: random.Random, data: bytes, chance: float) -> bytes:
    """Now and then, the bytes themselves: a BOM, CRLF, bytes that are not UTF-8, a cut."""
    if rng.random() >= chance:
        return data
    op = rng.randrange(5)
    if op == 0:
        return b"\xef\xbb\xbf" + data
    if op == 1:
        return data.replace(b"\n", b"\r\n")
    if op == 2 and data:
        i = rng.randrange(len(data))
        return data[:i] + rng.choice([b"\xff", b"\xc3", b"\x80\x80", b"\xed\xa0\x80"]) + data[i:]
    if op == 3:
        return data[: rng.randrange(len(data) + 1)]
    return data.decode("utf-8", "surrogatepass").encode("utf-16")


# --- CSV ---------------------------------------------------------------------------------

ODD_TIMES = ["", "x", "0", "-1", "1700000000", "2026-02-30T08:00:00+09:00",
             "0001-01-01T00:00:00", "9999-12-31T23:59:59+09:00", "2026-01-05", "05/01/2026",
             "2026-01-05T08:00:00+25:00", "2026-01-05T24:00:00", "1899-12-31T08:00:00+09:00",
             "2101-01-01T08:00:00+09:00", "2026-13-01T00:00:00", "nan", "2026-01-05T08:00:00Z",
             "2026-W02-1", "١٢٠٢٦-٠١-٠٥", "2026-01-05T08:00:00.9999999999+09:00"]


def mutate_rows(rng: random.Random, rows: list[list[str]]) -> list[list[str]]:
    """A log's rows (the header first) made messy: rows dropped, doubled, moved; cells
    emptied, swapped or given odd values; times broken; columns added or lost."""
    header, body = list(rows[0]), [list(r) for r in rows[1:]]
    for _ in range(rng.choice([1, 2, 3, 5, 8])):
        op = rng.randrange(10)
        if op == 0 and body:
            del body[rng.randrange(len(body))]
        elif op == 1 and body:
            i = rng.randrange(len(body))
            body.insert(rng.randrange(len(body) + 1), list(body[i]))
        elif op == 2 and body:
            body.insert(rng.randrange(len(body) + 1), body.pop(rng.randrange(len(body))))
        elif op in (3, 4) and body:
            row = rng.choice(body)
            if row:
                col = rng.randrange(len(row))
                row[col] = rng.choice(ODD_TIMES if header[col:col + 1] == ["waktu"]
                                      else [*map(str, ODD_SCALARS[:40]), *ODD_TIMES])
        elif op == 5 and body:
            row = rng.choice(body)
            if len(row) > 1:
                del row[rng.randrange(len(row))]
            else:
                row.append("lebih")
        elif op == 6:
            col = rng.randrange(len(header))
            if rng.random() < 0.5:
                del header[col]
            else:
                header[col] = rng.choice(ODD_KEYS)
        elif op == 7:
            header.append(rng.choice(ODD_KEYS))
        elif op == 8 and body:
            row = rng.choice(body)
            row[:] = [rng.choice(row) for _ in row]
        elif body:
            other = rng.choice(body)
            for row in rng.sample(body, min(len(body), rng.randint(1, 30))):
                if row and other:
                    row[0] = other[0]
    return [header, *body]


def mutate_csv(rng: random.Random, text: str) -> bytes:
    rows = list(csv.reader(io.StringIO(text)))
    rows = mutate_rows(rng, rows)
    out = io.StringIO()
    delimiter = "," if rng.random() < 0.9 else rng.choice([";", "\t", "|"])
    writer = csv.writer(out, delimiter=delimiter, lineterminator="\n")
    for row in rows:
        writer.writerow(row)
    data = out.getvalue()
    if rng.random() < 0.1:  # an unbalanced quote, a very long field
        data = data.replace(",", ',"', 1) if rng.random() < 0.5 else data + "x" * 200_000 + "\n"
    return _mutate_bytes(rng, data.encode("utf-8", "surrogatepass"), 0.1)


# --- XES ---------------------------------------------------------------------------------


def xes_from_rows(rows: list[list[str]]) -> str:
    """A CSV log (header first; case, activity, person and time in the first four columns)
    as IEEE XES: a trace per case, the other columns as string attributes."""
    header, body = rows[0], rows[1:]
    traces: dict[str, list[list[str]]] = {}
    for row in body:
        traces.setdefault(row[0] if row else "", []).append(row)
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<log xes.version="1849-2016" xmlns="http://www.xes-standard.org/">']
    for case, events in traces.items():
        out.append(f'<trace><string key="concept:name" value={quoteattr(case)}/>')
        for row in events:
            attrs = []
            for name, value in zip(header, row, strict=False):
                if name == "perkara" or not value:
                    continue
                kind = {"aktivitas": ("string", "concept:name"),
                        "pelaksana": ("string", "org:resource"),
                        "waktu": ("date", "time:timestamp")}.get(name, ("string", name))
                attrs.append(f'<{kind[0]} key={quoteattr(kind[1])} value={quoteattr(value)}/>')
            attrs.append('<string key="lifecycle:transition" value="complete"/>')
            out.append("<event>" + "".join(attrs) + "</event>")
        out.append("</trace>")
    out.append("</log>")
    return "\n".join(out) + "\n"


XML_JUNK = [
    '<!DOCTYPE log [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>',
    '<!DOCTYPE log SYSTEM "file:///etc/passwd">',
    '<!DOCTYPE log [<!ENTITY x SYSTEM "file:///dev/zero">]>',
    "<event>", "</trace>", "<trace>", "<log>", "&amp;", "&x;", "<![CDATA[", "]]>", "<?pi x?>",
    "<!-- -->", '<int key="x" value="99999999999999999999999"/>',
    '<date key="time:timestamp" value="0001-01-01T00:00:00"/>',
    '<float key="x" value="nan"/>', '<boolean key="x" value="maybe"/>',
    '<list key="l"><values><string key="a" value="b"/></values></list>',
    '<container key="c"><string key="a" value="b"/></container>',
]


def mutate_xes(rng: random.Random, rows: list[list[str]]) -> bytes:
    """An XES log made from messy rows, then now and then broken as XML: elements cut or
    added, a DTD with entities, nesting past any sane depth."""
    text = xes_from_rows(mutate_rows(rng, rows) if rng.random() < 0.8 else rows)
    lines = text.splitlines()
    for _ in range(rng.choice([0, 0, 1, 2])):
        op = rng.randrange(4)
        if op == 0:
            i = rng.randrange(len(lines))
            lines.insert(i, rng.choice(XML_JUNK))
        elif op == 1:
            i = rng.randrange(len(lines))
            cut = rng.randrange(len(lines[i]) + 1)
            lines[i] = lines[i][:cut] + lines[i][cut + rng.randint(1, 20):]
        elif op == 2:
            depth = rng.choice([10, 70, 5000])
            lines.insert(2, "<container key='c'>" * depth + "</container>" * depth)
        else:
            lines.insert(1, rng.choice(XML_JUNK[:3]))
    return _mutate_bytes(rng, ("\n".join(lines) + "\n").encode("utf-8", "surrogatepass"), 0.08)


# --- JSON (a seal's proof) ---------------------------------------------------------------


def mutate_json(rng: random.Random, doc: Any) -> bytes:
    """A JSON document changed in one to a few places, or nested past any sane depth, or
    cut short."""
    import json

    roll = rng.random()
    if roll < 0.1:
        depth = rng.choice([100, 1000, 100_000])
        return ("[" * depth + "]" * depth).encode()
    changed = mutate_structure(rng, doc)
    try:
        text = json.dumps(changed, ensure_ascii=rng.random() < 0.5)
    except (TypeError, ValueError):
        text = json.dumps(doc)
    if roll > 0.9:
        text = text[: rng.randrange(len(text) + 1)]
    return _mutate_bytes(rng, text.encode("utf-8", "surrogatepass"), 0.1)
