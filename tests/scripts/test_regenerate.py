"""regenerate.py: the pin it writes, how it compares trees, its command line and --check."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from pipeline_snapshots import SNAPSHOTS, snapshot_path

import scripts.regenerate as regenerate
from scripts.fetch_spec import LoadedSpec, load_spec
from scripts.normalize import NormalizeReport
from scripts.regenerate import (
    BuildResult,
    compare_trees,
    main,
    pin_document,
    record_spec_changelog,
    render_pin,
)
from scripts.spec_files import REPO_ROOT, find_pinned_spec, read_pin


def loaded_spec(document: dict[str, object], raw: bytes = b"{}") -> LoadedSpec:
    return LoadedSpec(raw=raw, document=document, sha256="ab" * 32, source="/x/api_v2.json")


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_pin_document_records_source_hashes_versions_and_operation_count() -> None:
    document = {
        "info": {"version": "2.0.0"},
        "paths": {"/a": {"get": {}, "post": {}}, "/b": {"delete": {}}},
    }
    pin = pin_document(loaded_spec(document), b"normalized", source="https://x", filename="f.json")
    assert pin["source"] == "https://x"
    assert pin["filename"] == "f.json"
    assert pin["sha256"] == "ab" * 32
    assert pin["normalized_sha256"] == hashlib.sha256(b"normalized").hexdigest()
    assert pin["info_version"] == "2.0.0"
    assert pin["operation_count"] == 3
    assert pin["overrides"] == []
    assert pin["generator"] == "openapi-python-client"
    assert pin["generator_version"] == "0.29.1"


def test_rendered_pin_is_headed_do_not_edit_generated() -> None:
    text = render_pin(pin_document(loaded_spec({}), b"", source="s", filename="f"))
    first_value = next(iter(json.loads(text).values()))
    assert "DO NOT EDIT" in first_value and "@generated" in first_value
    assert text.endswith("}\n")


def test_compare_trees_is_empty_for_identical_trees(tmp_path: Path) -> None:
    files = {"a.py": "x = 1\n", "sub/b.py": "y = 2\n"}
    left = write_tree(tmp_path / "left", files)
    right = write_tree(tmp_path / "right", files)
    assert compare_trees(left, right) == []


def test_compare_trees_names_changed_missing_and_extra_files(tmp_path: Path) -> None:
    left = write_tree(tmp_path / "left", {"same.py": "", "changed.py": "1", "gone.py": ""})
    right = write_tree(tmp_path / "right", {"same.py": "", "changed.py": "2", "new.py": ""})
    assert compare_trees(left, right) == ["changed.py", "gone.py", "new.py"]


def test_compare_trees_ignores_bytecode_caches(tmp_path: Path) -> None:
    left = write_tree(tmp_path / "left", {"a.py": ""})
    right = write_tree(tmp_path / "right", {"a.py": "", "__pycache__/a.cpython-311.pyc": "x"})
    assert compare_trees(left, right) == []


def test_check_refuses_to_combine_with_spec(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--check", "--spec", "x.json"]) == 2
    assert "--check regenerates from the pin" in capsys.readouterr().err


def test_missing_spec_file_fails_with_a_message_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.json"
    assert main(["--spec", str(missing), "--output", str(tmp_path / "out")]) == 1
    assert "nope.json" in capsys.readouterr().err


@pytest.mark.slow
def test_check_passes_on_the_committed_generated_package() -> None:
    if find_pinned_spec() is None:
        pytest.skip(f"pinned spec {read_pin()['filename']} not found locally; --check would fetch")
    done = subprocess.run(
        [sys.executable, str(REPO_ROOT / "scripts" / "regenerate.py"), "--check"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "generated/ matches" in done.stdout


@pytest.mark.snapshots("2026-08-12")
def test_regenerating_onto_a_new_spec_records_its_changes_in_the_changelog(tmp_path: Path) -> None:
    old, new = snapshot_path("2026-08-12"), snapshot_path("2026-08-21")
    previous_pin = {"sha256": SNAPSHOTS["2026-08-12"], "filename": old.name}
    changelog = tmp_path / "CHANGELOG.md"
    section = record_spec_changelog(
        previous_pin, load_spec(new), filename=new.name, changelog_path=changelog
    )
    assert section is not None
    assert f"{old.name} → {new.name}" in section
    assert section in changelog.read_text(encoding="utf-8")


def test_regenerating_onto_the_same_spec_records_nothing(tmp_path: Path) -> None:
    path = snapshot_path("2026-08-21")
    pin = {"sha256": SNAPSHOTS["2026-08-21"], "filename": path.name}
    changelog = tmp_path / "CHANGELOG.md"
    loaded = load_spec(path)
    assert record_spec_changelog(pin, loaded, filename=path.name, changelog_path=changelog) is None
    assert not changelog.exists()


def _committed_build(loaded: LoadedSpec, into: Path, **_: object) -> BuildResult:
    """What a regeneration of the pin writes while generated/ is up to date: the committed files.

    That a real regeneration writes exactly these is proven by
    `test_check_passes_on_the_committed_generated_package` (and CI's `regenerate.py --check`);
    this test is about what `--check` reports when they differ, without a second slow build.
    """
    shutil.copytree(REPO_ROOT / "generated" / "instantly_api", into / "instantly_api")
    return BuildResult(
        package_dir=into / "instantly_api",
        pin=read_pin(),
        report=NormalizeReport(),
        generator_log="",
        model_count=0,
        api_reference=regenerate.API_REFERENCE_PATH.read_text(encoding="utf-8"),
    )


def test_check_fails_naming_the_generated_files_that_differ(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    if find_pinned_spec() is None:
        pytest.skip(f"pinned spec {read_pin()['filename']} not found locally; --check would fetch")
    stale = tmp_path / "generated"
    shutil.copytree(REPO_ROOT / "generated" / "instantly_api", stale / "instantly_api")
    (stale / "instantly_api" / "errors.py").write_text("# edited by hand\n", encoding="utf-8")
    (stale / "instantly_api" / "api" / "account" / "pause_account.py").unlink()
    monkeypatch.setattr(regenerate, "GENERATED_DIR", stale)
    monkeypatch.setattr(regenerate, "build_package", _committed_build)
    assert main(["--check"]) == 1
    err = capsys.readouterr().err
    assert "2 file(s) differ" in err
    assert "  errors.py" in err and "  api/account/pause_account.py" in err


def test_pinned_spec_is_read_from_a_local_copy_found_by_sha256(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[tuple[object, object]] = []
    local = tmp_path / "copy.json"
    monkeypatch.setattr(regenerate, "find_spec_by_sha256", lambda sha: local)
    monkeypatch.setattr(
        regenerate, "load_spec", lambda src, expect_sha256: calls.append((src, expect_sha256))
    )
    regenerate.load_pinned_spec()
    assert calls == [(local, read_pin()["sha256"])]


def test_pinned_spec_is_fetched_from_the_pin_source_when_no_local_copy_exists(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    calls: list[tuple[object, object]] = []
    monkeypatch.setattr(regenerate, "find_spec_by_sha256", lambda sha: None)
    monkeypatch.setattr(
        regenerate, "load_spec", lambda src, expect_sha256: calls.append((src, expect_sha256))
    )
    regenerate.load_pinned_spec()
    pin = read_pin()
    assert calls == [(pin["source"], pin["sha256"])]


def test_the_pinned_spec_is_vendored_with_the_pinned_bytes() -> None:
    from scripts.spec_files import VENDORED_SPEC_PATH, sha256_of

    assert sha256_of(VENDORED_SPEC_PATH) == read_pin()["sha256"]
    assert find_pinned_spec() == VENDORED_SPEC_PATH


def test_check_without_any_copy_of_the_pinned_spec_names_where_it_looked_and_exits_3(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from scripts.fetch_spec import SpecFetchError

    def offline(source: object, expect_sha256: object) -> LoadedSpec:
        raise SpecFetchError(f"could not fetch the spec from {source}: ConnectError")

    monkeypatch.setattr(regenerate, "find_spec_by_sha256", lambda sha: None)
    monkeypatch.setattr(regenerate, "load_spec", offline)
    assert main(["--check"]) == regenerate.EXIT_SPEC_UNAVAILABLE == 3
    err = capsys.readouterr().err
    assert "openapi/api_v2.json" in err
    assert "shared/openapi" in err
    assert read_pin()["source"] in err


def test_a_failed_output_build_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(spec_path: Path, package_dir: Path) -> str:
        (package_dir / "models").mkdir(parents=True)
        (package_dir / "models" / "half.py").write_text("x = 1\n", encoding="utf-8")
        raise regenerate.RegenerateError("generator warned")

    spec = tmp_path / "spec.json"
    spec.write_text(json.dumps({"openapi": "3.1.0", "info": {}, "paths": {}}), encoding="utf-8")
    monkeypatch.setattr(regenerate, "_generate", failing)
    fresh = tmp_path / "fresh"
    assert main(["--spec", str(spec), "--output", str(fresh)]) == 1
    assert not fresh.exists()
    kept = tmp_path / "kept"
    write_tree(kept / "instantly_api", {"old.py": "x = 0\n"})
    assert main(["--spec", str(spec), "--output", str(kept)]) == 1
    assert sorted(p.name for p in kept.rglob("*")) == ["instantly_api", "old.py"]
