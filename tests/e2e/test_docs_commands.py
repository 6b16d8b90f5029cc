"""Every command shown in README.md and docs/ runs on the demo court (docs/testing.md, "The
commands in the documents", states the rule this module applies).

A command is a line of a ``sh``, ``bash`` or ``console`` block whose first word (after a
``$ `` prompt, ``VAR=value`` settings or a ``VAR=$(`` capture, ``.venv/bin/`` taken off) is
``sop`` or ``make``; a line ending in a backslash goes on on the next. The demo court is built
once; each block runs on its own copy, its commands in order in one bash, blocks side by side.
A command must exit 0, or the code its line ends with as ``(exit N)``. A block preceded by
``<!-- docs-test: not run (why) -->`` is not run."""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.conftest import DEFINITIONS, ROOT, copy_database

DOCUMENTS = (ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md")))
SHELLS = {"sh", "bash", "console"}
NOT_RUN = re.compile(r"<!--\s*docs-test:\s*not run\s*\((?P<why>[^)]+)\)\s*-->")
FENCE = re.compile(r"^(?P<fence>```+)\s*(?P<lang>[\w-]*)")
COMMAND = re.compile(
    r"^(?P<lead>(?:[A-Za-z_]\w*=\S*\s+)*(?:[A-Za-z_]\w*=\$\()?)(?P<venv>\.venv/bin/)?"
    r"(?P<tool>sop|make)(?=\s|$)")
EXPECTED = re.compile(r"\(exit (?P<code>\d+)\)\s*$")
CASE_ID = re.compile(r"\bSNN-\d{4}-\d{5}\b")
BIN = Path(sys.executable).parent


@dataclass
class Command:
    line: int  # where it starts in its document
    text: str  # joined over its continuation lines
    exit: int = 0


@dataclass
class Block:
    doc: Path
    line: int  # the opening fence
    lang: str
    not_run: str | None
    lines: list[tuple[int, str]] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.doc.relative_to(ROOT)}:{self.line}"

    def commands(self) -> list[Command]:
        found: list[Command] = []
        joined: list[tuple[int, str]] = []
        for number, text in self.lines:
            if joined and joined[-1][1].endswith("\\"):
                start, before = joined[-1]
                joined[-1] = (start, before[:-1].rstrip() + " " + text.strip())
            else:
                joined.append((number, text))
        for number, text in joined:
            text = text.strip()
            if self.lang == "console" or text.startswith("$ "):
                text = text.removeprefix("$ ")
            if COMMAND.match(text):
                expected = EXPECTED.search(text)
                found.append(Command(number, text, int(expected["code"]) if expected else 0))
        return found


def blocks(doc: Path, text: str | None = None) -> list[Block]:
    """The shell blocks of a Markdown document, each with its not-run marker if any."""
    found: list[Block] = []
    current: Block | None = None
    closing = ""
    previous = ""
    for number, line in enumerate((doc.read_text() if text is None else text).splitlines(), 1):
        if current is None:
            opening = FENCE.match(line)
            if opening:
                marker = NOT_RUN.search(previous)
                current = Block(doc, number, opening["lang"].lower(),
                                marker["why"] if marker else None)
                closing = opening["fence"]
            elif line.strip():
                previous = line
            continue
        if line.startswith(closing) and not line.strip("`"):
            if current.lang in SHELLS:
                found.append(current)
            current, previous = None, ""
            continue
        current.lines.append((number, line))
    return found


def script(block: Block) -> str:
    """One bash script for a block: each command, then a check of its exit code."""
    parts = ["cd \"$SOP_DOCS_DIR\""]
    for command in block.commands():
        text = COMMAND.sub(lambda m: m["lead"] + (
            f"{shlex.quote(str(BIN))}/sop" if m["tool"] == "sop"
            else f"make -C {shlex.quote(str(ROOT))}"), command.text, count=1)
        parts += [text, f"rc=$?; if [ $rc -ne {command.exit} ]; then echo \"{block.doc.name}:"
                  f"{command.line}: exit $rc, the document says {command.exit}\" >&2; "
                  "exit 97; fi"]
    return "\n".join(parts) + "\n"


def run_block(block: Block, database: Path, folder: Path) -> subprocess.CompletedProcess[str]:
    """Runs the block in ``folder`` on its own copy of the demo court."""
    folder.mkdir(parents=True)
    for suffix in ("", "-wal"):
        if Path(f"{database}{suffix}").exists():
            shutil.copyfile(f"{database}{suffix}", folder / f"sop.db{suffix}")
    if (database.parent / "dokumen").is_dir():  # the documents the demo day attached
        shutil.copytree(database.parent / "dokumen", folder / "dokumen")
    (folder / "definitions").symlink_to(DEFINITIONS)
    (folder / "examples").symlink_to(ROOT / "examples")
    env = {**os.environ, "SOP_DATABASE_URL": f"sqlite:///{folder / 'sop.db'}",
           "SOP_DEFINITIONS": str(DEFINITIONS), "SOP_DOCS_DIR": str(folder),
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}", "COLUMNS": "200"}
    env.pop("SOP_DEBUG", None)
    return subprocess.run(["bash", "-c", script(block)], env=env, capture_output=True,
                          text=True, timeout=300, check=False)


