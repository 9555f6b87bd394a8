"""The documentation site's link mapping (`.ci/mkdocs_hooks.py`); CI builds the site strictly."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def hooks() -> ModuleType:
    pytest.importorskip(
        "mkdocs", reason="the docs extra is not installed (pip install -e '.[docs]')"
    )
    spec = importlib.util.spec_from_file_location("mkdocs_hooks", ROOT / ".ci" / "mkdocs_hooks.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_a_guide_link_to_the_readme_becomes_the_home_page(hooks: ModuleType) -> None:
    text = "see the [README](../README.md#errors)"
    assert hooks._rewrite(text, "docs/reliability.md") == "see the [README](index.md#errors)"


def test_readme_links_into_docs_become_site_pages(hooks: ModuleType) -> None:
    text = "[workflows](docs/workflows.md) and [changes](CHANGELOG.md)"
    assert (
        hooks._rewrite(text, "README.md") == "[workflows](workflows.md) and [changes](changelog.md)"
    )


def test_a_link_to_source_code_becomes_its_text(hooks: ModuleType) -> None:
    text = "the tree heads [errors](../facade/instantly/_errors.py)"
    assert hooks._rewrite(text, "docs/architecture.md") == "the tree heads `errors`"


def test_a_link_between_guides_is_left_for_strict_mode_to_check(hooks: ModuleType) -> None:
    text = "[missing](no-such-page.md) [web](https://example.com) [here](#top)"
    assert hooks._rewrite(text, "docs/testing.md") == text


def test_every_page_the_nav_names_exists_or_is_generated(hooks: ModuleType) -> None:
    import yaml

    config = yaml.safe_load((ROOT / ".ci" / "mkdocs.yml").read_text(encoding="utf-8"))

    def pages(node: object) -> list[str]:
        if isinstance(node, str):
            return [node]
        if isinstance(node, list):
            return [p for item in node for p in pages(item)]
        if isinstance(node, dict):
            return [p for value in node.values() for p in pages(value)]
        return []

    generated = set(hooks.SERVED.values()) | set(hooks._reference_pages())
    missing = [
        p for p in pages(config["nav"]) if p not in generated and not (ROOT / "docs" / p).exists()
    ]
    assert missing == []
