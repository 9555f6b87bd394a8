"""Reviewed one-off fixes to the spec, kept as data (`openapi/overrides.json`), by JSON pointer.

Rules handle constructs; an override handles one known spec bug at one place, with the reason it
exists. It fails loudly when its pointer no longer resolves, so a fix Instantly made upstream (or
a moved schema) is noticed and the override removed rather than silently applied elsewhere.

File format::

    {"overrides": [
        {"pointer": "/components/schemas/Lead/properties/status", "reason": "why, with a link",
         "value": {"type": "integer"}},
        {"pointer": "/paths/~1api~1v2~1x/get/deprecated", "reason": "...", "remove": true}
    ]}
"""

from __future__ import annotations

import copy
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ._walk import pointer_tokens

__all__ = ["Override", "OverrideError", "apply_overrides", "load_overrides"]


class OverrideError(ValueError):
    """An override file is malformed, or an override's pointer no longer matches the spec."""


@dataclass(frozen=True)
class Override:
    """Replace the value at `pointer` by `value`, or remove it (`remove=True`), because `reason`."""

    pointer: str
    reason: str
    value: Any = None
    remove: bool = False


def _parse_override(index: int, entry: Any) -> Override:
    where = f"override #{index}"
    if not isinstance(entry, dict):
        raise OverrideError(f"{where} is {entry!r}; expected an object with pointer and reason")
    pointer, reason = entry.get("pointer"), entry.get("reason")
    if not (isinstance(pointer, str) and pointer.startswith("/")):
        raise OverrideError(f"{where} has pointer {pointer!r}; expected a JSON pointer like '/a/b'")
    if not (isinstance(reason, str) and reason.strip()):
        raise OverrideError(f"{where} ({pointer}) has no reason; say why the spec is wrong here")
    remove = entry.get("remove", False)
    if not isinstance(remove, bool):
        raise OverrideError(f"{where} ({pointer}) has remove={remove!r}; expected true or false")
    if (remove is not True and "value" not in entry) or (remove is True and "value" in entry):
        raise OverrideError(f"{where} ({pointer}) needs exactly one of 'value' or 'remove': true")
    extra = set(entry) - {"pointer", "reason", "value", "remove"}
    if extra:
        raise OverrideError(f"{where} ({pointer}) has unknown keys {sorted(extra)}")
    return Override(pointer, reason, entry.get("value"), remove is True)


def load_overrides(path: Path) -> list[Override]:
    """The overrides in `path`; an empty list when the file does not exist."""
    if not path.exists():
        return []
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except ValueError as exc:
        raise OverrideError(f"{path} is not valid JSON: {exc}") from exc
    entries = data.get("overrides") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise OverrideError(f"{path} must be an object with an 'overrides' list")
    return [_parse_override(i, entry) for i, entry in enumerate(entries)]


def _step(node: Any, token: str, override: Override) -> Any:
    if isinstance(node, dict) and token in node:
        return node[token]
    if isinstance(node, list) and token.isdigit() and int(token) < len(node):
        return node[int(token)]
    raise OverrideError(
        f"override {override.pointer!r} no longer matches the spec (no {token!r} there); "
        f"check whether it is still needed (reason given: {override.reason})"
    )


def apply_overrides(spec: dict[str, Any], overrides: Sequence[Override]) -> dict[str, Any]:
    """A copy of `spec` with every override applied, in order; raises `OverrideError` on a miss."""
    result: dict[str, Any] = copy.deepcopy(spec)
    for override in overrides:
        *parents, last = pointer_tokens(override.pointer)
        node: Any = result
        for token in parents:
            node = _step(node, token, override)
        _step(node, last, override)  # the target itself must exist
        if override.remove:
            if isinstance(node, list):
                del node[int(last)]
            else:
                del node[last]
        elif isinstance(node, list):
            node[int(last)] = copy.deepcopy(override.value)
        else:
            node[last] = copy.deepcopy(override.value)
    return result
