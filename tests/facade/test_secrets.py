"""Secrets: the API key never appears in logs, exception messages, reprs or CLI output.

Everything that could carry it is captured: every logger at DEBUG (ours, httpx, httpcore) over a
real loopback connection; each error's str, repr, attributes and full formatted traceback
(chained causes included); the reprs of the clients and their parts; the command line's stdout
and stderr, in-process and as a real `python -m instantly --debug` process. The servers include
hostile ones that echo the Authorization header back in error pages and bodies.
"""

from __future__ import annotations

import json
import logging
import os
import subprocess
import sys
import traceback
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from instantly import (
    APIError,
    AsyncInstantly,
    Instantly,
    InstantlyError,
    InvalidInputError,
)
from instantly.testing import FakeClock, FakeInstantly, Fault, JobScript

from tests._hardening import SECRET_KEY, HungServer

ROOT = Path(__file__).resolve().parents[2]
KEY_PARTS = (SECRET_KEY, SECRET_KEY[3:], SECRET_KEY[:-3])  # the key, or most of it


def assert_no_key(text: str, where: str) -> None:
    for part in KEY_PARTS:
        assert part not in text, f"the API key leaked into {where}: {text[:300]!r}"


def everything_about(exc: BaseException) -> str:
    """All an application might print or log about one of our errors: its str, repr and
    attributes (`body`, `message`, ...), and its formatted traceback with every chained cause.
    """
    return "\n".join(
        [str(exc), repr(exc), repr(vars(exc)), "".join(traceback.format_exception(exc))]
    )


# -- hostile servers that echo the key ---------------------------------------------------------


Handler = Callable[[httpx.Request], httpx.Response]


def _echo(status: int, content_type: str, template: str) -> Handler:
    def handler(request: httpx.Request) -> httpx.Response:
        header = request.headers.get("authorization", "")
        body = template.format(auth=header, key=header.partition(" ")[2])
        return httpx.Response(status, content=body.encode(), headers={"content-type": content_type})

    return handler


ECHOES: dict[str, Handler] = {
    "401 json message": _echo(401, "application/json", '{{"message": "Invalid API key {key}"}}'),
    "403 json list": _echo(403, "application/json", '{{"message": ["no scope for {key}"]}}'),
    "400 json nested": _echo(
        400, "application/json", '{{"error": "bad", "echo": {{"h": "{auth}"}}}}'
    ),
    "500 html debug page": _echo(500, "text/html", "<pre>Authorization: {auth}</pre>"),
    "502 text": _echo(502, "text/plain", "upstream said: {auth}"),
    "429 json": _echo(429, "application/json", '{{"message": "slow down {key}"}}'),
    "200 malformed": _echo(200, "application/json", '{{"echo": "{auth}"'),
    "200 wrong shape": _echo(200, "application/json", '{{"email": 5, "key": "{key}"}}'),
}


@pytest.mark.parametrize("name", sorted(ECHOES))
def test_an_error_from_a_server_echoing_the_key_does_not_carry_it(name: str) -> None:
    with Instantly(
        SECRET_KEY, transport=httpx.MockTransport(ECHOES[name]), rate_limit=None, max_retries=0,
        strict=True,  # "200 wrong shape" raises (a tolerant client keeps it: test_deviations.py)
    ) as client, pytest.raises(APIError) as caught:  # fmt: skip
        client.accounts.get("jon@doe.com")
    assert_no_key(everything_about(caught.value), f"{name}: the error")
    assert "[redacted]" in everything_about(caught.value)


async def test_an_async_error_from_a_server_echoing_the_key_does_not_carry_it() -> None:
    async with AsyncInstantly(
        SECRET_KEY, transport=httpx.MockTransport(ECHOES["401 json message"]), rate_limit=None
    ) as client:
        with pytest.raises(APIError) as caught:
            await client.accounts.get("jon@doe.com")
    assert_no_key(everything_about(caught.value), "the async error")


# -- connection-level errors, input errors -----------------------------------------------------


