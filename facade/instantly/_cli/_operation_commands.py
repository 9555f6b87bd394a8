"""`instantly <resource> <command>`: every operation of the pinned spec, from the resource layer.

The index (`instantly_api.resources._commands`, generated) names each resource's commands; a
resource's flags are built from its operations' own data (`OPERATIONS[id]`: path, query and
body arguments with their schemas) only when that resource is on the command line, so
`instantly --help` imports no resource module. A command calls the resource method the library
user would call, with the same arguments: the library checks them (exit 2, nothing sent), sends
them and parses the answer. `--all` walks every page, `--wait` waits for a started job,
`--dry-run` prints the request instead of sending it.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from ._parsing import seconds

if TYPE_CHECKING:
    import httpx

    from .._operation import Operation
    from ._context import Context

EXIT_OK: Final = 0  # as `_context.EXIT_OK` (`--help` never imports `_context`)

__all__ = [
    "API_GROUP",
    "RESERVED_FLAGS",
    "add_resource_commands",
    "command_index",
    "resource_word",
]

API_GROUP: Final = "api"  # `instantly api <resource> <command>`: every generated command, always
# Flags the command line keeps for itself; a field of the same name becomes `--field-NAME`.
RESERVED_FLAGS: Final = frozenset(
    {"json", "debug", "api-key", "base-url", "workspace", "body", "all", "wait", "wait-timeout",
     "dry-run", "help", "timeout"}
)  # fmt: skip
_TRUE = frozenset({"true", "yes", "1", "on"})
_FALSE = frozenset({"false", "no", "0", "off"})


def command_index() -> tuple[dict[str, str], dict[str, tuple[tuple[str, str, str, str, str], ...]]]:
    """The generated index: resource attribute -> help, and -> its commands."""
    from instantly_api.resources._commands import COMMANDS, RESOURCES

    return RESOURCES, COMMANDS


def resource_word(attribute: str) -> str:
    """A resource attribute as a command word: `block_list_entries` -> `block-list-entries`."""
    return attribute.replace("_", "-")


def flag_name(python: str) -> str:
    """The flag of an argument: `--daily-limit`; a name the CLI keeps gets `--field-` before it."""
    word = python.strip("_").replace("_", "-")
    return f"--field-{word}" if word in RESERVED_FLAGS else f"--{word}"


# ---------------------------------------------------------------------------------------------
# Values: one converter per schema, argparse-style (a bad value is a usage error, exit 2).


def _types(schema: Mapping[str, Any]) -> list[str]:
    declared = schema.get("type")
    if isinstance(declared, str):
        return [declared]
    if isinstance(declared, list):
        return [str(t) for t in declared]
    found: list[str] = []
    for key in ("anyOf", "oneOf", "allOf"):
        for member in schema.get(key) or ():
            if isinstance(member, Mapping):
                found += [t for t in _types(member) if t not in found]
    return found


def _json_value(text: str) -> Any:
    try:
        return json.loads(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not valid JSON") from None


def _number(text: str) -> int | float:
    try:
        return int(text)
    except ValueError:
        pass
    try:
        return float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None


def _boolean(text: str) -> bool:
    lowered = text.lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise argparse.ArgumentTypeError(f"{text!r} is not true or false")


def _json_or_text(text: str) -> Any:
    """An untyped value: JSON when it reads as JSON, else the text."""
    try:
        return json.loads(text)
    except ValueError:
        return text


def _scalar(types: Sequence[str]) -> Callable[[str], Any]:
    """The converter of one value of these JSON types: the first type the text reads as, the
    most specific first (`5` is an integer where integers are allowed, else a number or text)."""
    kinds = [t for t in types if t != "null"]
    if not kinds:
        return _json_or_text
    attempts: list[Callable[[str], Any]] = []
    for kind, convert in (
        ("integer", _integer),
        ("number", _number),
        ("boolean", _boolean),
        ("object", _json_value),
        ("array", _json_value),
    ):
        if kind in kinds:
            attempts.append(convert)
    if "string" in kinds:
        if not attempts:
            return str
        attempts.append(str)
    if len(attempts) == 1:
        return attempts[0]

    def first_fit(text: str) -> Any:
        for convert in attempts[:-1]:
            try:
                return convert(text)
            except argparse.ArgumentTypeError:
                continue
        return attempts[-1](text)

    return first_fit


def converter(schema: Mapping[str, Any]) -> Callable[[str], Any]:
    """A flag's value converter: typed by the schema, `null` for a nullable one."""
    types = _types(schema)
    convert = _scalar(types)
    if "null" not in types:
        return convert

    def nullable(text: str) -> Any:
        return None if text == "null" else convert(text)

    return nullable


