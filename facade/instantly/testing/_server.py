"""The loopback shell: a threaded stdlib HTTP/1.1 server on 127.0.0.1 in front of a `FakeInstantly`.

Faults are real here: a dropped connection closes (or resets) the socket, a slow response sleeps.
`with fake.serve() as base_url:` starts it on a free port and stops it cleanly, closing any
keep-alive connections still open.
"""

from __future__ import annotations

import contextlib
import socket
import struct
import threading
import time
import traceback
from email.utils import formatdate
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ._wire import Disconnect, FakeResponse, error_response

if TYPE_CHECKING:
    from ._fake import FakeInstantly

__all__ = ["LoopbackServer"]

_IDLE_TIMEOUT = 30.0  # seconds a keep-alive connection may sit idle before the server closes it


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], fake: FakeInstantly) -> None:
        self.fake = fake
        self.open_sockets: set[socket.socket] = set()
        self.sockets_lock = threading.Lock()
        super().__init__(address, _Handler)

    def process_request(self, request: Any, client_address: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.add(request)
        super().process_request(request, client_address)

    def shutdown_request(self, request: Any) -> None:
        with self.sockets_lock:
            self.open_sockets.discard(request)
        super().shutdown_request(request)

    def close_open_sockets(self) -> None:
        with self.sockets_lock:
            sockets = list(self.open_sockets)
        for sock in sockets:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server: _Server
    timeout = _IDLE_TIMEOUT
    disable_nagle_algorithm = True  # small writes go out at once (no 40 ms delayed-ACK stalls)

    def _serve(self) -> None:
        body = self._read_body()
        target = urlsplit(self.path)
        try:
            decision = self.server.fake.handle(
                self.command,
                target.path,
                query=target.query,
                headers=dict(self.headers.items()),
                body=body,
            )
        except Exception:  # a bug in the fake: answer as Fastify would, and show it
            traceback.print_exc()
            decision = error_response(500, "Internal Server Error")
        if decision.disconnect is not None:
            self._hang_up(reset=decision.disconnect is not Disconnect.CLOSE)
            return
        if decision.delay > 0:
            time.sleep(decision.delay)
        try:
            self.wfile.write(_render(decision, head=self.command == "HEAD"))
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up first (e.g. its read timed out)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _serve

    def _read_body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()  # the CRLF after each chunk
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass  # trailer fields, up to the blank line
            return b"".join(chunks)
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _hang_up(self, *, reset: bool) -> None:
        self.close_connection = True
        if reset:
            # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
        else:
            self.connection.shutdown(socket.SHUT_RDWR)

    def log_message(self, format: str, *args: Any) -> None:
        """Silent: the fake keeps its own request log (which never holds the API key)."""


def _render(decision: FakeResponse, *, head: bool) -> bytes:
    """The whole HTTP/1.1 response in one buffer, so it leaves in one write."""
    try:
        reason = HTTPStatus(decision.status).phrase
    except ValueError:
        reason = ""
    lines = [f"HTTP/1.1 {decision.status} {reason}", f"date: {formatdate(usegmt=True)}"]
    lines += [f"{name}: {value}" for name, value in decision.headers]
    lines.append(f"content-length: {len(decision.body)}")
    head_bytes = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
    return head_bytes if head else head_bytes + decision.body


class LoopbackServer:
    """A started-on-demand loopback server; `base_url` is `http://127.0.0.1:<port>` once started."""

    def __init__(self, fake: FakeInstantly, *, host: str = "127.0.0.1", port: int = 0) -> None:
        self.fake = fake
        self._address = (host, port)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        """The server's base URL (RuntimeError before `start`)."""
        if self._server is None:
            raise RuntimeError("the loopback server is not running; call start() or use `with`")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> str:
        """Bind, start serving in a daemon thread, and return the base URL."""
        if self._server is not None:
            raise RuntimeError(f"the loopback server is already running at {self.base_url}")
        self._server = _Server(self._address, self.fake)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"instantly-fake-{self._server.server_address[1]}",
            daemon=True,
        )
        self._thread.start()
        return self.base_url

    def stop(self, timeout: float = 5.0) -> None:
        """Stop accepting, close open connections, wait up to `timeout` s for the loop to end."""
        server, thread = self._server, self._thread
        if server is None or thread is None:
            return
        self._server = self._thread = None
        server.shutdown()
        server.close_open_sockets()
        server.server_close()
        thread.join(timeout)

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
