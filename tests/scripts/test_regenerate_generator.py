"""The generator run inside regenerate.py's own process, and the post hooks it runs after it.

openapi-python-client runs in-process (issue #12: no second interpreter start and imports); it
must still fail the build on any warning or error with the generator's own report, keep its
output off the caller's stdout, and the hooks of `openapi/generator.yaml` must still run.
"""

from __future__ import annotations

import json
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


def test_generator_runs_in_process_writing_the_package_and_nothing_to_stdout(
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


def test_post_hooks_are_generator_yamls_and_say_whether_they_formatted(tmp_path: Path) -> None:
    hooks = regenerate._post_hooks()
    assert hooks and all(hook.startswith("ruff ") for hook in hooks)
    (tmp_path / "module.py").write_text("import os\nx  =  1\n", encoding="utf-8")
    formatted = regenerate._run_post_hooks(tmp_path)
    assert formatted == any(hook.startswith("ruff format") for hook in hooks)
    assert (tmp_path / "module.py").read_text(encoding="utf-8") == "x = 1\n"


def test_failing_post_hook_fails_the_build_naming_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(regenerate, "_post_hooks", lambda: ["echo broken >&2; exit 3"])
    with pytest.raises(RegenerateError, match=r"post hook `echo broken >&2; exit 3` failed"):
        regenerate._run_post_hooks(tmp_path)