def test_a_timeout_error_does_not_carry_the_key() -> None:
    with HungServer() as server, Instantly(
        SECRET_KEY, base_url=server.base_url, timeout=0.1, max_retries=0, rate_limit=None
    ) as client, pytest.raises(APIError) as caught:  # fmt: skip
        client.accounts.get("jon@doe.com")
    assert_no_key(everything_about(caught.value), "the timeout error")


def test_a_connection_error_does_not_carry_the_key() -> None:
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    with Instantly(
        SECRET_KEY, transport=httpx.MockTransport(refuse), max_retries=0, rate_limit=None
    ) as client, pytest.raises(APIError) as caught:  # fmt: skip
        client.accounts.get("jon@doe.com")
    assert_no_key(everything_about(caught.value), "the connection error")


@pytest.mark.parametrize(
    "api_key",
    [f" {SECRET_KEY}", f"{SECRET_KEY}\n", f"{SECRET_KEY}\r\nX: 1"],
    ids=["leading space", "newline", "header injection"],
)
def test_a_refused_key_is_not_echoed_in_the_error(api_key: str) -> None:
    with pytest.raises(InvalidInputError) as caught:
        Instantly(api_key)
    assert_no_key(everything_about(caught.value), "the invalid-key error")


def test_a_base_url_with_credentials_is_refused_without_echoing_them() -> None:
    with pytest.raises(InvalidInputError) as caught:
        Instantly(SECRET_KEY, base_url=f"https://user:{SECRET_KEY}@api.instantly.ai")
    assert_no_key(everything_about(caught.value), "the base-URL error")


def test_an_invalid_input_error_does_not_carry_the_key() -> None:
    with Instantly(SECRET_KEY, rate_limit=None) as client, pytest.raises(InstantlyError) as caught:
        client.accounts.pause("not an address")
    assert_no_key(everything_about(caught.value), "the input error")


# -- reprs ---------------------------------------------------------------------------------------


def _reprs(*objects: object) -> Iterator[str]:
    """The repr and str of each object, and of the attributes of those this project defines."""
    for obj in objects:
        yield repr(obj)
        yield str(obj)
        if type(obj).__module__.startswith("instantly") and hasattr(obj, "__dict__"):
            yield repr(vars(obj))


def test_the_reprs_of_the_client_and_its_parts_do_not_carry_the_key() -> None:
    with Instantly(SECRET_KEY, rate_limit=None) as client:
        objects = [client, client._config, client.http_client, client.http_client.headers]
        objects += [client.raw, client.accounts, client.jobs, client._config.settings]
        for text in _reprs(*objects):
            assert_no_key(text, "a repr")


async def test_the_reprs_of_the_async_client_and_its_parts_do_not_carry_the_key() -> None:
    async with AsyncInstantly(SECRET_KEY, rate_limit=None) as client:
        objects = [client, client._config, client.http_client, client.http_client.headers]
        objects += [client.raw, client.accounts, client.jobs]
        for text in _reprs(*objects):
            assert_no_key(text, "an async repr")


def test_the_key_is_still_sent_to_the_server() -> None:
    """The redaction is in reprs only: the Authorization header carries the real key."""
    seen: list[str] = []

    def handler(request: httpx.Request) -> httpx.Response:
        seen.append(request.headers["authorization"])
        return httpx.Response(404, json={"message": "Not Found"})

    with (
        Instantly(SECRET_KEY, transport=httpx.MockTransport(handler), rate_limit=None) as client,
        pytest.raises(APIError),
    ):
        client.accounts.get("jon@doe.com")
    assert seen == [f"Bearer {SECRET_KEY}"]


# -- logs at DEBUG, every logger, over a real loopback connection ------------------------------


