"""Tolerant reading of the response models: keep what the server sent, report where it differs.

Every generated model's `from_dict` first reads a body the way the spec describes it (one exact
type test per field, the fast path). When that fails, `read` builds the model field by field from
the class's own annotations: a value that fits its declared type is converted as usual, anything
else is kept as it arrived (a required field that is missing stays `UNSET`) and reported as a
`Deviation` (`Model.field`, kind). Nested models and list items are read the same way, so one odd
value never hides the rest of a response. `to_dict` gives back what arrived (`plain_dict` when a
kept value defeats the generated serializer).

Deviations go to the collector `collect` opens (the client's parser opens one per response);
with none open they are logged as warnings on the `instantly.deviations` logger, so reading is
never silent. A body that is not an object where a model is declared still raises `TypeError`.
"""

from __future__ import annotations

import datetime
import functools
import logging
import types
import typing
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any, Final, TypeVar, cast

from ._timestamps import parse_date, parse_timestamp
from .types import UNSET, Unset

__all__ = [
    "KINDS",
    "MISREAD",
    "Deviation",
    "collect",
    "exact",
    "plain_dict",
    "read",
    "report",
]

T = TypeVar("T")

# What reading a body of another shape raises inside the generated fast path.
MISREAD: Final = (KeyError, TypeError, ValueError, AttributeError, IndexError)

# The kinds of difference: a required field absent; null where the spec forbids it; "" where a
# date or date-time is declared; a string that is no such date; a value of another JSON type.
KINDS: Final = ("missing", "null", "empty", "format", "type")

# (python attribute, JSON key, required): one row per declared field, in declaration order.
Fields = Sequence[tuple[str, str, bool]]

_EXCERPT_MAX: Final = 80
_LOG: Final = logging.getLogger("instantly.deviations")
_NONE: Final = type(None)
_PLAIN: Final = frozenset({str, int, float, bool})
_sink: ContextVar[list[Deviation] | None] = ContextVar("instantly_api_deviations", default=None)


@dataclass(frozen=True, slots=True)
class Deviation:
    """Where a response differed from its model: `Model.field` (`[]` for a list item), the kind
    (one of `KINDS`) and a short excerpt of the value as sent ("" for a missing field)."""

    path: str
    kind: str
    value: str


@contextmanager
def collect() -> Iterator[list[Deviation]]:
    """Collect the deviations reported inside the block (in this thread or task) into a list."""
    found: list[Deviation] = []
    token = _sink.set(found)
    try:
        yield found
    finally:
        _sink.reset(token)


def report(path: str, kind: str, value: object) -> None:
    """Report one deviation to the open collector, else as a warning on `instantly.deviations`."""
    text = "" if value is UNSET else _excerpt(value)
    found = _sink.get()
    if found is not None:
        found.append(Deviation(path, kind, text))
    else:
        _LOG.warning("response differs from the spec at %s (%s): %s", path, kind, text or "-")


def exact(parse: Callable[[Any], T], data: object) -> T:
    """`parse(data)` if it reads `data` without a deviation, else `TypeError` (nothing reported).

    How a union tells its members apart now that a model reads any object tolerantly.
    """
    found: list[Deviation] = []
    token = _sink.set(found)
    try:
        value = parse(data)
    finally:
        _sink.reset(token)
    if found:
        raise TypeError(f"{found[0].path} ({found[0].kind})")
    return value


def read(cls: type[T], src: object, fields: Fields) -> T:
    """A `cls` from `src` field by field, keeping and reporting what does not fit (slow path)."""
    if not isinstance(src, Mapping):
        raise TypeError(f"{cls.__name__} is {type(src).__name__} {_excerpt(src)}, not an object")
    plan, extra = _plan(cls, tuple(fields))
    rest = dict(src)
    model = cls.__new__(cls)
    for attribute, key, required, path, members in plan:
        if key in rest:
            value = _kept(rest.pop(key), members, path)
        else:
            value = UNSET
            if required:
                report(path, "missing", UNSET)
        setattr(model, attribute, value)
    if extra is not None:
        if extra != (Any,):
            path = f"{cls.__name__}.*"
            rest = {key: _kept(value, extra, path) for key, value in rest.items()}
        cast(Any, model).additional_properties = rest
    return model


@functools.cache
def _plan(
    cls: type, fields: tuple[tuple[str, str, bool], ...]
) -> tuple[tuple[tuple[str, str, bool, str, tuple[Any, ...]], ...], tuple[Any, ...] | None]:
    """Per field (attribute, key, required, `Model.field`, the types it may be sent as), and the
    types of additional properties (None: the model keeps none); worked out once per model from
    its annotations (its module imports what they name)."""
    hints = typing.get_type_hints(cls)
    plan = tuple(
        (attribute, key, required, f"{cls.__name__}.{attribute}", _members(hints[attribute]))
        for attribute, key, required in fields
    )
    extra = hints.get("additional_properties")
    if extra is None:
        return plan, None
    (value_type,) = typing.get_args(extra)[1:] or (Any,)
    return plan, _members(value_type)


