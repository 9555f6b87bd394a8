"""Source text of the resource layer: one module per resource, the index, the route table, api.md.

Sync and async classes are both emitted from one description of each method, so they cannot
drift; the facade's hand-written runtime (`instantly.resources._base`) does the work they share.
Output is plain text formatted afterwards by ruff, like the rest of `generated/`.
"""

from __future__ import annotations

import ast
import functools
import re
from collections.abc import Iterable
from typing import Any

from scripts.resource_layer._model import MethodPlan, ResourcePlan
from scripts.resource_layer._reading import Field

__all__ = [
    "render_api_md",
    "render_index",
    "render_resource_module",
    "render_routes",
]

_MODELS_PREFIX = "instantly_api.models"
_ASYNC_NAMES = {
    "SyncPaginator": "AsyncPaginator",
    "JobHandle": "AsyncJobHandle",
    "JobGroup": "AsyncJobGroup",
}
_RUNTIME_IMPORTS = {
    "SyncPaginator": "instantly._pagination",
    "AsyncPaginator": "instantly._pagination",
    "JobHandle": "instantly._job_handles",
    "AsyncJobHandle": "instantly._job_handles",
    "JobGroup": "instantly._job_handles",
    "AsyncJobGroup": "instantly._job_handles",
    "RequestOptions": "instantly.resources._base",
    "Accepted": "instantly._outcomes",
    "Unset": "instantly_api.types",
    "Mapping": "collections.abc",
    "Sequence": "collections.abc",
    "Any": "typing",
    "Unpack": "typing",
}


class _ArgumentTypes(ast.NodeTransformer):
    """Argument annotations that also take plain data: a model or a dict, any sequence."""

    def __init__(self, models: set[str]) -> None:
        self._models = models

    def visit_Name(self, node: ast.Name) -> ast.expr:
        if node.id in self._models:
            mapping = ast.Subscript(
                value=ast.Name("Mapping"),
                slice=ast.Tuple([ast.Name("str"), ast.Name("Any")]),
            )
            return ast.BinOp(left=node, op=ast.BitOr(), right=mapping)
        return node

    def visit_Subscript(self, node: ast.Subscript) -> ast.expr:
        self.generic_visit(node)
        if isinstance(node.value, ast.Name) and node.value.id in ("list", "dict"):
            node.value = ast.Name("Sequence" if node.value.id == "list" else "Mapping")
        return node


def _argument_annotation(field_: Field) -> str:
    models = frozenset(n for n, m in field_.imports.items() if m.startswith(_MODELS_PREFIX))
    return _widened(field_.annotation, models)


@functools.lru_cache(maxsize=4096)
def _widened(annotation: str, models: frozenset[str]) -> str:
    """`annotation` taking plain data too (a pure function of its arguments: most repeat)."""
    return ast.unparse(_ArgumentTypes(set(models)).visit(ast.parse(annotation, mode="eval")))


def _asyncify(annotation: str) -> str:
    return re.sub(
        r"\b(" + "|".join(_ASYNC_NAMES) + r")\b", lambda m: _ASYNC_NAMES[m.group(1)], annotation
    )


def _optional(field_: Field) -> bool:
    return not field_.required or "Unset" in field_.annotation


def _param(field_: Field, *, optional: bool | None = None, comma_list: bool = False) -> str:
    is_optional = _optional(field_) if optional is None else optional
    annotation = _argument_annotation(field_)
    if comma_list:
        annotation = annotation.replace("str", "str | Sequence[str]", 1)
    if is_optional and "Unset" not in annotation:
        annotation += " | Unset"
    return f"{field_.python}: {annotation}" + (" = UNSET" if is_optional else "")


def _item_annotation(method: MethodPlan) -> str:
    if method.item is None:
        return "Any"
    tree = ast.parse(method.item.annotation, mode="eval").body
    members = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
            stack += [node.right, node.left]
        else:
            members.append(node)
    for member in members:
        if isinstance(member, ast.Subscript) and ast.unparse(member.value) == "list":
            return ast.unparse(member.slice)
    return "Any"


def _returns(method: MethodPlan) -> str:
    if method.pages:
        return f"SyncPaginator[{_item_annotation(method)}]"
    if method.job:
        return f"JobHandle[{method.returns}]"
    if method.accepted:
        return "Accepted"
    return method.returns


