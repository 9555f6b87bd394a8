"""Every ```python block of README.md and docs/*.md runs as written.

Each block runs in a fresh namespace, against a fake Instantly served on loopback, set up the way
the README's "Examples" section tells a reader to: `python -m instantly.testing` (25 accounts,
sender001@example.com ...) with `INSTANTLY_API_KEY` and `INSTANTLY_BASE_URL` exported. A block
that defines `test_*` functions is a pytest example: each one is then called. A block opened
with ```python title="needs a real key" is skipped with that reason.
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from instantly.testing import FakeInstantly

from tests._tools import find_tool

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
NEEDS_A_REAL_KEY = 'title="needs a real key"'
OPENING = re.compile(r"^```python(?P<info>[^\n]*)$")
README_MAX_BYTES = 20 * 1024


@dataclass(frozen=True)
class Block:
    """A ```python block: where it is, its info string and its code."""

    path: Path
    line: int  # line of the opening fence (1-based)
    info: str
    code: str

    @property
    def name(self) -> str:
        return f"{self.path.relative_to(ROOT)}:{self.line}"


def python_blocks(path: Path) -> list[Block]:
    """The ```python blocks of a Markdown file, in order."""
    lines = path.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    start: int | None = None
    info = ""
    for number, line in enumerate(lines, start=1):
        if start is None:
            match = OPENING.match(line)
            if match:
                start, info = number, match["info"].strip()
        elif line.startswith("```"):
            blocks.append(Block(path, start, info, "\n".join(lines[start : number - 1]) + "\n"))
            start = None
    assert start is None, f"{path.name}:{start}: a ```python block is never closed"
    return blocks


BLOCKS = [block for path in DOCUMENTS for block in python_blocks(path)]


@pytest.fixture
def fake_api(monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeInstantly]:
    """What the README's Examples section starts: the fake on loopback, and the two variables."""
    fake = FakeInstantly()
    fake.seed_accounts(25)
    with fake.serve() as base_url:
        monkeypatch.setenv("INSTANTLY_API_KEY", "any-key")
        monkeypatch.setenv("INSTANTLY_BASE_URL", base_url)
        yield fake


def test_the_documents_hold_python_blocks() -> None:
    assert len(BLOCKS) >= 10, [b.name for b in BLOCKS]


def test_blocks_that_need_a_real_key_are_rare() -> None:
    marked = [b.name for b in BLOCKS if NEEDS_A_REAL_KEY in b.info]
    assert len(marked) <= 2, marked


def test_the_readme_stays_under_20_kib() -> None:
    assert (ROOT / "README.md").stat().st_size <= README_MAX_BYTES


@pytest.mark.parametrize("block", BLOCKS, ids=[b.name for b in BLOCKS])
def test_the_block_passes_ruff_as_the_code_does(block: Block) -> None:
    """Examples follow the project's own lint and format rules (pyproject's [tool.ruff])."""
    ruff = find_tool("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed (pip install -e '.[dev]')")
    for args in (["check", "--quiet"], ["format", "--diff", "--quiet"]):
        result = subprocess.run(
            [ruff, *args, "--stdin-filename", "example.py", "-"],
            input=block.code,
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        assert result.returncode == 0, f"{block.name}: ruff {args[0]}\n{result.stdout}"


@pytest.mark.parametrize("block", BLOCKS, ids=[b.name for b in BLOCKS])
def test_the_block_runs_as_written(block: Block, fake_api: FakeInstantly) -> None:
    if NEEDS_A_REAL_KEY in block.info:
        pytest.skip(f"{block.name} is marked {NEEDS_A_REAL_KEY}")
    # Padding puts the code on its own line numbers, so a traceback points into the document.
    code = compile("\n" * block.line + block.code, str(block.path), "exec")
    namespace: dict[str, object] = {"__name__": f"doc_block_{block.line}"}
    exec(code, namespace)
    tests = [v for k, v in namespace.items() if k.startswith("test_") and callable(v)]
    for test in tests:
        run: Callable[[], object] = test  # type: ignore[assignment]
        run()
