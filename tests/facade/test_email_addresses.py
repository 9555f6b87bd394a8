"""validate_email, validate_emails and chunked: what is accepted, what is rejected and why."""

from __future__ import annotations

import string
from urllib.parse import quote, unquote

import pytest
from hypothesis import given
from hypothesis import strategies as st
from instantly._email_addresses import chunked, validate_email, validate_emails
from instantly._errors import InvalidEmailError, InvalidEmailsError, InvalidInputError


@pytest.mark.parametrize(
    "address",
    [
        "user@example.com",
        "first.last@example.co.uk",
        "user+tag@example.com",
        "o'brien@example.com",
        "x@xn--bcher-kva.example",
        "a-b_c@sub-domain.example.org",
        "1@example.com",
    ],
)
def test_validate_email_accepts_ordinary_addresses_unchanged(address: str) -> None:
    assert validate_email(address) == address


def test_validate_email_lower_cases_the_domain_only() -> None:
    assert validate_email("John.Doe@Example.COM") == "John.Doe@example.com"


@pytest.mark.parametrize(
    ("value", "reason"),
    [
        ("", "it is empty"),
        ("userexample.com", "it has no '@'"),
        ("two@@example.com", "it contains more than one '@'"),
        ("a@b@example.com", "it contains more than one '@'"),
        ("@example.com", "the part before '@' is empty"),
        ("user@", "the domain after '@' is empty"),
        (".user@example.com", "starts or ends with '.'"),
        ("user.@example.com", "starts or ends with '.'"),
        ("us..er@example.com", "contains '..'"),
        ("user@localhost", "has no '.'"),
        ("user@example.com.", "empty label"),
        ("user@example..com", "empty label"),
        ("user@-example.com", "starts or ends with '-'"),
        ("user@exa_mple.com", "a domain holds only letters"),
        ("user@[127.0.0.1]", "IP-literal"),
        ("user@1.2.3.4", "all digits"),
        ('"quoted"@example.com', "cannot hold unquoted"),
    ],
)
def test_validate_email_rejects_malformed_addresses_with_the_reason(
    value: str, reason: str
) -> None:
    with pytest.raises(InvalidEmailError, match=reason.replace(".", r"\.").replace("[", r"\[")):
        validate_email(value)


def test_validate_email_message_names_the_value_and_the_reason() -> None:
    with pytest.raises(InvalidEmailError) as info:
        validate_email("two@@example.com")
    assert str(info.value) == (
        "'two@@example.com' is not a valid email address: it contains more than one '@'"
    )
    assert info.value.email == "two@@example.com"


def test_invalid_email_error_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        validate_email("nope")


@pytest.mark.parametrize("value", [None, 42, b"user@example.com", ["user@example.com"]])
def test_validate_email_rejects_non_str_naming_the_type(value: object) -> None:
    with pytest.raises(InvalidEmailError, match=f"expected a str, got {type(value).__name__}"):
        validate_email(value)


@pytest.mark.parametrize(
    "value",
    [
        " user@example.com",
        "user@example.com ",
        "us er@example.com",
        "user@example.com\n",
        "user\t@example.com",
        "user\x00@example.com",
        "user\u200b@example.com",
        "user@exa\u00a0mple.com",
    ],
)
def test_validate_email_rejects_whitespace_and_control_characters_rather_than_stripping(
    value: str,
) -> None:
    with pytest.raises(InvalidEmailError, match="whitespace or a control character"):
        validate_email(value)


@pytest.mark.parametrize("char", ["/", "?", "#", "%", "\\"])
def test_validate_email_rejects_characters_that_would_change_the_url_path(char: str) -> None:
    with pytest.raises(InvalidEmailError, match="would change the URL path"):
        validate_email(f"us{char}er@example.com")


def test_validate_email_rejects_percent_encoded_separators() -> None:
    with pytest.raises(InvalidEmailError, match="'%'"):
        validate_email("a%2F..%2Fadmin@example.com")


def test_validate_email_rejects_non_ascii_pointing_to_punycode() -> None:
    with pytest.raises(InvalidEmailError, match="punycode"):
        validate_email("user@bücher.example")


def test_validate_email_rejects_a_local_part_over_64_characters() -> None:
    validate_email("a" * 64 + "@example.com")
    with pytest.raises(InvalidEmailError, match="65 characters long; at most 64"):
        validate_email("a" * 65 + "@example.com")


def test_validate_email_rejects_an_address_over_254_characters() -> None:
    domain = ".".join(["d" * 63] * 3) + "." + "e" * 57  # 249 characters
    validate_email("abcd@" + domain)  # 254
    with pytest.raises(InvalidEmailError, match="255 characters long; at most 254"):
        validate_email("abcde@" + domain)


def test_validate_email_rejects_a_domain_label_over_63_characters() -> None:
    with pytest.raises(InvalidEmailError, match="64 characters long; at most 63"):
        validate_email("user@" + "d" * 64 + ".com")


