"""The generated models' shape check: exact JSON types pass at once; anything else is read again
by `_tolerance.read` (isinstance, bool not a number), which keeps what does not fit and reports
each deviation as (`Model.field`, kind), at any depth."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

import attrs
import instantly_api
import pytest
from instantly_api._tolerance import collect
from instantly_api.models import Account, AccountPage, InboxPlacementTestDetails
from instantly_api.types import UNSET

from tests.scripts.test_generated_package import account_payload


class Text(str):
    """A str subclass: not what json.loads gives, still a str for the model."""


def page_payload(**item_changes: Any) -> dict[str, Any]:
    warmup = {"limit": 100, "advanced": {"open_rate": 0.9}}
    item = account_payload(**{"warmup": warmup, **item_changes})
    return {"items": [account_payload(), item], "next_starting_after": "b@example.com"}


def test_a_body_of_json_types_parses_with_every_field_kept() -> None:
    account = Account.from_dict(account_payload(daily_limit=100, signature=None))
    assert (account.email, account.daily_limit, account.signature) == ("ana@example.com", 100, None)
    assert account.reply_to is UNSET


def test_a_str_subclass_is_accepted_where_a_str_is_declared() -> None:
    account = Account.from_dict(account_payload(email=Text("ana@example.com")))
    assert account.email == "ana@example.com"


def test_an_int_is_accepted_where_a_float_is_declared() -> None:
    assert Account.from_dict(account_payload(daily_limit=7)).daily_limit == 7


def _read(cls: Any, body: dict[str, Any]) -> tuple[Any, list[tuple[str, str]]]:
    """The model read from `body`, and the (path, kind) of each deviation it reported."""
    with collect() as found:
        model = cls.from_dict(body)
    return model, [(d.path, d.kind) for d in found]


@pytest.mark.parametrize(
    ("changes", "deviation"),
    [
        ({"email": 12345}, ("Account.email", "type")),
        ({"warmup_status": True}, ("Account.warmup_status", "type")),
        ({"daily_limit": "100"}, ("Account.daily_limit", "type")),
        ({"setup_pending": None}, ("Account.setup_pending", "null")),
    ],
)
def test_a_wrong_type_is_kept_and_reported_naming_the_field(
    changes: dict[str, Any], deviation: tuple[str, str]
) -> None:
    body = account_payload(**changes)
    account, found = _read(Account, body)
    (field, value), *_ = changes.items()
    assert (getattr(account, field), found) == (value, [deviation])
    assert account.to_dict() == {**Account.from_dict(account_payload()).to_dict(), **changes}


def test_every_wrong_field_is_reported_in_declaration_order() -> None:
    _, found = _read(Account, account_payload(status="x", email=1))
    assert found == [("Account.email", "type"), ("Account.status", "type")]


def test_a_wrong_type_in_a_list_item_two_levels_down_is_reported_there() -> None:
    body = page_payload(warmup={"advanced": {"open_rate": "high"}})
    page, found = _read(AccountPage, body)
    assert found == [("AccountWarmupAdvanced.open_rate", "type")]
    assert page.items[1].warmup.advanced.open_rate == "high"
    assert page.to_dict()["items"][1]["warmup"] == body["items"][1]["warmup"]


def test_a_missing_required_field_of_a_list_item_is_unset_and_reported() -> None:
    body = page_payload()
    del body["items"][1]["email"]
    page, found = _read(AccountPage, body)
    assert page.items[1].email is UNSET
    assert ("AccountListItem.email", "missing") in found
    assert "email" not in page.to_dict()["items"][1]


def test_a_union_field_with_a_timestamp_is_parsed_or_kept_as_sent() -> None:
    parsed = Account.from_dict(account_payload(timestamp_warmup_start="2026-08-21T09:30:00Z"))
    kept = Account.from_dict(account_payload(timestamp_warmup_start=None))
    assert parsed.timestamp_warmup_start.isoformat() == "2026-08-21T09:30:00+00:00"  # type: ignore[union-attr]
    assert kept.timestamp_warmup_start is None


def test_a_nullable_scalar_list_checks_its_items_and_still_takes_null_or_nothing() -> None:
    tags, found = _read(InboxPlacementTestDetails, {"tags": ["a", 1]})
    assert (tags.tags, found) == (["a", 1], [("InboxPlacementTestDetails.tags[]", "type")])
    for tags in (["a", Text("b")], [], None):
        assert InboxPlacementTestDetails.from_dict({"tags": tags}).tags == tags
    assert InboxPlacementTestDetails.from_dict({}).tags is UNSET


def _from_dict_call_arguments(source: str, class_name: str) -> list[str]:
    """The names `from_dict` passes to `cls(...)`, in order."""
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.ClassDef) and node.name == class_name:
            for item in node.body:
                if isinstance(item, ast.FunctionDef) and item.name == "from_dict":
                    for call in ast.walk(item):
                        if (
                            isinstance(call, ast.Call)
                            and isinstance(call.func, ast.Name)
                            and call.func.id == "cls"
                        ):
                            assert not call.keywords
                            return [arg.id for arg in call.args if isinstance(arg, ast.Name)]
    return []


def test_every_model_passes_its_fields_to_its_init_in_declaration_order() -> None:
    checked = 0
    models = Path(instantly_api.__file__).parent / "models"
    for path in sorted(models.glob("*.py")):
        if path.name == "__init__.py":
            continue
        module = importlib.import_module(f"instantly_api.models.{path.stem}")
        for cls in vars(module).values():
            if isinstance(cls, type) and cls.__module__ == module.__name__:
                fields = [f.name for f in attrs.fields(cls) if f.init]
                assert _from_dict_call_arguments(path.read_text(), cls.__name__) == fields, cls
                checked += 1
    assert checked > 800
