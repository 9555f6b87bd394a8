"""The shape check every generated model's `from_dict` ends with (copied into the package).

The generator's `from_dict` copies scalar fields as they come, so `{"email": 12345}` would give
a model whose `email` is an int. Each model lists its fields declared as scalars or lists of
scalars (each maybe also None or left out) with the Python types each may hold, and for a list
the types its items may hold; `check` raises `TypeError` naming the first field whose value (or
list item, by index) is another type. A bool is not an int or a float here. The facade turns the
error into `MalformedResponseError`, whatever the depth of the model that raised it.

`from_dict` first tests every field's exact type in one expression (what `json.loads` gives);
`check` runs only when that test fails, so it is the slow path that decides and names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["check"]

# (field name, the types its value may have, the types of its items when it is a list, else None)
Spec = Sequence[tuple[str, tuple[type, ...], tuple[type, ...] | None]]


def _fits(value: object, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool) and bool not in types:
        return False
    return isinstance(value, types)


def _names(types: tuple[type, ...], items: tuple[type, ...] | None) -> str:
    """`str | NoneType`, or `a list of str | NoneType` for a field that may be a list."""
    item_names = " | ".join(t.__name__ for t in items or ())
    return " | ".join(f"a list of {item_names}" if t is list else t.__name__ for t in types)


def check(model: Any, spec: Spec) -> None:
    """Raise `TypeError` for the first field of `model` whose value breaks `spec`."""
    for name, types, items in spec:
        value = getattr(model, name)
        if not _fits(value, types):
            raise TypeError(
                f"{type(model).__name__}.{name} is {type(value).__name__} {value!r:.60}, "
                f"not {_names(types, items)}"
            )
        if items is None or not isinstance(value, list):
            continue
        for index, item in enumerate(value):
            if not _fits(item, items):
                raise TypeError(
                    f"{type(model).__name__}.{name}[{index}] is {type(item).__name__} "
                    f"{item!r:.60}, not {_names(items, None)}"
                )