def _is_repeated(schema: Mapping[str, Any]) -> bool:
    """Arrays, and strings the API reads as comma lists, are given as repeated flags."""
    return "array" in _types(schema) or bool(schema.get("x-comma-list"))


class _Append(argparse.Action):
    """A repeated flag: each value appended; a JSON array (`[...]`) extends the list."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        items = list(getattr(namespace, self.dest, None) or [])
        items += values if isinstance(values, list) else [values]
        setattr(namespace, self.dest, items)


def _repeated_converter(schema: Mapping[str, Any]) -> Callable[[str], Any]:
    items = schema.get("items")
    item = converter(items) if isinstance(items, Mapping) else str
    if not isinstance(items, Mapping) and schema.get("x-comma-list"):
        item = str

    def convert(text: str) -> Any:
        if text.startswith("["):
            value = _json_value(text)
            if isinstance(value, list):
                return value
        return item(text)

    return convert


def _help_of(schema: Mapping[str, Any], required: bool) -> str:
    parts = ["/".join(t for t in _types(schema) if t != "null") or "JSON"]
    if "object" in _types(schema):
        parts[0] = "JSON object"
    if _is_repeated(schema):
        parts.append("repeat the flag for each item, or give a JSON array")
    enum = schema.get("enum") or (schema.get("items") or {}).get("enum")
    if enum:
        parts.append("one of " + ", ".join(map(str, enum)))
    for bound, word in (("minimum", ">="), ("maximum", "<=")):
        if bound in schema:
            parts.append(f"{word} {schema[bound]}")
    if required:
        parts.append("required")
    return "; ".join(parts)


def _add_flag(
    parser: argparse.ArgumentParser,
    python: str,
    schema: Mapping[str, Any],
    *,
    required: bool,
) -> None:
    name = flag_name(python)
    meta = python.strip("_").upper()
    help_text = _help_of(schema, required)
    if _is_repeated(schema):
        parser.add_argument(
            name, dest=python, type=_repeated_converter(schema), action=_Append, metavar=meta,
            default=argparse.SUPPRESS, help=help_text,
        )  # fmt: skip
        return
    enum = schema.get("enum")
    convert = converter(schema)
    choices: list[Any] | None = None
    if isinstance(enum, list) and enum:
        try:
            choices = [convert(str(v).lower() if isinstance(v, bool) else str(v)) for v in enum]
        except argparse.ArgumentTypeError:
            choices = None
        if choices is not None and "null" in _types(schema):
            choices.append(None)
    parser.add_argument(
        name, dest=python, type=convert, choices=choices, metavar=meta,
        default=argparse.SUPPRESS, help=help_text,
    )  # fmt: skip


# ---------------------------------------------------------------------------------------------
# The parsers of one resource's commands.


def _operations(attribute: str) -> Mapping[str, Operation]:
    module = importlib.import_module(f"instantly_api.resources.{attribute}")
    operations: Mapping[str, Operation] = module.OPERATIONS
    return operations


def _takes_body(op: Operation) -> bool:
    return bool(op.body or op.body_model or op.schema.get("body"))


def add_resource_commands(
    sub: Any,
    common: argparse.ArgumentParser,
    attribute: str,
    *,
    skip: frozenset[str] = frozenset(),
    only: str | None = None,
) -> None:
    """Add the commands of `attribute` (except those in `skip`) to the subcommands `sub`:
    every one in full when `only` is None; else the one named `only` in full, none when `only`
    is in `skip` (a workflow command was chosen), and a help line each when the line names none
    of them (its help, or the usage error, lists them)."""
    _, index = command_index()
    rows = [row for row in index[attribute] if row[0] not in skip]
    if only is None:
        rows_full = rows
    elif only in skip:
        return
    else:
        rows_full = [row for row in rows if row[0] == only]
    operations = _operations(attribute) if rows_full else {}
    for command, method, operation_id, summary, description in rows:
        if (command, method, operation_id, summary, description) not in rows_full:
            if not rows_full:  # the line names none of them: list them
                sub.add_parser(command, help=summary)
            continue
        op = operations[operation_id]
        text = "\n\n".join(part for part in (f"{summary}.", description) if part)
        parser = sub.add_parser(
            command,
            help=summary,
            description=f"{text}\n\n{op.route} ({operation_id})",
            parents=[common],
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        _add_arguments(parser, op)
        parser.set_defaults(run=run_operation, operation=(attribute, method, operation_id))


def _add_arguments(parser: argparse.ArgumentParser, op: Operation) -> None:
    for python, wire in op.path_params:
        parser.add_argument(python, metavar=wire.upper(), help=f"the {wire} in the path")
    query = op.schema.get("query", {})
    for python, wire in op.query:
        schema = query.get("properties", {}).get(wire, {})
        _add_flag(parser, python, schema, required=wire in query.get("required", ()))
    body = op.schema.get("body", {})
    for python, wire in op.body:
        schema = body.get("properties", {}).get(wire, {})
        _add_flag(parser, python, schema, required=wire in body.get("required", ()))
    if _takes_body(op):
        parser.add_argument(
            "--body",
            metavar="JSON",
            type=_body_value,
            default=argparse.SUPPRESS,
            help="the whole JSON body: inline, @FILE, or - for stdin (instead of field flags)",
        )
    if op.pages:
        parser.add_argument(
            "--all",
            action="store_true",
            dest="all_pages",
            help="walk every page (with --json: one JSON document per item and line)",
        )
    if op.job:
        parser.add_argument(
            "--wait", action="store_true", help="wait for the started job to finish"
        )
        parser.add_argument(
            "--wait-timeout",
            type=seconds,
            metavar="S",
            help="with --wait: give up after S seconds (the library's default when not given)",
        )
    parser.add_argument(
        "--dry-run",
        action="store_true",
        help="print the request that would be sent (method, URL, body; the key redacted); "
        "send nothing",
    )


def _body_value(text: str) -> Any:
    """`--body`: inline JSON, `@file.json`, or `-` for stdin."""
    if text == "-":
        source = sys.stdin.read()
    elif text.startswith("@"):
        from pathlib import Path

        try:
            source = Path(text[1:]).read_text(encoding="utf-8")
        except OSError as exc:
            raise argparse.ArgumentTypeError(f"cannot read {text[1:]}: {exc.strerror}") from None
    else:
        source = text
    return _json_value(source)


# ---------------------------------------------------------------------------------------------
# Running one command.


class _DryRun(Exception):
    """Raised by the dry-run transport with the request the library built."""

    def __init__(self, request: httpx.Request) -> None:
        super().__init__("dry run")
        self.request = request


def _capture(request: httpx.Request) -> httpx.Response:
    raise _DryRun(request)


def _arguments(args: argparse.Namespace, op: Operation) -> tuple[list[Any], dict[str, Any]]:
    positional = [getattr(args, python) for python, _ in op.path_params]
    names = [python for python, _ in (*op.query, *op.body)] + ["body"]
    keywords = {name: getattr(args, name) for name in names if hasattr(args, name)}
    return positional, keywords


def overridden(cls: type, method: str) -> bool:
    """Whether a hand-written subclass replaces the generated resource class's `method`."""
    for base in cls.__mro__:
        if base.__module__.startswith("instantly_api.resources."):
            return getattr(cls, method, None) is not getattr(base, method, None)
    return False