def _plain(text: str) -> str:
    """`text` safe inside a docstring: no triple quotes, no backslashes."""
    return text.replace('"' * 3, "'" * 3).replace("\\", "/")


def _doc(method: MethodPlan) -> str:
    notes = [f"`{method.route}`"]
    if method.generic is not None:
        notes.append(
            "a generic method (the emitter could not type this operation: "
            + _plain(method.generic).rstrip(".")
            + "): its arguments are passed through as given and the raw `httpx.Response` of "
            "a 2xx is returned"
        )
    elif method.returns_runtime == ("httpx", "Response"):
        notes.append("the spec declares no 2xx: returns the raw `httpx.Response` of a 2xx")
    elif method.returns == "None":
        notes.append("the spec declares no 2xx content: returns None")
    if method.pages:
        notes.append(
            "pages with `starting_after`: iterate for every item, `.iter_pages()` for pages"
        )
    if method.job:
        notes.append("starts a background job: returns its handle (`.wait()` for the result)")
    if method.accepted:
        notes.append("answered 202 without a job: returns `Accepted` (queued, nothing to follow)")
    if method.error_in_body:
        notes.append("raises `ErrorInBodyError` when the 2xx body says `success: false`")
    notes.append(
        "repeated after a failure that may have reached the server"
        if method.repeatable and method.http_method not in ("GET", "HEAD")
        else ("" if method.repeatable else "never repeated once it may have reached the server")
    )
    if method.deprecated:
        notes.append("deprecated by the API")
    summary = method.summary.replace('"""', "'''").replace("\\", "\\\\").rstrip(".")
    body = "; ".join(n for n in notes if n)
    return f'"""{summary}.\n\n{body}.\n"""'


def _indent(text: str, spaces: int) -> str:
    pad = " " * spaces
    return "\n".join(pad + line if line.strip() else "" for line in text.splitlines())


def _args_dict(method: MethodPlan, with_body: bool) -> str:
    names = [f.python for f in (*method.path_params, *method.query, *method.body_fields)]
    entries = [f'"{n}": {n}' for n in names]
    if with_body:
        entries.append('"body": body')
    return "{" + ", ".join(entries) + "}"


def _signature(method: MethodPlan, params: list[str], returns: str, prefix: str) -> str:
    positional = [_param(p, optional=False) for p in method.path_params]
    parts = ["self", *positional]
    if positional:
        parts.append("/")
    parts += (
        ["*", *params, "**options: Unpack[RequestOptions]"]
        if params
        else ["**options: Unpack[RequestOptions]"]
    )
    return f"{prefix}def {method.name}({', '.join(parts)}) -> {returns}:"


def _method_source(method: MethodPlan, *, is_async: bool) -> str:
    returns = _returns(method)
    if is_async:
        returns = _asyncify(returns)
    coroutine = is_async and not method.pages
    prefix = "async " if coroutine else ""
    op = f'OPERATIONS["{method.operation_id}"]'
    query_schema = method.schema.get("query", {}).get("properties", {})
    query = [
        _param(q, comma_list=bool(query_schema.get(q.wire, {}).get("x-comma-list")))
        for q in method.query
    ]
    has_body = method.body_model is not None
    lines: list[str] = []
    if method.generic is not None:
        params = [*query, *(["body: Any = UNSET"] if method.generic_body else [])]
        lines.append(_signature(method, params, returns, prefix))
        lines.append(_indent(_doc(method), 4))
        args = _args_dict(method, with_body=method.generic_body)
        awaiting = "await " if coroutine else ""
        lines.append(f"    return {awaiting}self._call({op}, {args}, options)")
        return "\n".join(lines)
    if method.pages:
        action = f"self._paginate({op}, {{args}}, options)"
    elif method.job:
        action = f"self._run(start_job({op}, {{args}}, options))"
    elif method.accepted:
        action = f"self._run(accept({op}, {{args}}, options))"
    elif method.error_in_body:
        action = f"self._run(checked_call({op}, {{args}}, options))"
    else:
        action = f"self._call({op}, {{args}}, options)"
    awaited = "await " if coroutine else ""
    if has_body and not method.body_fields:
        model = method.body_model[1] if method.body_model else "Any"
        whole = f"body: {model} | Mapping[str, Any]"
        whole += "" if method.body_required else " | Unset = UNSET"
        lines.append(_signature(method, [*query, whole], returns, prefix))
        args = _args_dict(method, with_body=True)
    elif has_body:
        fields_required = method.body_required
        with_fields = query + [
            _param(f, optional=None if fields_required else True) for f in method.body_fields
        ]
        model = method.body_model[1] if method.body_model else "Any"
        with_model = [*query, f"body: {model} | Mapping[str, Any]"]
        lines.append("@overload")
        lines.append(_signature(method, with_fields, returns, prefix) + " ...")
        lines.append("@overload")
        lines.append(_signature(method, with_model, returns, prefix) + " ...")
        everything = [
            *query,
            "body: Any = UNSET",
            *(f"{f.python}: Any = UNSET" for f in method.body_fields),
        ]
        lines.append(_signature(method, everything, returns, prefix))
        args = _args_dict(method, with_body=True)
    else:
        lines.append(_signature(method, query, returns, prefix))
        args = _args_dict(method, with_body=False)
    lines.append(_indent(_doc(method), 4))
    lines.append(f"    return {awaited}{action.format(args=args)}")
    return "\n".join(lines)


