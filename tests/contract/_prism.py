"""Start, wait for and stop a Prism mock server serving the pinned spec on 127.0.0.1.

Used by the contract-test fixtures and, as a small command line, by `.ci/run`, so that both start
Prism the same way and share one readiness check with a deadline:

    python -m tests.contract._prism start --log prism.log [--dynamic --seed 1]   # prints PID URL
    python -m tests.contract._prism wait http://127.0.0.1:4010 --timeout 30

The decisions (command line, readiness loop) take their clock, sleep and probe as arguments so
they are tested without a real Prism.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

__all__ = [
    "PRISM_BIN",
    "PRISM_DIR",
    "PRISM_HOST",
    "READY_TIMEOUT_S",
    "SPEC_DEFECTS",
    "PrismNotReadyError",
    "PrismServer",
    "PrismUnavailableError",
    "find_prism_binary",
    "free_loopback_port",
    "main",
    "peak_rss_mb",
    "prism_command",
    "probe_http",
    "response_side_violations",
    "running_in_ci",
    "start_prism",
    "wait_until_ready",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
PRISM_DIR = REPO_ROOT / ".ci" / "prism"
PRISM_BIN = PRISM_DIR / "node_modules" / ".bin" / "prism"
PRISM_HOST = "127.0.0.1"

# Prism 5.16 loads the 3.9 MB pinned spec in about 1-2 s on a 2-core machine; 90 s leaves room
# for a cold, busy CI box without letting a wedged start hang the run.
READY_TIMEOUT_S = 90.0
# Where contract tests record what Prism refused to serve because the spec breaks its own schema;
# the contract conftest lists them at the end of the run, so spec defects show in CI logs.
SPEC_DEFECTS = pytest.StashKey[list[str]]()
_POLL_INTERVAL_S = 0.1
_STOP_TIMEOUT_S = 10.0
_PORT_ATTEMPTS = 3
_LOG_TAIL_CHARS = 2000


class PrismUnavailableError(RuntimeError):
    """Prism cannot be started here: node or the `npm ci` install under .ci/prism is missing."""


class PrismNotReadyError(RuntimeError):
    """Prism did not answer HTTP before its deadline, or its process exited while starting."""


def running_in_ci(environ: Mapping[str, str] = os.environ) -> bool:
    """Whether we run under CI (`CI=true`), where a missing Prism is a failure, not a skip."""
    return environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def find_prism_binary(prism_bin: Path = PRISM_BIN) -> Path:
    """The installed Prism executable, or PrismUnavailableError saying what to install."""
    if shutil.which("node") is None:
        raise PrismUnavailableError(
            "node is not on PATH; the contract tests need Node.js 20+ to run Prism"
        )
    if not prism_bin.is_file():
        raise PrismUnavailableError(
            f"Prism is not installed at {prism_bin}; run `npm ci --prefix .ci/prism`"
        )
    return prism_bin


def free_loopback_port() -> int:
    """A TCP port on 127.0.0.1 that was free a moment ago (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((PRISM_HOST, 0))
        port: int = sock.getsockname()[1]
        return port


def prism_command(
    prism_bin: Path,
    spec: Path,
    *,
    port: int,
    dynamic: bool = False,
    seed: str | None = None,
) -> list[str]:
    """The argv that runs `prism mock` on loopback, turning request violations into errors."""
    if seed is not None and not dynamic:
        raise ValueError(f"seed={seed!r} only makes sense with dynamic=True (static mode)")
    argv = [str(prism_bin), "mock", str(spec), "-h", PRISM_HOST, "-p", str(port), "--errors"]
    if dynamic:
        argv.append("--dynamic")
        if seed is not None:
            argv += ["--seed", seed]
    return argv


def probe_http(url: str) -> bool:
    """Whether anything answers HTTP at `url` (any status: Prism says 404/401 to a bare GET)."""
    try:
        httpx.get(url, timeout=2.0)
    except httpx.TransportError:
        return False
    return True


def wait_until_ready(
    url: str,
    *,
    timeout_s: float = READY_TIMEOUT_S,
    is_alive: Callable[[], bool] = lambda: True,
    describe_failure: Callable[[], str] = lambda: "",
    probe: Callable[[str], bool] = probe_http,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
    interval_s: float = _POLL_INTERVAL_S,
) -> float:
    """Poll `url` until it answers; return the seconds waited, or raise PrismNotReadyError.

    Raises as soon as `is_alive()` turns false (the process died: no point waiting out the
    deadline), and when `timeout_s` has passed; `describe_failure()` adds e.g. the log's tail.
    """
    if timeout_s <= 0:
        raise ValueError(f"timeout_s must be > 0 seconds, got {timeout_s!r}")
    start = clock()
    deadline = start + timeout_s
    while True:
        if probe(url):
            return clock() - start
        if not is_alive():
            raise PrismNotReadyError(
                f"Prism exited before answering at {url}{_with_detail(describe_failure())}"
            )
        now = clock()
        if now >= deadline:
            raise PrismNotReadyError(
                f"Prism did not answer at {url} within {timeout_s:g} s"
                f"{_with_detail(describe_failure())}"
            )
        sleep(min(interval_s, deadline - now))


def response_side_violations(status_code: int, content: bytes) -> list[str]:
    """Prism's messages when it refused to serve its own response (the spec is at fault).

    With `--errors`, Prism answers 500 `#VIOLATIONS` when the body it would send (the spec's
    example, or one generated from the schema) breaks the spec. Returns those messages when every
    violation is on the response side, else [] (request violations are our bug: 422 or mixed).
    """
    if status_code != 500:
        return []
    try:
        problem: Any = json.loads(content)
    except ValueError:
        return []
    if not isinstance(problem, dict) or not str(problem.get("type", "")).endswith("#VIOLATIONS"):
        return []
    validations = problem.get("validation") or []
    if not validations or any(
        not isinstance(v, dict) or (v.get("location") or [""])[0] != "response" for v in validations
    ):
        return []
    return [str(v.get("message", v)) for v in validations]


def _with_detail(detail: str) -> str:
    return f":\n{detail}" if detail else ""


def _log_tail(log_path: Path) -> str:
    try:
        text = log_path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    return text[-_LOG_TAIL_CHARS:]


def peak_rss_mb(pid: int) -> float | None:
    """Peak resident memory of a live process in MiB (Linux /proc), or None where unknown."""
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="ascii", errors="replace")
    except OSError:
        return None
    for line in status.splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return None


