"""The models the clients return and accept, importable from the facade.

    from instantly.models import Campaign, Lead, Unset, UNSET

Every generated model of `instantly_api.models` is available here by its name, loaded on first
use (PEP 562), plus `Unset`/`UNSET` (a field the API did not send; an argument not given).
The result types' old generated names (`ListAccountResponse200ItemsItem`, now `AccountListItem`)
still import, with a `DeprecationWarning`, for one release.
"""

from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from instantly_api.models import *  # noqa: F403
    from instantly_api.models.account_list_item import AccountListItem
    from instantly_api.types import UNSET, Unset

__all__ = ["UNSET", "AccountListItem", "Unset"]

# Names that are not the generated model of the same name.
_ALIASES: dict[str, tuple[str, str]] = {
    "Unset": ("instantly_api.types", "Unset"),
    "UNSET": ("instantly_api.types", "UNSET"),
}


def _renamed() -> dict[str, str]:
    """The generated models' deprecated old names (old -> new)."""
    renamed: dict[str, str] = importlib.import_module("instantly_api.models")._RENAMED
    return renamed


def __getattr__(name: str) -> Any:
    new = None if name in _ALIASES else _renamed().get(name)
    if new is not None:  # not cached: every use of an old name warns, where it is used
        warnings.warn(
            f"{name} is deprecated: it is now {new} (the old name goes in the next release)",
            DeprecationWarning,
            stacklevel=2,
        )
        return __getattr__(new)
    module, attribute = _ALIASES.get(name, ("instantly_api.models", name))
    try:
        value = getattr(importlib.import_module(module), attribute)
    except AttributeError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    generated = importlib.import_module("instantly_api.models")
    return sorted(set(globals()) | set(__all__) | set(getattr(generated, "__all__", ())))