def _collect_imports(resource: ResourcePlan) -> dict[str, str]:
    names: dict[str, str] = {}
    for method in resource.methods:
        for field_ in (*method.path_params, *method.query, *method.body_fields):
            names.update(field_.imports)
        names.update(method.returns_imports)
        if method.item is not None:
            names.update(method.item.imports)
        names.update(method.body_imports)
    return names


def _operation_literal(method: MethodPlan) -> str:
    def pairs(fields: Iterable[Field]) -> str:
        items = [f"({f.python!r}, {f.wire!r})" for f in fields]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"

    body_model = repr(tuple(method.body_model)) if method.body_model else "None"
    return (
        f"Operation(id={method.operation_id!r}, method={method.http_method!r}, "
        f"path={method.path!r}, module={method.module!r}, "
        f"returns={tuple(method.returns_runtime)!r}, "
        f"path_params={pairs(method.path_params)}, query={pairs(method.query)}, "
        f"body={pairs(method.body_fields)}, body_model={body_model}, "
        f"body_required={method.body_required!r}, schema={_literal(method.schema)}, "
        f"pages={method.pages!r}, job={method.job!r}, repeatable={method.repeatable!r}"
        + (f", accept={method.accept!r}" if method.accept else "")
        + ")"
    )


def _literal(value: Any) -> str:
    """A Python literal for JSON data (dict order kept)."""
    return repr(value)


# What `tokenize` calls a NAME, and what it skips: strings (any prefix, an f-string whole as on
# Python 3.11; triple-quoted first), comments and numbers (whose letters, as in `1e5`, are not
# names). `tokenize` itself is pure Python on 3.11 and took a third of the emitter's time here.
_TOKENS = re.compile(
    "|".join(
        [
            r"[rRbBuUfF]{0,2}(?:"  # a string: triple-quoted forms first
            + "|".join(
                [
                    r"'''(?:[^'\\]|\\.|'(?!''))*'''",
                    r'"""(?:[^"\\]|\\.|"(?!""))*"""',
                    r"'(?:[^'\\\n]|\\.)*'",
                    r'"(?:[^"\\\n]|\\.)*"',
                ]
            )
            + ")",
            r"#[^\n]*",  # a comment
            r"\d\w*",  # a number, its letters included (`1e5`, `0x1F`)
            r"(?P<name>\w+)",
        ]
    ),
    re.DOTALL,
)


def _names_used(source: str) -> set[str]:
    """The identifiers of `source` (not the words inside its strings): tokenize's NAME tokens."""
    return {name for name in (m.group("name") for m in _TOKENS.finditer(source)) if name}


