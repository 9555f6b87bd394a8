"""The shape check every generated model's `from_dict` ends with (copied into the package).

The generator's `from_dict` copies scalar fields as they come, so `{"email": 12345}` would give
a model whose `email` is an int. Each model lists its fields declared as scalars (or lists of
scalars) and the Python types each may hold; `check` raises `TypeError` naming the first field
whose value is another type. A bool is not an int or a float here. The facade turns the error
into `MalformedResponseError`, whatever the depth of the model that raised it.

`from_dict` first tests every field's exact type in one expression (what `json.loads` gives);
`check` runs only when that test fails, so it is the slow path that decides and names.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

__all__ = ["check"]

# (field name, the types its value may have, whether it is a list of them)
Spec = Sequence[tuple[str, tuple[type, ...], bool]]


def _fits(value: object, types: tuple[type, ...]) -> bool:
    if isinstance(value, bool) and bool not in types:
        return False
    return isinstance(value, types)


def check(model: Any, spec: Spec) -> None:
    """Raise `TypeError` for the first field of `model` whose value breaks `spec`."""
    for name, types, is_list in spec:
        value = getattr(model, name)
        if not is_list:
            if _fits(value, types):
                continue
        elif type(value).__name__ == "Unset":
            continue  # an optional list the body left out (a required one would be a KeyError)
        elif isinstance(value, list):
            wrong = next((item for item in value if not _fits(item, types)), _FITS)
            if wrong is _FITS:
                continue
            value = wrong
        allowed = " | ".join(t.__name__ for t in types)
        raise TypeError(
            f"{type(model).__name__}.{name} is {type(value).__name__} {value!r:.60}, "
            f"not {'a list of ' if is_list else ''}{allowed}"
        )


_FITS: Any = object()
