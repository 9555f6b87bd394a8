"""The traps every Instantly user meets, typed: Cloudflare's 403, 402, and error bodies not JSON.

A non-2xx whose body is not Instantly's JSON error (a Cloudflare block page, a proxy's HTML 502,
an empty body) still gives the status's class with a short, tag-free excerpt, never a decoding
error; a 403 that is Cloudflare's block says so and what to do.
"""

from __future__ import annotations

import json
import pickle

import httpx
import pytest
from _facade_helpers import API_KEY, error_body, json_response
from instantly import (
    APIStatusError,
    CloudflareBlockedError,
    Instantly,
    PaymentRequiredError,
    PermissionDeniedError,
    status_error_class,
)
from instantly._config import USER_AGENT
from instantly._status_errors import status_error

REQUEST = httpx.Request(
    "GET",
    "https://api.instantly.ai/api/v2/accounts",
    headers={"Authorization": f"Bearer {API_KEY}"},
)
RAY = "8f1c2d3e4a5b6c7d"
CLOUDFLARE_1010_PAGE = f"""<!DOCTYPE html>
<html><head><title>Access denied | api.instantly.ai used Cloudflare to restrict access</title>
<style>body {{ font-family: sans-serif; color: #333 }}</style>
<script>window._cf_chl_opt = {{cType: 'managed'}};</script></head>
<body><!-- cf error page --><h1><span>Error</span> <span>1010</span></h1>
<span>Ray ID: {RAY}</span>
<p>The owner of this website (api.instantly.ai) has banned your access based on your browser&#39;s
signature &amp; settings.</p></body></html>"""
CHALLENGE_PAGE = (
    "<!DOCTYPE html><html><head><title>Just a moment...</title></head>"
    "<body><noscript>Enable JavaScript and cookies to continue</noscript></body></html>"
)
NGINX_502 = (
    "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1>"
    "</center><hr><center>nginx</center></body></html>"
)


def error_of(response: httpx.Response) -> APIStatusError:
    response.request = REQUEST
    return status_error(response, method="GET", path="/api/v2/accounts")


def test_a_plain_error_code_1010_is_a_cloudflare_block_and_a_permission_denied_error() -> None:
    err = error_of(httpx.Response(403, text="error code: 1010"))
    assert type(err) is CloudflareBlockedError
    assert isinstance(err, PermissionDeniedError)
    assert (err.status_code, err.cloudflare_code, err.body) == (403, 1010, "error code: 1010")


def test_the_cloudflare_message_says_what_happened_and_names_the_user_agent_sent() -> None:
    err = error_of(httpx.Response(403, text="error code: 1010"))
    assert str(err).startswith("403 GET /api/v2/accounts: blocked by Cloudflare")
    assert "never reached Instantly" in err.message
    assert "error code 1010" in err.message and "User-Agent" in err.message
    assert f"'User-Agent: {USER_AGENT}'" in err.message
    assert err.message.endswith("Body: 'error code: 1010'")


def test_the_ray_id_comes_from_the_cf_ray_header() -> None:
    headers = {"cf-ray": f"{RAY}-AMS", "server": "cloudflare"}
    err = error_of(httpx.Response(403, text="error code: 1010", headers=headers))
    assert isinstance(err, CloudflareBlockedError)
    assert err.ray_id == f"{RAY}-AMS"
    assert f"Ray ID {RAY}-AMS" in err.message


def test_cloudflares_html_block_page_is_read_for_its_code_and_ray_id() -> None:
    headers = {"server": "cloudflare", "content-type": "text/html; charset=UTF-8"}
    err = error_of(httpx.Response(403, text=CLOUDFLARE_1010_PAGE, headers=headers))
    assert isinstance(err, CloudflareBlockedError)
    assert (err.cloudflare_code, err.ray_id) == (1010, RAY)
    assert "<" not in err.message and "font-family" not in err.message
    assert "_cf_chl_opt" not in err.message
    assert "browser's signature & settings" in str(err.body)


def test_a_firewall_rule_block_advises_another_network_not_the_user_agent() -> None:
    err = error_of(httpx.Response(403, text="error code: 1020"))
    assert isinstance(err, CloudflareBlockedError)
    assert "firewall rule" in err.message and "another network" in err.message
    assert "User-Agent" not in err.message


def test_a_challenge_page_is_a_cloudflare_block_without_a_code() -> None:
    headers = {"server": "cloudflare", "cf-mitigated": "challenge", "content-type": "text/html"}
    err = error_of(httpx.Response(403, text=CHALLENGE_PAGE, headers=headers))
    assert isinstance(err, CloudflareBlockedError)
    assert err.cloudflare_code is None
    assert "challenge" in err.message and "User-Agent" in err.message


