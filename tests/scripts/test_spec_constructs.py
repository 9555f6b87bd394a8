"""Constructs Instantly may publish next: each added to a synthetic spec, regenerated, exercised.

Each construct is added alone to a minimal spec (fast, runs everywhere), and all of them together
to the pinned spec (slow: one build of the whole spec serves every construct, as they are disjoint
additions under the `Synthetic` tag). The build must succeed with zero generator warnings, the rule
that handles each construct must fire, and its new model must parse an example body through the
generated operation.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from synthetic_specs import CONSTRUCTS, Probe, minimal_spec

import scripts.regenerate as regenerate
from scripts.fetch_spec import LoadedSpec, load_spec
from scripts.regenerate import BuildResult, build_package, main
from scripts.spec_files import VENDORED_SPEC_PATH, read_pin


def _loaded(document: dict[str, Any]) -> LoadedSpec:
    raw = json.dumps(document).encode()
    return LoadedSpec(raw=raw, document=document, sha256="0" * 64, source="/s/synthetic.json")


def _assert_built_cleanly(result: BuildResult) -> None:
    assert "WARNING" not in result.generator_log and "Warning" not in result.generator_log


def _assert_probe_passes(result: BuildResult, probe: Probe, into: Path) -> None:
    assert result.report.counts[probe.rule] >= 1, result.report.counts
    done = subprocess.run(
        [sys.executable, "-c", probe.code],
        cwd=into,
        capture_output=True,
        text=True,
        check=False,
        env={"PYTHONPATH": str(into), "PATH": ""},
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize("construct", sorted(CONSTRUCTS))
def test_construct_on_a_minimal_spec_builds_without_warnings_and_parses(
    construct: str, tmp_path: Path
) -> None:
    spec = minimal_spec()
    probe = CONSTRUCTS[construct](spec)
    result = build_package(_loaded(spec), tmp_path, overrides=[])
    _assert_built_cleanly(result)
    _assert_probe_passes(result, probe, tmp_path)


@dataclass(frozen=True)
class _PinnedBuild:
    """The pinned spec built once with every construct added, and each construct's probe."""

    into: Path
    result: BuildResult
    probes: dict[str, Probe]


@pytest.fixture(scope="module")
def pinned_build(tmp_path_factory: pytest.TempPathFactory) -> _PinnedBuild:
    """One build of the pinned spec plus every construct (read only by the tests below)."""
    spec = load_spec(VENDORED_SPEC_PATH).document
    probes = {name: CONSTRUCTS[name](spec) for name in sorted(CONSTRUCTS)}
    into = tmp_path_factory.mktemp("pinned-with-constructs")
    return _PinnedBuild(into, build_package(_loaded(spec), into, overrides=[]), probes)


@pytest.mark.slow
def test_constructs_added_to_the_pinned_spec_build_a_complete_client_without_warnings(
    pinned_build: _PinnedBuild,
) -> None:
    _assert_built_cleanly(pinned_build.result)
    expected = int(read_pin()["operation_count"]) + len(CONSTRUCTS)
    assert pinned_build.result.pin["operation_count"] == expected
    modules = list((pinned_build.result.package_dir / "api").rglob("*.py"))
    assert sum(1 for m in modules if m.name != "__init__.py") == expected


@pytest.mark.slow
@pytest.mark.parametrize("construct", sorted(CONSTRUCTS))
def test_construct_added_to_the_pinned_spec_fires_its_rule_and_parses(
    construct: str, pinned_build: _PinnedBuild
) -> None:
    _assert_probe_passes(pinned_build.result, pinned_build.probes[construct], pinned_build.into)


def test_colliding_titles_are_named_the_same_way_on_every_regeneration() -> None:
    from scripts.normalize import normalize_with_report

    def titles() -> dict[str, Any]:
        spec = minimal_spec()
        CONSTRUCTS["colliding-titles"](spec)
        normalized, _ = normalize_with_report(spec)
        return {k: v.get("title") for k, v in normalized["components"]["schemas"].items()}

    assert titles() == titles()
    assert titles()["SyntheticGadget"] == "SyntheticGadget"
    assert titles()["SyntheticWidget"] == "Synthetic Widget"


def test_colliding_titles_are_noted_even_when_the_build_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def failing(spec_path: Path, package_dir: Path) -> str:
        raise regenerate.RegenerateError("generator failed")

    spec = minimal_spec()
    CONSTRUCTS["colliding-titles"](spec)
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    monkeypatch.setattr(regenerate, "_generate", failing)
    assert main(["--spec", str(path), "--output", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "'SyntheticGadget' is now titled 'SyntheticGadget'" in err
    assert not (tmp_path / "out").exists()


def test_dangling_ref_note_names_the_place_and_the_missing_target(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    spec = minimal_spec()
    CONSTRUCTS["dangling-ref"](spec)
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(spec), encoding="utf-8")
    assert main(["--spec", str(path), "--output", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert (
        "spec defect: /paths/~1api~1v2~1synthetic~1dangling/get/responses/200/content/"
        "application~1json/schema refers to missing #/components/schemas/SyntheticMissing" in out
    )
