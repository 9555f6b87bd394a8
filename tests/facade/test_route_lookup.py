"""Finding a request's operation by method and path: the index answers as a scan of the table."""

from __future__ import annotations

import re

import httpx
import pytest
from instantly._route_lookup import endpoint_limits, is_repeatable, limited_route_of
from instantly_api.resources._route_table import ROUTES


def _scan(method: str, path: str) -> bool | None:
    """The reference: the first route of the whole table that matches, in table order."""
    for route_method, regex, _, repeatable in ROUTES:
        if route_method == method and re.fullmatch(rf"(?:/.*)?{regex}", path):
            return repeatable
    return None


def _paths(regex: str) -> list[str]:
    """Paths of a route: placeholders filled with an id, an address, and a route's own words."""
    literal = re.sub(r"\\(.)", r"\1", regex)
    return [
        literal.replace("[^/]+", filler)
        for filler in ("0190c4d1-9d3e-7b4c-a1f2-3e4d5c6b7a81", "ann%40example.com", "test", "count")
    ]


@pytest.mark.parametrize("prefix", ["", "/proxy/instantly"])
def test_every_route_is_found_as_a_scan_of_the_whole_table_finds_it(prefix: str) -> None:
    checked = 0
    for method, regex, _, _ in ROUTES:
        for path in _paths(regex):
            for probe in (method, "PATCH", "OPTIONS"):
                assert is_repeatable(probe, prefix + path) == _scan(probe, prefix + path), (
                    probe,
                    path,
                )
                checked += 1
    assert checked == len(ROUTES) * 4 * 3


@pytest.mark.parametrize(
    "path", ["", "/", "/api/v2/", "/api/v2/accounts/", "/elsewhere", "/api/v2/nothing/here"]
)
def test_a_path_no_operation_has_is_none(path: str) -> None:
    assert is_repeatable("GET", path) is None


def test_a_literal_route_wins_over_a_placeholder_beside_it() -> None:
    assert limited_route_of(httpx.Request("POST", "https://x.test/api/v2/emails/test")) == (
        "POST /api/v2/emails/test"
    )
    assert limited_route_of(httpx.Request("GET", "https://x.test/api/v2/emails?limit=5")) == (
        "GET /api/v2/emails"
    )
    assert limited_route_of(httpx.Request("GET", "https://x.test/api/v2/emails/abc")) is None


def test_every_limited_route_is_found_for_its_own_requests() -> None:
    for key in endpoint_limits():
        method, _, template = key.partition(" ")
        path = re.sub(r"\{[^}]+\}", "example.com", template)
        assert limited_route_of(httpx.Request(method, "https://x.test" + path)) == key
