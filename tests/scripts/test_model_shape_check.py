"""The generated models' shape check: exact JSON types pass at once, anything else is judged by
`_shape.check` (isinstance, bool not a number, the first wrong field named), at any depth."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Any

import attrs
import instantly_api
import pytest
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


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"email": 12345}, "Account.email is int 12345, not str"),
        ({"warmup_status": True}, "Account.warmup_status is bool True, not int"),
        ({"daily_limit": "100"}, "Account.daily_limit is str '100', not float | int"),
        ({"setup_pending": None}, "Account.setup_pending is NoneType None, not bool"),
    ],
)
def test_a_wrong_type_raises_a_type_error_naming_the_field(
    changes: dict[str, Any], message: str
) -> None:
    with pytest.raises(TypeError, match=message):
        Account.from_dict(account_payload(**changes))


def test_the_first_wrong_field_in_declaration_order_is_named() -> None:
    with pytest.raises(TypeError, match=r"Account\.email is int"):
        Account.from_dict(account_payload(status="x", email=1))


def test_a_wrong_type_in_a_list_item_two_levels_down_raises() -> None:
    with pytest.raises(TypeError, match=r"AccountWarmupAdvanced\.open_rate is str"):
        AccountPage.from_dict(page_payload(warmup={"advanced": {"open_rate": "high"}}))


def test_a_missing_required_field_of_a_list_item_raises_a_key_error() -> None:
    body = page_payload()
    del body["items"][1]["email"]
    with pytest.raises(KeyError, match="email"):
        AccountPage.from_dict(body)


def test_a_union_field_with_a_timestamp_is_parsed_or_kept_as_sent() -> None:
    parsed = Account.from_dict(account_payload(timestamp_warmup_start="2026-08-21T09:30:00Z"))
    kept = Account.from_dict(account_payload(timestamp_warmup_start=None))
    assert parsed.timestamp_warmup_start.isoformat() == "2026-08-21T09:30:00+00:00"  # type: ignore[union-attr]
    assert kept.timestamp_warmup_start is None


def test_a_nullable_scalar_list_checks_its_items_and_still_takes_null_or_nothing() -> None:
    with pytest.raises(TypeError, match=r"InboxPlacementTestDetails\.tags\[1\] is int 1"):
        InboxPlacementTestDetails.from_dict({"tags": ["a", 1]})
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
