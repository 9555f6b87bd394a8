"""What every benchmark shares: child processes timed with their peak RSS, the report model.

A benchmark section returns a `Section`: a table of measured figures and a list of `Verdict`s
(one per target: the target, the figure it is judged on, met or missed, and why). The
runner renders sections as Markdown for BENCHMARKS.md. Nothing here asserts a time: figures are
measured and reported, never tested.
"""

from __future__ import annotations

import os
import platform
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path

__all__ = [
    "BENCH_DIR",
    "REPO_ROOT",
    "ChildResult",
    "Section",
    "Verdict",
    "child_env",
    "fmt_ms",
    "fmt_ratio",
    "machine_info",
    "render_markdown",
    "run_child",
    "stop_process",
]

BENCH_DIR = Path(__file__).resolve().parent
REPO_ROOT = BENCH_DIR.parent


def child_env(extra_paths: Sequence[Path] = (), **overrides: str) -> dict[str, str]:
    """The environment for a child interpreter: the repo's packages importable, nothing else added.

    `facade/` and `generated/` go on PYTHONPATH so the benchmarks also run from a checkout that
    was never `pip install`ed; `extra_paths` come first (e.g. a baseline package's folder).
    """
    env = dict(os.environ)
    paths = [*map(str, extra_paths), str(REPO_ROOT / "facade"), str(REPO_ROOT / "generated")]
    if env.get("PYTHONPATH"):
        paths.append(env["PYTHONPATH"])
    env["PYTHONPATH"] = os.pathsep.join(paths)
    env.pop("PYTHONSTARTUP", None)
    env.update(overrides)
    return env


@dataclass(frozen=True)
class ChildResult:
    """One finished child process: wall seconds, peak RSS in KiB, exit status, captured output."""

    wall: float
    peak_rss_kib: int
    returncode: int
    stdout: str
    stderr: str

    def check(self, what: str) -> ChildResult:
        """Self, or RuntimeError naming `what` and the child's last words when it failed."""
        if self.returncode != 0:
            tail = "\n".join(self.stderr.strip().splitlines()[-15:])
            raise RuntimeError(f"{what} exited with status {self.returncode}:\n{tail}")
        return self


