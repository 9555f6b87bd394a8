"""The resources of the clients: one class per tag of the spec, sync and async.

The classes are generated from the spec (`instantly_api.resources`, by
`scripts/regenerate.py`); a resource with hand-written helpers is the subclass in this package's
module of its name (`accounts.py`: `Accounts`, `AsyncAccounts`). This module re-exports the class
the clients use by name, each loading its module on first use (PEP 562), so `client.accounts`
never imports campaigns'.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._base import RequestOptions

__all__ = ["RequestOptions", "resource_classes"]


def resource_classes() -> dict[str, str]:
    """Class name → the module defining the class the clients use, for every resource."""
    from instantly_api.resources import RESOURCES

    from ._with_helpers import HELPER_MODULES

    found: dict[str, str] = {}
    for attribute, (module, sync_name, async_name) in RESOURCES.items():
        found[sync_name] = found[async_name] = HELPER_MODULES.get(attribute, module)
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
