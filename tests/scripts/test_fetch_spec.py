"""Tests for scripts/fetch_spec.py: loading a spec from a file or URL, and the CLI."""

from __future__ import annotations

import hashlib
import http.server
import json
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest

from scripts.fetch_spec import LIVE_SPEC_URL, LoadedSpec, SpecFetchError, load_spec, main
from scripts.spec_files import find_pinned_spec, read_pin

MINIMAL_SPEC = {"openapi": "3.1.0", "info": {"title": "t", "version": "1"}, "paths": {}}
MINIMAL_RAW = json.dumps(MINIMAL_SPEC).encode()
BOM = b"\xef\xbb\xbf"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _write(tmp_path: Path, data: bytes, name: str = "spec.json") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def _mock(handler: Callable[[httpx.Request], httpx.Response]) -> httpx.MockTransport:
    return httpx.MockTransport(handler)


def _serve(body: bytes, status: int = 200) -> Callable[[httpx.Request], httpx.Response]:
    return lambda request: httpx.Response(status, content=body)


# --- local files -------------------------------------------------------------------------------


def test_load_spec_from_path_returns_raw_document_sha_and_source(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL_RAW)
    spec = load_spec(path)
    assert spec == LoadedSpec(
        raw=MINIMAL_RAW, document=MINIMAL_SPEC, sha256=_sha(MINIMAL_RAW), source=str(path)
    )


def test_load_spec_accepts_a_path_given_as_str(tmp_path: Path) -> None:
    path = _write(tmp_path, MINIMAL_RAW)
    assert load_spec(str(path)).document == MINIMAL_SPEC


def test_load_spec_tolerates_utf8_bom_and_hashes_the_bytes_with_it(tmp_path: Path) -> None:
    spec = load_spec(_write(tmp_path, BOM + MINIMAL_RAW))
    assert spec.document == MINIMAL_SPEC
    assert spec.sha256 == _sha(BOM + MINIMAL_RAW)


def test_load_spec_missing_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.json"
    with pytest.raises(SpecFetchError, match=r"nope\.json"):
        load_spec(missing)


def test_load_spec_rejects_non_json_naming_the_source(tmp_path: Path) -> None:
    path = _write(tmp_path, b"<html>not json</html>")
    with pytest.raises(SpecFetchError, match=r"spec\.json.*not valid JSON"):
        load_spec(path)


def test_load_spec_rejects_non_utf8_bytes(tmp_path: Path) -> None:
    with pytest.raises(SpecFetchError, match="not UTF-8"):
        load_spec(_write(tmp_path, b'{"openapi": "3.1.0", "x": "\xff"}'))


def test_load_spec_rejects_a_json_array(tmp_path: Path) -> None:
    with pytest.raises(SpecFetchError, match="JSON list"):
        load_spec(_write(tmp_path, b"[]"))


def test_load_spec_rejects_swagger_2_documents(tmp_path: Path) -> None:
    raw = json.dumps({"swagger": "2.0", "paths": {}}).encode()
    with pytest.raises(SpecFetchError, match=r"openapi=None; expected an OpenAPI 3\.x"):
        load_spec(_write(tmp_path, raw))


def test_load_spec_rejects_other_openapi_major_versions(tmp_path: Path) -> None:
    raw = json.dumps({"openapi": "4.0.0", "paths": {}}).encode()
    with pytest.raises(SpecFetchError, match=r"openapi='4\.0\.0'"):
        load_spec(_write(tmp_path, raw))


def test_load_spec_rejects_a_document_without_paths(tmp_path: Path) -> None:
    raw = json.dumps({"openapi": "3.1.0", "info": {}}).encode()
    with pytest.raises(SpecFetchError, match="no 'paths' object"):
        load_spec(_write(tmp_path, raw))


# --- sha256 ------------------------------------------------------------------------------------


def test_load_spec_accepts_matching_expected_sha256(tmp_path: Path) -> None:
    spec = load_spec(_write(tmp_path, MINIMAL_RAW), expect_sha256=_sha(MINIMAL_RAW))
    assert spec.sha256 == _sha(MINIMAL_RAW)


def test_load_spec_expected_sha256_is_case_insensitive(tmp_path: Path) -> None:
    spec = load_spec(_write(tmp_path, MINIMAL_RAW), expect_sha256=_sha(MINIMAL_RAW).upper())
    assert spec.sha256 == _sha(MINIMAL_RAW)


def test_load_spec_sha256_mismatch_names_both_hashes(tmp_path: Path) -> None:
    wrong = "0" * 64
    with pytest.raises(SpecFetchError) as info:
        load_spec(_write(tmp_path, MINIMAL_RAW), expect_sha256=wrong)
    assert _sha(MINIMAL_RAW) in str(info.value)
    assert wrong in str(info.value)


# --- URLs (mock transport) -----------------------------------------------------------------------


