"""`instantly spec diff | info`: files, URLs, a byte order mark, bad input."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from _cli_support import Runner
from instantly_api import _spec

from scripts.spec_files import find_spec_by_sha256

# The oldest snapshot (2025-06-18) starts with a UTF-8 byte order mark; sha256 from its README.
OLDEST_SPEC_SHA256 = "562e2d79663f48b015d724adfe4139d9eec85713c83f8567ec2e35d5517b4251"


def spec(paths: dict[str, Any], version: str = "2.0.0") -> dict[str, Any]:
    return {"openapi": "3.1.0", "info": {"title": "t", "version": version}, "paths": paths}


def operation(op_id: str, params: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    return {"operationId": op_id, "parameters": params or [], "responses": {"200": {}}}


OLD = spec({"/a": {"get": operation("getA")}, "/b": {"get": operation("getB")}})
NEW = spec(
    {
        "/a": {
            "get": operation(
                "getA",
                [{"name": "q", "in": "query", "required": True, "schema": {"type": "string"}}],
            )
        },
        "/c": {"post": operation("postC")},
    }
)


def write(path: Path, document: Any, *, bom: bool = False) -> Path:
    text = json.dumps(document)
    path.write_bytes(("\ufeff" + text if bom else text).encode("utf-8"))
    return path


@pytest.fixture
def specs(tmp_path: Path) -> tuple[Path, Path]:
    return write(tmp_path / "old.json", OLD, bom=True), write(tmp_path / "new.json", NEW)


def test_info_prints_the_pin_of_the_generated_package(cli: Runner) -> None:
    result = cli("spec", "info")
    assert result.code == 0
    assert _spec.SPEC_SHA256 in result.out
    assert _spec.SPEC_FILENAME in result.out
    assert f"openapi-python-client {_spec.GENERATOR_VERSION}" in result.out


def test_info_json_has_stable_keys(cli: Runner) -> None:
    info = cli("spec", "info", "--json").json()
    assert info == {
        "filename": _spec.SPEC_FILENAME,
        "version": _spec.SPEC_VERSION,
        "sha256": _spec.SPEC_SHA256,
        "source": _spec.SPEC_SOURCE,
        "operation_count": _spec.OPERATION_COUNT,
        "generator": "openapi-python-client",
        "generator_version": _spec.GENERATOR_VERSION,
    }


def test_info_needs_no_api_key(cli: Runner) -> None:
    assert cli("spec", "info", env={}).code == 0


def test_diff_prints_markdown_with_breaking_changes_first(
    cli: Runner, specs: tuple[Path, Path]
) -> None:
    result = cli("spec", "diff", *map(str, specs), env={})
    assert result.code == 0
    assert result.out.startswith("## old.json (version 2.0.0) → new.json (version 2.0.0)")
    assert result.out.index("### Breaking changes") < result.out.index("### Non-breaking")
    assert "`GET /b`" in result.out


def test_diff_json_parses_with_summary_and_changes(cli: Runner, specs: tuple[Path, Path]) -> None:
    payload = cli("--json", "spec", "diff", *map(str, specs)).json()
    assert payload["summary"]["operations_added"] == 1
    assert payload["summary"]["operations_removed"] == 1
    kinds = {(c["method"], c["path"], c["kind"]) for c in payload["changes"]}
    assert ("GET", "/a", "parameter-added") in kinds


def test_diff_of_identical_specs_says_nothing_changed(cli: Runner, tmp_path: Path) -> None:
    path = str(write(tmp_path / "same.json", OLD))
    result = cli("spec", "diff", path, path)
    assert result.code == 0
    assert "No changes" in result.out


def test_diff_reads_the_real_snapshot_with_a_bom(cli: Runner, tmp_path: Path) -> None:
    oldest = find_spec_by_sha256(OLDEST_SPEC_SHA256)
    if oldest is None:
        pytest.skip(
            "the 2025-06-18 spec snapshot is not in ../shared/openapi or INSTANTLY_SPEC_DIR"
        )
    assert oldest.read_bytes().startswith(b"\xef\xbb\xbf")
    result = cli("--json", "spec", "diff", str(oldest), str(oldest))
    assert result.code == 0
    assert result.json()["changes"] == []


def test_diff_missing_file_is_a_usage_error(cli: Runner, tmp_path: Path) -> None:
    result = cli("spec", "diff", str(tmp_path / "nope.json"), str(tmp_path / "nope.json"))
    assert result.code == 2
    assert "cannot read the spec file" in result.err


def test_diff_of_a_non_openapi_document_is_a_usage_error(cli: Runner, tmp_path: Path) -> None:
    path = str(write(tmp_path / "x.json", {"swagger": "2.0", "paths": {}}))
    result = cli("spec", "diff", path, path)
    assert result.code == 2
    assert "not an OpenAPI 3 document" in result.err


def test_diff_of_a_non_json_file_is_a_usage_error(cli: Runner, tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text("<html>", encoding="utf-8")
    result = cli("spec", "diff", str(path), str(path))
    assert result.code == 2
    assert "is not a JSON document" in result.err


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def served(specs: tuple[Path, Path]) -> Iterator[str]:
    """A loopback HTTP server serving the spec files' folder; yields its base URL."""
    handler = partial(_QuietHandler, directory=str(specs[0].parent))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def test_diff_fetches_specs_from_urls(cli: Runner, served: str) -> None:
    result = cli("--json", "spec", "diff", f"{served}/old.json", f"{served}/new.json")
    assert result.code == 0
    assert result.json()["summary"]["operations_added"] == 1


def test_diff_of_a_url_answering_404_exits_1(cli: Runner, served: str) -> None:
    result = cli("spec", "diff", f"{served}/missing.json", f"{served}/new.json")
    assert result.code == 1
    assert "404" in result.err
