"""The generated resource layer: every operation of the spec as a method of the clients.

`emit_resource_layer` writes `instantly_api/resources/` (a module per tag with its operations as
data and its sync and async classes, an index with the client mixins, the route table the
transport's retry decisions read) into a freshly generated package, and returns `docs/api.md`;
`render_resource_layer` returns the same files as text instead of writing them.
It reads the normalized spec, the generated package's source and the reviewed table
`openapi/resources.json`; never the hand-written package (its helpers subclass these classes in
`facade/instantly/resources/`, so editing one needs no regeneration).
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scripts.resource_layer._command_table import operation_descriptions, render_command_table
from scripts.resource_layer._model import Review, build_layer, load_review, stale_entries
from scripts.resource_layer._naming import NameCollisionError
from scripts.resource_layer._reading import read_sources
from scripts.resource_layer._rendering import (
    render_api_md,
    render_index,
    render_resource_module,
    render_routes,
)

__all__ = [
    "NameCollisionError",
    "Review",
    "emit_resource_layer",
    "load_review",
    "read_sources",
    "render_resource_layer",
]


def render_resource_layer(
    document: Mapping[str, Any],
    package_dir: Path,
    *,
    review_path: Path,
    snapshot: Mapping[Path, str] | None = None,
    warnings: list[str] | None = None,
) -> tuple[dict[str, str], str]:
    """The files of `package_dir/resources/` (path inside the package -> text) and api.md.

    The generated code is read from `package_dir`, or from `snapshot` (`read_sources`); nothing
    is written (notes go to stderr). Each operation that got a generic method is named in
    `warnings`, with why.
    """
    review = load_review(review_path)
    notes = [
        f"{review_path.name} names {op}, which the spec does not have"
        for op in stale_entries(document, review)
    ]
    resources = build_layer(document, package_dir, review, snapshot=snapshot, warnings=warnings)
    for note in notes:
        print(f"resource layer note: {note}", file=sys.stderr)
    files = {
        f"resources/{resource.module}.py": render_resource_module(resource)
        for resource in resources
    }
    files["resources/__init__.py"] = render_index(resources)
    files["resources/_route_table.py"] = render_routes(resources)
    files["resources/_commands.py"] = render_command_table(
        resources, operation_descriptions(document)
    )
    return files, render_api_md(resources)


def emit_resource_layer(
    document: Mapping[str, Any],
    package_dir: Path,
    *,
    review_path: Path,
) -> str:
    """Write `package_dir/resources/` and return the text of api.md (notes go to stderr)."""
    files, api_md = render_resource_layer(document, package_dir, review_path=review_path)
    (package_dir / "resources").mkdir(exist_ok=True)
    for name, text in files.items():
        (package_dir / name).write_text(text, encoding="utf-8")
    return api_md
