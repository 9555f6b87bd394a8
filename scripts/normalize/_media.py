"""Rule for responses that list another media type before JSON, which hides the JSON model."""

from __future__ import annotations

from typing import Any

from ._walk import JSONDict, iter_operations

__all__ = ["is_json_media_type", "put_json_media_first"]


def is_json_media_type(media_type: str) -> bool:
    """`application/json`, `application/json; charset=utf-8` or any `+json` type."""
    base = media_type.split(";", 1)[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


def _json_first(content: Any) -> bool:
    """Reorder `content` in place so its first JSON media type leads; True when it moved."""
    if not isinstance(content, dict) or len(content) < 2:
        return False
    keys = list(content)
    json_keys = [k for k in keys if is_json_media_type(k)]
    if not json_keys or keys[0] == json_keys[0]:
        return False
    first = json_keys[0]
    reordered = {first: content[first], **{k: v for k, v in content.items() if k != first}}
    content.clear()
    content.update(reordered)
    return True


def put_json_media_first(spec: JSONDict, notes: list[str]) -> int:
    """Move a response's JSON media type ahead of the others (`text/csv`, `text/plain`, ...).

    openapi-python-client builds a response from the first media type it supports, so a 2xx
    listing `text/csv` before `application/json` returns `response.text` and the JSON model is
    silently dropped. With JSON first the typed model is generated; the other media types stay
    in the spec (the raw body remains readable from the `_detailed` response).
    """
    moved = 0
    responses: list[tuple[str, Any]] = []
    for path, method, operation in iter_operations(spec):
        for status, response in (operation.get("responses") or {}).items():
            responses.append((f"{method.upper()} {path} {status}", response))
    for name, response in (spec.get("components", {}).get("responses") or {}).items():
        responses.append((f"components/responses/{name}", response))
    for where, response in responses:
        if isinstance(response, dict) and _json_first(response.get("content")):
            notes.append(f"{where}: JSON media type moved ahead of {list(response['content'])[1]}")
            moved += 1
    return moved
