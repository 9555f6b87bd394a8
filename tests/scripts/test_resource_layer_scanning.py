"""The emitter's fast scans of source text agree with the standard library's slow ones.

The resource layer reads every generated endpoint module and renders large modules of its own
on each regeneration; two scans were replaced for speed (issue #12): names are found with one
regular expression instead of `tokenize`, and statements by following statement lists only
instead of `ast.walk`. Both must give exactly what the originals gave, or the output would change.
"""

from __future__ import annotations

import ast
import io
import textwrap
import tokenize
from pathlib import Path

import pytest

from scripts.resource_layer._reading import _statements
from scripts.resource_layer._rendering import _names_used

REPO = Path(__file__).resolve().parents[2]
PACKAGE = REPO / "generated" / "instantly_api"

TRICKY_SOURCE = textwrap.dedent(
    '''
    """A docstring naming Lead and 'quoted' words, with "inner" quotes."""
    import datetime  # a comment naming Campaign
    from typing import TYPE_CHECKING

    x = rb'raw bytes Alpha' + Rb"Beta" + f"{Gamma}" + u'Delta' + br"""Eps
    ilon""" + F\'\'\'zeta \'' inner\'\'\'
    y = 1e5 + 0x1F + 1_000 + 1.5e-3 + .5j + 0o17 + 0b101
    z = "escaped \\" quote Eta" + 'escaped \\' quote Theta' + "line \\
    continued Iota"
    s = "#not a comment Kappa"  # but this is: Lambda
    if TYPE_CHECKING:
        from instantly_api.models import Mu
    def nu(xi: Mu | None = None) -> "Omicron":
        """Pi, 'rho' and \\"\\"\\" sigma."""
        return xi.tau(upsilon=True)
    '''
)

NESTED_SOURCE = textwrap.dedent(
    """
    from a import b
    if c:
        from d import e
    elif f:
        from g import h
    else:
        from i import j
    try:
        from k import l
    except ImportError:
        from m import n
    else:
        from o import p
    finally:
        from q import r
    for s in t:
        from u import v
    else:
        from w import x
    while y:
        from z import aa
    with bb as cc:
        from dd import ee
    match ff:
        case 1:
            from gg import hh
        case _:
            from ii import jj
    class Kk:
        from ll import mm
        def nn(self):
            from oo import pp
            def qq():
                from rr import ss
    async def tt():
        async with uu:
            from vv import ww
        async for xx in yy:
            from zz import aaa
    """
)


def _tokenize_names(source: str) -> set[str]:
    """tokenize's NAME tokens outside f-strings: Python 3.12+ tokenizes inside them, 3.11 (what
    the emitter was written against) takes an f-string whole, as the emitter does."""
    start, end = getattr(tokenize, "FSTRING_START", -1), getattr(tokenize, "FSTRING_END", -1)
    names: set[str] = set()
    depth = 0
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        depth += (token.type == start) - (token.type == end)
        if token.type == tokenize.NAME and depth == 0:
            names.add(token.string)
    return names


def _walked_statements(tree: ast.AST) -> list[ast.AST]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.stmt)]


def test_names_used_are_tokenizes_names_in_tricky_source() -> None:
    names = _names_used(TRICKY_SOURCE)
    assert names == _tokenize_names(TRICKY_SOURCE)
    assert "Mu" in names and "Lead" not in names and "Lambda" not in names


@pytest.mark.parametrize(
    "folder", ["resources", "api/lead", "models"], ids=["resources", "endpoints", "models"]
)
def test_names_used_are_tokenizes_names_in_every_generated_module(folder: str) -> None:
    for path in sorted((PACKAGE / folder).glob("*.py")):
        source = path.read_text(encoding="utf-8")
        assert _names_used(source) == _tokenize_names(source), path.name


def test_statements_are_walks_statements_in_walks_order_at_any_nesting() -> None:
    tree = ast.parse(NESTED_SOURCE)
    found = [node for node in _statements(tree) if isinstance(node, ast.stmt)]
    assert found == _walked_statements(tree)
    imported = [n.module for n in found if isinstance(n, ast.ImportFrom)]
    assert len(imported) == 19


def test_statements_are_walks_statements_in_every_generated_endpoint_module() -> None:
    for path in sorted((PACKAGE / "api").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = [node for node in _statements(tree) if isinstance(node, ast.stmt)]
        assert found == _walked_statements(tree), path
