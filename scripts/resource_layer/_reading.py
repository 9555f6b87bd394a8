"""The Python spellings the generator chose for each operation, read from its source (AST).

The resource layer reuses the generator's names and types (Python names of parameters and
fields, their annotations, the 2xx class) instead of re-deriving them: the endpoint module's
`_get_kwargs` gives the path, query and body arguments; the body model's class gives the JSON
fields; `_parse_response` (written for every operation, unlike `sync`) the class a 2xx body
parses into. Which operations get a method, where each argument goes and what a method returns
are decided from the spec (`_model`, `_semantics`); nothing here is imported. A module that
cannot be read is reported (`problems`) and its operation gets a generic method.

The source is read from disk, or from a snapshot (`read_sources`) given by a caller.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

__all__ = [
    "BodyModel",
    "EndpointSource",
    "Field",
    "read_body_model",
    "read_endpoints",
    "read_list_item",
    "read_sources",
]

_PLACEHOLDER = re.compile(r"\{([^{}]+)\}")


@dataclass(frozen=True)
class Field:
    """One parameter or body field: its Python name, wire name, annotation and imports."""

    python: str
    wire: str
    annotation: str
    required: bool
    imports: dict[str, str] = field(default_factory=dict)  # name -> absolute module


@dataclass(frozen=True)
class BodyModel:
    """A JSON request body's model class and its fields, in declaration order."""

    name: str
    module: str
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class EndpointSource:
    """One generated endpoint module, as its source declares it."""

    module: str  # absolute module name, e.g. instantly_api.api.lead.list_leads
    method: str  # upper case
    url: str  # the path with Python names in its placeholders
    path_params: tuple[Field, ...]
    query_params: tuple[Field, ...]
    body: Field | None  # the `body` argument (its annotation names the model)
    success: dict[int, str]  # 2xx status -> "model:<Class>" / "json" / "text" / "none"
    success_annotation: str  # the Python type a 2xx parses into
    imports: dict[str, str]


def _module_name(package: str, path: Path, root: Path) -> str:
    relative = path.relative_to(root).with_suffix("")
    return ".".join((package, *relative.parts))


def _absolute(module: str, level: int, target: str | None) -> str:
    """`from ..models.x import Y` inside `module` as the absolute module of Y."""
    parts = module.split(".")
    base = parts[: len(parts) - level] if level else []
    return ".".join([*base, *([target] if target else [])])


# The fields through which a node holds statements (in `_fields` order). No expression holds a
# statement, so following these alone reaches every statement of a module.
_STATEMENT_LISTS = ("body", "handlers", "orelse", "finalbody", "cases")


def _statements(root: ast.AST) -> list[ast.AST]:
    """`root` and the statements under it at any depth, in `ast.walk`'s (breadth-first) order.

    `ast.walk` visits every expression node too; the generated modules are large and are read
    for every operation of every build, so the statement-level searches walk only these.
    """
    found: list[ast.AST] = []
    level = [root]
    while level:
        found += level
        deeper: list[ast.AST] = []
        for node in level:
            for name in _STATEMENT_LISTS:
                inner = getattr(node, name, None)
                if isinstance(inner, list):
                    deeper += inner
        level = deeper
    return found


def _imports_of(tree: ast.Module, module: str) -> dict[str, str]:
    """Every name the module imports from somewhere (at any depth), with its absolute module."""
    found: dict[str, str] = {}
    for node in _statements(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        source = _absolute(module, node.level, node.module) if node.level else node.module
        for alias in node.names:
            found[alias.asname or alias.name] = str(source)
    return found


def _names_in(annotation: ast.expr) -> set[str]:
    return {node.id for node in ast.walk(annotation) if isinstance(node, ast.Name)}


def _field(
    python: str, wire: str, annotation: ast.expr | None, required: bool, imports: dict[str, str]
) -> Field:
    text = ast.unparse(annotation) if annotation is not None else "Any"
    used = _names_in(annotation) if annotation is not None else set()
    return Field(
        python=python,
        wire=wire,
        annotation=text,
        required=required,
        imports={name: imports[name] for name in sorted(used) if name in imports},
    )


def _function(tree: ast.Module, name: str) -> ast.FunctionDef:
    for node in tree.body:
        if isinstance(node, ast.FunctionDef) and node.name == name:
            return node
    raise ValueError(f"no function {name}")


def _kwargs_literal(func: ast.FunctionDef) -> ast.Dict:
    for node in _statements(func):
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == "_kwargs"
            and isinstance(node.value, ast.Dict)
        ):
            return node.value
    raise ValueError("no _kwargs literal")