def test_debug_logs_of_every_logger_do_not_carry_the_key(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock(0.0)
    fake = FakeInstantly(
        api_key=SECRET_KEY, clock=clock, rate_limit=None, job_script=JobScript.success()
    )
    emails = fake.seed_accounts(3)
    for fault in (
        Fault.rate_limited(1.0),
        Fault.server_error(503),
        Fault.drop_before(reset=True),
        Fault.server_error(500),
    ):
        fake.faults.add(fault, times=1)
    caplog.set_level(logging.DEBUG)  # the root logger: ours, httpx and httpcore alike
    with fake.serve() as base_url:
        with Instantly(
            SECRET_KEY, base_url=base_url, rate_limit=None, max_retries=5, clock=clock,
            sleep=clock.sleep,
        ) as client:  # fmt: skip
            client.accounts.get(emails[0])
            list(client.accounts.list(limit=2))
            client.accounts.pause(emails[1])
            client.accounts.resume(emails[1])
            client.accounts.disable_warmup([emails[2]], wait=True)
            with pytest.raises(APIError):
                client.accounts.get("nobody@doe.com")
        with (
            Instantly("sk-some-other-key-123", base_url=base_url, rate_limit=None) as other,
            pytest.raises(APIError),
        ):
            other.accounts.get(emails[0])
    loggers = {record.name.split(".")[0] for record in caplog.records}
    assert {"instantly", "httpx", "httpcore"} <= loggers, loggers
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    for record in caplog.records:
        assert_no_key(formatter.format(record), f"the {record.name} log")
        assert_no_key(repr(record.args), f"the {record.name} log arguments")
    assert_no_key(caplog.text, "the captured log")


# -- the command line ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["401 json message", "500 html debug page", "200 malformed"])
def test_the_cli_output_does_not_carry_the_key_even_with_debug(name: str) -> None:
    import io

    from instantly._cli._app import run

    stdout, stderr = io.StringIO(), io.StringIO()
    code = run(
        ["--debug", "accounts", "get", "jon@doe.com"],
        stdout=stdout,
        stderr=stderr,
        environ={"INSTANTLY_API_KEY": SECRET_KEY},
        transport=httpx.MockTransport(ECHOES[name]),
        tqdm=None,
    )
    assert code != 0
    assert_no_key(stdout.getvalue() + stderr.getvalue(), f"the CLI output ({name})")


def _run_cli(base_url: str, *argv: str) -> subprocess.CompletedProcess[str]:
    env = {
        **os.environ,
        "INSTANTLY_API_KEY": SECRET_KEY,
        "INSTANTLY_BASE_URL": base_url,
        "PYTHONPATH": os.pathsep.join(
            [str(ROOT / "facade"), str(ROOT / "generated"), os.environ.get("PYTHONPATH", "")]
        ),
    }
    return subprocess.run(
        [sys.executable, "-m", "instantly", *argv],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


@pytest.fixture
def served() -> Iterator[tuple[FakeInstantly, str]]:
    fake = FakeInstantly(
        api_key=SECRET_KEY, rate_limit=None, job_script=JobScript.success(pending=0.05, running=0.1)
    )
    fake.seed_accounts(3)
    with fake.serve() as base_url:
        yield fake, base_url


@pytest.mark.parametrize(
    "argv",
    [
        ("--debug", "accounts", "get", "sender001@example.com"),
        ("--debug", "--json", "accounts", "list"),
        ("--debug", "accounts", "get", "nobody@example.com"),
        ("--debug", "warmup", "disable", "--email", "sender002@example.com", "--wait"),
    ],
    ids=["get", "list", "not found", "warmup wait"],
)
def test_a_real_cli_process_with_debug_does_not_print_the_key(
    served: tuple[FakeInstantly, str], argv: tuple[str, ...]
) -> None:
    fake, base_url = served
    fake.faults.add(Fault.server_error(503), times=1)  # a retry, logged at --debug
    done = _run_cli(base_url, *argv)
    assert "debug:" in done.stderr  # the debug log really was on
    assert_no_key(done.stdout + done.stderr, f"`instantly {' '.join(argv)}`")


def test_a_real_cli_process_given_the_key_on_the_command_line_does_not_print_it(
    served: tuple[FakeInstantly, str],
) -> None:
    _, base_url = served
    done = _run_cli(base_url, "--debug", "--api-key", SECRET_KEY + "-wrong", "accounts", "list")
    assert done.returncode != 0
    assert_no_key(done.stdout + done.stderr, "`instantly --api-key ...`")


def test_the_fake_request_log_does_not_hold_the_key(served: tuple[FakeInstantly, str]) -> None:
    fake, base_url = served
    _run_cli(base_url, "accounts", "list")
    dumped = json.dumps([repr(r) for r in fake.requests])
    assert_no_key(dumped, "the fake's request log")


# -- a hostile loopback server: every way an echo can reach an error, a chain, a frame or a log --

ACCOUNT = {
    "email": "jon@doe.com", "timestamp_created": "2026-10-31T21:53:31.268Z",
    "timestamp_updated": "2026-10-31T21:53:31.268Z", "first_name": "John", "last_name": "Doe",
    "status": 1,
}  # fmt: skip


def _http(status: str, headers: list[tuple[str, str]], body: bytes) -> bytes:
    head = [f"HTTP/1.1 {status}", *(f"{k}: {v}" for k, v in headers)]
    if not any(k.lower() == "content-length" for k, _ in headers):
        head.append(f"Content-Length: {len(body)}")
    return ("\r\n".join(head) + "\r\n\r\n").encode() + body


def _json(status: str, body: object, *extra: tuple[str, str]) -> bytes:
    data = json.dumps(body).encode()
    return _http(status, [("Content-Type", "application/json"), *extra], data)


HOSTILE: dict[str, Callable[[str], bytes]] = {
    "timestamp echo (chained parse error)": lambda k: _json(
        "200 OK", {**ACCOUNT, "timestamp_created": f"not-a-date {k}"}
    ),
    "truncated JSON echo (JSONDecodeError.doc)": lambda k: _http(
        "200 OK", [("Content-Type", "application/json")], f'{{"email": "{k}"'.encode()
    ),
    "wrong shape echo (parsed model in a frame)": lambda k: _json(
        "200 OK", {**ACCOUNT, "status": "x", "echo": k}
    ),
    "401 json echo": lambda k: _json("401 Unauthorized", {"message": f"bad key {k}"}),
    "500 html echo": lambda k: _http(
        "500 Internal Server Error", [("Content-Type", "text/html")], f"<pre>{k}</pre>".encode()
    ),
    "429 echo": lambda k: _json(
        "429 Too Many Requests", {"message": f"slow {k}"}, ("Retry-After", "0")
    ),
    "headers echo (request id, debug header)": lambda k: _json(
        "404 Not Found", {"message": "no"}, ("X-Echo", f"Bearer {k}"), ("X-Request-Id", k)
    ),
    "retry-after echo": lambda k: _json("429 Too Many Requests", {}, ("Retry-After", k)),
    "bad status line echo": lambda k: f"HTTP/1.1 2x0 {k}\r\n\r\n".encode(),
    "bad header line echo": lambda k: f"HTTP/1.1 200 OK\r\nX-Bad {k}\r\n\r\n".encode(),
    "truncated body echo": lambda k: _http(
        "200 OK",
        [("Content-Type", "application/json"), ("Content-Length", "4000")],
        f'{{"email": "{k}", '.encode(),
    ),
    "location echo": lambda k: _json("302 Found", {}, ("Location", f"https://evil.test/{k}")),
    "gzip echo (undecodable body)": lambda k: _http(
        "200 OK",
        [("Content-Type", "application/json"), ("Content-Encoding", "gzip")],
        f'{{"email": "{k}"}}'.encode(),
    ),
}


class _EchoServer:
    """Loopback server answering every request with `answer(key)`, the key read from the request."""

    def __init__(self, answer: Callable[[str], bytes]) -> None:
        import socket
        import threading

        self._answer = answer
        self._sock = socket.socket()
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(8)
        self._sock.settimeout(0.05)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._sock.getsockname()[1]}"

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._sock.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(2)
                data = b""
                try:
                    while b"\r\n\r\n" not in data:
                        chunk = conn.recv(65536)
                        if not chunk:
                            break
                        data += chunk
                    head = data.decode("latin-1")
                    auth = next(
                        (line.split(":", 1)[1].strip() for line in head.split("\r\n")
                         if line.lower().startswith("authorization:")), "",
                    )  # fmt: skip
                    conn.sendall(self._answer(auth.partition(" ")[2]))
                except OSError:
                    pass

    def __enter__(self) -> _EchoServer:
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join(timeout=5)
        self._sock.close()


def everything_rendered(exc: BaseException) -> str:
    """`everything_about` plus a traceback rendered with every frame's locals (chain included)."""
    with_locals = traceback.TracebackException.from_exception(exc, capture_locals=True)
    return everything_about(exc) + "\n" + "".join(with_locals.format())


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_no_error_a_hostile_echoing_server_can_cause_carries_the_key(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with _EchoServer(HOSTILE[name]) as server, Instantly(
        SECRET_KEY, base_url=server.base_url, max_retries=0, timeout=5, strict=True
    ) as client, pytest.raises(InstantlyError) as caught:  # fmt: skip
        client.accounts.get("jon@doe.com")
    assert_no_key(everything_rendered(caught.value), f"{name}: the error")
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    for record in caplog.records:
        assert_no_key(formatter.format(record), f"{name}: the {record.name} log")
        assert_no_key(repr(record.args), f"{name}: the {record.name} log arguments")


@pytest.mark.parametrize(
    "name", ["timestamp echo (chained parse error)", "headers echo (request id, debug header)",
             "bad status line echo",
             "truncated body echo"],
)  # fmt: skip
async def test_no_async_error_a_hostile_echoing_server_can_cause_carries_the_key(
    name: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    with _EchoServer(HOSTILE[name]) as server:
        async with AsyncInstantly(
            SECRET_KEY, base_url=server.base_url, max_retries=0, timeout=5, strict=True
        ) as client:
            with pytest.raises(InstantlyError) as caught:
                await client.accounts.get("jon@doe.com")
    assert_no_key(everything_rendered(caught.value), f"{name}: the async error")
    for record in caplog.records:
        assert_no_key(record.getMessage(), f"{name}: the async {record.name} log")


def test_httpcore_debug_lines_of_echoed_response_headers_are_redacted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    answer = HOSTILE["headers echo (request id, debug header)"]
    with _EchoServer(answer) as server, Instantly(
        SECRET_KEY, base_url=server.base_url, max_retries=0
    ) as client, pytest.raises(APIError):  # fmt: skip
        client.accounts.get("jon@doe.com")
    header_lines = [r for r in caplog.records if "receive_response_headers.complete" in r.msg]
    assert header_lines, "httpcore logged no response headers"
    assert all("[redacted]" in r.getMessage() for r in header_lines)


def test_the_log_filter_lives_as_long_as_the_client() -> None:
    # Order-independent: other tests may leave clients (and so other keys) alive, so this
    # follows a key of its own, and the filter's presence only while that key is registered.
    from instantly._secrets import _FILTER, LOGGERS

    key = f"sk-lifetime-{uuid.uuid4().hex}"

    def attached() -> bool:
        return all(_FILTER in logging.getLogger(name).filters for name in LOGGERS)

    assert key not in _FILTER.keys
    client = Instantly(key, rate_limit=None)
    other = Instantly(key, rate_limit=None)
    assert key in _FILTER.keys and attached()
    client.close()
    assert key in _FILTER.keys and attached()  # the other client with the same key is alive
    other.close()
    other.close()
    assert key not in _FILTER.keys
    assert attached() == bool(_FILTER.keys)  # detached unless another test's client lives on


def test_a_client_never_closed_takes_its_key_out_of_the_filter_when_collected() -> None:
    import gc

    from instantly._secrets import _FILTER

    Instantly(SECRET_KEY, rate_limit=None)
    gc.collect()
    assert SECRET_KEY not in _FILTER.keys


def test_a_record_logged_with_the_key_in_its_arguments_is_redacted(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    with Instantly(SECRET_KEY, rate_limit=None):
        logging.getLogger("httpx").debug("sent %s", {"authorization": f"Bearer {SECRET_KEY}"})
        try:
            raise ValueError(f"boom {SECRET_KEY}")
        except ValueError:
            logging.getLogger("instantly").exception("failed")
    assert_no_key(caplog.text, "the captured log")
    assert caplog.text.count("[redacted]") == 2
