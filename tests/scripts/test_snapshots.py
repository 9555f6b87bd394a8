"""Every published snapshot regenerates cleanly and loses nothing (slow: one generator run each)."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from openapi_python_client.strings import PythonIdentifier
from pipeline_snapshots import SNAPSHOTS, SnapshotBuild

from scripts.normalize import iter_operations

pytestmark = pytest.mark.slow

DATES = list(SNAPSHOTS)


def load(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8-sig"))
    return document


def endpoint_modules(
    build: SnapshotBuild,
) -> Iterator[tuple[str, str, dict[str, Any], Path]]:
    """(path, method, operation, module file) for every operation of the snapshot."""
    for path, method, operation in iter_operations(load(build.spec_path)):
        tag = PythonIdentifier((operation.get("tags") or ["default"])[0], prefix="tag")
        module = PythonIdentifier(operation["operationId"], prefix="field_")
        yield path, method, operation, build.package_dir / "api" / tag / f"{module}.py"


def has_json(holder: Any) -> bool:
    content = holder.get("content", {}) if isinstance(holder, dict) else {}
    return any(ct.startswith("application/json") for ct in content)


@pytest.fixture(params=DATES)
def build(
    request: pytest.FixtureRequest, build_snapshot: Callable[[str], SnapshotBuild]
) -> SnapshotBuild:
    outcome = build_snapshot(request.param)
    if outcome.returncode != 0:
        pytest.fail(f"regenerate.py failed on {outcome.spec_path.name}:\n{outcome.log}")
    return outcome


def test_snapshot_regenerates_without_generator_warnings(build: SnapshotBuild) -> None:
    assert "WARNING" not in build.log
    assert (build.package_dir / "__init__.py").is_file()


def test_every_operation_has_its_endpoint_functions(build: SnapshotBuild) -> None:
    missing = []
    for path, method, operation, module in endpoint_modules(build):
        text = module.read_text(encoding="utf-8") if module.is_file() else ""
        wanted = [
            "def _get_kwargs(",
            "def _parse_response(",
            "def sync_detailed(",
            "def asyncio_detailed(",
        ]
        if any(has_json(r) for s, r in operation["responses"].items() if s.startswith("2")):
            wanted += ["def sync(", "def asyncio("]
        if not all(name in text for name in wanted):
            missing.append(f"{method.upper()} {path} -> {module.relative_to(build.package_dir)}")
    assert missing == []


def test_no_2xx_json_response_is_dropped(build: SnapshotBuild) -> None:
    dropped = []
    for path, method, operation, module in endpoint_modules(build):
        text = module.read_text(encoding="utf-8")
        for status, response in operation["responses"].items():
            handled = f"if response.status_code == {status}:" in text
            if status.startswith("2") and has_json(response) and not handled:
                dropped.append(f"{method.upper()} {path} {status}")
    assert dropped == []


def test_no_json_request_body_is_dropped(build: SnapshotBuild) -> None:
    dropped = []
    for path, method, operation, module in endpoint_modules(build):
        sent = '_kwargs["json"]' in module.read_text(encoding="utf-8")
        if has_json(operation.get("requestBody")) and not sent:
            dropped.append(f"{method.upper()} {path}")
    assert dropped == []


def test_every_generated_module_imports(build: SnapshotBuild) -> None:
    script = (
        "import importlib, pkgutil, sys\n"
        f"sys.path.insert(0, {str(build.output_dir)!r})\n"
        "import instantly_api\n"
        f"assert instantly_api.__file__.startswith({str(build.output_dir)!r})\n"
        "found = pkgutil.walk_packages(instantly_api.__path__, 'instantly_api.')\n"
        "names = [m.name for m in found]\n"
        "for name in names:\n"
        "    importlib.import_module(name)\n"
        "from instantly_api import models\n"
        "for name in models.__all__:\n"
        "    getattr(models, name)\n"
        "print(len(names))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert int(done.stdout) > 100


def test_pinned_snapshot_has_at_most_1480_model_modules(
    build_snapshot: Callable[[str], SnapshotBuild],
) -> None:
    outcome = build_snapshot("2026-08-21")
    count = sum(1 for p in (outcome.package_dir / "models").glob("*.py") if p.stem != "__init__")
    print(f"2026-08-21: {count} model modules")
    assert 0 < count <= 1480
