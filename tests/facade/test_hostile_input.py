"""Hostile input: every helper either sends the intended request or refuses before sending.

For each helper, hypothesis throws arguments at it (empty, very long, unicode, control characters,
path tricks such as `a/../b@x.com`, `%2F`, `?`, `#`, wrong types, more than 100 items, both or
neither of two exclusive arguments). The only acceptable outcomes are:

- a `ValueError` subclass (`InvalidInputError`) with zero requests sent, or
- requests to exactly the intended endpoint: the same method, the same fixed path segments, and
  one path segment that decodes back to the (validated) value given, never another route.

The server answers 404 to everything, so a sent request ends in `NotFoundError`; any other
exception (TypeError, KeyError, an httpx error) escaping is a failure.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from instantly import AsyncInstantly, Instantly, InvalidInputError, NotFoundError

from tests._hardening import SECRET_KEY
from tests._tally import TALLY

# -- what is thrown at the helpers -------------------------------------------------------------

PATH_TRICKS = [
    "a/../b@x.com",
    "../../accounts@x.com",
    "a%2Fb@x.com",
    "a%2fb@x.com",
    "%2e%2e",
    "..",
    ".",
    "",
    "a?b@x.com",
    "a#b@x.com",
    "jon@doe.com?limit=1",
    "jon@doe.com#frag",
    "jon@doe.com/pause",
    "jon@doe.com/../resume",
    "a\\b@x.com",
    "jon@doe.com\r\nX-Injected: 1",
    "jon@doe.com\x00",
    " jon@doe.com",
    "jon@doe.com ",
    "\u202ejon@doe.com",
    "jon@doe.com\u200b",
    "ジョン@doe.com",
    "jon@d\u043ee.com",  # a Cyrillic o
    "jon@@doe.com",
    "@doe.com",
    "jon@",
    "jon@doe",
    "jon@doe..com",
    "jon@-doe.com",
    "jon@[127.0.0.1]",
    '"jon doe"@doe.com',
    "x" * 65 + "@doe.com",
    "jon@" + "d" * 64 + ".com",
    "j" * 10_000 + "@doe.com",
    "jon@DOE.COM",
]

WRONG_TYPES: list[object] = [
    None,
    0,
    -1,
    1.5,
    True,
    b"jon@doe.com",
    bytearray(b"jon@doe.com"),
    ["jon@doe.com"],
    {"email": "jon@doe.com"},
    object(),
]

texts = st.one_of(
    st.text(max_size=80),
    st.text(alphabet=st.characters(codec="ascii"), max_size=80),
    st.text(alphabet="@./%?#\\ -_+aZ0\x00\n\r\t", max_size=40),
    st.text(min_size=255, max_size=3000),
    st.emails(),
    st.sampled_from(PATH_TRICKS),
)
emailish = st.one_of(texts, st.sampled_from(WRONG_TYPES), st.integers(), st.binary(max_size=30))
email_lists = st.one_of(
    st.lists(emailish, max_size=5),
    st.lists(st.emails(), min_size=95, max_size=230, unique=True),
    st.lists(st.sampled_from(["jon@doe.com", "JON@doe.com", "jon@DOE.com"]), max_size=300),
    emailish,  # a single value where a list belongs
)
HYPOTHESIS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)


# -- the recording server ----------------------------------------------------------------------


@dataclass
class Wire:
    """Records every request that reaches the network and answers 404 to all of them."""

    requests: list[httpx.Request] = field(default_factory=list)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        request.read()
        self.requests.append(request)
        return httpx.Response(404, json={"statusCode": 404, "message": "Not Found"})


@contextmanager
def client_and_wire() -> Iterator[tuple[Instantly, Wire]]:
    wire = Wire()
    with Instantly(
        SECRET_KEY, transport=httpx.MockTransport(wire), rate_limit=None, max_retries=0
    ) as client:
        yield client, wire


# What was tried, reported at the end of the session (tests/_tally.py).
SECTION = "hostile_input"


def segments(request: httpx.Request) -> list[str]:
    """The raw (still percent-encoded) path segments of a sent request."""
    raw = request.url.raw_path.split(b"?", 1)[0].decode("ascii")
    return raw.split("/")[1:]


def outcome(call: Callable[[], object], wire: Wire) -> bool:
    """Run `call`; True if it sent its request(s), False if it refused with zero requests."""
    TALLY.count(SECTION, inputs=1)
    try:
        call()
    except InvalidInputError:
        TALLY.count(SECTION, refused=1, requests_on_refusal=len(wire.requests))
        assert wire.requests == [], "refused, yet a request was sent"
        return False
    except NotFoundError:
        TALLY.count(SECTION, sent=1)
        assert wire.requests, "NotFoundError without a request"
        return True
    raise AssertionError(f"the call neither refused nor reached the server: {wire.requests}")


def assert_path(request: httpx.Request, method: str, template: str, value: str | None) -> None:
    """`request` is `method template`, its one `{}` segment decoding to exactly `value`."""
    assert request.method == method
    expected = template.split("/")[1:]
    actual = segments(request)
    assert len(actual) == len(expected), f"{actual} is not {template}"
    for got, want in zip(actual, expected, strict=True):
        if want == "{}":
            assert "/" not in got and got not in ("", ".", "..")
            assert unquote(got) == value, f"{unquote(got)!r} != {value!r}"
        else:
            assert got == want, f"{actual} is not {template}"


def valid_email(value: object) -> str:
    """The address the client must have sent for `value` (domain lower-cased)."""
    assert isinstance(value, str)
    local, domain = value.split("@")
    return f"{local}@{domain.lower()}"


# -- single-address helpers --------------------------------------------------------------------

SINGLE = {
    "get": ("GET", "/api/v2/accounts/{}"),
    "pause": ("POST", "/api/v2/accounts/{}/pause"),
    "resume": ("POST", "/api/v2/accounts/{}/resume"),
}


@pytest.mark.parametrize("helper", sorted(SINGLE))
@HYPOTHESIS
@given(email=emailish)
def test_an_address_is_refused_or_sent_to_its_own_account_path(helper: str, email: object) -> None:
    method, template = SINGLE[helper]
    with client_and_wire() as (client, wire):
        if outcome(lambda: getattr(client.accounts, helper)(email), wire):
            assert len(wire.requests) == 1
            assert_path(wire.requests[0], method, template, valid_email(email))


@pytest.mark.parametrize("helper", sorted(SINGLE))
@pytest.mark.parametrize("email", PATH_TRICKS + WRONG_TYPES, ids=repr)
def test_each_known_trick_is_refused_or_sent_to_its_own_account_path(
    helper: str, email: object
) -> None:
    method, template = SINGLE[helper]
    with client_and_wire() as (client, wire):
        if outcome(lambda: getattr(client.accounts, helper)(email), wire):
            assert_path(wire.requests[0], method, template, valid_email(email))


@pytest.mark.parametrize("email", ["a/../b@x.com", "a%2Fb@x.com", "a?b@x.com", "a#b@x.com"])
def test_url_special_characters_in_an_address_are_refused_before_sending(email: str) -> None:
    with client_and_wire() as (client, wire), pytest.raises(InvalidInputError, match="URL"):
        client.accounts.pause(email)
    assert wire.requests == []


@pytest.mark.parametrize("email", ["a/../b@x.com", "..", "", "jon@doe.com?x=1", 5, None], ids=repr)
async def test_the_async_helpers_refuse_the_same_tricks_with_zero_requests(email: object) -> None:
    wire = Wire()
    async with AsyncInstantly(
        SECRET_KEY, transport=httpx.MockTransport(wire), rate_limit=None
    ) as client:
        for helper in (client.accounts.get, client.accounts.pause, client.accounts.resume):
            with pytest.raises(InvalidInputError):
                await helper(email)  # type: ignore[arg-type]
        with pytest.raises(InvalidInputError):
            await client.accounts.disable_warmup([email])  # type: ignore[list-item]
    assert wire.requests == []


# -- job ids -----------------------------------------------------------------------------------

job_ids = st.one_of(texts, st.sampled_from(WRONG_TYPES), st.integers())


@HYPOTHESIS
@given(job_id=job_ids)
def test_a_job_id_is_refused_or_sent_as_one_segment_of_the_job_path(job_id: object) -> None:
    with client_and_wire() as (client, wire):
        if outcome(lambda: client.jobs.get(job_id), wire):  # type: ignore[arg-type]
            assert len(wire.requests) == 1
            assert isinstance(job_id, str)
            assert_path(wire.requests[0], "GET", "/api/v2/background-jobs/{}", job_id)
            assert wire.requests[0].url.query == b""


@HYPOTHESIS
@given(job_id=job_ids)
def test_a_job_wait_is_refused_or_polls_only_the_job_path(job_id: object) -> None:
    with client_and_wire() as (client, wire):
        if outcome(lambda: client.jobs.wait(job_id, wait_timeout=0), wire):  # type: ignore[arg-type]
            assert isinstance(job_id, str)
            for request in wire.requests:
                assert_path(request, "GET", "/api/v2/background-jobs/{}", job_id)


@HYPOTHESIS
@given(data_fields=st.one_of(st.none(), job_ids, st.lists(job_ids, max_size=4)))
def test_data_fields_are_refused_or_sent_as_one_query_parameter(data_fields: object) -> None:
    with client_and_wire() as (client, wire):
        if outcome(lambda: client.jobs.get("job-1", data_fields=data_fields), wire):  # type: ignore[arg-type]
            request = wire.requests[0]
            assert_path(request, "GET", "/api/v2/background-jobs/{}", "job-1")
            assert set(request.url.params) <= {"data_fields"}


# -- lists of addresses: pause_many, warmup ----------------------------------------------------


@HYPOTHESIS
@given(emails=email_lists)
def test_pause_many_is_refused_or_sent_in_chunks_of_at_most_100_to_the_bulk_path(
    emails: object,
) -> None:
    with client_and_wire() as (client, wire):
        if outcome(lambda: client.accounts.pause_many(emails), wire):  # type: ignore[arg-type]
            assert len(wire.requests) == 1  # the first chunk's 404 ends the call
            request = wire.requests[0]
            assert_path(request, "POST", "/api/v2/accounts/pause", None)
            body = httpx.Response(200, content=request.content).json()
            assert set(body) == {"emails"}
            assert 1 <= len(body["emails"]) <= 100


@pytest.mark.parametrize("action", ["enable_warmup", "disable_warmup"])
@HYPOTHESIS
@given(
    emails=st.one_of(st.none(), email_lists),
    include_all=st.one_of(st.booleans(), st.sampled_from([0, 1, "yes", None])),
    exclude=st.one_of(st.none(), email_lists),
    search=st.one_of(st.none(), texts),
    tag_id=st.one_of(st.none(), texts),
    filter=st.one_of(st.none(), texts, st.sampled_from(["FILTER_WARMUP_ACTIVE", 3])),
)
def test_warmup_is_refused_or_sent_to_its_own_path_with_one_selection(
    action: str,
    emails: object,
    include_all: object,
    exclude: object,
    search: object,
    tag_id: object,
    filter: object,
) -> None:
    with client_and_wire() as (client, wire):
        kwargs: dict[str, Any] = {
            "include_all": include_all,
            "exclude": exclude,
            "search": search,
            "tag_id": tag_id,
            "filter": filter,
        }
        call = getattr(client.accounts, action)
        if outcome(lambda: call(emails, **kwargs), wire):
            # Besides the one POST, only reads of the jobs list (the look-up baseline) are sent.
            posts = [r for r in wire.requests if r.method == "POST"]
            others = [r for r in wire.requests if r.method != "POST"]
            assert len(posts) == 1
            assert all(r.url.path == "/api/v2/background-jobs" for r in others), others
            request = posts[0]
            verb = "enable" if action == "enable_warmup" else "disable"
            assert_path(request, "POST", f"/api/v2/accounts/warmup/{verb}", None)
            body = httpx.Response(200, content=request.content).json()
            assert ("emails" in body) != ("include_all_emails" in body), body
            assert len(body.get("emails", [])) <= 100
            assert len(body.get("excluded_emails", [])) <= 100


@pytest.mark.parametrize(
    "kwargs",
    [
        {"emails": ["jon@doe.com"], "include_all": True},
        {},
        {"emails": None, "include_all": False},
        {"emails": []},
        {"emails": ["jon@doe.com"], "exclude": ["a@b.co"]},
        {"emails": ["jon@doe.com"], "search": "x"},
        {"include_all": True, "exclude": [f"u{n}@doe.com" for n in range(101)]},
        {"include_all": True, "filter": "not-a-filter"},
        {"include_all": "yes"},
        {"emails": "jon@doe.com"},
        {"emails": ["jon@doe.com", "bad"]},
    ],
    ids=repr,
)
def test_a_bad_warmup_selection_is_refused_with_zero_requests(kwargs: dict[str, Any]) -> None:
    with client_and_wire() as (client, wire), pytest.raises(ValueError):
        client.accounts.disable_warmup(**kwargs)
    assert wire.requests == []


def test_more_than_100_addresses_are_split_into_requests_of_at_most_100() -> None:
    emails = [f"user{n}@doe.com" for n in range(250)]
    sizes: list[int] = []

    def handler(request: httpx.Request) -> httpx.Response:
        body = httpx.Response(200, content=request.read()).json()
        sizes.append(len(body["emails"]))
        return httpx.Response(200, json={"paused_emails": body["emails"], "failed_emails": []})

    with Instantly(SECRET_KEY, transport=httpx.MockTransport(handler), rate_limit=None) as client:
        result = client.accounts.pause_many(emails)
    assert sizes == [100, 100, 50]
    assert len(result.paused) == 250


# -- list filters and per-call options ---------------------------------------------------------

anything = st.one_of(
    st.none(), texts, st.integers(), st.floats(), st.booleans(), st.sampled_from(WRONG_TYPES)
)


@HYPOTHESIS
@given(limit=anything, starting_after=st.one_of(st.none(), texts), search=anything)
def test_account_listing_is_refused_or_sends_one_get_to_the_accounts_path(
    limit: object, starting_after: object, search: object
) -> None:
    with client_and_wire() as (client, wire):

        def first_page() -> object:
            pages = client.accounts.list(
                limit=limit,  # type: ignore[arg-type]
                starting_after=starting_after,  # type: ignore[arg-type]
                search=search,  # type: ignore[arg-type]
            )
            return next(iter(pages))

        if outcome(first_page, wire):
            request = wire.requests[0]
            assert_path(request, "GET", "/api/v2/accounts", None)
            params = request.url.params
            assert params["limit"] == str(limit if limit is not None else 100)
            assert 1 <= int(params["limit"]) <= 100


def _first_account_page(client: Instantly, **filters: object) -> object:
    return next(iter(client.accounts.list(**filters)))  # type: ignore[arg-type]


FILTERS = st.fixed_dictionaries(
    {},
    optional={
        name: anything
        for name in ("status", "provider_code", "include_tags", "filter", "sort_by", "sort_order")
    },
)


@HYPOTHESIS
@given(filters=FILTERS)
def test_no_filter_value_reaches_the_wire_as_a_repr(filters: dict[str, object]) -> None:
    """An object, bytes, a dict or NaN is refused, not sent as `<object at 0x...>` or `nan`."""
    with client_and_wire() as (client, wire):
        if outcome(lambda: _first_account_page(client, **filters), wire):
            params = wire.requests[0].url.params
            for name, value in filters.items():
                if value is None:
                    continue
                values = value if isinstance(value, list) else [value]  # a list repeats the key
                assert all(isinstance(v, str | int | float) and v == v for v in values)  # not NaN
                shown = [str(v).lower() if isinstance(v, bool) else str(v) for v in values]
                assert params.get_list(name) == shown


@pytest.mark.parametrize(
    "filters",
    [
        {"status": "abc"},
        {"status": 1.5},
        {"status": [1, 2]},
        {"provider_code": ""},
        {"include_tags": "no"},
    ],
    ids=repr,
)
def test_typed_account_filters_are_refused_or_sent_as_their_documented_type(
    filters: dict[str, object],
) -> None:
    with client_and_wire() as (client, wire):
        if outcome(lambda: _first_account_page(client, **filters), wire):
            params = wire.requests[0].url.params
            for name in ("status", "provider_code"):
                if name in params:
                    assert len(params.get_list(name)) == 1
                    int(params[name])  # one integer, as the spec documents
            if "include_tags" in params:
                assert params["include_tags"] in ("true", "false")


@HYPOTHESIS
@given(max_retries=anything, timeout=anything)
def test_per_call_options_are_refused_or_applied(max_retries: object, timeout: object) -> None:
    with client_and_wire() as (client, wire):
        if outcome(
            lambda: client.accounts.get(
                "jon@doe.com",
                max_retries=max_retries,  # type: ignore[arg-type]
                timeout=timeout,  # type: ignore[arg-type]
            ),
            wire,
        ):
            assert_path(wire.requests[0], "GET", "/api/v2/accounts/{}", "jon@doe.com")


def test_an_unknown_per_call_option_is_refused_with_zero_requests() -> None:
    with client_and_wire() as (client, wire), pytest.raises(InvalidInputError, match="unknown"):
        client.accounts.get("jon@doe.com", retries=3)  # type: ignore[call-arg]
    assert wire.requests == []