@dataclass
class PrismServer:
    """A Prism process we started: where it listens, where it logs, how long it took to start."""

    process: subprocess.Popen[bytes]
    url: str
    log_path: Path
    ready_after_s: float

    def stop(self, timeout_s: float = _STOP_TIMEOUT_S) -> None:
        """Terminate Prism, killing it if it has not exited within `timeout_s`."""
        if self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=timeout_s)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=timeout_s)


def start_prism(
    spec: Path,
    *,
    log_path: Path,
    dynamic: bool = False,
    seed: str | None = None,
    port: int | None = None,
    timeout_s: float = READY_TIMEOUT_S,
    prism_bin: Path = PRISM_BIN,
    detach: bool = False,
) -> PrismServer:
    """Start Prism on 127.0.0.1 serving `spec`, return once it answers HTTP (or raise).

    `detach=True` puts Prism in its own session so it outlives this process (for `.ci/run`, whose
    trap stops it by pid). A Prism that fails to start is stopped before the error is raised.
    """
    binary = find_prism_binary(prism_bin)
    if not spec.is_file():
        raise FileNotFoundError(f"spec for Prism not found: {spec}")
    attempts = 1 if port is not None else _PORT_ATTEMPTS
    for attempt in range(1, attempts + 1):
        try:
            return _start_once(
                binary,
                spec,
                log_path=log_path,
                dynamic=dynamic,
                seed=seed,
                port=free_loopback_port() if port is None else port,
                timeout_s=timeout_s,
                detach=detach,
            )
        except PrismNotReadyError:
            # The port we picked was taken between our probe and Prism's bind: pick another.
            if attempt == attempts or "EADDRINUSE" not in _log_tail(log_path):
                raise
    raise AssertionError("unreachable: the last attempt returns or raises")


