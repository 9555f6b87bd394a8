"""warmup_selection validates a warmup call's arguments; warmup_request_bodies shapes the JSON."""

from __future__ import annotations

from typing import Any

import jsonschema
import pytest
from instantly._errors import InvalidEmailError, InvalidInputError
from instantly._facts import BULK_EMAILS_MAX, AccountFilter
from instantly._warmup_selection import WarmupSelection, warmup_request_bodies, warmup_selection
from instantly_api.models import DisableWarmupForAccountsBody, EnableWarmupForAccountsBody


def test_emails_selection_holds_validated_deduplicated_emails() -> None:
    selection = warmup_selection(["a@Example.com", "b@example.com", "a@example.com"])
    assert selection == WarmupSelection(emails=("a@example.com", "b@example.com"))


def test_emails_selection_is_one_body_per_hundred_emails() -> None:
    emails = [f"u{i}@example.com" for i in range(250)]
    bodies = warmup_request_bodies(warmup_selection(emails))
    assert [len(body["emails"]) for body in bodies] == [100, 100, 50]
    assert [e for body in bodies for e in body["emails"]] == emails


def test_emails_selection_body_has_only_the_emails_field() -> None:
    assert warmup_request_bodies(warmup_selection(["a@example.com"])) == [
        {"emails": ["a@example.com"]}
    ]


def test_include_all_alone_is_one_body_with_include_all_emails() -> None:
    assert warmup_request_bodies(warmup_selection(include_all=True)) == [
        {"include_all_emails": True}
    ]


def test_include_all_with_every_option_uses_the_spec_field_names() -> None:
    selection = warmup_selection(
        include_all=True,
        exclude=["keep@example.com"],
        filter=AccountFilter.W_ERROR,
        search="gmail.com",
        tag_id="f9cc070d-8dba-4341-b847-f083c358e460",
    )
    assert warmup_request_bodies(selection) == [
        {
            "include_all_emails": True,
            "excluded_emails": ["keep@example.com"],
            "filter": {
                "tag_id": "f9cc070d-8dba-4341-b847-f083c358e460",
                "filter": "ACC_FILTER_W_ERROR",
            },
            "search": "gmail.com",
        }
    ]


def test_tag_id_alone_gives_a_filter_object_without_filter_key() -> None:
    body = warmup_request_bodies(warmup_selection(include_all=True, tag_id="tag-1"))[0]
    assert body["filter"] == {"tag_id": "tag-1"}


def test_filter_accepts_the_exact_string_value() -> None:
    selection = warmup_selection(include_all=True, filter="ACC_FILTER_PAUSED")
    assert selection.filter is AccountFilter.PAUSED


def test_filter_rejects_an_unknown_value_listing_the_valid_ones() -> None:
    with pytest.raises(InvalidInputError) as info:
        warmup_selection(include_all=True, filter="ACC_FILTER_NOPE")
    message = str(info.value)
    assert "'ACC_FILTER_NOPE'" in message
    assert all(repr(member.value) in message for member in AccountFilter)


def test_filter_given_a_member_name_suggests_the_member() -> None:
    with pytest.raises(InvalidInputError, match=r"did you mean AccountFilter\.W_ACTIVE"):
        warmup_selection(include_all=True, filter="w_active")


def test_filter_rejects_a_non_str() -> None:
    with pytest.raises(InvalidInputError, match="filter must be one of"):
        warmup_selection(include_all=True, filter=3)  # type: ignore[arg-type]


def test_filter_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        warmup_selection(include_all=True, filter="paused-ish")


def test_both_emails_and_include_all_is_rejected() -> None:
    with pytest.raises(InvalidInputError, match="not both"):
        warmup_selection(["a@example.com"], include_all=True)


def test_neither_emails_nor_include_all_is_rejected() -> None:
    with pytest.raises(InvalidInputError, match="pass emails"):
        warmup_selection()


def test_empty_emails_is_rejected() -> None:
    with pytest.raises(InvalidInputError, match="emails is empty"):
        warmup_selection([])


@pytest.mark.parametrize(
    "option",
    [
        {"exclude": ["x@example.com"]},
        {"filter": AccountFilter.DFY},
        {"search": "gmail"},
        {"tag_id": "t"},
    ],
)
def test_narrowing_options_are_rejected_with_emails(option: dict[str, object]) -> None:
    name = next(iter(option))
    with pytest.raises(InvalidInputError, match=f"{name} only apply with include_all=True"):
        warmup_selection(["a@example.com"], **option)  # type: ignore[arg-type]


