"""No build script refers to a private name of openapi-python-client (issue #22).

"Public" here is what the generator documents for its users: its command line
(`openapi-python-client generate ...`, run as `python -m openapi_python_client`), its config file
(`openapi/generator.yaml`) and custom templates (`openapi/templates/`). It documents no Python
API, so no module under `scripts/` imports `openapi_python_client` at all; naming the package in
a string is allowed only as the command `-m openapi_python_client`, never with a dotted path
into it. The scan reads the source (nothing is imported) and is tested on snippets that break
the rule.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
PACKAGE = "openapi_python_client"
# A dotted path into the package, in code or in a string (importlib, monkeypatch targets).
_DOTTED = re.compile(rf"\b{PACKAGE}\s*\.\s*\w+")


def violations(source: str, where: str) -> list[str]:
    """What `source` does with openapi-python-client beyond its command line, one line each."""
    found: list[str] = []
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == PACKAGE:
                    found.append(f"{where}:{node.lineno}: imports {alias.name}")
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.split(".")[0] == PACKAGE:
                names = ", ".join(alias.name for alias in node.names)
                found.append(f"{where}:{node.lineno}: imports {names} from {node.module}")
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            for match in _DOTTED.finditer(node.value):
                found.append(f"{where}:{node.lineno}: names {match.group(0)!r} in a string")
    return found


def scripts_sources() -> list[Path]:
    return sorted((REPO / "scripts").rglob("*.py"))


def test_no_script_imports_or_names_the_generators_python_modules() -> None:
    found = [
        line
        for path in scripts_sources()
        for line in violations(path.read_text(encoding="utf-8"), str(path.relative_to(REPO)))
    ]
    assert found == []


def test_the_scan_covers_the_regeneration_script() -> None:
    assert REPO / "scripts" / "regenerate.py" in scripts_sources()


@pytest.mark.parametrize(
    "snippet",
    [
        "from openapi_python_client import _get_project_for_url_or_path",
        "import openapi_python_client.parser.errors",
        "from openapi_python_client.config import Config",
        "def f():\n    from openapi_python_client.cli import handle_errors",
        "import importlib\nimportlib.import_module('openapi_python_client._private')",
        "target = 'openapi_python_client.parser.openapi.Endpoint'",
    ],
)
def test_the_scan_finds_a_use_beyond_the_command_line(snippet: str) -> None:
    assert violations(snippet, "snippet") != []


def test_the_scan_allows_running_the_command_line() -> None:
    snippet = "cmd = [sys.executable, '-m', 'openapi_python_client', 'generate', '--path', p]"
    assert violations(snippet, "snippet") == []