def _start_once(
    binary: Path,
    spec: Path,
    *,
    log_path: Path,
    dynamic: bool,
    seed: str | None,
    port: int,
    timeout_s: float,
    detach: bool,
) -> PrismServer:
    argv = prism_command(binary, spec, port=port, dynamic=dynamic, seed=seed)
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=detach,
        )
    url = f"http://{PRISM_HOST}:{port}"
    server = PrismServer(process=process, url=url, log_path=log_path, ready_after_s=0.0)

    def describe_failure() -> str:
        return f"command: {' '.join(argv)}\nlog tail:\n{_log_tail(log_path)}"

    try:
        server.ready_after_s = wait_until_ready(
            url,
            timeout_s=timeout_s,
            is_alive=lambda: process.poll() is None,
            describe_failure=describe_failure,
        )
        if process.poll() is not None:  # something else answered on the port Prism lost
            raise PrismNotReadyError(
                f"Prism exited right after {url} answered:\n{describe_failure()}"
            )
    except BaseException:
        server.stop()
        raise
    return server


def main(argv: Sequence[str] | None = None) -> int:
    """Command line for `.ci/run`: `start` a detached Prism, `wait` for a URL, or `free-port`."""
    parser = argparse.ArgumentParser(prog="python -m tests.contract._prism", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    start = commands.add_parser("start", help="start a detached Prism; print 'PID URL'")
    start.add_argument("--spec", type=Path, help="spec to serve (default: the pinned spec)")
    start.add_argument("--log", type=Path, required=True, help="file for Prism's output")
    start.add_argument("--dynamic", action="store_true", help="generate responses from schemas")
    start.add_argument("--seed", help="json-schema-faker seed for --dynamic")
    start.add_argument("--timeout", type=float, default=READY_TIMEOUT_S)
    wait = commands.add_parser("wait", help="wait until a URL answers HTTP")
    wait.add_argument("url")
    wait.add_argument("--timeout", type=float, default=READY_TIMEOUT_S)
    commands.add_parser("free-port", help="print a free TCP port on 127.0.0.1")
    args = parser.parse_args(argv)

    try:
        if args.command == "free-port":
            print(free_loopback_port())
        elif args.command == "wait":
            waited = wait_until_ready(args.url, timeout_s=args.timeout)
            print(f"{args.url} answered after {waited:.2f} s", file=sys.stderr)
        else:
            spec = args.spec or _pinned_spec_or_exit()
            server = start_prism(
                spec,
                log_path=args.log,
                dynamic=args.dynamic,
                seed=args.seed,
                timeout_s=args.timeout,
                detach=True,
            )
            rss = peak_rss_mb(server.process.pid)
            rss_text = "unknown" if rss is None else f"{rss:.0f} MiB"
            print(
                f"prism {'dynamic' if args.dynamic else 'static'} at {server.url}: ready after "
                f"{server.ready_after_s:.2f} s, peak RSS {rss_text}, serving {spec.name}",
                file=sys.stderr,
            )
            print(server.process.pid, server.url)
    except (PrismUnavailableError, PrismNotReadyError, FileNotFoundError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0


def _pinned_spec_or_exit() -> Path:
    from scripts.spec_files import find_pinned_spec, spec_search_dirs

    spec = find_pinned_spec()
    if spec is None:
        searched = ", ".join(str(d) for d in spec_search_dirs()) or "no existing folder"
        raise FileNotFoundError(f"the pinned spec (openapi/spec.lock.json) is not in: {searched}")
    return spec


if __name__ == "__main__":
    sys.exit(main())
