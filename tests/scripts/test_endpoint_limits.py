"""Per-endpoint limits read from operation descriptions: each phrasing, the notes, the module."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest

from scripts.endpoint_limits import (
    MODULE_BANNER,
    extract_endpoint_limits,
    limits_in_text,
    main,
    render_endpoint_limits_module,
)
from scripts.spec_files import REPO_ROOT, find_pinned_spec
from tests._tools import find_tool


def spec_with(*operations: tuple[str, str, str]) -> dict[str, Any]:
    """A minimal spec whose operations carry the given descriptions."""
    paths: dict[str, Any] = {}
    for method, template, description in operations:
        paths.setdefault(template, {})[method] = {"description": description, "responses": {}}
    return {"openapi": "3.1.0", "paths": paths}


def pinned_spec() -> dict[str, Any]:
    """The pinned spec: the vendored copy, else a local snapshot; skip when neither exists."""
    candidates = [REPO_ROOT / "openapi" / "api_v2.json", find_pinned_spec()]
    shared = REPO_ROOT.parent / "shared" / "openapi" / "api_v2.2026-08-21.json"
    candidates.append(shared)
    for path in candidates:
        if isinstance(path, Path) and path.is_file():
            document: dict[str, Any] = json.loads(path.read_text(encoding="utf-8-sig"))
            return document
    pytest.skip("no copy of the pinned spec (openapi/api_v2.json or ../shared/openapi)")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "This request has a rate limit of 30 request per minute, or 900 requests per hour.",
            ((30, 60.0), (900, 3600.0)),
        ),
        ("Rate limit: 10 requests per minute per workspace.", ((10, 60.0),)),
        (
            "**Rate Limit:** This endpoint has a rate limit of 20 requests per minute, unlike "
            "other API endpoints.",
            ((20, 60.0),),
        ),
        ("Rate limit: 500 requests per 30 days per workspace.", ((500, 30 * 86400.0),)),
        (
            "**Special rate limits:**\n- 75 requests per minute per workspace\n"
            "- 150 requests per minute per IP",
            ((75, 60.0), (150, 60.0)),
        ),
        ("Limited to 6,000 calls per hour.", ((6000, 3600.0),)),
        ("At most 5 requests/second.", ((5, 1.0),)),
        ("2 requests every 10 seconds", ((2, 10.0),)),
    ],
)
def test_each_phrasing_is_read(text: str, expected: tuple[tuple[int, float], ...]) -> None:
    assert limits_in_text(text) == (expected, [])


def test_the_same_limit_stated_twice_is_kept_once() -> None:
    text = "Rate limit: 10 requests per minute. Again: 10 requests per minute."
    assert limits_in_text(text) == (((10, 60.0),), [])


def test_a_description_without_a_limit_yields_nothing_and_no_note() -> None:
    text = "Get daily account analytics showing the number of emails sent per day."
    assert limits_in_text(text) == ((), [])


def test_a_rate_limit_mention_without_a_quantity_is_reported_not_guessed() -> None:
    limits, notes = limits_in_text("This endpoint is rate limited more strictly than others.")
    assert limits == ()
    assert notes == [
        "mentions a limit but states no quantity: "
        "'This endpoint is rate limited more strictly than others.'"
    ]


def test_an_unknown_unit_is_reported_not_guessed() -> None:
    limits, notes = limits_in_text("Rate limit: 3 requests per fortnight.")
    assert limits == ()
    assert notes == ["unknown unit 'fortnight' in '3 requests per fortnight'"]


def test_an_unknown_unit_beside_a_known_one_keeps_the_known_and_reports_the_other() -> None:
    limits, notes = limits_in_text("10 requests per minute, or 100 requests per sprint.")
    assert limits == ((10, 60.0),)
    assert notes == ["unknown unit 'sprint' in '100 requests per sprint'"]


def test_a_zero_limit_is_reported() -> None:
    assert limits_in_text("0 requests per minute") == (
        (),
        ["not a usable limit: '0 requests per minute'"],
    )


def test_a_sentence_about_a_limit_next_to_a_stated_one_is_not_a_note() -> None:
    text = "Rate limit: 500 requests per 30 days. This rate limit applies only to this endpoint."
    assert limits_in_text(text) == (((500, 2592000.0),), [])


def test_the_table_is_keyed_by_method_and_path_template() -> None:
    document = spec_with(
        ("get", "/api/v2/emails", "Rate limit: 20 requests per minute."),
        ("post", "/api/v2/emails/{id}/x", "Rate limit: 2 requests per second."),
        ("get", "/api/v2/accounts", "Lists accounts."),
    )
    table, notes = extract_endpoint_limits(document)
    assert table == {
        "GET /api/v2/emails": ((20, 60.0),),
        "POST /api/v2/emails/{id}/x": ((2, 1.0),),
    }
    assert notes == []


def test_notes_name_the_operation() -> None:
    document = spec_with(("post", "/api/v2/x", "Heavily throttled."))
    assert extract_endpoint_limits(document) == (
        {},
        ["POST /api/v2/x: mentions a limit but states no quantity: 'Heavily throttled.'"],
    )


def test_non_operation_keys_and_missing_descriptions_are_ignored() -> None:
    document = {
        "paths": {
            "/a": {"parameters": [], "summary": "10 requests per minute", "get": {}},
            "/b": "not an object",
        }
    }
    assert extract_endpoint_limits(document) == ({}, [])
    assert extract_endpoint_limits({}) == ({}, [])


def test_the_summary_is_read_too() -> None:
    document = {"paths": {"/a": {"get": {"summary": "Capped at 5 requests per second"}}}}
    assert extract_endpoint_limits(document)[0] == {"GET /a": ((5, 1.0),)}


def load_module(text: str, tmp_path: Path) -> dict[str, Any]:
    namespace: dict[str, Any] = {}
    exec(compile(text, str(tmp_path / "_endpoint_limits.py"), "exec"), namespace)
    return namespace


def test_the_module_defines_the_table_with_banner_and_all(tmp_path: Path) -> None:
    document = spec_with(
        ("get", "/api/v2/emails", "Rate limit: 20 requests per minute."),
        ("post", "/x", "Throttled."),
    )
    text = render_endpoint_limits_module(document)
    assert text.startswith(MODULE_BANNER)
    namespace = load_module(text, tmp_path)
    assert namespace["ENDPOINT_LIMITS"] == {"GET /api/v2/emails": ((20, 60.0),)}
    assert namespace["__all__"] == ["ENDPOINT_LIMITS"]
    assert "# 'Rate limit: 20 requests per minute.'" in text
    assert "POST /x: mentions a limit but states no quantity" in text


def test_an_empty_table_is_a_valid_module(tmp_path: Path) -> None:
    namespace = load_module(render_endpoint_limits_module({"paths": {}}), tmp_path)
    assert namespace["ENDPOINT_LIMITS"] == {}


def ruff_format_check(text: str, tmp_path: Path) -> None:
    """Assert `ruff format` (as regeneration runs it) would leave `text` unchanged."""
    ruff = find_tool("ruff")
    if ruff is None:
        pytest.skip("ruff is not installed")
    path = tmp_path / "_endpoint_limits.py"
    path.write_text(text, encoding="utf-8")
    done = subprocess.run(
        [ruff, "format", "--isolated", "--line-length", "100", "--check", str(path)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_a_long_entry_is_rendered_over_several_lines(tmp_path: Path) -> None:
    template = "/api/v2/" + "very-long-segment/" * 4 + "end"
    document = spec_with(("get", template, "10 requests per minute, 100 requests per hour"))
    text = render_endpoint_limits_module(document)
    assert "        (10, 60.0),\n        (100, 3600.0),\n    )," in text
    assert load_module(text, tmp_path)["ENDPOINT_LIMITS"] == {
        f"GET {template}": ((10, 60.0), (100, 3600.0))
    }
    ruff_format_check(text, tmp_path)


def test_the_pinned_spec_yields_every_limit_it_states_and_no_note() -> None:
    table, notes = extract_endpoint_limits(pinned_spec())
    assert notes == []
    assert table == {
        "POST /api/v2/dfy-email-account-orders/domains/check": ((30, 60.0), (900, 3600.0)),
        "PUT /api/v2/domains/{domain}/forwarding": ((10, 60.0), (60, 3600.0)),
        "DELETE /api/v2/domains/{domain}/forwarding": ((10, 60.0), (60, 3600.0)),
        "GET /api/v2/emails": ((20, 60.0),),
        "POST /api/v2/emails/test": ((10, 60.0),),
        "POST /api/v2/lead-labels/ai-reply-label": ((500, 2592000.0),),
        "POST /api/v2/oauth/google/init": ((75, 60.0), (150, 60.0)),
        "POST /api/v2/oauth/microsoft/init": ((75, 60.0), (150, 60.0)),
    }


def test_the_module_of_the_pinned_spec_is_stable_under_ruff_format(tmp_path: Path) -> None:
    ruff_format_check(render_endpoint_limits_module(pinned_spec()), tmp_path)


def test_main_prints_the_table_and_returns_1_on_notes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "spec.json"
    path.write_text(
        json.dumps(spec_with(("get", "/e", "20 requests per minute"), ("get", "/f", "throttled")))
    )
    assert main([str(path)]) == 1
    out, err = capsys.readouterr()
    assert out == "GET /e: 20/60s\n"
    assert err == "NOTE GET /f: mentions a limit but states no quantity: 'throttled'\n"