def _url_of(value: ast.expr) -> str:
    """The URL template with Python names in its placeholders."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return value.value
    if (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "format"
        and isinstance(value.func.value, ast.Constant)
    ):
        return str(value.func.value.value)
    raise ValueError(f"unreadable url {ast.unparse(value)}")


def _query_wire_names(func: ast.FunctionDef) -> dict[str, str]:
    """Python parameter name -> query wire name, from `params["wire"] = value` lines."""
    names: dict[str, str] = {}
    for node in _statements(func):
        if not isinstance(node, ast.Assign) or len(node.targets) != 1:
            continue
        target = node.targets[0]
        if (
            isinstance(target, ast.Subscript)
            and isinstance(target.value, ast.Name)
            and target.value.id == "params"
            and isinstance(target.slice, ast.Constant)
            and isinstance(node.value, ast.Name)
        ):
            variable = node.value.id
            python = variable.removeprefix("json_")
            names[python] = str(target.slice.value)
    return names


def _success_kinds(func: ast.FunctionDef) -> dict[int, str]:
    kinds: dict[int, str] = {}
    for node in func.body:
        if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
            continue
        right = node.test.comparators[0] if node.test.comparators else None
        if not isinstance(right, ast.Constant) or not isinstance(right.value, int):
            continue
        status = right.value
        if not 200 <= status < 300:
            continue
        kinds[status] = _kind_of(node.body)
    return kinds


def _kind_of(body: list[ast.stmt]) -> str:
    first = body[0]
    value = first.value if isinstance(first, ast.Assign | ast.AnnAssign) else None
    if isinstance(first, ast.Return) and isinstance(first.value, ast.Constant):
        return "none"
    text = ast.unparse(value) if value is not None else ""
    match = re.fullmatch(r"(\w+)\.from_dict\(response\.json\(\)\)", text)
    if match:
        return f"model:{match.group(1)}"
    if "response.text" in text:
        return "text"
    if "cast(Any, None)" in text or text == "None":
        return "none"
    return "json"


def _union_members(node: ast.expr) -> list[ast.expr]:
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.BitOr):
        return _union_members(node.left) + _union_members(node.right)
    return [node]


def _error_classes(parse: ast.FunctionDef) -> set[str]:
    """Classes the non-2xx branches of `_parse_response` build."""
    names: set[str] = set()
    for node in parse.body:
        if not isinstance(node, ast.If) or not isinstance(node.test, ast.Compare):
            continue
        right = node.test.comparators[0] if node.test.comparators else None
        if isinstance(right, ast.Constant) and isinstance(right.value, int):
            if 200 <= right.value < 300:
                continue
            for inner in ast.walk(node):
                if (
                    isinstance(inner, ast.Attribute)
                    and inner.attr == "from_dict"
                    and isinstance(inner.value, ast.Name)
                ):
                    names.add(inner.value.id)
    return names


def _success_annotation(tree: ast.Module) -> str:
    """What `_parse_response` returns without the error bodies and None: the 2xx type.

    Read from `_parse_response`, which the generator writes for every operation (it leaves out
    `sync` when no 2xx declares a body)."""
    parse = _function(tree, "_parse_response")
    errors = _error_classes(parse)
    returns = parse.returns
    if returns is None:
        return "Any"
    members = [
        m
        for m in _union_members(returns)
        if not (isinstance(m, ast.Name) and m.id in errors)
        and not (isinstance(m, ast.Constant) and m.value is None)
    ]
    return " | ".join(ast.unparse(m) for m in members) or "None"


def read_sources(package_dir: Path) -> dict[Path, str]:
    """Every Python file of the package with its text, as it is now (a snapshot to read from)."""
    return {path: path.read_text(encoding="utf-8") for path in package_dir.rglob("*.py")}


def _text(path: Path, snapshot: Mapping[Path, str] | None) -> str:
    return path.read_text(encoding="utf-8") if snapshot is None else snapshot[path]


def _read_endpoint(module: str, source: str) -> EndpointSource:
    """One endpoint module: its route and arguments (`_get_kwargs`), its 2xx (`_parse_response`)."""
    tree = ast.parse(source)
    imports = _imports_of(tree, module)
    func = _function(tree, "_get_kwargs")
    literal = _kwargs_literal(func)
    entries = {
        key.value: value
        for key, value in zip(literal.keys, literal.values, strict=True)
        if isinstance(key, ast.Constant)
    }
    method = str(entries["method"].value).upper()  # type: ignore[attr-defined]
    url = _url_of(entries["url"])
    wire = _query_wire_names(func)
    positional = [a for a in func.args.posonlyargs + func.args.args]
    path_params = tuple(_field(a.arg, a.arg, a.annotation, True, imports) for a in positional)
    query: list[Field] = []
    body: Field | None = None
    defaults = dict(
        zip(
            [a.arg for a in func.args.kwonlyargs],
            func.args.kw_defaults,
            strict=True,
        )
    )
    for arg in func.args.kwonlyargs:
        required = defaults[arg.arg] is None
        if arg.arg == "body":
            body = _field("body", "body", arg.annotation, required, imports)
        else:
            query.append(
                _field(arg.arg, wire.get(arg.arg, arg.arg), arg.annotation, required, imports)
            )
    placeholders = _PLACEHOLDER.findall(url)
    if sorted(placeholders) != sorted(p.python for p in path_params):
        raise ValueError(f"{module}: placeholders {placeholders} do not match the arguments")
    return EndpointSource(
        module=module,
        method=method,
        url=url,
        path_params=path_params,
        query_params=tuple(query),
        body=body,
        success=_success_kinds(_function(tree, "_parse_response")),
        success_annotation=_success_annotation(tree),
        imports=imports,
    )


def read_endpoints(
    package_dir: Path,
    *,
    snapshot: Mapping[Path, str] | None = None,
    problems: dict[str, str] | None = None,
) -> list[EndpointSource]:
    """Every endpoint module under `package_dir/api`, read from source (or `snapshot`).

    A module that cannot be read is left out; with `problems`, it is recorded there (module ->
    why) for the caller to name, instead of failing the whole read."""
    package = package_dir.name
    api = package_dir / "api"
    depth = len(api.parts)
    paths = (
        api.rglob("*.py")
        if snapshot is None
        else (
            p
            for p in snapshot
            if len(p.parts) > depth and p.parts[:depth] == api.parts and p.suffix == ".py"
        )
    )
    endpoints: list[EndpointSource] = []
    for path in sorted(paths):
        if path.name == "__init__.py":
            continue
        module = _module_name(package, path, package_dir)
        try:
            endpoints.append(_read_endpoint(module, _text(path, snapshot)))
        except (ValueError, KeyError, TypeError, AttributeError, SyntaxError) as exc:
            if problems is None:
                raise
            problems[module] = f"{module}: {exc or type(exc).__name__}"
    return endpoints


def _class(tree: ast.Module, name: str) -> ast.ClassDef:
    for node in tree.body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return node
    raise ValueError(f"no class {name}")


def _model_path(package_dir: Path, module: str) -> Path:
    parts = module.split(".")[1:]
    return package_dir.joinpath(*parts).with_suffix(".py")


def _to_dict_wire_names(cls: ast.ClassDef) -> dict[str, str]:
    """Python field name -> JSON key, from the model's `to_dict`."""
    names: dict[str, str] = {}
    to_dict = next(n for n in cls.body if isinstance(n, ast.FunctionDef) and n.name == "to_dict")
    for node in ast.walk(to_dict):
        if isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and isinstance(value, ast.Name):
                    names[value.id] = str(key.value)
        if isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if (
                isinstance(target, ast.Subscript)
                and isinstance(target.value, ast.Name)
                and target.value.id == "field_dict"
                and isinstance(target.slice, ast.Constant)
                and isinstance(node.value, ast.Name)
            ):
                names[node.value.id] = str(target.slice.value)
    return names


