"""The result types' old generated names import for one release, with a DeprecationWarning."""

from __future__ import annotations

import importlib

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
