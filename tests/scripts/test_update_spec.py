"""scripts/update_spec.py end to end on two local spec files standing in for the live URL."""

from __future__ import annotations

import copy
import datetime as dt
import json
import sys
from pathlib import Path
from typing import Any

import pytest
from synthetic_specs import minimal_spec

from scripts.fetch_spec import load_spec
from scripts.regenerate import PinPaths, install_spec
from scripts.update_spec import EXIT_CHANGED, EXIT_FAILED, EXIT_UNCHANGED, update_spec

PASS = (sys.executable, "-c", "raise SystemExit(0)")
FAIL = (sys.executable, "-c", "raise SystemExit(3)")
DAY = dt.date(2026, 9, 1)


def _write(path: Path, document: dict[str, Any]) -> Path:
    path.write_text(json.dumps(document, indent=1), encoding="utf-8")
    return path


@pytest.fixture
def repo(tmp_path: Path) -> tuple[PinPaths, Path]:
    """A pinned tree built from spec A; returns its paths and spec B (one field removed)."""
    old = minimal_spec()
    old["components"]["schemas"]["Thing"]["properties"]["name"] = {"type": "string"}
    old_file = _write(tmp_path / "a.json", old)
    paths = PinPaths(
        generated_dir=tmp_path / "repo" / "generated",
        pin=tmp_path / "repo" / "openapi" / "spec.lock.json",
        vendored_spec=tmp_path / "repo" / "openapi" / "api_v2.json",
        changelog=tmp_path / "repo" / "openapi" / "CHANGELOG.md",
    )
    paths.pin.parent.mkdir(parents=True)
    loaded = load_spec(old_file)
    install_spec(loaded, source="https://x/api_v2.json", filename="a.json", paths=paths)
    new = copy.deepcopy(old)
    del new["components"]["schemas"]["Thing"]["properties"]["name"]
    return paths, _write(tmp_path / "b.json", new)


def test_an_unchanged_spec_exits_0_and_writes_nothing(repo: tuple[PinPaths, Path]) -> None:
    paths, _ = repo
    pin_before = paths.pin.read_text(encoding="utf-8")
    result = update_spec(str(paths.vendored_spec), paths=paths, test_command=FAIL)
    assert result.status == EXIT_UNCHANGED
    assert paths.pin.read_text(encoding="utf-8") == pin_before
    assert not paths.changelog.exists()


def test_a_changed_spec_regenerates_tests_appends_the_changelog_and_exits_10(
    repo: tuple[PinPaths, Path],
) -> None:
    paths, new_file = repo
    result = update_spec(str(new_file), paths=paths, test_command=PASS, today=DAY)
    assert result.status == EXIT_CHANGED
    pin = json.loads(paths.pin.read_text(encoding="utf-8"))
    assert pin["sha256"] == load_spec(new_file).sha256
    assert pin["filename"] == "api_v2.2026-09-01.json"
    assert pin["source"] == "https://x/api_v2.json"
    assert paths.vendored_spec.read_bytes() == new_file.read_bytes()
    model = (paths.generated_dir / "instantly_api" / "models" / "thing.py").read_text()
    assert "name" not in model
    changelog = paths.changelog.read_text(encoding="utf-8")
    assert "**1 changes break this client**" in changelog
    assert "response 200 `name` removed" in changelog
    assert result.pr_body.startswith("# Update Instantly's spec: a.json → api_v2.2026-09-01.json")
    assert "response 200 `name` removed" in result.pr_body
    again = update_spec(str(new_file), paths=paths, test_command=FAIL)
    assert again.status == EXIT_UNCHANGED


def test_failing_tests_exit_1_without_a_pull_request_body(repo: tuple[PinPaths, Path]) -> None:
    paths, new_file = repo
    result = update_spec(str(new_file), paths=paths, test_command=FAIL)
    assert result.status == EXIT_FAILED
    assert "tests failed (exit 3)" in result.summary and not result.pr_body


def test_an_unreadable_source_exits_1_naming_it(
    repo: tuple[PinPaths, Path], tmp_path: Path
) -> None:
    paths, _ = repo
    result = update_spec(str(tmp_path / "missing.json"), paths=paths, test_command=PASS)
    assert result.status == EXIT_FAILED and "missing.json" in result.summary
