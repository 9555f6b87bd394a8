"""The command line's index of the resource layer: each operation as `instantly <resource> <cmd>`.

`render_command_table` writes `instantly_api.resources._commands`: per resource its help line and
its commands (the method name spelled with dashes, the method the command calls, the
operationId, the spec's summary and the first paragraph of its description). It is plain data,
small and import-free, so `instantly --help` reads it without importing a resource module or
httpx; a command's flags are built from the operation's own data (`OPERATIONS[id]`) only when
that resource is chosen. Where a hand-written helper overrides the method, the CLI sends the
operation as the generated method would (it finds out at run time, from the client's class).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from scripts.normalize import iter_operations
from scripts.resource_layer._model import ResourcePlan, operation_id_of

__all__ = ["operation_descriptions", "render_command_table"]

_DESCRIPTION_LIMIT = 300  # characters of a description kept for `--help` (the first paragraph)


def _first_paragraph(text: str) -> str:
    """The description's first paragraph on one line, cut at a word near the limit."""
    paragraph = " ".join(text.strip().split("\n\n", 1)[0].split())
    if len(paragraph) <= _DESCRIPTION_LIMIT:
        return paragraph
    return paragraph[:_DESCRIPTION_LIMIT].rsplit(" ", 1)[0] + " ..."


def operation_descriptions(document: Mapping[str, Any]) -> dict[str, str]:
    """operationId -> the first paragraph of its description (operations without one left out)."""
    out: dict[str, str] = {}
    for path, http_method, operation in iter_operations(dict(document)):
        if not isinstance(operation, Mapping):
            continue
        text = operation.get("description")
        if isinstance(text, str) and text.strip():
            out[operation_id_of(http_method, path, operation)] = _first_paragraph(text)
    return out


def command_name(method: str) -> str:
    """A method name as a command word: `get_warmup_analytics` -> `get-warmup-analytics`."""
    return method.strip("_").replace("_", "-")


def render_command_table(resources: list[ResourcePlan], descriptions: Mapping[str, str]) -> str:
    """The text of `instantly_api.resources._commands`."""
    lines = [
        '"""Every operation as a command of `instantly`: the CLI\'s index of the resource layer.',
        "",
        "Plain data read by `instantly --help` without importing any resource module.",
        '"""',
        "",
        '__all__ = ["COMMANDS", "RESOURCES"]',
        "",
        "# resource attribute -> help line",
        "RESOURCES: dict[str, str] = {",
    ]
    for resource in resources:
        count = len(resource.methods)
        text = f"{resource.tag}: {count} operation{'s' if count != 1 else ''}"
        lines.append(f"    {resource.attribute!r}: {text!r},")
    lines += [
        "}",
        "",
        "# resource attribute -> ((command, method, operationId,",
        "#                         summary, description), ...) in spec order",
        "COMMANDS: dict[str, tuple[tuple[str, str, str, str, str], ...]] = {",
    ]
    for resource in resources:
        lines.append(f"    {resource.attribute!r}: (")
        for method in resource.methods:
            row = (
                command_name(method.name),
                method.name,
                method.operation_id,
                method.summary,
                descriptions.get(method.operation_id, ""),
            )
            lines.append(f"        {row!r},")
        lines.append("    ),")
    lines += ["}", ""]
    return "\n".join(lines)