def render_resource_module(resource: ResourcePlan) -> str:
    """The module `instantly_api.resources.<resource>`: its operations, sync and async class.

    Only the spec goes in: hand-written helpers subclass these classes in the facade."""
    methods = resource.methods
    imports = _collect_imports(resource)
    # A model named as the resource's class (`EmailVerification`) is imported as `...Model`.
    clashes = {resource.class_name, f"Async{resource.class_name}"} & set(imports)
    body = ["OPERATIONS: dict[str, Operation] = {"]
    for method in resource.methods:
        body.append(f"    {method.operation_id!r}: {_operation_literal(method)},")
    body += ["}", ""]
    for is_async in (False, True):
        prefix = "Async" if is_async else ""
        base = "AsyncResource" if is_async else "SyncResource"
        body += [
            "",
            f"class {prefix}{resource.class_name}({base}):",
            f'    """{resource.tag}: {len(resource.methods)} operations'
            + (" (async)." if is_async else ".")
            + '"""',
            "",
        ]
        for method in methods:
            source = _method_source(method, is_async=is_async)
            for name in clashes:
                source = re.sub(rf"(?<![\w.\"']){name}(?![\w\"'])", f"{name}Model", source)
            body += [_indent(source, 4), ""]
    text = "\n".join(body)
    used = _names_used(text)
    available = {**imports, **_RUNTIME_IMPORTS}
    by_module: dict[str, set[str]] = {}
    for name, module in available.items():
        if name in clashes:
            if f"{name}Model" in used:
                by_module.setdefault(module, set()).add(f"{name} as {name}Model")
        elif name in used and name not in ("UNSET", "Unset", "Any", "overload", "Unpack"):
            by_module.setdefault(module, set()).add(name)
    header = [
        f'"""`client.{resource.attribute}`: the {resource.tag} operations of the spec.',
        "",
        "Generated from the spec: each method checks its arguments against the spec before",
        "sending, returns the parsed 2xx model and raises the typed error of any other answer.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from typing import "
        + ", ".join(
            n
            for n in ("TYPE_CHECKING", "Any", "Unpack", "overload")
            if n in used | {"TYPE_CHECKING"}
        ),
        "",
        "from instantly._operation import Operation",
    ]
    if "start_job(" in text:
        header.append("from instantly._plans import start_job")
    outcomes = [n for n in ("accept", "checked_call") if f"{n}(" in text]
    if outcomes:
        header.append(f"from instantly._outcomes import {', '.join(outcomes)}")
    header += [
        "from instantly.resources._base import AsyncResource, SyncResource",
        "from instantly_api.types import UNSET" + (", Unset" if "Unset" in used else ""),
        "",
        "if TYPE_CHECKING:",
    ]
    if "datetime" in used:
        header.append("    import datetime")
    if "httpx" in used:
        header.append("    import httpx")
    for module in sorted(by_module):
        header.append(f"    from {module} import {', '.join(sorted(by_module[module]))}")
    if header[-1] == "if TYPE_CHECKING:":
        header.pop()
    header += [
        "",
        f'__all__ = ["Async{resource.class_name}", "OPERATIONS", "{resource.class_name}"]',
        "",
    ]
    return ("\n".join(header) + "\n" + text).rstrip() + "\n"


def render_index(resources: list[ResourcePlan]) -> str:
    """`instantly_api.resources`: which module holds each operation, and the client mixins."""
    lines = [
        '"""The generated resource layer: a resource per tag of the spec, a method per operation.',
        "",
        "`SyncResources` and `AsyncResources` give `Instantly` and `AsyncInstantly` one lazily",
        "built attribute per resource; `OPERATION_MODULES` says where each operation is described.",
        '"""',
        "",
        "from __future__ import annotations",
        "",
        "from functools import cached_property",
        "from typing import TYPE_CHECKING",
        "",
        "if TYPE_CHECKING:",
        "    from instantly.resources._base import AsyncRunner, SyncRunner",
        "",
    ]
    for resource in resources:
        names = ", ".join(sorted([resource.class_name, f"Async{resource.class_name}"]))
        lines.append(f"    from .{resource.module} import {names}")
    lines += [
        "",
        '__all__ = ["OPERATION_MODULES", "RESOURCES", "AsyncResources", "SyncResources"]',
        "",
        "# operationId -> the module that describes it (loaded on first use).",
        "OPERATION_MODULES: dict[str, str] = {",
    ]
    for resource in resources:
        for method in resource.methods:
            lines.append(
                f'    "{method.operation_id}": "instantly_api.resources.{resource.module}",'
            )
    lines += ["}", "", "# client attribute -> (module, sync class, async class)."]
    lines.append("RESOURCES: dict[str, tuple[str, str, str]] = {")
    for resource in resources:
        lines.append(
            f'    "{resource.attribute}": ("instantly_api.resources.{resource.module}", '
            f'"{resource.class_name}", "Async{resource.class_name}"),'
        )
    lines += ["}", ""]
    for is_async in (False, True):
        kind = "Async" if is_async else "Sync"
        lines += [
            "",
            f"class {kind}Resources:",
            f'    """One attribute per resource, built on first use ({kind.lower()} client)."""',
            "",
            "    if TYPE_CHECKING:",
            "",
            "        @property",
            f"        def _runner(self) -> {kind}Runner: ...",
            "",
        ]
        for resource in resources:
            cls = ("Async" if is_async else "") + resource.class_name
            lines += [
                "    @cached_property",
                f"    def {resource.attribute}(self) -> {cls}:",
                f'        """{resource.tag}: {len(resource.methods)} operations."""',
                f"        from .{resource.module} import {cls}",
                "",
                f"        return {cls}(self._runner)",
                "",
            ]
    return "\n".join(lines).rstrip() + "\n"


