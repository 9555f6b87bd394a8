"""The result types' old generated names import for one release, with a DeprecationWarning."""

from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

OLD, NEW = "ListAccountResponse200ItemsItem", "AccountListItem"


@pytest.mark.parametrize("package", ["instantly_api.models", "instantly.models"])
def test_an_old_name_imports_with_a_warning_naming_the_new_one(package: str) -> None:
    module = importlib.import_module(package)
    with pytest.warns(DeprecationWarning, match=f"{OLD} is deprecated: it is now {NEW}"):
        getattr(module, OLD)


@pytest.mark.parametrize("package", ["instantly_api.models", "instantly.models"])
def test_an_old_name_is_the_new_class(package: str) -> None:
    module = importlib.import_module(package)
    with pytest.warns(DeprecationWarning):
        old = getattr(module, OLD)
    assert old is getattr(module, NEW)


def test_from_import_of_an_old_name_warns_every_time() -> None:
    for _ in range(2):
        with pytest.warns(DeprecationWarning, match=NEW):
            from instantly.models import ListAccountResponse200ItemsItem  # noqa: F401


def test_a_nested_model_keeps_its_old_name_too() -> None:
    from instantly_api import models

    with pytest.warns(DeprecationWarning, match="WarmupAnalytics"):
        old = models.GetWarmupAnalyticsResponse200AggregateData
    assert old is models.WarmupAnalyticsAggregateData


def test_old_names_are_not_listed_as_exports() -> None:
    from instantly_api import models

    assert OLD not in models.__all__
    assert OLD not in dir(importlib.import_module("instantly.models"))


def test_an_unknown_name_is_still_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="NoSuchModel"):
        importlib.import_module("instantly.models").NoSuchModel  # noqa: B018


def _frozen_renames() -> list[tuple[str, str]]:
    lines = (Path(__file__).parent / "renamed_models.txt").read_text(encoding="utf-8").splitlines()
    pairs = [line.split() for line in lines if line and not line.startswith("#")]
    return [(old, new) for old, new in pairs]


def test_every_old_name_of_the_last_release_is_the_class_it_was_renamed_to() -> None:
    from instantly_api import models

    renames = _frozen_renames()
    assert len(renames) == 289
    for old, new in renames:
        with pytest.warns(DeprecationWarning, match=f"it is now {new}"):
            value = getattr(models, old)
        assert value is getattr(models, new), old


def test_no_result_type_in_the_api_reference_is_named_after_a_response_status() -> None:
    reference = Path(__file__).resolve().parents[2] / "docs" / "api.md"
    rows = [line for line in reference.read_text(encoding="utf-8").splitlines() if "`" in line]
    assert not [row for row in rows if re.search(r"Response\d{3}", row)]
