"""Write what changed between two specs as a markdown section of ``openapi/CHANGELOG.md``.

The last step of the pipeline. The diff and its rules are ``scripts/spec_diff.py``; this module
loads the two specs (``scripts/fetch_spec.load_spec``) and appends sections.

Usage: ``python scripts/spec_changelog.py OLD NEW [--append openapi/CHANGELOG.md] [--title T]``
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

if __package__ in (None, ""):  # run as `python scripts/spec_changelog.py`
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scripts.fetch_spec import SpecFetchError, load_spec
from scripts.spec_diff import SpecDiff, diff_specs
from scripts.spec_files import REPO_ROOT

__all__ = ["CHANGELOG_HEADER", "DEFAULT_CHANGELOG", "main", "record_changes"]

DEFAULT_CHANGELOG = REPO_ROOT / "openapi" / "CHANGELOG.md"

# Written when the changelog file does not exist yet.
CHANGELOG_HEADER = (
    "# Changelog of Instantly's API v2 spec\n"
    "\n"
    "What changed in `https://api.instantly.ai/openapi/api_v2.json` between the versions this\n"
    "client was generated from, newest last. Appended by the regeneration pipeline\n"
    "(`scripts/spec_changelog.py`); do not edit entries by hand. Each change is classified as\n"
    "breaking this client or harmless here (absorbed by the normalizer, or additive); the rules\n"
    "are in `scripts/spec_diff.py`.\n"
)


def _append_section(changelog_path: Path, section: str) -> None:
    """Append `section` after a blank line, creating the file with its header if needed."""
    existing = (
        changelog_path.read_text(encoding="utf-8") if changelog_path.exists() else CHANGELOG_HEADER
    )
    text = existing.rstrip("\n") + "\n\n" + section
    changelog_path.parent.mkdir(parents=True, exist_ok=True)
    changelog_path.write_text(text, encoding="utf-8")


def record_changes(
    old: dict[str, Any], new: dict[str, Any], *, changelog_path: Path, title: str
) -> str:
    """Append the markdown section for `old` -> `new` to `changelog_path` and return it."""
    section = diff_specs(old, new).to_markdown(title)
    _append_section(changelog_path, section)
    return section


def _default_title(old: dict[str, Any], new: dict[str, Any], old_name: str, new_name: str) -> str:
    def label(document: dict[str, Any], name: str) -> str:
        info = document.get("info")
        version = info.get("version") if isinstance(info, dict) else None
        return f"{name} (version {version})" if version else name

    return f"{label(old, old_name)} → {label(new, new_name)}"


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="spec_changelog.py",
        description="Print what changed between two OpenAPI specs as markdown.",
    )
    parser.add_argument("old", help="the older spec: a file or an http(s) URL")
    parser.add_argument("new", help="the newer spec: a file or an http(s) URL")
    parser.add_argument(
        "--append",
        metavar="CHANGELOG",
        type=Path,
        help=f"also append the section to this file (the pipeline uses {DEFAULT_CHANGELOG.name})",
    )
    parser.add_argument("--title", help="section title (default: the two file names)")
    parser.add_argument(
        "--json", action="store_true", help="print the changes as JSON instead of markdown"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point: print the section (or JSON); exit 1 when a spec cannot be loaded."""
    args = _build_parser().parse_args(argv)
    try:
        old = load_spec(args.old)
        new = load_spec(args.new)
    except SpecFetchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    title = args.title or _default_title(
        old.document, new.document, Path(args.old).name, Path(args.new).name
    )
    diff: SpecDiff = diff_specs(old.document, new.document)
    section = diff.to_markdown(title)
    if args.append is not None:
        _append_section(args.append, section)
    if args.json:
        print(json.dumps(diff.to_dict(), indent=2, sort_keys=True))
    else:
        sys.stdout.write(section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