def run_child(
    argv: Sequence[str],
    *,
    timeout: float,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> ChildResult:
    """Run `argv` to completion (killed after `timeout` s): wall time, and peak RSS from wait4.

    The peak RSS is the kernel's `ru_maxrss` for the child, which covers the largest of the child
    and the descendants it waited for (e.g. the generator that `regenerate.py` runs). Output goes
    to temporary files so a chatty child never blocks on a full pipe.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(
            list(argv),
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=err,
            env=dict(env) if env is not None else None,
            cwd=cwd,
        )
        watchdog = threading.Timer(timeout, proc.kill)
        watchdog.start()
        try:
            returncode, rss = _wait(proc)
        finally:
            watchdog.cancel()
        wall = time.perf_counter() - start
        if returncode == -signal.SIGKILL and wall >= timeout:
            raise RuntimeError(f"{' '.join(argv[:4])} ... did not finish within {timeout:g} s")
        out.seek(0)
        err.seek(0)
        stdout = out.read().decode(errors="replace")
        stderr = err.read().decode(errors="replace")
    return ChildResult(wall, rss, returncode, stdout, stderr)


def _wait(proc: subprocess.Popen[bytes]) -> tuple[int, int]:
    """Reap a child: (exit code, peak RSS in KiB; 0 where the platform cannot say)."""
    if not hasattr(os, "wait4"):
        return proc.wait(), 0
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    # ru_maxrss is KiB on Linux and bytes on macOS.
    rss = usage.ru_maxrss // 1024 if sys.platform == "darwin" else usage.ru_maxrss
    return proc.returncode, rss


@dataclass(frozen=True)
class Verdict:
    """One benchmark target judged on a figure of this run."""

    target: str
    measured: str
    met: bool | None  # None: not measured in this run (say why in `note`)
    note: str = ""

    @property
    def mark(self) -> str:
        """'met', 'MISSED' or 'not measured'."""
        return {True: "met", False: "MISSED", None: "not measured"}[self.met]


@dataclass
class Section:
    """One benchmark's figures: a description, a table, verdicts against targets, notes."""

    title: str
    description: str
    headers: list[str]
    rows: list[list[str]] = field(default_factory=list)
    verdicts: list[Verdict] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    def to_markdown(self) -> str:
        """The section as Markdown: heading, description, table, targets, notes."""
        lines = [f"## {self.title}", "", self.description, ""]
        if self.rows:
            lines.append("| " + " | ".join(self.headers) + " |")
            lines.append("|" + "|".join("---" for _ in self.headers) + "|")
            lines += ["| " + " | ".join(row) + " |" for row in self.rows]
            lines.append("")
        if self.verdicts:
            lines += ["| target | measured | verdict |", "|---|---|---|"]
            lines += [f"| {v.target} | {v.measured} | {v.mark} |" for v in self.verdicts]
            lines.append("")
            for v in self.verdicts:
                if v.note:
                    lines.append(f"- *{v.target}* ({v.mark}): {v.note}")
            if any(v.note for v in self.verdicts):
                lines.append("")
        for note in self.notes:
            lines.append(f"- {note}")
        if self.notes:
            lines.append("")
        lines.append(f"_Section time: {self.seconds:.0f} s._")
        lines.append("")
        return "\n".join(lines)


def fmt_ms(seconds: float) -> str:
    """Seconds as milliseconds with one decimal."""
    return f"{seconds * 1000:.1f} ms"


def fmt_ratio(value: float) -> str:
    """A ratio with two decimals and a multiplication sign."""
    return f"{value:.2f}x"


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "not installed"


def machine_info(extra_versions: Mapping[str, str] | None = None) -> list[tuple[str, str]]:
    """(name, value) pairs describing where the figures were measured."""
    pairs = [
        ("CPU", f"{_cpu_model()} ({os.cpu_count()} logical cores)"),
        ("OS", f"{platform.system()} {platform.release()} ({platform.machine()})"),
        ("Python", f"{platform.python_implementation()} {platform.python_version()}"),
    ]
    for dist in ("httpx", "attrs", "python-dateutil", "openapi-python-client", "instantly-client"):
        pairs.append((dist, _version(dist)))
    pairs += list((extra_versions or {}).items())
    return pairs


def render_markdown(
    *,
    mode: str,
    command: str,
    started: str,
    total_seconds: float,
    machine: Sequence[tuple[str, str]],
    sections: Sequence[Section],
    failures: Sequence[tuple[str, str]],
) -> str:
    """The whole BENCHMARKS.md."""
    lines = [
        "# Benchmarks",
        "",
        "Measured by the scripts in `benchmarks/`. Every ratio compares figures taken "
        "in the same run, interleaved where the section says so; absolute times are shown for "
        "context and are not comparable across runs or machines. Rerun with:",
        "",
        "```sh",
        command,
        "```",
        "",
        f"This file: {mode} run started {started}, {total_seconds:.0f} s in all.",
        "",
        "A MISSED target is a figure, not a failure: its section says, under the table, why it "
        "was missed and what would close it. Targets at or near their bound can flip between "
        "runs on this shared 2-core machine; rerun before drawing conclusions from a few "
        "percent.",
        "",
        "## Machine",
        "",
        "| | |",
        "|---|---|",
        *[f"| {name} | {value} |" for name, value in machine],
        "",
    ]
    summary = [(s.title, v) for s in sections for v in s.verdicts]
    if summary:
        lines += ["## Targets at a glance", "", "| section | target | measured | verdict |"]
        lines.append("|---|---|---|---|")
        lines += [f"| {t} | {v.target} | {v.measured} | {v.mark} |" for t, v in summary]
        lines.append("")
    for section in sections:
        lines.append(section.to_markdown())
    if failures:
        lines += ["## Sections that failed in this run", ""]
        lines += [f"- **{name}**: {why}" for name, why in failures]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def stop_process(proc: subprocess.Popen[str], grace: float = 5.0) -> None:
    """Terminate a child we started, then kill it if it has not exited after `grace` s."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=grace)
