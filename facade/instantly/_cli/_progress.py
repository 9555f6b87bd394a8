"""Progress while the command line waits: background jobs, or items sent in chunks (lead import).

Either way: tqdm bars, or one line per change.

Bars need tqdm (the optional `cli` extra) and a terminal on stderr; otherwise (tqdm missing, output
redirected to a file or a CI log) each change of a job's status or progress is one plain line, so
a log shows what happened without carriage-return noise. Either way it goes to stderr.
The library decides when a change happened (`on_progress` of a wait); this only draws it.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Sequence
from types import ModuleType
from typing import Any, Protocol, TextIO

from .._polling import job_progress, job_status

__all__ = [
    "ChunkProgress",
    "JobProgress",
    "PlainProgress",
    "TqdmProgress",
    "chunk_progress_display",
    "job_progress_display",
    "load_tqdm",
]


class JobProgress(Protocol):
    """Draws the states of jobs as they change; `close()` once the wait is over."""

    def update(self, job: Any) -> None: ...

    def close(self) -> None: ...


def _percent(job: Any) -> float:
    progress = job_progress(job)
    return 0.0 if progress is None else max(0.0, min(100.0, progress))


class PlainProgress:
    """One line per observed change: `job <id>: <status> <progress>%`."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream

    def update(self, job: Any) -> None:
        status = job_status(job) or "unknown"
        self._stream.write(f"job {job.id}: {status} {_percent(job):.0f}%\n")
        self._stream.flush()

    def close(self) -> None:
        pass


class TqdmProgress:
    """One tqdm bar per job (0-100 %), labelled with the job's id and status."""

    def __init__(self, tqdm: ModuleType, stream: TextIO, job_ids: Sequence[str]) -> None:
        self._bars: dict[str, Any] = {}
        for position, job_id in enumerate(job_ids):
            self._bars[job_id] = tqdm.tqdm(
                total=100,
                desc=f"job {job_id}",
                unit="%",
                position=position,
                file=stream,
                leave=True,
                dynamic_ncols=True,
                bar_format="{desc}: {percentage:3.0f}%|{bar}|",
            )

    def update(self, job: Any) -> None:
        bar = self._bars.get(job.id)
        if bar is None:
            return
        bar.n = _percent(job)
        bar.set_description_str(f"job {job.id} {job_status(job) or 'unknown'}", refresh=False)
        bar.refresh()

    def close(self) -> None:
        for bar in self._bars.values():
            bar.close()


def load_tqdm() -> ModuleType | None:
    """The tqdm module if the optional `cli` extra is installed, else None."""
    try:
        return importlib.import_module("tqdm")
    except ImportError:
        return None


def _terminal_width(stream: TextIO) -> int:
    """The width of the terminal `stream` writes to; 0 when it is not one or has no size."""
    if not stream.isatty():
        return 0
    try:
        return os.get_terminal_size(stream.fileno()).columns
    except (AttributeError, OSError, ValueError):
        return 0


def job_progress_display(
    stream: TextIO, job_ids: Sequence[str], *, tqdm: ModuleType | None = None
) -> JobProgress:
    """Bars when `tqdm` is given and `stream` is a sized terminal, else plain lines.

    (A terminal of width 0, as under `script` or some CI runners, would make tqdm draw nothing.)
    """
    if tqdm is not None and _terminal_width(stream) > 0:
        return TqdmProgress(tqdm, stream, job_ids)
    return PlainProgress(stream)


class ChunkProgress:
    """Items sent in chunks: a tqdm bar over the items, or one line per chunk answered."""

    def __init__(self, stream: TextIO, total: int, unit: str, *, tqdm: ModuleType | None) -> None:
        self._stream = stream
        self._total = total
        self._done = 0
        self._bar: Any = None
        if tqdm is not None and _terminal_width(stream) > 0:
            self._bar = tqdm.tqdm(
                total=total, unit=f" {unit}", file=stream, leave=True, dynamic_ncols=True
            )

    def update(self, count: int, detail: str) -> None:
        """`count` more items answered; `detail` says what happened to them."""
        self._done += count
        if self._bar is not None:
            self._bar.set_postfix_str(detail, refresh=False)
            self._bar.update(count)
            return
        self._stream.write(f"{self._done}/{self._total} sent: {detail}\n")
        self._stream.flush()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()


def chunk_progress_display(
    stream: TextIO, total: int, unit: str, *, tqdm: ModuleType | None = None
) -> ChunkProgress:
    """A bar over `total` items when `tqdm` is given and `stream` is a sized terminal, else
    plain lines (one per chunk)."""
    return ChunkProgress(stream, total, unit, tqdm=tqdm)
