"""The release changelog: its newest release is this version and names the pinned spec."""

from __future__ import annotations

import json
import re
from pathlib import Path

import instantly

ROOT = Path(__file__).resolve().parents[2]
RELEASE_HEADING = re.compile(r"^## \[(?P<version>\d+\.\d+\.\d+[^\]]*)\] - \d{4}-\d{2}-\d{2}$")


def newest_release() -> tuple[str, str]:
    """(version, text) of the first versioned section of CHANGELOG.md (after Unreleased)."""
    lines = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").splitlines()
    starts = [i for i, line in enumerate(lines) if line.startswith("## ")]
    for n, start in enumerate(starts):
        match = RELEASE_HEADING.match(lines[start])
        if match:
            end = starts[n + 1] if n + 1 < len(starts) else len(lines)
            return match["version"], "\n".join(lines[start:end])
    raise AssertionError("CHANGELOG.md has no '## [X.Y.Z] - YYYY-MM-DD' release heading")


def test_the_newest_release_is_the_package_version() -> None:
    version, _ = newest_release()
    assert version == instantly.__version__


def test_the_newest_release_names_the_pinned_spec_by_sha256_file_and_date() -> None:
    pin = json.loads((ROOT / "openapi" / "spec.lock.json").read_text(encoding="utf-8"))
    _, text = newest_release()
    flat = " ".join(text.split())
    assert pin["sha256"] in flat
    assert pin["filename"] in flat
    spec_date = re.search(r"\d{4}-\d{2}-\d{2}", pin["filename"])
    if spec_date is not None:  # snapshots are named api_v2.<date>.json
        assert f"spec of {spec_date[0]}" in flat
