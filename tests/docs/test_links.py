"""Every relative link of README.md, CHANGELOG.md and docs/*.md points at a file that exists, and
every `#anchor` at a heading of the page it names (GitHub's heading slugs)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = [ROOT / "README.md", ROOT / "CHANGELOG.md", *sorted((ROOT / "docs").glob("*.md"))]
LINK = re.compile(r"\]\((?P<target>[^)\s]+)\)")
FENCE = re.compile(r"^```.*?^```", re.MULTILINE | re.DOTALL)
HEADING = re.compile(r"^#{1,6} (?P<title>.+)$", re.MULTILINE)


def prose(path: Path) -> str:
    """The document without its fenced blocks (code may contain `](...)` that is no link)."""
    return FENCE.sub("", path.read_text(encoding="utf-8"))


def slug(title: str) -> str:
    """GitHub's anchor for a heading: lower case, punctuation dropped, spaces become hyphens."""
    text = re.sub(r"[^\w\- ]", "", title.strip().lower().replace("`", ""))
    return text.replace(" ", "-")


def anchors(path: Path) -> set[str]:
    return {slug(m["title"]) for m in HEADING.finditer(prose(path))}


def relative_links(path: Path) -> list[str]:
    return [
        m["target"]
        for m in LINK.finditer(prose(path))
        if not re.match(r"[a-z]+:", m["target"])  # https:, mailto:
    ]


LINKS = [(doc, target) for doc in DOCUMENTS for target in relative_links(doc)]


def test_the_documents_link_to_each_other() -> None:
    assert len(LINKS) >= 20


@pytest.mark.parametrize(
    ("document", "target"),
    LINKS,
    ids=[f"{d.relative_to(ROOT)}->{t}" for d, t in LINKS],
)
def test_the_link_resolves(document: Path, target: str) -> None:
    file_part, _, anchor = target.partition("#")
    linked = (document.parent / file_part).resolve() if file_part else document
    assert linked.exists(), f"{document.relative_to(ROOT)}: {target} does not exist"
    if anchor and linked.suffix == ".md":
        assert anchor in anchors(linked), f"{document.relative_to(ROOT)}: no heading #{anchor}"


def test_slugs_follow_github() -> None:
    assert slug("Logging, transports and the generated functions") == (
        "logging-transports-and-the-generated-functions"
    )
    assert slug("The resource layer: every operation a method") == (
        "the-resource-layer-every-operation-a-method"
    )