# Text that is often almost an address: printable ASCII and a few traps around one '@'.
_ALMOST_ADDRESSES = st.builds(
    "{}@{}".format,
    st.text(alphabet=string.printable + "é\u00a0", min_size=1, max_size=12),
    st.sampled_from(["example.com", "EXAMPLE.org", "a/b.com", "x%2f.com", "ex..com", "ex.com?"]),
)


@given(st.one_of(st.text(max_size=80), _ALMOST_ADDRESSES))
def test_validate_email_on_any_text_returns_one_path_segment_or_raises_invalid_email(
    text: str,
) -> None:
    try:
        email = validate_email(text)
    except InvalidEmailError as exc:
        assert exc.email == text
        return
    assert not set(email) & set("/\\?#%")  # safe even if a caller forgot to quote it
    segment = quote(email, safe="")
    assert "/" not in segment
    assert unquote(segment) == email
    assert email.count("@") == 1
    assert validate_email(email) == email


@given(st.one_of(st.none(), st.integers(), st.binary(), st.lists(st.text())))
def test_validate_email_on_any_non_str_raises_invalid_email(value: object) -> None:
    with pytest.raises(InvalidEmailError, match="expected a str"):
        validate_email(value)


@given(
    st.from_regex(r"[a-z0-9!$&'*+=^_`{|}~-]{1,20}@[a-zA-Z0-9]{1,10}\.[a-zA-Z]{2,6}", fullmatch=True)
)
def test_validate_email_accepts_generated_dot_atom_addresses_and_is_idempotent(
    text: str,
) -> None:
    email = validate_email(text)
    assert validate_email(email) == email


def test_validate_emails_keeps_first_seen_order_and_drops_duplicates() -> None:
    assert validate_emails(["b@example.com", "a@example.com", "b@example.com"]) == [
        "b@example.com",
        "a@example.com",
    ]


def test_validate_emails_treats_domain_case_as_the_same_address() -> None:
    assert validate_emails(["a@Example.com", "a@EXAMPLE.COM"]) == ["a@example.com"]


def test_validate_emails_keeps_local_parts_differing_in_case() -> None:
    assert validate_emails(["A@example.com", "a@example.com"]) == ["A@example.com", "a@example.com"]


def test_validate_emails_accepts_any_iterable() -> None:
    assert validate_emails(e for e in ("a@example.com",)) == ["a@example.com"]


def test_validate_emails_of_nothing_is_empty() -> None:
    assert validate_emails([]) == []


@pytest.mark.parametrize("value", ["user@example.com", b"user@example.com"])
def test_validate_emails_rejects_a_bare_string(value: object) -> None:
    with pytest.raises(InvalidInputError, match="wrap it in a list"):
        validate_emails(value)  # type: ignore[arg-type]


def test_validate_emails_rejects_a_non_iterable() -> None:
    with pytest.raises(InvalidInputError, match="expected an iterable of email addresses, got int"):
        validate_emails(42)  # type: ignore[arg-type]


def test_validate_emails_reports_every_invalid_item_in_one_error() -> None:
    with pytest.raises(InvalidEmailsError) as info:
        validate_emails(["ok@example.com", "bad", "ok2@example.com", "two@@example.com", 7])
    assert [e.email for e in info.value.errors] == ["bad", "two@@example.com", 7]
    assert str(info.value).startswith("3 of 5 email addresses are invalid: [1] 'bad'")


def test_validate_emails_error_is_an_invalid_email_error_naming_the_first_bad_item() -> None:
    with pytest.raises(InvalidEmailError) as info:
        validate_emails(["ok@example.com", "bad"])
    assert info.value.email == "bad"
    assert info.value.reason == "it has no '@'"


def test_validate_emails_message_shows_five_items_then_a_count() -> None:
    with pytest.raises(InvalidEmailsError) as info:
        validate_emails([f"bad{i}" for i in range(12)])
    message = str(info.value)
    assert "[4] 'bad4'" in message
    assert "'bad5'" not in message
    assert message.endswith("; and 7 more")
    assert len(info.value.errors) == 12


def test_validate_emails_handles_ten_thousand_addresses() -> None:
    emails = [f"user{i}@example.com" for i in range(10_000)]
    assert validate_emails(emails + emails) == emails


def test_chunked_splits_into_lists_of_at_most_size_in_order() -> None:
    assert list(chunked(range(7), 3)) == [[0, 1, 2], [3, 4, 5], [6]]


def test_chunked_of_an_exact_multiple_has_no_empty_tail() -> None:
    assert list(chunked(range(200), 100)) == [list(range(100)), list(range(100, 200))]


def test_chunked_of_nothing_yields_nothing() -> None:
    assert list(chunked([], 100)) == []


@pytest.mark.parametrize("size", [0, -1, 1.5, True])
def test_chunked_rejects_a_size_that_is_not_a_positive_int_at_the_call(size: object) -> None:
    with pytest.raises(InvalidInputError, match="chunk size must be a positive int"):
        chunked([1], size)  # type: ignore[arg-type]
