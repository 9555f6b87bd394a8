"""Construct rules of the resource layer for what a 2xx means: 202 without a job, an error in 200.

Each rule is proven on minimal synthetic specs and on the pinned spec (which operations it marks).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from scripts.resource_layer._semantics import is_accepted_without_job, reports_error_in_body
from scripts.spec_files import find_pinned_spec

JOB = {"title": "Background Job", "type": "object", "properties": {"id": {"type": "string"}}}
DOC: dict[str, Any] = {"components": {"schemas": {"BackgroundJob": JOB}}}


def _op(status: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"responses": {status: {"content": {"application/json": {"schema": schema}}}}}


MESSAGE = {"type": "object", "properties": {"message": {"type": "string"}}}


def test_a_write_answered_202_without_a_job_is_accepted() -> None:
    assert is_accepted_without_job(DOC, "post", _op("202", MESSAGE))


def test_a_202_whose_body_is_the_job_schema_is_not_merely_accepted() -> None:
    ref = {"$ref": "#/components/schemas/BackgroundJob"}
    assert not is_accepted_without_job(DOC, "post", _op("202", ref))


@pytest.mark.parametrize(("method", "status"), [("post", "200"), ("get", "202")])
def test_a_200_or_a_read_is_not_accepted(method: str, status: str) -> None:
    assert not is_accepted_without_job(DOC, method, _op(status, MESSAGE))


def test_a_202_beside_a_200_is_not_accepted() -> None:
    op = _op("202", MESSAGE)
    op["responses"]["200"] = {"content": {"application/json": {"schema": MESSAGE}}}
    assert not is_accepted_without_job(DOC, "post", op)


def test_success_beside_an_error_string_reports_errors_in_the_body() -> None:
    schema = {
        "type": "object",
        "properties": {"success": {"type": "boolean"}, "error": {"type": "string"}},
    }
    assert reports_error_in_body(DOC, _op("200", schema))


@pytest.mark.parametrize(
    "properties",
    [
        {"success": {"type": "boolean"}},
        {"error": {"type": "string"}, "error_description": {"type": "string"}},
        {"success": {"type": "boolean"}, "error_message": {"type": ["null", "string"]}},
        {"success": {"type": "string"}, "error": {"type": "string"}},
    ],
)
def test_other_shapes_do_not_report_errors_in_the_body(properties: dict[str, Any]) -> None:
    assert not reports_error_in_body(DOC, _op("200", {"type": "object", "properties": properties}))


def _pinned_marks() -> tuple[set[str], set[str]]:
    path = find_pinned_spec()
    if path is None:
        pytest.skip("pinned spec not found locally")
    document = json.loads(Path(path).read_text(encoding="utf-8-sig"))
    accepted, errors = set(), set()
    for item in document["paths"].values():
        for method, op in item.items():
            if not isinstance(op, dict) or "responses" not in op:
                continue
            if is_accepted_without_job(document, method, op):
                accepted.add(op["operationId"])
            if reports_error_in_body(document, op):
                errors.add(op["operationId"])
    return accepted, errors


def test_the_pinned_spec_marks_the_202_operations_as_accepted() -> None:
    assert _pinned_marks()[0] == {"updateLeadInterestStatus", "bulkAssignLeads"}


def test_the_pinned_spec_marks_only_the_webhook_test_as_reporting_errors_in_200() -> None:
    assert _pinned_marks()[1] == {"testWebhook"}
