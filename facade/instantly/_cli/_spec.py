"""`instantly spec diff OLD NEW` and `instantly spec info`: API changes, and the pinned spec.

The diff is the library's (`instantly._spec_diff`, shared with the regeneration pipeline); this
module only loads the two documents, from files or URLs, tolerating a UTF-8 byte order mark (some
of Instantly's published specs start with one).
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import httpx

from .._errors import APIConnectionError, status_error_class
from .._response import excerpt
from ._context import EXIT_OK, Context, UsageError
from ._output import Output

__all__ = ["load_spec_document", "register"]

# Fetching a spec of several MB over a slow link: generous, but bounded.
_FETCH_TIMEOUT = 60.0


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add `spec diff` and `spec info` to the parser's subcommands."""
    spec = commands.add_parser(
        "spec", help="compare API specs, show the pinned one", parents=[common]
    )
    sub = spec.add_subparsers(dest="action", metavar="ACTION", required=True)

    diff = sub.add_parser(
        "diff",
        help="what changed between two OpenAPI specs, breaking changes first",
        parents=[common],
    )
    diff.add_argument("old", metavar="OLD", help="the older spec: a file or an http(s) URL")
    diff.add_argument("new", metavar="NEW", help="the newer spec: a file or an http(s) URL")
    diff.set_defaults(run=diff_specs_command)

    info = sub.add_parser("info", help="the spec this client was generated from", parents=[common])
    info.set_defaults(run=spec_info)


def _is_url(source: str) -> bool:
    return urlsplit(source).scheme in ("http", "https")


def _fetch(url: str, timeout: float) -> bytes:
    """The body at `url`; a typed API error when it cannot be had."""
    try:
        response = httpx.get(url, timeout=timeout, follow_redirects=True)
    except httpx.HTTPError as exc:
        raise APIConnectionError(f"cannot fetch the spec at {url}: {exc}") from exc
    if not response.is_success:
        raise status_error_class(response.status_code)(
            f"cannot fetch the spec: {excerpt(response.text)}",
            status_code=response.status_code,
            method="GET",
            path=url,
        )
    return response.content


def load_spec_document(source: str, *, timeout: float = _FETCH_TIMEOUT) -> dict[str, Any]:
    """The OpenAPI 3 document in a file or at an http(s) URL (a leading BOM is fine)."""
    if _is_url(source):
        raw = _fetch(source, timeout)
    else:
        try:
            raw = Path(source).read_bytes()
        except OSError as exc:
            raise UsageError(f"cannot read the spec file {source!r}: {exc.strerror}") from exc
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"{source!r} is not a JSON document: {exc}") from exc
    version = document.get("openapi") if isinstance(document, dict) else None
    if not (isinstance(version, str) and version.startswith("3.")):
        raise UsageError(
            f"{source!r} is not an OpenAPI 3 document (its 'openapi' field is {version!r}); "
            "give Instantly's api_v2.json"
        )
    if not isinstance(document.get("paths"), dict):
        raise UsageError(f"{source!r} has no 'paths' object, so it has no operations to compare")
    result: dict[str, Any] = document
    return result


def _label(source: str, document: dict[str, Any]) -> str:
    name = urlsplit(source).path.rsplit("/", 1)[-1] if _is_url(source) else Path(source).name
    info = document.get("info")
    version = info.get("version") if isinstance(info, dict) else None
    return f"{name} (version {version})" if version else name


def diff_specs_command(ctx: Context) -> int:
    """Print the changes (markdown, or JSON with `--json`); exit 0 whether or not any changed."""
    from .._spec_diff import diff_specs

    timeout = ctx.args.request_timeout or _FETCH_TIMEOUT
    old = load_spec_document(ctx.args.old, timeout=timeout)
    new = load_spec_document(ctx.args.new, timeout=timeout)
    diff = diff_specs(old, new)
    title = f"{_label(ctx.args.old, old)} → {_label(ctx.args.new, new)}"

    def render(out: Output) -> None:
        out.stdout.write(diff.to_markdown(title))

    ctx.out.result(diff.to_dict(), render)
    return EXIT_OK


def spec_info(ctx: Context) -> int:
    """The pinned spec's file name, version, sha256 and size, and the generator's version."""
    from instantly_api import _spec

    info = {
        "filename": _spec.SPEC_FILENAME,
        "version": _spec.SPEC_VERSION,
        "sha256": _spec.SPEC_SHA256,
        "source": _spec.SPEC_SOURCE,
        "operation_count": _spec.OPERATION_COUNT,
        "generator": "openapi-python-client",
        "generator_version": _spec.GENERATOR_VERSION,
    }

    def render(out: Output) -> None:
        out.fields(
            [
                ("pinned spec", info["filename"]),
                ("version", info["version"]),
                ("sha256", info["sha256"]),
                ("source", info["source"]),
                ("operations", info["operation_count"]),
                ("generator", f"openapi-python-client {info['generator_version']}"),
            ]
        )

    ctx.out.result(info, render)
    return EXIT_OK
