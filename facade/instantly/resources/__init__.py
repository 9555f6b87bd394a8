"""The resources of the clients: one class per tag of the spec, sync and async.

The classes are generated from the spec (`instantly_api.resources`, by
`scripts/regenerate.py`), hand-written helpers included; this module re-exports them by name,
each loading its module on first use (PEP 562), so `client.accounts` never imports campaigns'.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._base import RequestOptions

__all__ = ["RequestOptions", "resource_classes"]


def resource_classes() -> dict[str, str]:
    """Class name → the generated module defining it, for every resource (sync and async)."""
    from instantly_api.resources import RESOURCES

    found: dict[str, str] = {}
    for module, sync_name, async_name in RESOURCES.values():
        found[sync_name] = module
        found[async_name] = module
    return found


def __getattr__(name: str) -> Any:
    module = resource_classes().get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__) | set(resource_classes()))
