"""Helpers for the hardening tests: a hung loopback server, a secret key, a sleep recorder.

Everything here listens on 127.0.0.1 only and stops cleanly; nothing waits without a deadline.
"""

from __future__ import annotations

import contextlib
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import TracebackType

__all__ = [
    "SECRET_KEY",
    "FullBacklogServer",
    "HungServer",
    "RecordingSleep",
    "free_loopback_port",
    "stopwatch",
]

# A key distinctive enough that finding it anywhere in captured text can only mean a leak.
SECRET_KEY = "sk-hardening-Zq7Vw3Xp9Lm2-SECRET"


def free_loopback_port() -> int:
    """A port on 127.0.0.1 that nothing listened on a moment ago."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class HungServer:
    """A loopback server that accepts connections and never answers.

    `read=True` reads (and discards) what the client sends, like a server stuck after reading the
    request; `read=False` never reads, so a large enough request body fills the socket buffers
    and the client's write blocks. `connections` counts accepted connections (one per attempt).
    """

    def __init__(self, *, read: bool = True, receive_buffer: int | None = None) -> None:
        self._read = read
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if receive_buffer is not None:
            # Set before listen() so accepted sockets inherit it (a small window blocks writes).
            self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, receive_buffer)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(16)
        self._listener.settimeout(0.05)
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._accepted: list[socket.socket] = []
        self._request_lines: list[str] = []
        self._threads: list[threading.Thread] = []
        self._acceptor = threading.Thread(target=self._accept_loop, daemon=True)

    @property
    def base_url(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"http://{host}:{port}"

    @property
    def connections(self) -> int:
        """How many connections were accepted so far."""
        with self._lock:
            return len(self._accepted)

    @property
    def request_lines(self) -> list[str]:
        """The request line of each request read so far (`POST /path HTTP/1.1`), when reading."""
        with self._lock:
            return list(self._request_lines)

    def _accept_loop(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._listener.accept()
            except (TimeoutError, OSError):
                continue
            with self._lock:
                self._accepted.append(conn)
            if self._read:
                reader = threading.Thread(target=self._drain, args=(conn,), daemon=True)
                self._threads.append(reader)
                reader.start()

    def _drain(self, conn: socket.socket) -> None:
        conn.settimeout(0.05)
        head: bytes | None = b""
        while not self._stop.is_set():
            try:
                data = conn.recv(65536)
            except TimeoutError:
                continue
            except OSError:
                return
            if not data:
                return
            if head is not None:
                head += data
                if b"\r\n" in head:
                    with self._lock:
                        self._request_lines.append(head.split(b"\r\n", 1)[0].decode("latin-1"))
                    head = None

    def __enter__(self) -> HungServer:
        self._acceptor.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._stop.set()
        self._acceptor.join(5.0)
        for thread in self._threads:
            thread.join(5.0)
        with self._lock:
            for conn in self._accepted:
                with contextlib.suppress(OSError):
                    conn.close()
        self._listener.close()


@dataclass
class RecordingSleep:
    """A real `time.sleep` that also records each requested delay (the backoff actually taken)."""

    delays: list[float] = field(default_factory=list)

    def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)
        time.sleep(seconds)

    @property
    def total(self) -> float:
        return sum(self.delays)


@contextlib.contextmanager
def stopwatch() -> Iterator[list[float]]:
    """Measure a block: `with stopwatch() as t: ...` then `t[0]` is the elapsed seconds."""
    result: list[float] = []
    start = time.monotonic()
    try:
        yield result
    finally:
        result.append(time.monotonic() - start)


class FullBacklogServer:
    """A loopback listener whose accept queue is full, so a new connection's SYN goes unanswered.

    Linux drops SYNs to a listener whose backlog is full; a client's connect then waits until its
    connect timeout fires. Nothing is ever accepted.
    """

    def __init__(self, fillers: int = 4) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(0)
        self._fillers: list[socket.socket] = []
        self._count = fillers

    @property
    def base_url(self) -> str:
        host, port = self._listener.getsockname()[:2]
        return f"http://{host}:{port}"

    def __enter__(self) -> FullBacklogServer:
        address = self._listener.getsockname()
        for _ in range(self._count):
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError, OSError):
                filler.connect(address)
            self._fillers.append(filler)
        time.sleep(0.05)  # let the handshakes that can complete fill the queue
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for filler in self._fillers:
            filler.close()
        self._listener.close()