def test_an_empty_403_cloudflare_marked_as_mitigated_is_a_cloudflare_block() -> None:
    err = error_of(httpx.Response(403, headers={"cf-mitigated": "challenge", "cf-ray": RAY}))
    assert isinstance(err, CloudflareBlockedError)
    assert err.message.endswith("Body: ''")


def test_instantlys_own_json_403_behind_cloudflare_stays_a_plain_permission_denied_error() -> None:
    body = error_body(403, "Forbidden", "API key does not have the required scope")
    err = error_of(json_response(403, body, {"server": "cloudflare", "cf-ray": RAY}))
    assert type(err) is PermissionDeniedError
    assert err.message == "API key does not have the required scope"


def test_a_plain_403_page_not_from_cloudflare_is_a_permission_denied_error() -> None:
    err = error_of(httpx.Response(403, text="<h1>Forbidden</h1>", headers={"server": "nginx"}))
    assert type(err) is PermissionDeniedError
    assert err.message == "Forbidden: Forbidden"


def test_the_api_key_echoed_in_a_block_page_is_scrubbed() -> None:
    page = f"error code: 1010 <p>Authorization: Bearer {API_KEY}</p>"
    err = error_of(httpx.Response(403, text=page))
    assert isinstance(err, CloudflareBlockedError)
    assert API_KEY not in err.message and API_KEY not in str(err.body)


def test_a_402_with_instantlys_body_is_payment_required_with_its_message() -> None:
    body = error_body(402, "Payment Required", "Workspace does not have an active paid plan")
    err = error_of(json_response(402, body))
    assert type(err) is PaymentRequiredError
    assert str(err) == "402 GET /api/v2/accounts: Workspace does not have an active paid plan"


def test_a_402_without_a_body_is_still_payment_required() -> None:
    err = error_of(httpx.Response(402))
    assert type(err) is PaymentRequiredError
    assert err.message == "Payment Required"


def test_an_html_page_reads_as_its_text_with_entities_decoded() -> None:
    err = error_of(httpx.Response(502, text=NGINX_502, headers={"content-type": "text/html"}))
    assert err.message == "Bad Gateway: 502 Bad Gateway 502 Bad Gateway nginx"
    assert error_of(httpx.Response(500, text="<p>a &amp; b</p>")).message == (
        "Internal Server Error: a & b"
    )


def test_a_json_string_body_is_the_message() -> None:
    err = error_of(httpx.Response(500, content=json.dumps("upstream timed out").encode()))
    assert err.message == "Internal Server Error: upstream timed out"
    assert err.body == "upstream timed out"


STATUSES = [400, 401, 402, 403, 404, 409, 413, 418, 422, 429, 500, 502, 503, 504]
BODIES = {
    "empty": b"",
    "whitespace": b" \r\n ",
    "nginx html": NGINX_502.encode(),
    "long html": b"<html><body>" + b"<div>x</div>" * 5000 + b"</body></html>",
    "plain text": b"upstream connect error or disconnect/reset before headers",
    "invalid utf-8": b"\xff\xfe\xfa bad bytes",
    "truncated json": b'{"statusCode": 500, "message": "bo',
    "json null": b"null",
    "json list": b'["a", "b"]',
    "json number": b"502",
}


@pytest.mark.parametrize("status", STATUSES)
@pytest.mark.parametrize("name", sorted(BODIES))
def test_any_error_status_with_a_body_that_is_not_an_error_object_gives_the_status_class(
    status: int, name: str
) -> None:
    err = error_of(httpx.Response(status, content=BODIES[name]))
    assert type(err) is status_error_class(status)
    assert err.status_code == status
    assert len(err.message) <= 250
    assert "<" not in err.message and "Expecting" not in err.message
    assert "Decode" not in type(err).__name__
    assert pickle.loads(pickle.dumps(err)).message == err.message


def test_a_cloudflare_block_through_a_client_call_raises_the_typed_error() -> None:
    def answer(request: httpx.Request) -> httpx.Response:
        return httpx.Response(403, text="error code: 1010", headers={"cf-ray": RAY})

    with (
        Instantly(API_KEY, transport=httpx.MockTransport(answer), rate_limit=None) as client,
        pytest.raises(CloudflareBlockedError, match="blocked by Cloudflare") as info,
    ):
        client.accounts.get("jon@doe.com")
    assert info.value.ray_id == RAY and info.value.path == "/api/v2/accounts/jon@doe.com"