def plain_dict(model: Any, fields: Fields) -> dict[str, Any]:
    """`model` as JSON-ready data when it holds values kept as sent (they are given back as is)."""
    out: dict[str, Any] = {}
    extra = getattr(model, "additional_properties", None)
    if extra:
        out.update({key: _plain(value) for key, value in extra.items()})
    for attribute, key, _ in fields:
        value = getattr(model, attribute)
        if value is not UNSET:
            out[key] = _plain(value)
    return out


def _plain(value: object) -> Any:
    if hasattr(type(value), "__attrs_attrs__") and hasattr(value, "to_dict"):
        return value.to_dict()
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, dict):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, datetime.date):  # a datetime is a date
        return value.isoformat()
    return value


def _excerpt(value: object) -> str:
    text = repr(value)
    return text if len(text) <= _EXCERPT_MAX else text[: _EXCERPT_MAX - 1] + "…"


def _members(hint: Any) -> tuple[Any, ...]:
    """The types a value of `hint` may have when sent (`Unset` is never sent)."""
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        return tuple(m for m in typing.get_args(hint) if m is not Unset)
    return (hint,)


def _kept(raw: object, members: tuple[Any, ...], path: str) -> Any:
    """`raw` converted to one of `members`, or `raw` itself, reported, when none takes it."""
    kind = type(raw)
    declared = kind in members or (kind is int and float in members)
    dated = datetime.datetime in members or datetime.date in members
    if kind in _PLAIN and declared and (kind is not str or not dated):
        return raw  # a JSON scalar where its type is declared: most fields of a body
    fits, value = _converted(raw, members, path, tolerant=True)
    if fits:
        return value
    report(path, _kind(raw, members), raw)
    return raw


def _converted(
    raw: object, members: tuple[Any, ...], path: str, *, tolerant: bool
) -> tuple[bool, Any]:
    """(True, the value) when one member takes `raw`; exact members first, then (tolerant) the
    first model or the one list member of `raw`'s JSON type, its own deviations reported (at
    once for a field of one model or list type: a first, exact attempt would read it twice)."""
    if not tolerant or len(members) > 1 or not _container(members[0]):
        for member in members:
            fits, value = _as(raw, member, path, in_union=len(members) > 1)
            if fits:
                return True, value
    if not tolerant:
        return False, None
    if isinstance(raw, Mapping):
        models = [m for m in members if _is_model(m)]
        if models:  # the first, as the generated union parsers do
            return True, models[0].from_dict(raw)
    if isinstance(raw, list):
        lists = [m for m in members if typing.get_origin(m) is list]
        if len(lists) == 1:
            (item,) = typing.get_args(lists[0]) or (Any,)
            items = _members(item)
            return True, [_kept(entry, items, path + "[]") for entry in raw]
    return False, None


def _as(raw: object, member: Any, path: str, *, in_union: bool) -> tuple[bool, Any]:
    """(True, `raw` read as `member`) when it is one exactly, else (False, None)."""
    if member is Any:
        return True, raw
    if member is _NONE or member is None:
        return raw is None, None
    if raw is None:
        return False, None
    if member is str:
        return isinstance(raw, str), raw
    if member is bool:
        return isinstance(raw, bool), raw
    if member is int:
        return isinstance(raw, int) and not isinstance(raw, bool), raw
    if member is float:
        return isinstance(raw, int | float) and not isinstance(raw, bool), raw
    if member is datetime.datetime or member is datetime.date:
        number = isinstance(raw, int | float) and not isinstance(raw, bool)
        if not isinstance(raw, str) and (in_union or not number or member is datetime.date):
            return False, None
        if raw == "":  # the live server's "no date": nothing to parse
            return False, None
        try:
            parsed = parse_timestamp(raw) if member is datetime.datetime else parse_date(raw)
        except ValueError:
            return False, None
        return True, parsed
    origin = typing.get_origin(member)
    if origin is list:
        if not isinstance(raw, list):
            return False, None
        (item,) = typing.get_args(member) or (Any,)
        items = _members(item)
        out = []
        for entry in raw:
            fits, value = _converted(entry, items, path + "[]", tolerant=False)
            if not fits:
                return False, None
            out.append(value)
        return True, out
    if origin is dict:
        return isinstance(raw, dict), raw
    if _is_model(member):
        if not isinstance(raw, dict):
            return False, None
        try:
            return True, exact(member.from_dict, raw)
        except MISREAD:
            return False, None
    return isinstance(member, type) and isinstance(raw, member), raw


def _container(member: Any) -> bool:
    return _is_model(member) or typing.get_origin(member) is list


def _is_model(member: Any) -> bool:
    return isinstance(member, type) and hasattr(member, "__attrs_attrs__")


def _kind(raw: object, members: tuple[Any, ...]) -> str:
    if raw is None:
        return "null"
    dated = any(m is datetime.datetime or m is datetime.date for m in members)
    if dated and isinstance(raw, str) and str not in members:
        return "empty" if raw == "" else "format"
    return "type"
