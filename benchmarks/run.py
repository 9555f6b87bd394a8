"""Run every benchmark in one go and report the figures (optionally as BENCHMARKS.md).

    python benchmarks/run.py --quick                               # CI: small samples, ~2 min
    python benchmarks/run.py --full --write benchmarks/BENCHMARKS.md  # the published figures

Sections: import + ready (beside our dependencies, the raw generated package and instantlyai),
per call on loopback (beside raw httpx and instantlyai), bulk work under the rate limit,
one budget shared by several processes (SQLite, Redis),
workflows (lead import, email pages under a per-endpoint limit), job polling, regeneration, a
CSV import of up to 1,000,000 rows (peak memory flat in the row count), the command line
(`instantly --help`, `instantly accounts list --json`, beside their baselines). The
baselines are built by the run itself: the raw generated package in a temporary folder,
instantlyai in a throw-away venv under the system temp folder (pip, from the package index). A
section that cannot run is reported as failed and the exit status is 1; a missed target is a
figure, not a failure, and never changes the exit status.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
import traceback
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

from _baselines import INSTANTLYAI_VERSION, RawBuild, build_raw_package, instantlyai_python
from _harness import Section, machine_info, render_markdown

__all__ = ["SECTIONS", "main"]

SECTIONS = (
    "startup",
    "calls",
    "throughput",
    "ratelimit",
    "shared_limit",
    "workflows",
    "polling",
    "regeneration",
    "csvimport",
    "cli",
    "deviations",
)


class _Run:
    """One run: the shared baselines (built once, on first need) and the notes about them."""

    def __init__(self, quick: bool, workdir: Path) -> None:
        self.quick = quick
        self.workdir = workdir
        self.notes: list[str] = []
        self._raw: RawBuild | None = None
        self._raw_tried = False
        self._sdk: Path | None = None
        self._sdk_tried = False

    def spec(self) -> Path | None:
        from regeneration import find_snapshot

        return find_snapshot()

    def raw(self) -> RawBuild | None:
        """Baseline (b), built on first use; None (with a note) when it cannot be."""
        if not self._raw_tried:
            self._raw_tried = True
            spec = self.spec()
            if spec is None:
                self.notes.append(
                    "(b) not measured: the 2026-08-21 snapshot was not found in ../shared/openapi "
                    "or $INSTANTLY_SPEC_DIR"
                )
            else:
                try:
                    self._raw = build_raw_package(spec, self.workdir)
                except RuntimeError as exc:
                    self.notes.append(f"(b) not measured: {exc}")
        return self._raw

    @property
    def sdk_ready(self) -> bool:
        """Whether instantlyai was installed (and used) in this run."""
        return self._sdk is not None

    def sdk(self) -> Path | None:
        """Baseline (c)'s interpreter, installed on first use; None (with a note) when it fails."""
        if not self._sdk_tried:
            self._sdk_tried = True
            try:
                self._sdk = instantlyai_python()
            except RuntimeError as exc:
                self.notes.append(f"(c) instantlyai not measured: {exc}")
        return self._sdk


def _startup(run: _Run) -> Section:
    import startup

    return startup.run(run.quick, run.raw(), run.sdk(), run.notes)


def _calls(run: _Run) -> Section:
    import calls

    run.sdk()  # installed (or its failure noted) before the section starts its workers
    return calls.run(run.quick)


def _throughput(run: _Run) -> Section:
    import throughput

    return throughput.run(run.quick)


def _ratelimit(run: _Run) -> Section:
    import ratelimit

    return ratelimit.run(run.quick)


def _shared_limit(run: _Run) -> Section:
    import shared_limit

    return shared_limit.run(run.quick)


def _workflows(run: _Run) -> Section:
    import workflows

    return workflows.run(run.quick)


def _polling(run: _Run) -> Section:
    import polling

    return polling.run(run.quick)


def _regeneration(run: _Run) -> Section:
    import regeneration

    spec = run.spec()
    raw = run.raw()
    if spec is None or raw is None:
        raise RuntimeError("; ".join(run.notes) or "the raw generator could not run")
    return regeneration.run(run.quick, spec, run.workdir, raw)


def _csvimport(run: _Run) -> Section:
    import csv_import

    return csv_import.run(run.quick)


def _cli(run: _Run) -> Section:
    import cli_speed

    return cli_speed.run(run.quick)


def _deviations(run: _Run) -> Section:
    import deviations

    return deviations.run(run.quick)


_RUNNERS: dict[str, Callable[[_Run], Section]] = {
    "startup": _startup,
    "calls": _calls,
    "throughput": _throughput,
    "ratelimit": _ratelimit,
    "shared_limit": _shared_limit,
    "workflows": _workflows,
    "polling": _polling,
    "regeneration": _regeneration,
    "csvimport": _csvimport,
    "cli": _cli,
    "deviations": _deviations,
}


def _parse(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python benchmarks/run.py",
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="small samples (CI), about 2 minutes")
    mode.add_argument("--full", action="store_true", help="the published sample sizes (default)")
    parser.add_argument("--write", type=Path, metavar="PATH", help="write the report to PATH")
    parser.add_argument(
        "--only",
        metavar="NAMES",
        help=f"comma-separated sections to run (default all: {','.join(SECTIONS)})",
    )
    args = parser.parse_args(argv)
    names = SECTIONS if not args.only else tuple(n.strip() for n in args.only.split(","))
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        parser.error(f"unknown section(s) {unknown}; choose from {', '.join(SECTIONS)}")
    args.sections = names
    return args


def main(argv: Sequence[str] | None = None) -> int:
    """Run the chosen sections, print the report, write it if asked; 1 if a section failed."""
    args = _parse(argv)
    mode = "quick" if args.quick else "full"
    started_at = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    started = time.perf_counter()
    sections: list[Section] = []
    failures: list[tuple[str, str]] = []
    with tempfile.TemporaryDirectory(prefix="instantly-bench-") as tmp:
        run = _Run(args.quick, Path(tmp))
        for name in args.sections:
            print(f"[bench] {name} ...", file=sys.stderr, flush=True)
            t0 = time.perf_counter()
            try:
                sections.append(_RUNNERS[name](run))
            except Exception as exc:  # a broken section is reported, the others still run
                traceback.print_exc()
                failures.append((name, f"{type(exc).__name__}: {exc}"))
            print(f"[bench] {name}: {time.perf_counter() - t0:.0f} s", file=sys.stderr, flush=True)
        sdk_version = INSTANTLYAI_VERSION if run.sdk_ready else "not used in this run"
    command = "python benchmarks/run.py " + ("--quick" if args.quick else "--full")
    if args.sections != SECTIONS:
        command += " --only " + ",".join(args.sections)
    if args.write:
        command += f" --write {args.write}"
    report = render_markdown(
        mode=mode,
        command=command,
        started=started_at,
        total_seconds=time.perf_counter() - started,
        machine=machine_info({"instantlyai (throw-away venv)": sdk_version}),
        sections=sections,
        failures=failures,
    )
    print(report)
    if args.write:
        args.write.write_text(report, encoding="utf-8")
        print(f"[bench] wrote {args.write}", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    raise SystemExit(main())