def test_load_spec_from_url_uses_the_response_body() -> None:
    spec = load_spec("https://example.test/api_v2.json", transport=_mock(_serve(MINIMAL_RAW)))
    assert spec.document == MINIMAL_SPEC
    assert spec.source == "https://example.test/api_v2.json"
    assert spec.sha256 == _sha(MINIMAL_RAW)


def test_load_spec_defaults_to_the_live_url() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(str(request.url))
        return httpx.Response(200, content=MINIMAL_RAW)

    load_spec(transport=_mock(handler))
    assert seen == [LIVE_SPEC_URL]


def test_load_spec_follows_redirects() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        if request.url.path == "/old.json":
            return httpx.Response(301, headers={"Location": "https://example.test/new.json"})
        return httpx.Response(200, content=MINIMAL_RAW)

    spec = load_spec("https://example.test/old.json", transport=_mock(handler))
    assert spec.document == MINIMAL_SPEC


def test_load_spec_non_2xx_names_the_url_and_status() -> None:
    with pytest.raises(SpecFetchError, match=r"https://example\.test/x\.json.*HTTP 404"):
        load_spec("https://example.test/x.json", transport=_mock(_serve(b"gone", 404)))


def test_load_spec_timeout_is_reported_as_a_timeout() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ReadTimeout("read timed out", request=request)

    with pytest.raises(SpecFetchError, match=r"timed out fetching the spec from https://"):
        load_spec("https://example.test/x.json", transport=_mock(handler))


def test_load_spec_dns_failure_names_the_url() -> None:
    def handler(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno -2] Name or service not known", request=request)

    with pytest.raises(SpecFetchError, match=r"could not fetch the spec from https://no\.test"):
        load_spec("https://no.test/x.json", transport=_mock(handler))


def test_load_spec_from_url_checks_the_expected_sha256() -> None:
    with pytest.raises(SpecFetchError, match="expected " + "a" * 64):
        load_spec(
            "https://example.test/x.json",
            transport=_mock(_serve(MINIMAL_RAW)),
            expect_sha256="a" * 64,
        )


def test_load_spec_from_url_rejects_an_html_error_page_served_as_200() -> None:
    with pytest.raises(SpecFetchError, match="not valid JSON"):
        load_spec("https://example.test/x.json", transport=_mock(_serve(b"<html></html>")))


# --- URLs (real socket on 127.0.0.1) -------------------------------------------------------------


@pytest.fixture
def local_server() -> Iterator[str]:
    """An http.server on 127.0.0.1 serving /spec.json (with a BOM) and 500 for anything else."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            if self.path == "/spec.json":
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(BOM + MINIMAL_RAW)
            else:
                self.send_response(500)
                self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def test_load_spec_over_a_real_socket(local_server: str) -> None:
    spec = load_spec(f"{local_server}/spec.json")
    assert spec.document == MINIMAL_SPEC
    assert spec.sha256 == _sha(BOM + MINIMAL_RAW)


def test_load_spec_over_a_real_socket_reports_server_errors(local_server: str) -> None:
    with pytest.raises(SpecFetchError, match="HTTP 500"):
        load_spec(f"{local_server}/missing.json")


def test_load_spec_connection_refused_is_a_spec_fetch_error() -> None:
    # Port 9 (discard) on 127.0.0.1 is closed on build machines; the connect fails at once.
    with pytest.raises(SpecFetchError, match=r"could not fetch the spec from http://127\.0\.0\.1"):
        load_spec("http://127.0.0.1:9/spec.json", timeout=httpx.Timeout(5.0))


# --- the pinned snapshot -------------------------------------------------------------------------


def test_load_spec_reads_the_pinned_snapshot_with_its_pinned_sha256() -> None:
    path = find_pinned_spec()
    if path is None:
        pytest.skip("the pinned spec snapshot is not on this machine (set INSTANTLY_SPEC_DIR)")
    pin = read_pin()
    spec = load_spec(path, expect_sha256=pin["sha256"])
    assert spec.document["openapi"].startswith("3.")


# --- CLI ---------------------------------------------------------------------------------------


def test_cli_writes_the_raw_spec_to_stdout_and_sha_to_stderr(
    tmp_path: Path, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    path = _write(tmp_path, BOM + MINIMAL_RAW)
    assert main([str(path)]) == 0
    out, err = capsysbinary.readouterr()
    assert out == BOM + MINIMAL_RAW
    assert err.decode().strip() == _sha(BOM + MINIMAL_RAW)


def test_cli_writes_to_the_output_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _write(tmp_path, MINIMAL_RAW)
    target = tmp_path / "out.json"
    assert main([str(path), "-o", str(target), "--expect-sha256", _sha(MINIMAL_RAW)]) == 0
    assert target.read_bytes() == MINIMAL_RAW
    assert capsys.readouterr().err.strip() == _sha(MINIMAL_RAW)


def test_cli_exits_1_with_the_message_on_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path, MINIMAL_RAW)
    assert main([str(path), "--expect-sha256", "0" * 64]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith("error: ")
    assert "0" * 64 in captured.err
