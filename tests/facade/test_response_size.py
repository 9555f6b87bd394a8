"""A cap on response bodies: decoded bytes past `max_response_bytes` raise ResponseTooLargeError
while the body streams in (never after reading it whole), on any status, sync and async.

The servers are loopback sockets (127.0.0.1) that stop when the client hangs up or after
`_LIFETIME` seconds. Memory is measured with tracemalloc (the peak of what Python allocated
during the call), never a time.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import socket
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager

import httpx
import pytest
from instantly import (
    AsyncInstantly,
    Instantly,
    InvalidInputError,
    MalformedResponseError,
    ResponseTooLargeError,
)

from tests._hardening import SECRET_KEY

EMAIL = "jon@doe.com"
ACCOUNT = {
    "email": EMAIL,
    "timestamp_created": "2026-03-05T23:09:47.220Z",
    "timestamp_updated": "2026-03-05T23:09:47.220Z",
    "first_name": "Jon",
    "last_name": "Doe",
    "organization": "019cc043-af54-70e2-ac5a-5f6af8474683",
    "warmup_status": 1,
    "provider_code": 2,
    "status": 1,
    "setup_pending": False,
    "is_managed_account": False,
    "warmup": {"limit": 100, "increment": "disabled", "reply_rate": 0.1},
    "daily_limit": 100,
    "tracking_domain_name": "example.com",
    "timestamp_last_used": "2026-03-05T23:09:47.220Z",
}
MiB = 1024 * 1024
_LIFETIME = 60.0


def _gzip_bomb(gibibytes: int) -> tuple[bytes, bytes, int]:
    """(gzip header, a block inflating to 1 MiB of zeros, how many blocks make `gibibytes`).

    Each block is compressed from a full flush, so every one is the same bytes: the body is the
    header then the block repeated, about 1 KB per MiB (4 MB for 4 GiB), never built in full.
    """
    compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
    zeros = bytes(MiB)
    first = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    block = compressor.compress(zeros) + compressor.flush(zlib.Z_FULL_FLUSH)
    return first[: len(first) - len(block)], block, gibibytes * 1024


def _bomb_body() -> tuple[dict[str, str], Callable[[], Iterator[bytes]]]:
    head, block, count = _gzip_bomb(4)

    def body() -> Iterator[bytes]:
        yield head
        for _ in range(count // 64):
            yield block * 64

    headers = {"content-encoding": "gzip", "content-length": str(len(head) + len(block) * count)}
    return headers, body


def _plain_body(size: int) -> tuple[dict[str, str], Callable[[], Iterator[bytes]]]:
    """`size` bytes of JSON-ish text, chunked (no Content-Length to refuse it early)."""

    def body() -> Iterator[bytes]:
        piece = b"x" * (1 * MiB)
        for _ in range(size // MiB):
            yield b"%x\r\n%s\r\n" % (len(piece), piece)
        yield b"0\r\n\r\n"

    return {"transfer-encoding": "chunked"}, body


@contextmanager
def _server(
    status: int, headers: dict[str, str], body: Callable[[], Iterator[bytes]]
) -> Iterator[str]:
    """A loopback server answering every request with `status`, `headers` and `body()`."""
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(0.05)
    stop = threading.Event()
    ends_at = time.monotonic() + _LIFETIME
    head = f"HTTP/1.1 {status} X\r\ncontent-type: application/json\r\n" + "".join(
        f"{k}: {v}\r\n" for k, v in headers.items()
    )

    def serve_one(conn: socket.socket) -> None:
        with conn:
            try:
                conn.settimeout(10)
                conn.recv(65536)
                conn.sendall(head.encode() + b"\r\n")
                for chunk in body():
                    if stop.is_set() or time.monotonic() > ends_at:
                        return
                    conn.sendall(chunk)
            except OSError:
                pass  # the client hung up: what a cap does

    def serve() -> None:
        while not stop.is_set() and time.monotonic() < ends_at:
            try:
                conn, _ = listener.accept()
            except (TimeoutError, OSError):
                continue
            threading.Thread(target=serve_one, args=(conn,), daemon=True).start()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    host, port = listener.getsockname()[:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        stop.set()
        thread.join(5)
        listener.close()


def _client(base_url: str, **options: object) -> Instantly:
    options = {"rate_limit": None, "max_retries": 0, **options}
    return Instantly(SECRET_KEY, base_url=base_url, **options)  # type: ignore[arg-type]


@contextmanager
def _peak_allocated() -> Iterator[list[int]]:
    """The peak bytes Python allocated inside the block (tracemalloc), in a one-item list."""
    result = [0]
    tracemalloc.start()
    try:
        tracemalloc.reset_peak()
        before = tracemalloc.get_traced_memory()[0]
        yield result
        result[0] = tracemalloc.get_traced_memory()[1] - before
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("status", [200, 500])
def test_a_gzip_bomb_raises_response_too_large_with_memory_bounded(status: int) -> None:
    with (
        _server(status, *_bomb_body()) as base_url,
        _client(base_url, max_response_bytes=8 * MiB) as client,
        _peak_allocated() as peak,
        pytest.raises(ResponseTooLargeError) as caught,
    ):
        client.accounts.get(EMAIL)
    assert caught.value.limit == 8 * MiB
    assert caught.value.status_code == status
    assert peak[0] < 40 * MiB  # the cap and a few pieces, not 4 GiB


def test_a_gzip_bomb_stops_at_the_default_cap_of_64_mib() -> None:
    with (
        _server(200, *_bomb_body()) as base_url,
        _client(base_url) as client,
        _peak_allocated() as peak,
        pytest.raises(ResponseTooLargeError, match="max_response_bytes=67,108,864"),
    ):
        client.accounts.get(EMAIL)
    assert peak[0] < 200 * MiB


async def test_an_async_gzip_bomb_raises_response_too_large_with_memory_bounded() -> None:
    with _server(200, *_bomb_body()) as base_url:
        async with AsyncInstantly(
            SECRET_KEY, base_url=base_url, rate_limit=None, max_response_bytes=8 * MiB
        ) as client:
            with _peak_allocated() as peak, pytest.raises(ResponseTooLargeError):
                await asyncio.wait_for(client.accounts.get(EMAIL), timeout=_LIFETIME)
    assert peak[0] < 40 * MiB


def test_a_200_mb_plain_body_stops_at_the_cap() -> None:
    with (
        _server(200, *_plain_body(200 * MiB)) as base_url,
        _client(base_url) as client,
        _peak_allocated() as peak,
        pytest.raises(ResponseTooLargeError),
    ):
        client.accounts.get(EMAIL)
    assert peak[0] < 200 * MiB  # 631 MB before the cap


def test_a_content_length_past_the_cap_is_refused_before_the_body_is_read() -> None:
    def body() -> Iterator[bytes]:
        yield b"{}"

    headers = {"content-length": str(100 * MiB)}  # announced, never sent
    with (
        _server(200, headers, body) as base_url,
        _client(base_url, max_response_bytes=MiB, timeout=5) as client,
        pytest.raises(ResponseTooLargeError, match="announces 104,857,600 bytes"),
    ):
        client.accounts.get(EMAIL)


def test_a_gzip_body_within_the_cap_is_decoded() -> None:
    packed = gzip.compress(json.dumps(ACCOUNT).encode())

    def body() -> Iterator[bytes]:
        yield packed

    headers = {"content-encoding": "gzip", "content-length": str(len(packed))}
    with _server(200, headers, body) as base_url, _client(base_url) as client:
        assert client.accounts.get(EMAIL).first_name == "Jon"


def test_a_body_in_a_coding_the_client_did_not_ask_for_is_malformed() -> None:
    def body() -> Iterator[bytes]:
        yield b"\x0b\x02\x80{}\x03"

    headers = {"content-encoding": "br", "content-length": "6"}
    with (
        _server(200, headers, body) as base_url,
        _client(base_url) as client,
        pytest.raises(MalformedResponseError, match="'br' is not one this client asks for"),
    ):
        client.accounts.get(EMAIL)


def test_the_raw_client_gets_the_same_cap() -> None:
    from instantly_api.api.account.get_account import sync_detailed

    with (
        _server(200, *_bomb_body()) as base_url,
        _client(base_url, max_response_bytes=MiB) as client,
        pytest.raises(ResponseTooLargeError),
    ):
        sync_detailed(EMAIL, client=client.raw)


def test_the_client_asks_only_for_codings_it_can_bound() -> None:
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["accept-encoding"])
        return httpx.Response(200, json=ACCOUNT)

    with Instantly(SECRET_KEY, transport=httpx.MockTransport(handler), rate_limit=None) as client:
        client.accounts.get(EMAIL)
    assert seen == ["gzip, deflate"]


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "64MiB"])
def test_a_bad_max_response_bytes_is_refused_naming_it(bad: object) -> None:
    with pytest.raises(InvalidInputError, match="max_response_bytes"):
        Instantly(SECRET_KEY, max_response_bytes=bad)  # type: ignore[arg-type]