def test_include_all_must_be_a_bool() -> None:
    with pytest.raises(InvalidInputError, match="include_all must be a bool, got str"):
        warmup_selection(include_all="yes")  # type: ignore[arg-type]


def test_invalid_emails_are_rejected_before_anything_is_built() -> None:
    with pytest.raises(InvalidEmailError, match=r"'two@@example\.com'"):
        warmup_selection(["ok@example.com", "two@@example.com"])


def test_a_bare_string_for_emails_is_rejected() -> None:
    with pytest.raises(InvalidInputError, match="wrap it in a list"):
        warmup_selection("a@example.com")


def test_exclude_of_more_than_the_bulk_maximum_is_rejected() -> None:
    exclude = [f"u{i}@example.com" for i in range(BULK_EMAILS_MAX + 1)]
    with pytest.raises(InvalidInputError, match="exclude holds 101 distinct addresses"):
        warmup_selection(include_all=True, exclude=exclude)


def test_exclude_counts_distinct_addresses_against_the_maximum() -> None:
    exclude = [f"u{i}@example.com" for i in range(BULK_EMAILS_MAX)] * 2
    selection = warmup_selection(include_all=True, exclude=exclude)
    assert len(selection.exclude) == BULK_EMAILS_MAX


def test_invalid_exclude_addresses_are_rejected() -> None:
    with pytest.raises(InvalidEmailError, match="'nope'"):
        warmup_selection(include_all=True, exclude=["nope"])


@pytest.mark.parametrize("name", ["search", "tag_id"])
@pytest.mark.parametrize("value", ["", "  ", 5])
def test_search_and_tag_id_must_be_non_blank_strings(name: str, value: object) -> None:
    with pytest.raises(InvalidInputError, match=name):
        warmup_selection(include_all=True, **{name: value})  # type: ignore[arg-type]


def test_selection_is_immutable() -> None:
    selection = warmup_selection(include_all=True)
    with pytest.raises(AttributeError):
        selection.include_all = False  # type: ignore[misc]


# The bodies against the spec and the generated models


def _request_schema(spec: dict[str, Any], path: str) -> dict[str, Any]:
    schema: dict[str, Any] = spec["paths"][path]["post"]["requestBody"]["content"][
        "application/json"
    ]["schema"]
    return schema


EVERY_SHAPE = [
    warmup_selection([f"u{i}@example.com" for i in range(150)]),
    warmup_selection(include_all=True),
    warmup_selection(
        include_all=True,
        exclude=[f"x{i}@example.com" for i in range(BULK_EMAILS_MAX)],
        filter=AccountFilter.W_PAUSED,
        search="gmail.com",
        tag_id="f9cc070d-8dba-4341-b847-f083c358e460",
    ),
    warmup_selection(include_all=True, tag_id="f9cc070d-8dba-4341-b847-f083c358e460"),
]


@pytest.mark.parametrize(
    "path", ["/api/v2/accounts/warmup/enable", "/api/v2/accounts/warmup/disable"]
)
@pytest.mark.parametrize("selection", EVERY_SHAPE)
def test_every_body_is_valid_against_the_pinned_spec(
    pinned_spec: dict[str, Any], path: str, selection: WarmupSelection
) -> None:
    schema = _request_schema(pinned_spec, path)
    for body in warmup_request_bodies(selection):
        jsonschema.validate(body, schema, cls=jsonschema.Draft202012Validator)


def test_the_spec_filter_enum_is_exactly_account_filter(pinned_spec: dict[str, Any]) -> None:
    schema = _request_schema(pinned_spec, "/api/v2/accounts/warmup/disable")
    values = set(schema["properties"]["filter"]["properties"]["filter"]["enum"]) - {None}
    assert values == {member.value for member in AccountFilter}


@pytest.mark.parametrize("model", [DisableWarmupForAccountsBody, EnableWarmupForAccountsBody])
@pytest.mark.parametrize("selection", EVERY_SHAPE)
def test_every_body_round_trips_through_the_generated_model(
    model: type[DisableWarmupForAccountsBody | EnableWarmupForAccountsBody],
    selection: WarmupSelection,
) -> None:
    for body in warmup_request_bodies(selection):
        assert model.from_dict(body).to_dict() == body
