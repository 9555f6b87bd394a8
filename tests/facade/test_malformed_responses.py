"""Malformed responses: whatever the server sends, the caller gets a result or a typed error.

Bodies that are not JSON, truncated JSON, HTML error pages, missing required fields, wrong types,
unknown enum values, extra fields, huge bodies, lying headers: each helper either parses the body
(tolerantly, as designed: values that differ from the spec are kept and recorded, unknown enum
values and extra fields are kept) or raises an `APIError` or `JobError`. Helpers that act on
what they read (pause, pause_many, warmup jobs) read strictly: a field of the wrong type is
`ResponseDeviationError`, and so is any deviation on a `strict=True` client. A KeyError,
AttributeError or TypeError (or an httpx error, or `InvalidInputError`, which means "your
arguments were wrong") escaping to the caller is a failure.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from _facade_helpers import ACCOUNT
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from instantly import (
    APIError,
    APIStatusError,
    AuthenticationError,
    Instantly,
    InternalServerError,
    JobError,
    MalformedResponseError,
    PartialBatchError,
    RateLimitError,
    ResponseDeviationError,
    UnexpectedStateError,
)
from instantly.testing import FakeClock

from tests._hardening import SECRET_KEY
from tests._tally import TALLY

JOB: dict[str, Any] = {
    "id": "job-1",
    "workspace_id": "019cc043-af54-70e2-ac5a-5f6af8474683",
    "type": "update-warmup-accounts",
    "progress": 0,
    "status": "pending",
    "created_at": "2026-03-05T23:09:47.220Z",
    "updated_at": "2026-03-05T23:09:47.220Z",
}
PAGE: dict[str, Any] = {"items": [{**ACCOUNT, "email": "a@doe.com"}]}
PAUSED: dict[str, Any] = {"paused_emails": ["jon@doe.com"], "failed_emails": []}
JOB_PAGE: dict[str, Any] = {"items": [JOB]}

Operation = Callable[[Instantly], object]

# Every helper, with the body it expects when all is well.
OPERATIONS: dict[str, tuple[Operation, dict[str, Any]]] = {
    "accounts.get": (lambda c: c.accounts.get("jon@doe.com"), ACCOUNT),
    "accounts.list": (lambda c: list(c.accounts.list(limit=10)), PAGE),
    "accounts.pause": (lambda c: c.accounts.pause("jon@doe.com"), {**ACCOUNT, "status": 2}),
    "accounts.resume": (lambda c: c.accounts.resume("jon@doe.com"), ACCOUNT),
    "accounts.pause_many": (lambda c: c.accounts.pause_many(["jon@doe.com"]), PAUSED),
    "accounts.disable_warmup": (lambda c: c.accounts.disable_warmup(["jon@doe.com"]), JOB),
    "accounts.enable_warmup": (lambda c: c.accounts.enable_warmup(include_all=True), JOB),
    "jobs.get": (lambda c: c.jobs.get("job-1"), JOB),
    "jobs.list": (lambda c: list(c.jobs.list()), JOB_PAGE),
    "jobs.wait": (lambda c: c.jobs.wait("job-1", wait_timeout=5.0), {**JOB, "status": "success"}),
}

# What a caller may see instead of a result: typed errors about the response or the job.
TYPED = (APIError, JobError)

# What was tried, reported at the end of the session (tests/_tally.py); a body whose outcome is
# neither parsed nor a typed error fails its test.
SECTION = "malformed_responses"


def _client(
    status: int, body: bytes, headers: dict[str, str] | None = None, *, strict: bool = False
) -> tuple[Instantly, list[httpx.Request]]:
    """A client whose server answers every request with this status, body and headers."""
    sent: list[httpx.Request] = []

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request)
        return httpx.Response(
            status, content=body, headers=headers or {"content-type": "application/json"}
        )

    clock = FakeClock(0.0)
    client = Instantly(
        SECRET_KEY,
        strict=strict,
        transport=httpx.MockTransport(handler),
        rate_limit=None,
        max_retries=0,
        clock=clock,
        sleep=clock.sleep,
    )
    return client, sent


def _outcome(
    name: str,
    status: int,
    body: bytes,
    headers: dict[str, str] | None = None,
    *,
    strict: bool = False,
) -> object:
    """Run helper `name` against the answer; return its result or the typed error it raised."""
    TALLY.count(SECTION, bodies=1)
    client, _ = _client(status, body, headers, strict=strict)
    with client:
        try:
            result = OPERATIONS[name][0](client)
        except PartialBatchError as exc:
            # A split call whose 2xx could not be read: the request took effect, so its items are
            # in doubt (never unsent); the answer's own error is what this file checks.
            assert exc.in_doubt and not exc.unsent, exc
            TALLY.count(SECTION, typed_errors=1)
            return exc.error
        except TYPED as exc:
            TALLY.count(SECTION, typed_errors=1)
            return exc
    TALLY.count(SECTION, parsed=1)
    return result


def _dump(value: object) -> bytes:
    return json.dumps(value).encode()


# -- hand cases ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_each_helper_parses_its_well_formed_answer(name: str) -> None:
    result = _outcome(name, 200, _dump(OPERATIONS[name][1]))
    assert not isinstance(result, BaseException), result


@pytest.mark.parametrize("name", sorted(OPERATIONS))
@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"OK",
        b"{",
        b'{"email": "jon@doe.com", "timestamp_cre',
        b"null",
        b"[]",
        b"42",
        b'"a string"',
        b"\xff\xfe\x00{",
        b"<html><body><h1>Welcome to nginx!</h1></body></html>",
    ],
    ids=repr,
)
def test_a_2xx_that_is_not_the_promised_json_raises_malformed_response_error(
    name: str, body: bytes
) -> None:
    assert isinstance(_outcome(name, 200, body), MalformedResponseError | JobError)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_a_missing_required_field_raises_malformed_response_error(name: str) -> None:
    good = OPERATIONS[name][1]
    for key in good:
        broken = {k: v for k, v in good.items() if k != key}
        result = _outcome(name, 200, _dump(broken))
        assert not isinstance(result, BaseException) or isinstance(result, TYPED)


@pytest.mark.parametrize(
    ("name", "field", "value"),
    [
        ("accounts.get", "email", 5),
        ("accounts.get", "warmup_status", "on"),
        ("accounts.get", "setup_pending", "no"),
        ("accounts.pause", "status", [2]),
        ("accounts.pause", "status", "paused"),
        ("accounts.pause_many", "paused_emails", None),
        ("accounts.pause_many", "paused_emails", [1]),
        ("accounts.pause_many", "failed_emails", "x@doe.com"),
        ("accounts.disable_warmup", "id", 5),
        ("accounts.disable_warmup", "id", None),
        ("jobs.get", "progress", "half"),
        ("jobs.get", "status", {"name": "success"}),
        ("accounts.list", "items", "none"),
        ("accounts.list", "items", [1, 2]),
        ("jobs.list", "items", [None]),
    ],
    ids=repr,
)
def test_a_field_of_the_wrong_type_raises_a_typed_error_when_strict(
    name: str, field: str, value: Any
) -> None:
    result = _outcome(name, 200, _dump({**OPERATIONS[name][1], field: value}), strict=True)
    assert isinstance(result, MalformedResponseError | JobError), result
    if isinstance(result, MalformedResponseError):
        assert result.status_code == 200


@pytest.mark.parametrize(
    ("name", "field", "value"),
    [
        ("accounts.get", "email", 5),
        ("accounts.get", "setup_pending", "no"),
        ("jobs.get", "progress", "half"),
        ("accounts.list", "items", [{**ACCOUNT, "email": 1}]),
    ],
    ids=repr,
)
def test_a_field_of_the_wrong_type_is_kept_as_sent_by_default(
    name: str, field: str, value: Any
) -> None:
    result = _outcome(name, 200, _dump({**OPERATIONS[name][1], field: value}))
    assert not isinstance(result, BaseException), result


def test_a_wrong_type_error_names_the_field_and_the_kind() -> None:
    result = _outcome("accounts.disable_warmup", 200, _dump({**JOB, "id": 5}))
    assert isinstance(result, ResponseDeviationError)
    assert (result.field, result.kind) == ("BackgroundJob.id", "type")
    assert "BackgroundJob.id (type): 5" in str(result)


def test_a_wrong_type_in_a_nested_model_names_the_nested_field() -> None:
    body = {**JOB, "data": {"moved_lead_emails": [5]}}
    result = _outcome("accounts.disable_warmup", 200, _dump(body))
    assert isinstance(result, ResponseDeviationError)
    assert "moved_lead_emails[] (type): 5" in str(result)


def test_a_page_whose_items_is_not_a_list_raises_malformed_response_error() -> None:
    result = _outcome("jobs.list", 200, _dump({"items": "none"}))
    assert isinstance(result, MalformedResponseError)
    assert "not a list" in str(result)


def test_unknown_enum_values_are_tolerated() -> None:
    body = {**ACCOUNT, "warmup_status": 99, "status": 42, "provider_code": 77}
    account = _outcome("accounts.get", 200, _dump(body))
    assert not isinstance(account, BaseException)
    assert (account.warmup_status, account.status, account.provider_code) == (99, 42, 77)  # type: ignore[attr-defined]


def test_an_unknown_job_status_keeps_the_wait_polling_until_its_deadline() -> None:
    result = _outcome("jobs.wait", 200, _dump({**JOB, "status": "hibernating"}))
    assert isinstance(result, JobError)
    assert "hibernating" in str(result)


def test_a_wait_answered_with_another_jobs_state_raises_unexpected_state_error() -> None:
    result = _outcome("jobs.wait", 200, _dump({**JOB, "id": "job-2", "status": "success"}))
    assert isinstance(result, UnexpectedStateError)
    assert "'job-2'" in str(result)


def test_a_refresh_answered_with_another_jobs_state_raises_unexpected_state_error() -> None:
    client, _ = _client(200, _dump({**JOB, "id": "job-2"}))
    with client, pytest.raises(UnexpectedStateError):
        client.jobs.handle("job-1").refresh()


def test_a_warmup_answer_with_an_empty_job_id_raises_malformed_response_error() -> None:
    result = _outcome("accounts.disable_warmup", 200, _dump({**JOB, "id": ""}))
    assert isinstance(result, MalformedResponseError)


def test_extra_fields_are_kept_not_refused() -> None:
    account = _outcome("accounts.get", 200, _dump({**ACCOUNT, "brand_new_field": {"x": [1]}}))
    assert not isinstance(account, BaseException)
    assert account["brand_new_field"] == {"x": [1]}  # type: ignore[index]


def test_a_pause_answered_with_an_unknown_status_raises_a_typed_error() -> None:
    result = _outcome("accounts.pause", 200, _dump({**ACCOUNT, "status": 99}))
    assert isinstance(result, APIError)
    assert "99" in str(result)


def test_a_body_that_lies_about_its_gzip_encoding_raises_malformed_response_error() -> None:
    headers = {"content-type": "application/json", "content-encoding": "gzip"}
    result = _outcome("accounts.get", 200, b"plainly not gzip", headers)
    assert isinstance(result, MalformedResponseError)
    assert "Content-Encoding" in str(result)


def test_json_sent_as_text_html_is_still_parsed() -> None:
    account = _outcome("accounts.get", 200, _dump(ACCOUNT), {"content-type": "text/html"})
    assert not isinstance(account, BaseException)


def test_a_page_that_repeats_its_cursor_raises_instead_of_looping() -> None:
    result = _outcome("accounts.list", 200, _dump({**PAGE, "next_starting_after": "a"}))
    assert isinstance(result, APIError)
    assert "second time" in str(result)


# -- error statuses with odd bodies ------------------------------------------------------------


def test_an_html_502_page_gives_internal_server_error_with_a_tag_free_message() -> None:
    page = (
        b"<html><head><title>502 Bad Gateway</title></head>"
        b"<body><h1>502 Bad Gateway</h1></body></html>"
    )
    result = _outcome("accounts.get", 502, page, {"content-type": "text/html"})
    assert isinstance(result, InternalServerError)
    assert "<" not in result.message and "502 Bad Gateway" in result.message


@pytest.mark.parametrize(
    "body",
    [
        b"",
        b"null",
        b"[]",
        b'{"message": {"nested": true}}',
        b'{"message": 42}',
        b'{"message": ["a", 1]}',
        b'{"error": null}',
        b"\xff\xfe",
        b"{truncated",
    ],
    ids=repr,
)
def test_an_error_status_with_any_body_gives_its_typed_error(body: bytes) -> None:
    result = _outcome("accounts.get", 401, body)
    assert isinstance(result, AuthenticationError)
    assert result.status_code == 401


def test_an_undocumented_status_gives_a_plain_api_status_error() -> None:
    result = _outcome("accounts.get", 418, b"I'm a teapot", {"content-type": "text/plain"})
    assert type(result) is APIStatusError
    assert "teapot" in str(result)


@pytest.mark.parametrize("retry_after", ["soon", "", "-5", "nan", "inf", "1e999", "Wed, 99 Foo"])
def test_a_429_with_a_garbage_retry_after_gives_rate_limit_error_without_a_delay(
    retry_after: str,
) -> None:
    headers = {"content-type": "application/json", "retry-after": retry_after}
    result = _outcome("accounts.get", 429, b'{"message": "slow down"}', headers)
    assert isinstance(result, RateLimitError)
    assert result.retry_after is None or result.retry_after >= 0


def test_a_huge_error_body_gives_a_bounded_message() -> None:
    body = b"<html><body>" + b"<p>internal failure</p>" * 500_000 + b"</body></html>"
    result = _outcome("accounts.get", 500, body, {"content-type": "text/html"})
    assert isinstance(result, InternalServerError)
    assert len(str(result)) < 400
    assert isinstance(result.body, str) and len(result.body) <= 500


def test_a_huge_malformed_2xx_body_gives_a_bounded_message() -> None:
    body = b'{"items": [' + b'"x",' * 2_000_000 + b'"x"'  # about 8 MB, truncated
    result = _outcome("accounts.list", 200, body)
    assert isinstance(result, MalformedResponseError)
    assert len(str(result)) < 500
    assert result.body is not None and len(result.body) <= 500


def test_a_huge_well_formed_page_is_parsed() -> None:
    items = [{**ACCOUNT, "email": f"user{n}@doe.com", "signature": "s" * 2000} for n in range(100)]
    result = _outcome("accounts.list", 200, _dump({"items": items}))
    assert not isinstance(result, BaseException)
    assert len(result) == 100  # type: ignore[arg-type]


# -- hypothesis ---------------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


@st.composite
def mutated(draw: st.DrawFn, good: dict[str, Any]) -> dict[str, Any]:
    """`good` with some fields dropped, some replaced by arbitrary JSON, some extra ones added."""
    body = copy.deepcopy(good)
    keys = sorted(body)
    for key in draw(st.lists(st.sampled_from(keys), max_size=3, unique=True)):
        del body[key]
    for key in draw(st.lists(st.sampled_from(keys), max_size=3, unique=True)):
        body[key] = draw(json_values)
    body.update(draw(st.dictionaries(st.text(max_size=8), json_values, max_size=2)))
    return body


MALFORMED = settings(
    max_examples=60,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.mark.parametrize("name", sorted(OPERATIONS))
@MALFORMED
@given(data=st.data())
def test_a_mutated_2xx_body_gives_a_result_or_a_typed_error(name: str, data: st.DataObject) -> None:
    body = data.draw(mutated(OPERATIONS[name][1]))
    _outcome(name, 200, _dump(body))  # anything but a typed error propagates and fails


@pytest.mark.parametrize("name", sorted(OPERATIONS))
@MALFORMED
@given(body=st.one_of(json_values.map(_dump), st.binary(max_size=200)))
def test_any_2xx_body_gives_a_result_or_a_typed_error(name: str, body: bytes) -> None:
    _outcome(name, 200, body)


@MALFORMED
@given(
    status=st.sampled_from([400, 401, 402, 403, 404, 409, 413, 418, 422, 429, 500, 502, 503]),
    body=st.one_of(json_values.map(_dump), st.binary(max_size=200)),
    retry_after=st.one_of(st.none(), st.text(max_size=12)),
)
def test_any_error_status_and_body_give_an_api_status_error_with_that_status(
    status: int, body: bytes, retry_after: str | None
) -> None:
    headers = {"content-type": "application/json"}
    if retry_after is not None and retry_after.isprintable() and retry_after.isascii():
        headers["retry-after"] = retry_after
    result = _outcome("accounts.get", status, body, headers)
    assert isinstance(result, APIStatusError)
    assert result.status_code == status