def _invoke(ctx: Context, attribute: str, method: str, op: Operation) -> Any:
    """What the library returns for this command line's arguments."""
    positional, keywords = _arguments(ctx.args, op)
    resource = getattr(ctx.client(), attribute)
    if not overridden(type(resource), method):
        return getattr(resource, method)(*positional, **keywords)
    # A hand-written helper overrides the generated method (its own arguments and result): send
    # the operation as the generated method would have.
    args = dict(zip((p for p, _ in op.path_params), positional, strict=True), **keywords)
    if op.pages:
        return resource._paginate(op, args, {})
    if op.job:
        from .._plans import start_job

        return resource._run(start_job(op, args, {}))
    return resource._call(op, args, {})


def run_operation(ctx: Context) -> int:
    """Call the operation with the command line's arguments and print what it returned."""
    attribute, method, operation_id = ctx.args.operation
    op = _operations(attribute)[operation_id]
    dry_run = bool(ctx.args.dry_run)
    if dry_run:
        import httpx

        ctx.use_transport(httpx.MockTransport(_capture), placeholder_key=True)
    try:
        result = _invoke(ctx, attribute, method, op)
        return _show(ctx, op, result)
    except _DryRun as captured:
        _show_request(ctx, captured.request)
        return EXIT_OK


def _show(ctx: Context, op: Operation, result: Any) -> int:
    from .._job_handles import JobGroup, JobHandle
    from .._pagination import SyncPaginator

    out = ctx.out
    if isinstance(result, SyncPaginator):
        if getattr(ctx.args, "all_pages", False):
            count = 0
            for item in result:
                count += 1
                out.stdout.write(json.dumps(to_payload(item), sort_keys=True, default=str) + "\n")
            if not out.json_mode:
                out.note(f"{count} item{'s' if count != 1 else ''}")
            out.stdout.flush()
            return EXIT_OK
        page = next(iter(result.iter_pages()))
        payload: Any = {
            "items": [to_payload(item) for item in page.items],
            "next_starting_after": page.next_starting_after,
        }
    elif isinstance(result, JobHandle | JobGroup):
        if getattr(ctx.args, "wait", False):
            timeout = ctx.args.wait_timeout
            ids = [result.id] if isinstance(result, JobHandle) else result.ids
            progress = ctx.progress(ids)
            try:
                done = result.wait(
                    on_progress=progress.update,
                    **({} if timeout is None else {"wait_timeout": timeout}),
                )
            finally:
                progress.close()
            payload = to_payload(done)
        else:
            payload = to_payload(result.job) if isinstance(result, JobHandle) else None
            if payload is None:
                payload = {"id": result.id} if isinstance(result, JobHandle) else result.ids
    else:
        payload = to_payload(result)
    out.result(payload, lambda o: _render(o, payload))
    return EXIT_OK


