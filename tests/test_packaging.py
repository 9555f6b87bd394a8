"""What we ship: the version is written once, and a fresh clone builds a clean wheel and sdist.

The build test clones the repository (committed files only, as a release would see them), builds
the sdist, then the wheel from that sdist (`python -m build --no-isolation`: no package index
needed), and inspects both archives' contents.
"""

from __future__ import annotations

import importlib.metadata
import shutil
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

import instantly
import pytest
from instantly._config import USER_AGENT

ROOT = Path(__file__).resolve().parents[1]
DISTRIBUTION = "instantly-client"

# Top-level entries of the sdist (inside its instantly_client-<version>/ folder). `.gitignore` is
# added by hatchling.
SDIST_TOP_LEVEL = {
    ".ci",
    ".gitignore",
    "CHANGELOG.md",
    "LICENSE",
    "PKG-INFO",
    "README.md",
    "benchmarks",
    "docs",
    "facade",
    "generated",
    "openapi",
    "pyproject.toml",
    "scripts",
    "tests",
}
WHEEL_PACKAGES = {"instantly", "instantly_api"}
# Where each wheel package comes from in the repository.
PACKAGE_SOURCES = {"instantly": "facade/instantly/", "instantly_api": "generated/instantly_api/"}


def test_the_package_version_is_the_installed_distribution_version() -> None:
    assert instantly.__version__ == importlib.metadata.version(DISTRIBUTION)


def test_the_user_agent_carries_the_package_version() -> None:
    assert f"instantly-client/{instantly.__version__} (python)" == USER_AGENT


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    """(clone, sdist, wheel) built from a fresh clone of this repository's HEAD."""
    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs git and a git checkout (the build starts from a fresh clone)")
    pytest.importorskip("build", reason="the dev extra installs `build` (pip install -e '.[dev]')")
    pytest.importorskip("hatchling", reason="the dev extra installs `hatchling`")
    work = tmp_path_factory.mktemp("packaging")
    clone = work / "clone"
    subprocess.run(
        ["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)],
        check=True,
        capture_output=True,
    )
    out = work / "dist"
    subprocess.run(
        [sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(clone)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (sdist,) = out.glob("*.tar.gz")
    (wheel,) = out.glob("*.whl")
    return clone, sdist, wheel


RESOURCE_MODULES = "generated/instantly_api/resources/*.py"


def sdist_names(sdist: Path) -> list[str]:
    """Member paths of the sdist, without its leading `<name>-<version>/` folder."""
    with tarfile.open(sdist) as archive:
        return [name.split("/", 1)[1] for name in archive.getnames() if "/" in name]


def wheel_names(wheel: Path) -> list[str]:
    with zipfile.ZipFile(wheel) as archive:
        return archive.namelist()


@pytest.mark.slow
def test_the_sdist_holds_exactly_the_expected_top_level_entries(
    built: tuple[Path, Path, Path],
) -> None:
    assert {name.split("/")[0] for name in sdist_names(built[1])} == SDIST_TOP_LEVEL


@pytest.mark.slow
def test_the_sdist_holds_no_node_modules_and_no_bytecode(built: tuple[Path, Path, Path]) -> None:
    names = sdist_names(built[1])
    assert [n for n in names if "node_modules" in n] == []
    assert [n for n in names if "__pycache__" in n or n.endswith(".pyc")] == []
    assert {n for n in names if n.startswith(".ci/")} == {
        ".ci/prism/package.json",
        ".ci/prism/package-lock.json",
        ".ci/mkdocs.yml",
        ".ci/mkdocs_hooks.py",
    }


@pytest.mark.slow
def test_the_sdist_carries_every_committed_file_of_what_it_includes(
    built: tuple[Path, Path, Path],
) -> None:
    clone, sdist, _ = built
    tracked = subprocess.run(
        ["git", "ls-files"], cwd=clone, check=True, capture_output=True, text=True
    ).stdout.split()
    shipped_roots = SDIST_TOP_LEVEL - {".ci", ".gitignore", "PKG-INFO"}
    expected = {p for p in tracked if p.split("/")[0] in shipped_roots}
    assert expected - set(sdist_names(sdist)) == set()


@pytest.mark.slow
def test_the_sdist_carries_the_generated_reference_and_resource_layer(
    built: tuple[Path, Path, Path],
) -> None:
    clone, sdist, _ = built
    names = set(sdist_names(sdist))
    resources = {p.relative_to(clone).as_posix() for p in clone.glob(RESOURCE_MODULES)}
    assert "generated/instantly_api/resources/_route_table.py" in resources
    assert {"docs/api.md", *resources} <= names


@pytest.mark.slow
def test_the_wheel_holds_exactly_the_committed_files_of_its_two_packages(
    built: tuple[Path, Path, Path],
) -> None:
    """Nothing missing (the generated resource layer, the hand-written helpers), nothing extra."""
    clone, _, wheel = built
    tracked = subprocess.run(
        ["git", "ls-files", *PACKAGE_SOURCES.values()],
        cwd=clone,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    expected = {
        f"{package}/{path.removeprefix(source)}"
        for package, source in PACKAGE_SOURCES.items()
        for path in tracked
        if path.startswith(source)
    }
    packaged = {n for n in wheel_names(wheel) if n.split("/")[0] in WHEEL_PACKAGES}
    assert packaged == expected
    assert "instantly_api/resources/_route_table.py" in packaged
    assert "instantly/resources/_base.py" in packaged


@pytest.mark.slow
def test_the_wheel_holds_the_two_packages_typed_and_licensed(
    built: tuple[Path, Path, Path],
) -> None:
    names = wheel_names(built[2])
    dist_info = f"instantly_client-{instantly.__version__}.dist-info"
    assert {n.split("/")[0] for n in names} == WHEEL_PACKAGES | {dist_info}
    for package in WHEEL_PACKAGES:
        assert f"{package}/py.typed" in names
    assert f"{dist_info}/licenses/LICENSE" in names
    assert [n for n in names if "node_modules" in n or n.endswith(".pyc")] == []


@pytest.mark.slow
def test_the_sdist_carries_the_license_and_typed_markers(built: tuple[Path, Path, Path]) -> None:
    names = set(sdist_names(built[1]))
    assert {
        "LICENSE",
        "facade/instantly/py.typed",
        "generated/instantly_api/py.typed",
    } <= names


@pytest.mark.slow
def test_the_unpacked_sdist_collects_its_tests(
    built: tuple[Path, Path, Path], tmp_path: Path
) -> None:
    """Every test module of the sdist imports (benchmarks/ is shipped because tests import it)."""
    with tarfile.open(built[1]) as archive:
        archive.extractall(tmp_path, filter="data")
    (unpacked,) = tmp_path.iterdir()
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
        cwd=unpacked,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
