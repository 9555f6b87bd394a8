"""Move the pin to Instantly's live spec when it changed: regenerate, test, changelog, PR body.

The scheduled update (`.github/workflows/update-spec.yml` runs it daily). Fetches the spec from
SOURCE (the live URL by default; a local file stands in for it in tests); when its sha256 is the
pinned one nothing is written. Otherwise it regenerates `generated/` (the pin, the vendored spec
and the changelog move with it), runs the tests, and writes a pull-request body naming what
breaks this client.

Usage: ``python scripts/update_spec.py [SOURCE] [--test-command CMD] [--pr-body FILE]``

Exit status: 0 the spec is unchanged; 10 it changed, the client was regenerated and the tests
passed (open the pull request); 1 something failed (fetch, build or tests; the reason on stderr).
An operation the resource layer cannot type does not fail the update: it gets a generic method,
and the summary, stderr and the pull-request body name it and say why.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shlex
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as `python scripts/update_spec.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.fetch_spec import LIVE_SPEC_URL, SpecFetchError, load_spec
from scripts.normalize import OverrideError
from scripts.regenerate import PinPaths, RegenerateError, install_spec
from scripts.spec_files import REPO_ROOT, read_pin

__all__ = [
    "DEFAULT_TEST_COMMAND",
    "EXIT_CHANGED",
    "EXIT_FAILED",
    "EXIT_UNCHANGED",
    "Update",
    "main",
    "update_spec",
]

EXIT_UNCHANGED = 0
EXIT_CHANGED = 10
EXIT_FAILED = 1
DEFAULT_TEST_COMMAND = "python -m pytest -q -x -p no:randomly"


@dataclass(frozen=True)
class Update:
    """What one run did: its exit status, a one-line summary and the pull-request body."""

    status: int
    summary: str
    pr_body: str = ""


def _generic_section(warnings: Sequence[str]) -> str:
    """The operations that got a generic method, each with why (empty when none did)."""
    if not warnings:
        return ""
    lines = "".join(f"- {warning}\n" for warning in warnings)
    return (
        "## Operations with a generic method\n\n"
        "The resource layer could not type these operations: each got a generic method (its "
        "arguments passed through, the raw response returned). Teach the emitter their shape "
        "(scripts/resource_layer) or fix the spec with a reviewed override:\n\n" + lines + "\n"
    )


def _pr_body(
    old_pin: dict[str, object],
    new_pin: dict[str, object],
    section: str | None,
    warnings: Sequence[str] = (),
) -> str:
    changes = section or "No local copy of the previous spec: no changelog section was written.\n"
    breaking = next(
        (line for line in changes.splitlines() if line.startswith("**Summary:**")), ""
    ).removeprefix("**Summary:** ")
    return (
        f"# Update Instantly's spec: {old_pin.get('filename')} → {new_pin['filename']}\n\n"
        f"- sha256 {str(old_pin.get('sha256'))[:12]}… → {str(new_pin['sha256'])[:12]}…\n"
        f"- operations: {old_pin.get('operation_count')} → {new_pin['operation_count']}\n"
        f"- {breaking or 'see the changelog below'}\n"
        "- regenerated with `python scripts/update_spec.py`; the tests passed\n\n"
        "Review what breaks this client before merging; the same section was appended to "
        "`openapi/CHANGELOG.md`.\n\n"
        + _generic_section(warnings)
        + changes.replace("\n## ", "\n### ", 1)
    )


def update_spec(
    source: str,
    *,
    paths: PinPaths | None = None,
    test_command: Sequence[str] = tuple(shlex.split(DEFAULT_TEST_COMMAND)),
    cwd: Path = REPO_ROOT,
    today: dt.date | None = None,
) -> Update:
    """Fetch `source`; when its sha256 moved, install it, run `test_command` and describe it."""
    paths = paths or PinPaths.default()
    old_pin = read_pin(paths.pin)
    try:
        loaded = load_spec(source)
    except SpecFetchError as exc:
        return Update(EXIT_FAILED, f"fetch failed: {exc}")
    if loaded.sha256 == old_pin.get("sha256"):
        return Update(EXIT_UNCHANGED, f"unchanged: {source} is the pinned {old_pin['filename']}")
    day = (today or dt.date.today()).isoformat()
    pin_source = source if source.startswith(("http://", "https://")) else str(old_pin["source"])
    try:
        installed = install_spec(
            loaded, source=pin_source, filename=f"api_v2.{day}.json", paths=paths
        )
    except (RegenerateError, OverrideError) as exc:
        return Update(EXIT_FAILED, f"regeneration failed: {exc}")
    for warning in installed.result.warnings:
        print(f"update_spec.py: WARNING: {warning}", file=sys.stderr)
    done = subprocess.run(list(test_command), cwd=cwd, check=False)
    if done.returncode != 0:
        return Update(
            EXIT_FAILED,
            f"tests failed (exit {done.returncode}) after regenerating from {source}; "
            "the regenerated tree is left for inspection",
        )
    warnings = installed.result.warnings
    body = _pr_body(old_pin, installed.result.pin, installed.changelog_section, warnings)
    summary = f"changed: regenerated from {source} ({loaded.sha256[:12]}…), tests passed"
    if warnings:
        summary += f"; {len(warnings)} operation(s) got a generic method: " + "; ".join(warnings)
    return Update(EXIT_CHANGED, summary, body)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="update_spec.py", description=__doc__.splitlines()[0])
    parser.add_argument("source", nargs="?", default=LIVE_SPEC_URL, help="spec URL or file")
    parser.add_argument(
        "--test-command", default=DEFAULT_TEST_COMMAND, help="run after regenerating"
    )
    parser.add_argument(
        "--pr-body", type=Path, default=Path("spec-update-pr.md"), help="where to write it"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Command-line entry point; returns 0 (unchanged), 10 (changed, green) or 1 (failed)."""
    args = _build_parser().parse_args(argv)
    result = update_spec(args.source, test_command=shlex.split(args.test_command))
    print(result.summary, file=sys.stderr if result.status == EXIT_FAILED else sys.stdout)
    if result.pr_body:
        args.pr_body.write_text(result.pr_body, encoding="utf-8")
        print(f"pull-request body written to {args.pr_body}")
    return result.status


if __name__ == "__main__":
    sys.exit(main())