def _route_regex(path: str) -> str:
    parts = [("[^/]+" if p.startswith("{") else re.escape(p)) for p in path.split("/")]
    return "/".join(parts)


def render_routes(resources: list[ResourcePlan]) -> str:
    """`instantly_api.resources._route_table`: every route and its retry safety, for the requests
    that reach the transport without their operation (`client.raw`, plain httpx)."""
    lines = [
        '"""Every operation\'s route and whether it may be sent again after it may have been',
        "processed (the reviewed table in openapi/resources.json, else: reads yes, writes no).",
        '"""',
        "",
        '__all__ = ["ROUTES"]',
        "",
        "# (method, path regex, operationId, repeatable); longest paths first.",
        "ROUTES: tuple[tuple[str, str, str, bool], ...] = (",
    ]
    rows = [
        (m.http_method, _route_regex(m.path), m.operation_id, m.repeatable)
        for r in resources
        for m in r.methods
    ]
    rows.sort(key=lambda row: (-row[1].count("/"), row[1].count("[^/]+"), row[1], row[0]))
    for method, regex, operation_id, repeatable in rows:
        lines.append(f"    ({method!r}, {regex!r}, {operation_id!r}, {repeatable!r}),")
    lines += [")", ""]
    return "\n".join(lines)


def _call_text(resource: ResourcePlan, method: MethodPlan) -> str:
    args = [p.python for p in method.path_params]
    if method.query or method.body_fields:
        args.append("...")
    return f"client.{resource.attribute}.{method.name}({', '.join(args)})"


def render_api_md(resources: list[ResourcePlan]) -> str:
    """The reference: one row per operation (route, call, result, pages/job/repeat)."""
    total = sum(len(r.methods) for r in resources)
    lines = [
        "<!-- @generated by `python scripts/regenerate.py`; DO NOT EDIT. -->",
        "# API reference",
        "",
        f"Every operation of the pinned spec ({total} operations, {len(resources)} resources) "
        "as a method of `Instantly` (and, awaited, of `AsyncInstantly`). *Pages*: returns a "
        "paginator (`for` / `async for`, `.iter_pages()`); *job*: returns a job handle "
        "(`.wait()`); *repeated*: sent again after a failure that may have reached the server "
        "(otherwise it is sent once). The helpers written by hand (`accounts.pause`, "
        "`leads.add_many`, ...) are methods of the classes in `facade/instantly/resources/`, "
        "which subclass these; one with an operation's name stands for it.",
        "",
    ]
    for resource in resources:
        lines += [f"## `client.{resource.attribute}` ({resource.tag})", ""]
        lines += ["| route | call | returns | notes |", "|---|---|---|---|"]
        for method in resource.methods:
            call = _call_text(resource, method)
            returns = _returns(method)
            notes = [
                n
                for n, on in (
                    ("pages", bool(method.pages)),
                    ("job", method.job),
                    ("accepted", method.accepted),
                    ("error in body", method.error_in_body),
                    ("repeated", method.repeatable),
                    ("deprecated", method.deprecated),
                    ("generic", method.generic is not None),
                )
                if on
            ]
            lines.append(f"| `{method.route}` | `{call}` | `{returns}` | {', '.join(notes)} |")
        lines.append("")
    return "\n".join(lines)
