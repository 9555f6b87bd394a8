"""The hand-written helpers the resources expose, read from their source (AST; nothing imported).

A helper is a function of a module in `facade/instantly/_helpers/` listed in its `__all__`,
decorated `@helper(...)`, whose module names its resource (`RESOURCE = "accounts"`). Its
signature is written once, there; the generator copies it into the sync and async resource
classes. A helper returning `Plan[X]` is run by the client (`X` returned, awaited on the async
client); one returning `StartedJobs[X]` gives handles built without I/O.
"""

from __future__ import annotations

import ast
import builtins
from pathlib import Path

from scripts.resource_layer._rendering import HelperShell

__all__ = ["HelperError", "read_helpers"]

_PACKAGE = "instantly._helpers"


class HelperError(ValueError):
    """A helper's source does not follow the rules the generator relies on."""


def _imports(tree: ast.Module, module: str) -> dict[str, str]:
    found: dict[str, str] = {}
    parts = module.split(".")
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = parts[: len(parts) - node.level]
                source = ".".join([*base, *([node.module] if node.module else [])])
            else:
                source = str(node.module)
            for alias in node.names:
                found[alias.asname or alias.name] = source
    return found


def _literal_assignment(tree: ast.Module, name: str) -> object:
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                return ast.literal_eval(node.value) if node.value is not None else None
    return None


def _decorator(function: ast.FunctionDef) -> ast.Call | None:
    for decorator in function.decorator_list:
        if (
            isinstance(decorator, ast.Call)
            and isinstance(decorator.func, ast.Name)
            and decorator.func.id == "helper"
        ):
            return decorator
    return None


def _signature(function: ast.FunctionDef, where: str) -> tuple[str, str]:
    """The parameter list (without `self`) and the call that passes them on."""
    args = function.args
    params: list[str] = []
    call: list[str] = []

    def text(arg: ast.arg, default: ast.expr | None) -> str:
        annotation = f": {ast.unparse(arg.annotation)}" if arg.annotation else ""
        if default is None:
            return f"{arg.arg}{annotation}"
        try:
            ast.literal_eval(default)
        except ValueError:
            raise HelperError(
                f"{where}: the default of {arg.arg!r} must be a literal "
                f"(got {ast.unparse(default)}); the generated methods repeat it"
            ) from None
        return f"{arg.arg}{annotation} = {ast.unparse(default)}"

    positional = args.posonlyargs + args.args
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(args.defaults))
    defaults += list(args.defaults)
    for index, (arg, default) in enumerate(zip(positional, defaults, strict=True)):
        params.append(text(arg, default))
        call.append(arg.arg if index < len(args.posonlyargs) else f"{arg.arg}={arg.arg}")
        if index == len(args.posonlyargs) - 1:
            params.append("/")
    if args.vararg is not None:
        params.append("*" + text(args.vararg, None))
        call.append(f"*{args.vararg.arg}")
    elif args.kwonlyargs:
        params.append("*")
    for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
        params.append(text(arg, default))
        call.append(f"{arg.arg}={arg.arg}")
    if args.kwarg is not None:
        params.append("**" + text(args.kwarg, None))
        call.append(f"**{args.kwarg.arg}")
    return ", ".join(params), ", ".join(call)


def _names(node: ast.AST | None) -> set[str]:
    if node is None:
        return set()
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def read_helpers(helpers_dir: Path) -> dict[str, list[HelperShell]]:
    """Resource attribute -> its helpers, from every module of `helpers_dir`."""
    found: dict[str, list[HelperShell]] = {}
    for path in sorted(helpers_dir.glob("*.py")):
        if path.name.startswith("_"):
            continue
        module = f"{_PACKAGE}.{path.stem}"
        tree = ast.parse(path.read_text(encoding="utf-8"))
        resource = _literal_assignment(tree, "RESOURCE")
        exported = _literal_assignment(tree, "__all__")
        if not isinstance(resource, str) or not isinstance(exported, list):
            raise HelperError(f"{path}: a helper module sets RESOURCE = '<attr>' and __all__")
        imports = _imports(tree, module)
        functions = {
            n.name: n for n in tree.body if isinstance(n, ast.FunctionDef) and n.name in exported
        }
        for name in exported:
            function = functions.get(str(name))
            decorator = _decorator(function) if function is not None else None
            if function is None or decorator is None:
                continue
            where = f"{module}.{name}"
            replaces = next(
                (ast.literal_eval(k.value) for k in decorator.keywords if k.arg == "replaces"),
                None,
            )
            returns = function.returns
            wrapper = (
                returns.value.id
                if isinstance(returns, ast.Subscript) and isinstance(returns.value, ast.Name)
                else None
            )
            if not isinstance(returns, ast.Subscript) or wrapper not in ("Plan", "StartedJobs"):
                raise HelperError(
                    f"{where}: a helper returns Plan[X] (run by the client) or StartedJobs[X] "
                    "(handles built without I/O)"
                )
            plan = wrapper == "Plan"
            shown = returns.slice
            parameters, call = _signature(function, where)
            used = set()
            for arg in [*function.args.posonlyargs, *function.args.args, *function.args.kwonlyargs]:
                used |= _names(arg.annotation)
            for star in (function.args.vararg, function.args.kwarg):
                used |= _names(star.annotation if star else None)
            used |= _names(shown)
            missing = sorted(n for n in used if n not in imports and not hasattr(builtins, n))
            if missing:
                raise HelperError(f"{where}: annotations use names not imported: {missing}")
            found.setdefault(resource, []).append(
                HelperShell(
                    name=str(name),
                    module=module,
                    function=str(name),
                    parameters=parameters,
                    call=call,
                    returns=ast.unparse(shown),
                    doc=(ast.get_docstring(function) or "").strip(),
                    imports={n: imports[n] for n in sorted(used) if n in imports},
                    replaces=replaces if isinstance(replaces, str) else None,
                    plan=plan,
                )
            )
    return found
