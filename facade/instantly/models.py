"""The models the clients return and accept, importable from the facade.

    from instantly.models import Campaign, Lead, Unset, UNSET

Every generated model of `instantly_api.models` is available here by its name, loaded on first
use (PEP 562), plus `Unset`/`UNSET` (a field the API did not send; an argument not given) and
`AccountListItem`, the item type of `accounts.list()`.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from instantly_api.models import *  # noqa: F403
    from instantly_api.models.list_account_response_200_items_item import (
        ListAccountResponse200ItemsItem as AccountListItem,
    )
    from instantly_api.types import UNSET, Unset

__all__ = ["UNSET", "AccountListItem", "Unset"]

# Names that are not the generated model of the same name.
_ALIASES: dict[str, tuple[str, str]] = {
    "Unset": ("instantly_api.types", "Unset"),
    "UNSET": ("instantly_api.types", "UNSET"),
    "AccountListItem": (
        "instantly_api.models.list_account_response_200_items_item",
        "ListAccountResponse200ItemsItem",
    ),
}


def __getattr__(name: str) -> Any:
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
