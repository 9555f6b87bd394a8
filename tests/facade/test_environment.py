"""What the client reads from the environment: SSL_CERT_FILE / SSL_CERT_DIR replace the CA
bundle of its own transport and say so in the log; `trust_env=False` ignores them."""

from __future__ import annotations

import asyncio
import logging
import ssl
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import certifi
import httpx
import pytest
from instantly import AsyncInstantly, Instantly, InvalidInputError, NotFoundError

from tests._hardening import SECRET_KEY


@pytest.mark.parametrize("variable", ["SSL_CERT_FILE", "SSL_CERT_DIR"])
def test_a_ca_variable_replacing_the_bundle_is_logged_naming_it(
    variable: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    path = certifi.where() if variable == "SSL_CERT_FILE" else str(Path(certifi.where()).parent)
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.setenv(variable, path)
    caplog.set_level(logging.INFO, logger="instantly")
    Instantly(SECRET_KEY).close()
    (line,) = [r.getMessage() for r in caplog.records if "CA bundle" in r.getMessage()]
    assert f"{variable}={path}" in line and "trust_env=False" in line


def test_no_line_is_logged_without_a_ca_variable(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    caplog.set_level(logging.INFO, logger="instantly")
    Instantly(SECRET_KEY).close()
    assert not [r for r in caplog.records if "CA bundle" in r.getMessage()]


def test_an_unloadable_ca_file_is_an_invalid_input_error_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    with pytest.raises(InvalidInputError, match=r"SSL_CERT_FILE=.*trust_env=False"):
        Instantly(SECRET_KEY)


@pytest.mark.parametrize("client_class", [Instantly, AsyncInstantly])
def test_trust_env_false_ignores_the_ca_variables(
    client_class: type[Instantly] | type[AsyncInstantly],
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    caplog.set_level(logging.INFO, logger="instantly")
    client = client_class(SECRET_KEY, trust_env=False)  # would fail to load the file otherwise
    assert isinstance(client.http_client, httpx.Client | httpx.AsyncClient)
    assert not [r for r in caplog.records if "CA bundle" in r.getMessage()]


def test_a_non_bool_trust_env_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="trust_env"):
        Instantly(SECRET_KEY, trust_env="no")  # type: ignore[arg-type]


def test_the_proxy_variables_are_not_read_by_the_clients_own_transport(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    class NotFound(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(404)
            self.send_header("content-length", "2")
            self.end_headers()
            self.wfile.write(b"{}")

        def log_message(self, format: str, *args: object) -> None:
            """Quiet."""

    server = HTTPServer(("127.0.0.1", 0), NotFound)
    thread = threading.Thread(target=server.handle_request, daemon=True)  # one request, then ends
    thread.start()
    dead = "http://127.0.0.1:9"  # nothing listens there: a proxied request would fail to connect
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "http_proxy", "all_proxy"):
        monkeypatch.setenv(name, dead)
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    base_url = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        with (
            Instantly(SECRET_KEY, base_url=base_url, rate_limit=None, timeout=5) as client,
            pytest.raises(NotFoundError),
        ):
            client.accounts.get("jon@doe.com")  # answered by the server itself: not proxied
    finally:
        thread.join(5)
        server.server_close()


@pytest.mark.parametrize("client_class", [Instantly, AsyncInstantly])
def test_a_plain_http_loopback_client_loads_no_ca_bundle_and_an_https_one_does(
    client_class: type[Instantly] | type[AsyncInstantly], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SSL_CERT_FILE", raising=False)
    monkeypatch.delenv("SSL_CERT_DIR", raising=False)
    loaded: list[str] = []
    where = certifi.where

    def counted() -> str:
        loaded.append(where())
        return loaded[-1]

    monkeypatch.setattr(certifi, "where", counted)
    loopback = client_class(SECRET_KEY, base_url="http://127.0.0.1:9")  # a fake's: no TLS there
    assert loaded == []
    remote = client_class(SECRET_KEY)  # https://api.instantly.ai: certifi's bundle, as before
    assert loaded == [where()]
    for client in (loopback, remote):
        if isinstance(client, AsyncInstantly):
            asyncio.run(client.aclose())
        else:
            client.close()


def test_a_plain_http_client_ignores_a_broken_ca_variable_it_would_never_use(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", str(tmp_path / "missing.pem"))
    Instantly(SECRET_KEY, base_url="http://localhost:9").close()


def test_the_tls_context_of_a_plain_http_client_trusts_no_certificate() -> None:
    from instantly._client import _trusting_no_one

    context = _trusting_no_one()
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    assert context.cert_store_stats()["x509_ca"] == 0  # any TLS handshake would fail to verify
