"""The webhook receiver: parsing deliveries, the shared secret, de-duplication, event names."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
from pathlib import Path
from typing import Any

import pytest
from instantly import InstantlyError, InvalidInputError
from instantly._errors import (
    MalformedWebhookError,
    WebhookAuthenticationError,
    WebhookCapacityError,
    WebhookError,
)
from instantly._facts import (
    WEBHOOK_DELIVERY_ALIASES,
    WEBHOOK_DELIVERY_EVENT_TYPES,
    WEBHOOK_SUBSCRIPTION_EVENT_TYPES,
)
from instantly.webhooks import (
    KNOWN_EVENT_TYPES,
    MemoryDeduplicator,
    WebhookEvent,
    WebhookReceiver,
    check_shared_secret,
    normalize_event_type,
    parse_event,
)

from scripts.spec_files import find_pinned_spec

ROOT = Path(__file__).resolve().parents[2]
SECRET = "s3cret-value-0123456789"

REPLY: dict[str, Any] = {
    "timestamp": "2026-03-05T23:09:47.220Z",
    "event_type": "reply_received",
    "workspace": "019cc043-af54-70e2-ac5a-5f6af8474683",
    "campaign_id": "019cc043-af54-70e2-ac5a-5f6b82b607b8",
    "campaign_name": "Q2 outreach",
    "lead_email": "jane@example.com",
    "email_account": "sender001@example.com",
    "unibox_url": "https://app.instantly.ai/app/unibox?thread=1",
    "step": 1,
    "variant": 2,
    "is_first": True,
    "email_id": "019cc043-af54-70e2-ac5a-5f6b82b607b9",
    "reply_text_snippet": "Sounds good",
    "reply_subject": "Re: hello",
    "reply_text": "Sounds good, let's talk.",
    "reply_html": "<p>Sounds good, let's talk.</p>",
    "companyName": "Acme",
    "firstName": "Jane",
}


def body(**changes: Any) -> bytes:
    payload = {**REPLY, **changes}
    return json.dumps({k: v for k, v in payload.items() if v is not ...}).encode()


def spec() -> dict[str, Any]:
    path = find_pinned_spec()
    if path is None:
        pytest.skip("pinned spec not found locally (see scripts/spec_files.py)")
    document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8-sig"))
    return document


# -- facts against the spec ----------------------------------------------------------------------


def test_subscription_event_types_are_the_create_webhook_enum_of_the_spec() -> None:
    operation = spec()["paths"]["/api/v2/webhooks"]["post"]
    schema = operation["requestBody"]["content"]["application/json"]["schema"]
    assert tuple(schema["properties"]["event_type"]["enum"]) == WEBHOOK_SUBSCRIPTION_EVENT_TYPES


def test_subscription_event_types_are_the_webhook_schema_enum_of_the_spec() -> None:
    schema = spec()["components"]["schemas"]["Webhook"]["properties"]["event_type"]
    assert tuple(schema["enum"]) == WEBHOOK_SUBSCRIPTION_EVENT_TYPES


def test_every_alias_maps_a_delivered_name_to_a_subscription_name() -> None:
    for delivered, subscribed in WEBHOOK_DELIVERY_ALIASES.items():
        assert delivered in WEBHOOK_DELIVERY_EVENT_TYPES
        assert delivered not in WEBHOOK_SUBSCRIPTION_EVENT_TYPES
        assert subscribed in WEBHOOK_SUBSCRIPTION_EVENT_TYPES


def test_known_names_are_the_subscription_names_and_unaliased_delivered_names() -> None:
    assert "email_link_clicked" in KNOWN_EVENT_TYPES
    assert "link_clicked" not in KNOWN_EVENT_TYPES
    assert "auto_reply_received" in KNOWN_EVENT_TYPES
    assert "all_events" not in KNOWN_EVENT_TYPES


# -- event names ---------------------------------------------------------------------------------


def test_a_click_is_delivered_as_link_clicked_and_read_as_email_link_clicked() -> None:
    event = parse_event(body(event_type="link_clicked"))
    assert (event.event_type, event.delivered_event_type, event.known) == (
        "email_link_clicked",
        "link_clicked",
        True,
    )


def test_a_name_delivered_as_subscribed_is_unchanged() -> None:
    assert normalize_event_type("reply_received") == "reply_received"


def test_an_auto_reply_keeps_its_name_as_no_subscription_name_is_documented() -> None:
    event = parse_event(body(event_type="auto_reply_received"))
    assert (event.event_type, event.known) == ("auto_reply_received", True)


def test_an_unknown_event_type_is_kept_not_fatal() -> None:
    event = parse_event(body(event_type="Hot prospect (custom label)"))
    assert (event.event_type, event.known) == ("Hot prospect (custom label)", False)


# -- parsing -------------------------------------------------------------------------------------


def test_documented_fields_are_typed_and_the_rest_is_lead_data() -> None:
    event = parse_event(body())
    assert event.lead_email == "jane@example.com"
    assert event.campaign_id == REPLY["campaign_id"]
    assert (event.step, event.variant, event.is_first) == (1, 2, True)
    assert event.reply_text == "Sounds good, let's talk."
    assert event.occurred_at is not None and event.occurred_at.isoformat() == (
        "2026-03-05T23:09:47.220000+00:00"
    )
    assert dict(event.lead_data) == {"companyName": "Acme", "firstName": "Jane"}
    assert dict(event.payload) == REPLY


@pytest.mark.parametrize("kind", ["bytes", "str", "dict", "bytearray", "memoryview"])
def test_bytes_str_and_a_parsed_dict_read_the_same(kind: str) -> None:
    raw = body()
    given: Any = {
        "bytes": raw,
        "str": raw.decode(),
        "dict": json.loads(raw),
        "bytearray": bytearray(raw),
        "memoryview": memoryview(raw),
    }[kind]
    assert parse_event(given).event_id == parse_event(raw).event_id


def test_the_payload_cannot_be_changed_through_the_event() -> None:
    event = parse_event(body())
    with pytest.raises(TypeError):
        event.payload["event_type"] = "x"  # type: ignore[index]


def test_only_event_type_is_required() -> None:
    event = parse_event(b'{"event_type": "account_error"}')
    assert (event.lead_email, event.campaign_id, event.occurred_at, event.step) == (
        None,
        None,
        None,
        None,
    )


def test_null_optional_fields_read_as_none() -> None:
    event = parse_event(body(lead_email=None, step=None, is_first=None, timestamp=None))
    assert (event.lead_email, event.step, event.is_first, event.occurred_at) == (
        None,
        None,
        None,
        None,
    )


def test_an_integral_float_step_reads_as_an_int() -> None:
    assert parse_event(body(step=2.0)).step == 2


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (b"", "the delivery is empty"),
        (b"   ", "the delivery is empty"),
        (b"<html>502 Bad Gateway</html>", "not valid JSON"),
        (b'{"event_type": "x"', "not valid JSON"),
        (b"\xff\xfe{}", "not UTF-8"),
        (b"[]", "a JSON object, got a JSON list"),
        (b'"reply_received"', "a JSON object, got a JSON str"),
        (b"null", "a JSON object, got a JSON null"),
        (b"42", "a JSON object, got a JSON int"),
        (b"{}", "has no 'event_type'"),
        (b'{"lead_email": "a@b.co"}', "keys: lead_email"),
        (b'{"event_type": null}', "'event_type' must be a non-empty string, got null"),
        (b'{"event_type": ""}', "'event_type' must be a non-empty string"),
        (b'{"event_type": 7}', "'event_type' must be a non-empty string, got int"),
        (b'{"event_type": ["reply_received"]}', "got list"),
        (b'{"event_type": "x", "lead_email": 5}', "'lead_email' must be a string, got int"),
        (b'{"event_type": "x", "campaign_id": {}}', "'campaign_id' must be a string, got dict"),
        (b'{"event_type": "x", "step": "1"}', "'step' must be an integer, got str"),
        (b'{"event_type": "x", "step": true}', "'step' must be an integer, got bool"),
        (b'{"event_type": "x", "variant": 1.5}', "'variant' must be an integer, got 1.5"),
        (b'{"event_type": "x", "is_first": "yes"}', "'is_first' must be true or false"),
        (b'{"event_type": "x", "timestamp": "yesterday"}', "not an ISO 8601 timestamp"),
        (b'{"event_type": "x", "step": NaN}', "NaN is not a JSON number"),
        (b'{"event_type": "x", "extra": Infinity}', "Infinity is not a JSON number"),
        (b'{"event_type": "x", "extra": 1e999}', "a value JSON cannot carry"),
        (b'{"event_type": "x", "extra": ' + b"9" * 5000 + b"}", "not valid JSON"),
    ],
)
def test_hostile_bodies_raise_a_malformed_webhook_error_naming_the_problem(
    raw: bytes, message: str
) -> None:
    with pytest.raises(MalformedWebhookError, match=None) as caught:
        parse_event(raw)
    assert message in str(caught.value)


def test_a_body_over_the_size_limit_is_refused_before_parsing() -> None:
    huge = b'{"event_type": "x", "reply_html": "' + b"a" * 2_000 + b'"}'
    with pytest.raises(MalformedWebhookError, match="over the 1,000-byte limit"):
        parse_event(huge, max_bytes=1000)


def test_the_default_limit_refuses_a_huge_body() -> None:
    huge = b" " * (5 * 1024 * 1024 + 1)
    with pytest.raises(MalformedWebhookError, match="5,242,881 bytes"):
        parse_event(huge)


def test_a_deeply_nested_body_is_refused_not_a_recursion_error() -> None:
    deep = b'{"event_type": "x", "extra": ' + b"[" * 100_000 + b"]" * 100_000 + b"}"
    with pytest.raises(MalformedWebhookError, match="nests too deeply"):
        parse_event(deep)


@pytest.mark.parametrize("given", [42, None, ["event_type"], object()])
def test_a_body_of_the_wrong_python_type_is_refused(given: Any) -> None:
    with pytest.raises(MalformedWebhookError, match="a delivery is bytes, str or a JSON object"):
        parse_event(given)


def test_a_dict_with_a_non_text_key_is_refused() -> None:
    with pytest.raises(MalformedWebhookError, match="non-text key 1"):
        parse_event({"event_type": "x", 1: "y"})  # type: ignore[dict-item]


def test_a_dict_holding_a_value_json_cannot_carry_is_refused() -> None:
    with pytest.raises(MalformedWebhookError, match="a value JSON cannot carry"):
        parse_event({"event_type": "x", "extra": {1, 2}})


def test_errors_are_instantly_errors_and_malformed_is_a_value_error() -> None:
    assert issubclass(MalformedWebhookError, WebhookError)
    assert issubclass(MalformedWebhookError, ValueError)
    assert issubclass(WebhookAuthenticationError, WebhookError)
    assert issubclass(WebhookError, InstantlyError)


# -- identity ------------------------------------------------------------------------------------


def test_a_retry_with_the_same_payload_has_the_same_id_whatever_the_key_order() -> None:
    reordered = json.dumps(dict(reversed(list(REPLY.items())))).encode()
    assert parse_event(body()).event_id == parse_event(reordered).event_id
    assert parse_event(body()) == parse_event(reordered)


def test_two_events_differing_only_in_timestamp_have_different_ids() -> None:
    first = parse_event(body())
    second = parse_event(body(timestamp="2026-03-05T23:09:48.000Z"))
    assert first.event_id != second.event_id
    assert len({first, second}) == 2


def test_repr_shows_type_and_lead_but_not_the_content() -> None:
    shown = repr(parse_event(body()))
    assert "reply_received" in shown and "jane@example.com" in shown
    assert "Sounds good" not in shown


# -- the shared secret ---------------------------------------------------------------------------


def test_the_right_secret_passes() -> None:
    check_shared_secret({"X-Webhook-Secret": SECRET}, secret=SECRET)


def test_the_header_name_is_case_insensitive() -> None:
    check_shared_secret([("x-webhook-secret", SECRET)], secret=SECRET)


def test_raw_asgi_headers_are_accepted() -> None:
    check_shared_secret([(b"x-webhook-secret", SECRET.encode())], secret=SECRET)


def test_a_custom_header_name_is_used() -> None:
    check_shared_secret({"Authorization": f"Bearer {SECRET}"}, secret=f"Bearer {SECRET}",
                        header="Authorization")  # fmt: skip


@pytest.mark.parametrize(
    ("headers", "message"),
    [
        (None, "has no X-Webhook-Secret header"),
        ({}, "has no X-Webhook-Secret header"),
        ({"X-Other": SECRET}, "has no X-Webhook-Secret header"),
        ({"X-Webhook-Secret": "wrong"}, "is not the secret"),
        ({"X-Webhook-Secret": SECRET[:-1]}, "is not the secret"),
        ({"X-Webhook-Secret": SECRET + " "}, "is not the secret"),
        ({"X-Webhook-Secret": ""}, "is not the secret"),
        ([("X-Webhook-Secret", SECRET), ("x-webhook-secret", "x")], "2 X-Webhook-Secret headers"),
    ],
)
def test_a_missing_wrong_or_repeated_secret_is_refused(headers: Any, message: str) -> None:
    with pytest.raises(WebhookAuthenticationError, match=message) as caught:
        check_shared_secret(headers, secret=SECRET)
    assert SECRET not in str(caught.value)


def test_a_non_ascii_secret_is_compared_too() -> None:
    check_shared_secret({"X-Webhook-Secret": "pässwörd"}, secret="pässwörd")
    with pytest.raises(WebhookAuthenticationError):
        check_shared_secret({"X-Webhook-Secret": "passwort"}, secret="pässwörd")


def test_an_empty_configured_secret_is_invalid_input() -> None:
    with pytest.raises(InvalidInputError, match="non-empty"):
        check_shared_secret({}, secret="")


def test_the_comparison_is_constant_time() -> None:
    source = (ROOT / "facade" / "instantly" / "webhooks.py").read_text()
    assert "hmac.compare_digest(" in source


def test_docstrings_say_instantly_does_not_sign_deliveries() -> None:
    import instantly.webhooks as module

    for documented in (module, check_shared_secret, WebhookReceiver):
        assert "Instantly does not sign deliveries" in " ".join((documented.__doc__ or "").split())


# -- de-duplication ------------------------------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_a_key_is_new_once() -> None:
    seen = MemoryDeduplicator()
    assert (seen.add("a"), seen.add("a"), seen.add("b")) == (True, False, True)


def test_a_key_is_forgotten_after_the_ttl() -> None:
    clock = Clock()
    seen = MemoryDeduplicator(ttl=10, clock=clock)
    seen.add("a")
    clock.now = 9.9
    assert seen.add("a") is False
    clock.now = 10.0
    assert seen.add("a") is True


def test_expired_keys_are_dropped_so_memory_stays_bounded_by_time() -> None:
    clock = Clock()
    seen = MemoryDeduplicator(ttl=1, clock=clock)
    for n in range(100):
        seen.add(str(n))
    clock.now = 5
    assert len(seen) == 0


def test_when_full_a_young_key_is_not_forgotten_to_make_room() -> None:
    seen = MemoryDeduplicator(max_entries=2)
    seen.add("a")
    seen.add("b")
    with pytest.raises(WebhookCapacityError, match="answer 503"):
        seen.add("c")
    assert seen.add("a") is False  # still remembered: a replay is still dropped


def test_a_replay_after_ten_thousand_other_events_is_still_dropped() -> None:
    receiver = WebhookReceiver(secret=None)
    first = {"event_type": "email_sent", "timestamp": "2026-12-07T01:00:00Z"}
    assert receiver.receive(json.dumps(first)) is not None
    for n in range(10_001):
        receiver.receive(json.dumps({"event_type": "email_sent", "step": n}))
    assert receiver.receive(json.dumps(first)) is None


def test_an_id_is_forgotten_once_the_replay_window_has_passed() -> None:
    now = [0.0]
    seen = MemoryDeduplicator(ttl=60.0, max_entries=1, clock=lambda: now[0])
    seen.add("a")
    now[0] = 60.0
    assert seen.add("b") is True  # "a" expired: room without forgetting anything young


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ('{"event_type": "email_sent", "lead_email": "\\ud800"}', "lone surrogate"),
        (b'{"event_type": "email_sent", "x": "a\\udfff"}', "lone surrogate"),
        ('{"event_type": "email_sent", "x": "\ud800"}', "lone surrogate"),
        (b'{"event_type": "email_sent", "x": "\xff"}', "not UTF-8"),
        ("[1, 2]", "a JSON object, got a JSON list"),
        ('"email_sent"', "a JSON object, got a JSON str"),
        ("[" * 100_000 + "]" * 100_000, "nests too deeply"),
        ('{"event_type": "email_sent", "event_type": "reply_received"}', "twice"),
        ('{"event_type": "email_sent", "x": {"a": 1, "a": 2}}', "twice"),
    ],
    ids=[
        "escaped-surrogate", "low-surrogate", "raw-surrogate", "bad-utf8", "list", "string",
        "deep", "duplicate-key", "nested-duplicate",
    ],
)  # fmt: skip
def test_every_malformed_delivery_is_a_typed_400_class_error(
    body: str | bytes, problem: str
) -> None:
    receiver = WebhookReceiver(secret=None)
    with pytest.raises(MalformedWebhookError, match=problem):
        receiver.receive(body)


def test_discard_lets_a_key_through_again() -> None:
    seen = MemoryDeduplicator()
    seen.add("a")
    seen.discard("a")
    seen.discard("never-added")
    assert seen.add("a") is True


@pytest.mark.parametrize(("ttl", "entries"), [(0, 10), (-1, 10), (1, 0), (1, True), (1, 2.5)])
def test_bad_deduplicator_settings_are_invalid_input(ttl: float, entries: Any) -> None:
    with pytest.raises(InvalidInputError):
        MemoryDeduplicator(ttl=ttl, max_entries=entries)


def test_concurrent_adds_of_one_key_let_exactly_one_through() -> None:
    seen = MemoryDeduplicator()
    results: list[bool] = []
    barrier = threading.Barrier(16)

    def add() -> None:
        barrier.wait()
        results.append(seen.add("same"))

    threads = [threading.Thread(target=add) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == [False] * 15 + [True]


# -- the receiver --------------------------------------------------------------------------------


def test_the_receiver_returns_the_event_then_none_for_its_retry() -> None:
    receiver = WebhookReceiver(secret=SECRET)
    headers = {"X-Webhook-Secret": SECRET}
    first = receiver.receive(body(), headers)
    assert isinstance(first, WebhookEvent)
    assert receiver.receive(body(), headers) is None


def test_forget_lets_the_retry_of_a_failed_handling_through() -> None:
    receiver = WebhookReceiver(secret=SECRET)
    headers = {"X-Webhook-Secret": SECRET}
    event = receiver.receive(body(), headers)
    assert event is not None
    receiver.forget(event)
    assert receiver.receive(body(), headers) == event


def test_the_secret_is_checked_before_the_body_is_read() -> None:
    receiver = WebhookReceiver(secret=SECRET)
    with pytest.raises(WebhookAuthenticationError):
        receiver.receive(b"not json at all", {"X-Webhook-Secret": "wrong"})


def test_a_refused_delivery_is_not_recorded() -> None:
    seen = MemoryDeduplicator()
    receiver = WebhookReceiver(secret=SECRET, deduplicator=seen)
    with pytest.raises(WebhookAuthenticationError):
        receiver.receive(body(), {})
    assert len(seen) == 0


def test_no_secret_check_must_be_asked_for_explicitly() -> None:
    with pytest.raises(TypeError):
        WebhookReceiver()  # type: ignore[call-arg]
    assert WebhookReceiver(secret=None).receive(body()) is not None


def test_deduplication_can_be_turned_off() -> None:
    receiver = WebhookReceiver(secret=None, deduplicator=None)
    assert receiver.receive(body()) is not None
    assert receiver.receive(body()) is not None


def test_a_custom_deduplicator_is_used() -> None:
    class Everything:
        def add(self, key: str) -> bool:
            return False

        def discard(self, key: str) -> None:
            pass

    assert WebhookReceiver(secret=None, deduplicator=Everything()).receive(body()) is None


def test_the_receiver_applies_its_size_limit() -> None:
    receiver = WebhookReceiver(secret=None, max_bytes=10)
    with pytest.raises(MalformedWebhookError, match="10-byte limit"):
        receiver.receive(body())


@pytest.mark.parametrize(
    "kwargs",
    [{"secret": ""}, {"secret": None, "header": " "}, {"secret": None, "max_bytes": 0}],
)
def test_bad_receiver_settings_are_invalid_input(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidInputError):
        WebhookReceiver(**kwargs)


def test_the_receiver_repr_never_shows_the_secret() -> None:
    assert SECRET not in repr(WebhookReceiver(secret=SECRET))


# -- import cost ---------------------------------------------------------------------------------


def test_importing_webhooks_loads_no_http_client_nor_generated_code() -> None:
    probe = (
        "import sys, json, instantly.webhooks\n"
        "print(json.dumps(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('httpx', 'instantly_api', 'asyncio', 'attrs'))))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": f"{ROOT / 'facade'}:{ROOT / 'generated'}", "PATH": ""},
    )
    assert json.loads(out.stdout) == []


def test_all_names_exist() -> None:
    import instantly.webhooks as module

    for name in module.__all__:
        assert getattr(module, name) is not None
