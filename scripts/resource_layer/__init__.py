"""The generated resource layer: every operation of the spec as a method of the clients.

`emit_resource_layer` writes `instantly_api/resources/` (a module per tag with its operations as
data and its sync and async classes, an index with the client mixins, the route table the
transport's retry decisions read) into a freshly generated package, and returns `docs/api.md`;
`render_resource_layer` returns the same files as text instead of writing them.
It reads the normalized spec, the generated package's source, the reviewed table
`openapi/resources.json` and the hand-written helpers in `facade/instantly/_helpers/`.
"""

from __future__ import annotations

import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from scripts.resource_layer._command_table import operation_descriptions, render_command_table
from scripts.resource_layer._helpers import HelperError, read_helpers
from scripts.resource_layer._model import Review, build_layer, load_review, stale_entries
from scripts.resource_layer._naming import NameCollisionError
from scripts.resource_layer._reading import read_sources
from scripts.resource_layer._rendering import (
    HelperShell,
    render_api_md,
    render_index,
    render_resource_module,
    render_routes,
)

__all__ = [
    "HelperError",
    "NameCollisionError",
    "Review",
    "emit_resource_layer",
    "load_review",
    "read_sources",
    "render_resource_layer",
]


def _usable_helpers(
    resources: list[Any], helpers: Mapping[str, list[HelperShell]], notes: list[str]
) -> dict[str, list[HelperShell]]:
    """The helpers the spec can carry: one whose resource or operation the spec lacks is left
    out with a note (an older or newer spec); one whose name takes an operation's is refused."""
    by_attribute = {r.attribute: r for r in resources}
    usable: dict[str, list[HelperShell]] = {}
    for attribute, shells in helpers.items():
        resource = by_attribute.get(attribute)
        if resource is None:
            notes.append(f"helpers of {attribute!r} left out: the spec has no such resource")
            continue
        ids = {m.operation_id for m in resource.methods}
        names = {m.name: m.operation_id for m in resource.methods}
        for shell in shells:
            if shell.replaces is not None and shell.replaces not in ids:
                notes.append(
                    f"helper {attribute}.{shell.name} left out: the spec has no {shell.replaces}"
                )
                continue
            owner = names.get(shell.name)
            if owner is not None and owner != shell.replaces:
                raise NameCollisionError(
                    f"{attribute}.{shell.name}: the helper and the operation {owner} share the "
                    "name; rename the operation in openapi/resources.json or let the helper "
                    "replace it"
                )
            usable.setdefault(attribute, []).append(shell)
    return usable


def render_resource_layer(
    document: Mapping[str, Any],
    package_dir: Path,
    *,
    review_path: Path,
    helpers_dir: Path,
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
    helpers = _usable_helpers(
        resources, read_helpers(helpers_dir) if helpers_dir.is_dir() else {}, notes
    )
    for note in notes:
        print(f"resource layer note: {note}", file=sys.stderr)
    files = {
        f"resources/{resource.module}.py": render_resource_module(
            resource, helpers.get(resource.attribute, [])
        )
        for resource in resources
    }
    files["resources/__init__.py"] = render_index(resources)
    files["resources/_routes.py"] = render_routes(resources)
    replaced = [s.replaces for shells in helpers.values() for s in shells if s.replaces]
    files["resources/_commands.py"] = render_command_table(
        resources, replaced, operation_descriptions(document)
    )
    return files, render_api_md(resources, helpers)


def emit_resource_layer(
    document: Mapping[str, Any],
    package_dir: Path,
    *,
    review_path: Path,
    helpers_dir: Path,
) -> str:
    """Write `package_dir/resources/` and return the text of api.md (notes go to stderr)."""
    files, api_md = render_resource_layer(
        document, package_dir, review_path=review_path, helpers_dir=helpers_dir
    )
    (package_dir / "resources").mkdir(exist_ok=True)
    for name, text in files.items():
        (package_dir / name).write_text(text, encoding="utf-8")
    return api_md