def read_body_model(
    package_dir: Path, name: str, module: str, *, snapshot: Mapping[Path, str] | None = None
) -> BodyModel:
    """The fields of the generated model `name` defined in `module` (absolute)."""
    tree = ast.parse(_text(_model_path(package_dir, module), snapshot))
    imports = _imports_of(tree, module)
    cls = _class(tree, name)
    wire = _to_dict_wire_names(cls)
    fields: list[Field] = []
    for node in cls.body:
        if not isinstance(node, ast.AnnAssign) or not isinstance(node.target, ast.Name):
            continue
        python = node.target.id
        if python == "additional_properties" and node.value is not None:
            continue  # the generator's bag of undeclared keys, not a field
        fields.append(
            _field(python, wire.get(python, python), node.annotation, node.value is None, imports)
        )
    return BodyModel(name=name, module=module, fields=tuple(fields))


def read_list_item(
    package_dir: Path,
    name: str,
    module: str,
    attribute: str,
    *,
    snapshot: Mapping[Path, str] | None = None,
) -> Field | None:
    """The annotation of `attribute` (e.g. `items`) of a generated response model, if declared."""
    tree = ast.parse(_text(_model_path(package_dir, module), snapshot))
    imports = _imports_of(tree, module)
    cls = _class(tree, name)
    for node in cls.body:
        if (
            isinstance(node, ast.AnnAssign)
            and isinstance(node.target, ast.Name)
            and node.target.id == attribute
        ):
            return _field(attribute, attribute, node.annotation, node.value is None, imports)
    return None
