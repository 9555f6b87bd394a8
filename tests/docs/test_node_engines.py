"""The Node.js version docs/testing.md names is one every locked Prism package declares it accepts.

So `npm ci --prefix .ci/prism` on that version prints no EBADENGINE warning. The lock file's
`engines.node` ranges are npm semver ranges; the forms the lock holds are read here
(`>=X.Y.Z`, `>= X`, `^X.Y`, `X.x`, `X.*`, `A || B`), and an unknown form fails loudly.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
LOCK = ROOT / ".ci" / "prism" / "package-lock.json"
TESTING_DOC = ROOT / "docs" / "testing.md"  # where the README sends whoever runs the tests
DOC_NODE = re.compile(r"needs Node\.js\s+(\d+)\.(\d+) or newer")

Version = tuple[int, int, int]


def parse_version(text: str) -> Version:
    """'20', '20.16', '20.16.0', '10.x', '6.*' -> (20, 0, 0), ...; wildcards read as 0."""
    parts = [0 if p in ("x", "*", "X") else int(p) for p in text.split(".")]
    if not 1 <= len(parts) <= 3:
        raise ValueError(f"not a version: {text!r}")
    major, minor, patch = [*parts, 0, 0][:3]
    return major, minor, patch


def satisfies(version: Version, node_range: str) -> bool:
    """Whether `version` is inside the npm range (alternatives joined by `||`)."""
    return any(_clause(version, c.strip()) for c in node_range.split("||"))


def _clause(version: Version, clause: str) -> bool:
    comparators = re.findall(r"(>=|\^)?\s*([\dxX*]+(?:\.[\dxX*]+){0,2})", clause)
    if not comparators or re.sub(r"(>=|\^)?\s*[\dxX*.]+", "", clause).strip():
        raise ValueError(f"range form not understood: {clause!r}")
    for operator, text in comparators:
        low = parse_version(text)
        wildcard = operator == "" and (text.count(".") < 2 or text[-1] in "xX*")
        if operator == ">=":
            ok = version >= low
        elif operator == "^":
            ok = version >= low and version[0] == low[0]
        elif wildcard:
            ok = version[0] == low[0]
        else:
            ok = version == low
        if not ok:
            return False
    return True


def documented_node_version() -> Version:
    match = DOC_NODE.search(" ".join(TESTING_DOC.read_text(encoding="utf-8").split()))
    assert match, "docs/testing.md does not say 'needs Node.js X.Y or newer'"
    return int(match[1]), int(match[2]), 0


def test_every_locked_package_accepts_the_documented_node_version() -> None:
    version = documented_node_version()
    packages = json.loads(LOCK.read_text(encoding="utf-8"))["packages"]
    refusing = {
        name: node_range
        for name, meta in packages.items()
        if (node_range := meta.get("engines", {}).get("node"))
        and not satisfies(version, node_range)
    }
    assert refusing == {}


@pytest.mark.parametrize(
    ("node_range", "inside", "outside"),
    [
        (">=18.20.1", "20.16.0", "18.20.0"),
        (">= 20.16.0", "20.16.0", "20.15.9"),
        ("^12.20 || >=14.13", "12.21.0", "13.0.0"),
        ("6.* || 8.* || >= 10.*", "8.1.0", "7.0.0"),
        ("4.x || >=6.0.0", "4.9.0", "5.0.0"),
        ("^8.16.0 || ^10.6.0 || >=11.0.0", "10.7.0", "9.0.0"),
    ],
)
def test_ranges_read_as_npm_reads_them(node_range: str, inside: str, outside: str) -> None:
    assert satisfies(parse_version(inside), node_range)
    assert not satisfies(parse_version(outside), node_range)


def test_an_unknown_range_form_is_refused() -> None:
    with pytest.raises(ValueError, match="not understood"):
        satisfies((20, 0, 0), "<21 >=18")
