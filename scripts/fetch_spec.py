"""Fetch Instantly's OpenAPI spec from a URL or a local file, and check it is one.

The first step of the pipeline (fetch -> normalize -> regenerate -> changelog). The spec is kept as
its raw bytes (what the pin's sha256 is computed over) and as the parsed document. Anything that is
not an OpenAPI 3.x JSON document fails here, with the source named, rather than deep in the
generator.

Usage: ``python scripts/fetch_spec.py [SOURCE] [--expect-sha256 H] [-o FILE]``
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

__all__ = [
    "DEFAULT_TIMEOUT",
    "LIVE_SPEC_URL",
    "LoadedSpec",
    "SpecFetchError",
    "load_spec",
    "main",
    "parse_spec",
]

LIVE_SPEC_URL = "https://api.instantly.ai/openapi/api_v2.json"

# The spec is a few MB: allow a slow download, but never hang on a dead connection.
DEFAULT_TIMEOUT = httpx.Timeout(60.0, connect=10.0)

_UTF8_BOM = b"\xef\xbb\xbf"


class SpecFetchError(Exception):
    """The spec could not be fetched, read, or is not an OpenAPI 3.x JSON document."""


@dataclass(frozen=True)
class LoadedSpec:
    """A spec as fetched: its raw bytes, the parsed document, the bytes' sha256 and where from."""

    raw: bytes = field(repr=False)
    document: dict[str, Any] = field(repr=False)
    sha256: str
    source: str


def _is_url(source: str) -> bool:
    return source.startswith(("http://", "https://"))


def _read_url(url: str, *, transport: httpx.BaseTransport | None, timeout: httpx.Timeout) -> bytes:
    """The body of a GET to `url`; any transport failure or non-2xx becomes SpecFetchError."""
    try:
        with httpx.Client(transport=transport, timeout=timeout, follow_redirects=True) as client:
            response = client.get(url, headers={"Accept": "application/json"})
    except httpx.TimeoutException as exc:
        raise SpecFetchError(f"timed out fetching the spec from {url}: {exc!r}") from exc
    except httpx.HTTPError as exc:
        raise SpecFetchError(f"could not fetch the spec from {url}: {exc!r}") from exc
    if not response.is_success:
        raise SpecFetchError(
            f"fetching the spec from {url} answered HTTP {response.status_code} "
            f"{response.reason_phrase}; expected a 2xx response"
        )
    return response.content


def _read_path(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as exc:
        raise SpecFetchError(f"could not read the spec file {str(path)!r}: {exc}") from exc


def parse_spec(raw: bytes, *, source: str) -> dict[str, Any]:
    """The OpenAPI 3.x document in `raw` (a leading UTF-8 BOM is allowed), or SpecFetchError."""
    body = raw.removeprefix(_UTF8_BOM)
    try:
        document = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise SpecFetchError(f"the spec from {source} is not UTF-8 text: {exc}") from exc
    except json.JSONDecodeError as exc:
        raise SpecFetchError(f"the spec from {source} is not valid JSON: {exc}") from exc
    if not isinstance(document, dict):
        raise SpecFetchError(
            f"the spec from {source} is a JSON {type(document).__name__}; "
            "expected an object (an OpenAPI document)"
        )
    version = document.get("openapi")
    if not isinstance(version, str) or not version.startswith("3."):
        raise SpecFetchError(
            f"the spec from {source} has openapi={version!r}; expected an OpenAPI 3.x version "
            "such as '3.1.0'"
        )
    if not isinstance(document.get("paths"), dict):
        raise SpecFetchError(
            f"the spec from {source} has no 'paths' object; an OpenAPI document needs one"
        )
    return document


def load_spec(
    source: str | Path = LIVE_SPEC_URL,
    *,
    expect_sha256: str | None = None,
    transport: httpx.BaseTransport | None = None,
    timeout: httpx.Timeout = DEFAULT_TIMEOUT,
) -> LoadedSpec:
    """Fetch (http/https URL) or read (local path) a spec, verify its sha256 if given, parse it.

    `transport` replaces httpx's network transport (tests pass an ``httpx.MockTransport``).
    """
    if isinstance(source, Path) or not _is_url(source):
        path = Path(source)
        label = str(path)
        raw = _read_path(path)
    else:
        label = source
        raw = _read_url(source, transport=transport, timeout=timeout)
    digest = hashlib.sha256(raw).hexdigest()
    if expect_sha256 is not None and digest != expect_sha256.strip().lower():
        raise SpecFetchError(
            f"the spec from {label} has sha256 {digest}; expected {expect_sha256.strip().lower()}"
        )
    document = parse_spec(raw, source=label)
    return LoadedSpec(raw=raw, document=document, sha256=digest, source=label)


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="fetch_spec.py",
        description="Fetch Instantly's OpenAPI spec, check it, write it and print its sha256.",
    )
    parser.add_argument(
        "source",
        nargs="?",
        default=LIVE_SPEC_URL,
        help=f"URL (http/https) or local file of the spec (default: {LIVE_SPEC_URL})",
    )
    parser.add_argument(
        "--expect-sha256", metavar="H", help="fail unless the raw bytes hash to this sha256"
    )
    parser.add_argument(
        "-o", "--output", metavar="FILE", type=Path, help="write the spec here (default: stdout)"
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """CLI entry point: write the raw spec bytes to stdout or FILE, its sha256 to stderr."""
    args = _build_parser().parse_args(argv)
    try:
        spec = load_spec(args.source, expect_sha256=args.expect_sha256)
    except SpecFetchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    if args.output is None:
        sys.stdout.buffer.write(spec.raw)
        sys.stdout.buffer.flush()
    else:
        try:
            args.output.write_bytes(spec.raw)
        except OSError as exc:
            print(f"error: could not write {str(args.output)!r}: {exc}", file=sys.stderr)
            return 1
    print(spec.sha256, file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
