"""The baselines our client is measured beside, built or installed by the benchmark itself.

- The raw openapi-python-client package: the pinned generator run on the raw 2026-08-21 spec,
  without our normalizer, templates or formatting. With its default ruff post-hook the generator
  aborts on this spec (it writes invalid Python for `api/lead/bulk_delete_leads.py`), so it runs
  with `post_hooks: []`; the package it writes then imports, except for that module.
- `instantlyai` from PyPI, installed with pip into a throw-away virtual environment under the
  system temp folder (never into the project's environment). It is reused by later runs when
  it already holds the wanted version.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from _harness import ChildResult, child_env, run_child

__all__ = [
    "INSTANTLYAI_VERSION",
    "RAW_PACKAGE",
    "RawBuild",
    "build_raw_package",
    "instantlyai_python",
    "raw_generator_argv",
]

INSTANTLYAI_VERSION = "0.7.0"
RAW_PACKAGE = "instantly_api_raw"  # the folder name, hence the import name, of baseline (b)

_RAW_CONFIG = "# post_hooks: [] -- the default ruff hook aborts on the raw spec (see _baselines)\n"
_RAW_CONFIG += "post_hooks: []\n"


@dataclass(frozen=True)
class RawBuild:
    """A raw generator run: where the package is (its parent goes on sys.path) and the timing."""

    parent: Path
    run: ChildResult

    @property
    def package(self) -> Path:
        """The generated package's folder."""
        return self.parent / RAW_PACKAGE


def raw_generator_argv(spec: Path, output: Path, config: Path) -> list[str]:
    """The raw generator's command line (openapi-python-client beside this interpreter)."""
    return [
        sys.executable,
        "-m",
        "openapi_python_client",
        "generate",
        "--path",
        str(spec),
        "--meta",
        "none",
        "--config",
        str(config),
        "--output-path",
        str(output),
    ]


def build_raw_package(spec: Path, workdir: Path, *, timeout: float = 600.0) -> RawBuild:
    """Run the raw generator on `spec` into `workdir/raw/instantly_api_raw` and time it."""
    parent = workdir / "raw"
    if parent.exists():
        shutil.rmtree(parent)
    parent.mkdir(parents=True)
    config = workdir / "raw-generator.yaml"
    config.write_text(_RAW_CONFIG, encoding="utf-8")
    result = run_child(
        raw_generator_argv(spec, parent / RAW_PACKAGE, config), timeout=timeout, env=child_env()
    )
    result.check("openapi-python-client generate (raw spec, post_hooks: [])")
    return RawBuild(parent, result)


def _venv_python(venv: Path) -> Path:
    return venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")


def instantlyai_python(version: str = INSTANTLYAI_VERSION, *, timeout: float = 300.0) -> Path:
    """A Python with `instantlyai==version` importable, in a throw-away venv; built if missing.

    Raises RuntimeError saying what failed (no network to the package index, pip error, ...).
    """
    venv = Path(tempfile.gettempdir()) / "instantly-client-bench" / f"instantlyai-{version}"
    python = _venv_python(venv)
    probe = ["-c", "import instantlyai, sys; sys.stdout.write(instantlyai.__version__)"]
    if python.exists():
        found = run_child([str(python), *probe], timeout=60)
        if found.returncode == 0 and found.stdout.strip() == version:
            return python
        shutil.rmtree(venv)
    venv.parent.mkdir(parents=True, exist_ok=True)
    run_child([sys.executable, "-m", "venv", str(venv)], timeout=timeout).check("python -m venv")
    pip = [str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    run_child([*pip, f"instantlyai=={version}"], timeout=timeout).check(
        f"pip install instantlyai=={version} (into {venv})"
    )
    found = run_child([str(python), *probe], timeout=60).check("import instantlyai")
    if found.stdout.strip() != version:
        raise RuntimeError(f"expected instantlyai {version}, the venv has {found.stdout.strip()!r}")
    return python