@pytest.fixture(scope="module")
def demo_court(demo_day: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo court's database (``sop demo``, played once for the session), this module's
    own copy."""
    return copy_database(demo_day, tmp_path_factory.mktemp("demo") / "sop.db")


def _all_blocks() -> list[Block]:
    return [b for doc in DOCUMENTS for b in blocks(doc)]


def test_every_command_in_the_documents_runs_on_the_demo_court(
        demo_court: Path, tmp_path: Path) -> None:
    runnable = sorted((b for b in _all_blocks() if b.not_run is None and b.commands()),
                      key=lambda b: -len(b.commands()))  # the longest first: they end last
    commands = sum(len(b.commands()) for b in runnable)
    assert len(runnable) >= 5 and commands >= 30, (len(runnable), commands)
    began = time.monotonic()
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        results = list(pool.map(lambda ib: run_block(ib[1], demo_court, tmp_path / str(ib[0])),
                                enumerate(runnable)))
    failed = [f"{b.where}\n{r.stderr.strip()[-2000:]}" for b, r in zip(runnable, results,
                                                                          strict=True)
              if r.returncode != 0]
    assert not failed, "\n\n".join(failed)
    print(f"{commands} commands in {len(runnable)} blocks: {time.monotonic() - began:.1f} s")


def test_the_blocks_not_run_say_why_and_hold_commands() -> None:
    skipped = [b for b in _all_blocks() if b.not_run is not None]
    assert skipped, "the README's make demo / make test block is marked"
    for block in skipped:
        assert block.not_run.strip() and block.commands(), block.where


def test_a_wrong_exit_code_fails_the_block(demo_court: Path, tmp_path: Path) -> None:
    """The check can fail: a document that promises the wrong exit code is caught."""
    text = ("<!-- docs-test: not run (a serving example) -->\n```sh\nsop serve\n```\n\n"
            "```console\n$ sop case SNN-2026-00001 \\\n    --json\n"
            "$ sop case SNN-2099-00001   # unknown (exit 2)\n"
            "$ CASE=$(sop start legalisasi-waarmerking --as rina.ptsp)\n"
            "$ sop case \"$CASE\"\ncurl http://example.invalid/\n```\n")
    skipped, good = blocks(ROOT / "README.md", text)
    assert skipped.not_run == "a serving example" and good.not_run is None
    assert [(c.line, c.exit) for c in good.commands()] == [(7, 0), (9, 2), (10, 0), (11, 0)]
    assert run_block(good, demo_court, tmp_path / "good").returncode == 0
    wrong = Block(good.doc, good.line, "sh", None, [(1, "sop case SNN-2099-00001")])
    r = run_block(wrong, demo_court, tmp_path / "wrong")
    assert r.returncode == 97 and "exit 2, the document says 0" in r.stderr


def test_the_case_ids_in_the_documents_are_the_demo_days(demo_court: Path) -> None:
    out = subprocess.run([str(BIN / "sop"), "export", "--format", "jsonl"], text=True,
                         env={**os.environ, "SOP_DATABASE_URL": f"sqlite:///{demo_court}"},
                         capture_output=True, check=True).stdout
    demo = set(CASE_ID.findall(out))
    assert len(demo) == 12
    for doc in DOCUMENTS:
        assert set(CASE_ID.findall(doc.read_text())) <= demo, doc.name


def _anchor(heading: str) -> str:
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def _headings(doc: Path) -> set[str]:
    found, fenced = set(), False
    for line in doc.read_text().splitlines():
        fenced ^= line.startswith("```")
        if not fenced and (m := re.match(r"#{1,6} (.*)", line)):
            found.add(_anchor(m[1]))
    return found


def test_every_link_between_the_documents_leads_somewhere() -> None:
    broken = []
    for doc in DOCUMENTS:
        for m in re.finditer(r"\]\((?P<file>[^)#:\s]*)(?:#(?P<anchor>[^)\s]+))?\)",
                             doc.read_text()):
            target = (doc.parent / m["file"]).resolve() if m["file"] else doc
            anchored = m["anchor"] is None or target.suffix != ".md"
            if not target.exists() or not (anchored or m["anchor"] in _headings(target)):
                broken.append(f"{doc.name}: {m[0]}")
    assert broken == []