def to_payload(value: Any) -> Any:
    """A result as JSON-ready data: models by their API field names, a raw answer by its body."""
    import httpx

    from .._operation import to_json

    if isinstance(value, httpx.Response):
        try:
            return value.json()
        except ValueError:
            return value.text
    if hasattr(type(value), "__attrs_attrs__") and hasattr(value, "to_dict"):
        return to_json(value.to_dict(), "result")
    if isinstance(value, list | tuple):
        return [to_payload(item) for item in value]
    if isinstance(value, Mapping):
        return {str(k): to_payload(v) for k, v in value.items()}
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def _compact(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, sort_keys=True, default=str)


def _render(out: Any, payload: Any) -> None:
    """For people: an object as `name: value` lines, a list one item per line, else the value."""
    if isinstance(payload, Mapping) and set(payload) == {"items", "next_starting_after"}:
        for item in payload["items"]:
            out.line(_compact(item))
        count = len(payload["items"])
        more = payload["next_starting_after"]
        out.note(
            f"{count} item{'s' if count != 1 else ''}"
            + (f"; more with --all (next page after {more})" if more else "")
        )
    elif isinstance(payload, Mapping):
        out.fields((str(k), _compact(v)) for k, v in payload.items())
    elif isinstance(payload, list):
        for item in payload:
            out.line(_compact(item))
    elif payload is None:
        out.line("done")
    else:
        out.line(_compact(payload))


def _show_request(ctx: Context, request: httpx.Request) -> None:
    headers = {
        name: ("<redacted>" if name.lower() == "authorization" else value)
        for name, value in request.headers.items()
    }
    content = request.content
    body: Any = None
    if content:
        try:
            body = json.loads(content)
        except ValueError:
            body = content.decode("utf-8", "replace")
    payload = {"method": request.method, "url": str(request.url), "headers": headers, "body": body}

    def render(out: Any) -> None:
        out.line(f"{request.method} {request.url}")
        for name, value in headers.items():
            out.line(f"{name}: {value}")
        if body is not None:
            out.line("")
            out.line(json.dumps(body, indent=2, sort_keys=True))

    ctx.out.result(payload, render)
    ctx.out.note("dry run: nothing was sent")
