"""Every operation of the pin as a command line, from the same example arguments the library's
tests call it with (`tests/contract/_resource_calls.py`).

`operation_rows()` lists (resource, command, method, operationId) from the generated index;
`library_call()` gives the arguments of the library call; `argv_for()` spells those arguments as
`instantly api <resource> <command> ...` (path arguments positional, each keyword as its flag,
lists as repeated flags, objects as JSON, the whole body as `--body @file`).
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from instantly._cli._operation_commands import flag_name, overridden, resource_word
from instantly._operation import operation
from instantly_api.resources import RESOURCES
from instantly_api.resources._commands import COMMANDS

from tests.contract._resource_calls import (
    ExampleCall,
    ResourceMethod,
    _fixed_body,
    example_call,
    spec_examples,
)

__all__ = ["HELPER_ACCOUNT", "Row", "argv_for", "library_call", "operation_rows"]

HELPER_ACCOUNT = "user@example.com"  # the account a replaced operation acts on when none is given
Row = tuple[str, str, str, str]  # resource attribute, command, method, operationId


def _client_class(attribute: str) -> type:
    """The sync resource class a client has for `attribute` (hand-written where helpers are)."""
    from instantly.resources._with_helpers import HELPER_MODULES

    module_name, sync_name, _ = RESOURCES[attribute]
    cls: type = getattr(
        importlib.import_module(HELPER_MODULES.get(attribute, module_name)), sync_name
    )
    return cls


def operation_rows() -> list[Row]:
    """Every operation of the generated index, in its order."""
    return [
        (attribute, command, method, operation_id)
        for attribute, rows in COMMANDS.items()
        for command, method, operation_id, _, _ in rows
    ]


def library_call(row: Row) -> ExampleCall:
    """The example call of the operation's method; for an operation a helper replaces, the
    spec's example as the generated method would have taken it (path values, then fields)."""
    attribute, _, method, operation_id = row
    if not overridden(_client_class(attribute), method):
        call = example_call(ResourceMethod(attribute, method, operation_id))
        assert call is not None, f"{operation_id}: no example call"
        return call
    spec = spec_examples()[operation_id]
    op = operation(operation_id)
    args = tuple(spec.path_params[wire] for _, wire in op.path_params)
    by_wire = {wire: python for python, wire in (*op.query, *op.body)}
    body = _fixed_body(operation_id, spec.body)
    fields = {**spec.query_params, **(body if isinstance(body, Mapping) else {})}
    if not fields and "emails" in by_wire:  # an example without inputs (an `anyOf` body)
        fields = {"emails": [HELPER_ACCOUNT]}
    return ExampleCall(args, {by_wire[wire]: value for wire, value in fields.items()})


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "null"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value)


def argv_for(row: Row, call: ExampleCall, tmp: Path) -> list[str]:
    """`instantly api <resource> <command>` with the call's arguments."""
    attribute, command, _, operation_id = row
    op = operation(operation_id)
    repeated = {
        python
        for python, wire in (*op.query, *op.body)
        for place in ("query", "body")
        if _repeats(op.schema.get(place, {}).get("properties", {}).get(wire))
        and any(python == p for p, _ in (op.query if place == "query" else op.body))
    }
    argv = ["api", resource_word(attribute), command, *map(_text, call.args)]
    for name, value in call.kwargs.items():
        if name == "body":
            path = tmp / f"{operation_id}.json"
            path.write_text(json.dumps(value), encoding="utf-8")
            argv += ["--body", f"@{path}"]
        elif name in repeated and isinstance(value, list | tuple):
            if not value or any(isinstance(v, str) and v.startswith("[") for v in value):
                argv += [flag_name(name), json.dumps(list(value))]
            else:
                for item in value:
                    argv += [flag_name(name), _text(item)]
        else:
            argv += [flag_name(name), _text(value)]
    return argv


def _repeats(schema: Any) -> bool:
    if not isinstance(schema, Mapping):
        return False
    declared = schema.get("type")
    types = declared if isinstance(declared, list) else [declared]
    return "array" in types or bool(schema.get("x-comma-list"))
