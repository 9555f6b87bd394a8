"""`instantly spec info`: the spec this client was generated from, read at run time.

Comparing two specs is build tooling: `python scripts/spec_changelog.py OLD NEW` in a checkout
(the differ and the normalizer it judges changes by are not shipped).
"""

from __future__ import annotations

import argparse
from typing import Any

from ._context import EXIT_OK, Context
from ._output import Output

__all__ = ["register"]


def register(commands: Any, common: argparse.ArgumentParser) -> None:
    """Add `spec info` to the parser's subcommands."""
    spec = commands.add_parser("spec", help="show the pinned spec", parents=[common])
    sub = spec.add_subparsers(dest="action", metavar="ACTION", required=True)
    info = sub.add_parser("info", help="the spec this client was generated from", parents=[common])
    info.set_defaults(run=spec_info)


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
