"""The generator run through its command line by regenerate.py, with its post hooks.

openapi-python-client is used through its public interface only (issue #22): its command line,
run in a second interpreter. It must still fail the build on any warning or error with the
generator's own report, keep its output off the caller's stdout, and run the hooks of
`openapi/generator.yaml` (ruff) itself.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

import scripts.regenerate as regenerate
from scripts.regenerate import RegenerateError


def _spec(response_schema: dict[str, Any]) -> dict[str, Any]:
    content = {"application/json": {"schema": response_schema}}
    return {
        "openapi": "3.0.3",
        "info": {"title": "t", "version": "1"},
        "paths": {
            "/api/v2/gadgets": {
                "get": {
                    "operationId": "listGadget",
                    "responses": {"200": {"description": "ok", "content": content}},
                }
            }
        },
    }


def _write(tmp_path: Path, document: dict[str, Any]) -> Path:
    path = tmp_path / "spec.json"
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_generator_command_writes_the_package_and_nothing_to_stdout(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = _write(tmp_path, _spec({"type": "object", "properties": {"id": {"type": "string"}}}))
    log = regenerate._generate(spec, tmp_path / "out" / "instantly_api")
    assert "Generating" in log
    assert (tmp_path / "out" / "instantly_api" / "api" / "default" / "list_gadget.py").is_file()
    assert capsys.readouterr() == ("", "")


def test_generator_warning_fails_the_build_with_the_generators_report(tmp_path: Path) -> None:
    mixed_enum = {"type": "object", "properties": {"kind": {"enum": [1, "a"]}}}
    spec = _write(tmp_path, _spec(mixed_enum))
    with pytest.raises(RegenerateError) as caught:
        regenerate._generate(spec, tmp_path / "out" / "instantly_api")
    message = str(caught.value)
    assert "failed or warned on spec.json" in message
    assert "WARNING parsing GET /api/v2/gadgets" in message


def test_unreadable_spec_fails_the_build_naming_the_problem(tmp_path: Path) -> None:
    spec = tmp_path / "spec.json"
    spec.write_text("{not json", encoding="utf-8")
    with pytest.raises(RegenerateError, match="Invalid JSON"):
        regenerate._generate(spec, tmp_path / "out" / "instantly_api")


def test_generator_runs_the_post_hooks_of_generator_yaml(tmp_path: Path) -> None:
    spec = _write(tmp_path, _spec({"type": "object", "properties": {"id": {"type": "string"}}}))
    package = tmp_path / "out" / "instantly_api"
    regenerate._generate(spec, package)
    # The last hook is `ruff format` with these flags: nothing is left for it to reformat.
    done = subprocess.run(
        [regenerate._ruff_executable(), "format", "--check", "--isolated", "--line-length",
         "100", "--target-version", "py311", "."],
        cwd=package, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr


def test_hooks_that_format_spare_the_generated_files_a_second_pass() -> None:
    assert regenerate._hooks_format() is True  # openapi/generator.yaml ends with `ruff format`


def test_without_a_formatting_hook_every_file_is_formatted_afterwards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config = tmp_path / "generator.yaml"
    config.write_text('post_hooks:\n  - "ruff check . --fix-only"\n', encoding="utf-8")
    monkeypatch.setattr(regenerate, "CONFIG_PATH", config)
    assert regenerate._hooks_format() is False
