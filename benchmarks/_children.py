"""Long-lived child processes spoken to one line at a time: the fake server and call workers.

Each child prints a first line when ready (the server: its base URL), then answers every stdin
line with one stdout line (JSON). Every read has a deadline; the child is stopped on exit from
the `with` block whatever happened, and it also exits by itself when its stdin closes.
"""

from __future__ import annotations

import contextlib
import json
import selectors
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Self

from _harness import BENCH_DIR, child_env, stop_process

__all__ = ["FakeServer", "LineChild", "worker_argv"]


class LineChild:
    """A child process with a line protocol; `request(line)` returns its parsed JSON answer."""

    def __init__(
        self,
        argv: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        ready_timeout: float = 60.0,
        name: str = "child",
    ) -> None:
        self.name = name
        self._argv = list(argv)
        self._env = dict(env) if env is not None else child_env()
        self._ready_timeout = ready_timeout
        self._proc: subprocess.Popen[str] | None = None
        self.first_line = ""

    def start(self) -> str:
        """Start the child and return its first line (RuntimeError if none within the deadline)."""
        self._proc = subprocess.Popen(
            self._argv,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=self._env,
            text=True,
            bufsize=1,
        )
        self.first_line = self._read_line(self._ready_timeout)
        return self.first_line

    def request(self, line: str, *, timeout: float) -> Any:
        """Send one command line; return the JSON of the answer line (within `timeout` s)."""
        proc = self._running()
        assert proc.stdin is not None
        proc.stdin.write(line + "\n")
        proc.stdin.flush()
        answer = json.loads(self._read_line(timeout))
        if isinstance(answer, dict) and "error" in answer:
            raise RuntimeError(f"{self.name} could not do {line!r}: {answer['error']}")
        return answer

    def stop(self) -> None:
        """Close its stdin (it exits by itself), then terminate it if it lingers."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        if proc.stdin is not None and not proc.stdin.closed:
            with contextlib.suppress(BrokenPipeError):
                proc.stdin.close()
        try:
            proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            stop_process(proc)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()

    def _running(self) -> subprocess.Popen[str]:
        if self._proc is None:
            raise RuntimeError(f"{self.name} is not running; call start() or use `with`")
        return self._proc

    def _read_line(self, timeout: float) -> str:
        proc = self._running()
        assert proc.stdout is not None
        with selectors.DefaultSelector() as sel:
            sel.register(proc.stdout, selectors.EVENT_READ)
            deadline = time.monotonic() + timeout
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise RuntimeError(f"{self.name} gave no answer within {timeout:g} s")
                if sel.select(remaining):
                    line = proc.stdout.readline()
                    if line:
                        return line.rstrip("\n")
                    raise RuntimeError(f"{self.name} exited: {self._stderr_tail(proc)}")

    @staticmethod
    def _stderr_tail(proc: subprocess.Popen[str]) -> str:
        stop_process(proc)
        err = proc.stderr.read() if proc.stderr is not None else ""
        return "\n".join(err.strip().splitlines()[-15:]) or f"status {proc.returncode}"

    def __enter__(self) -> Self:
        self.start()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()


class FakeServer(LineChild):
    """`_fake_server.py` in a child process: `base_url` once started, `stats()` at any time."""

    def __init__(
        self,
        *,
        accounts: int,
        rate_limit: tuple[int, int] | None = None,
        speed: float = 1.0,
        max_seconds: float = 1800.0,
        python: str = sys.executable,
        emails: int = 0,
    ) -> None:
        argv = [python, str(BENCH_DIR / "_fake_server.py"), "--accounts", str(accounts)]
        if emails:
            argv += ["--emails", str(emails)]
        argv += ["--speed", repr(speed), "--max-seconds", repr(max_seconds)]
        if rate_limit is None:
            argv.append("--no-rate-limit")
        else:
            argv += ["--per-second", str(rate_limit[0]), "--per-minute", str(rate_limit[1])]
        # Seeding 10,000 accounts takes a few seconds on a slow machine.
        super().__init__(argv, ready_timeout=120.0, name="fake Instantly server")

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:<port>` of the running server."""
        if not self.first_line.startswith("http://127.0.0.1:"):
            raise RuntimeError(f"the fake server is not running (said {self.first_line!r})")
        return self.first_line

    def stats(self) -> dict[str, Any]:
        """Requests served, 429s its limiter sent, responses by status."""
        answer: dict[str, Any] = self.request("stats", timeout=30)
        return answer


def worker_argv(python: str | Path, script: str, *args: str) -> list[str]:
    """The command line of a benchmark worker script run by `python`."""
    return [str(python), str(BENCH_DIR / script), *args]
