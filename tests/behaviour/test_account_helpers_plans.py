"""The decisions behind split calls (`instantly._bulk`), checked without any I/O.

The behaviour tests drive these plans through the clients against the fake; these pin the edge
cases the fake never produces: a server that leaves an address out of both lists, or echoes it
in another case.
"""

from __future__ import annotations

import pytest
from instantly import BadRequestError, BulkPauseResult, InvalidInputError, PartialBatchError
from instantly._bulk import BulkPausePlan, SplitCall


def _bad_request() -> BadRequestError:
    return BadRequestError("refused", status_code=400, method="POST", path="/api/v2/accounts/pause")


def test_a_plan_chunks_validated_unique_addresses_by_100() -> None:
    emails = [f"a{n}@example.com" for n in range(201)] * 2

    plan = BulkPausePlan(emails)

    assert [len(chunk) for chunk in plan.chunks] == [100, 100, 1]
    assert plan.body(2) == {"emails": ["a200@example.com"]}


def test_an_address_the_server_did_not_mention_counts_as_failed() -> None:
    plan = BulkPausePlan(["a@example.com", "b@example.com"])

    plan.record_answer(["a@example.com"], [])

    assert plan.result() == BulkPauseResult(
        paused=["a@example.com"],
        failed=["b@example.com"],
        requests=1,
        responses=[{"paused_emails": ["a@example.com"], "failed_emails": []}],
    )


def test_an_address_echoed_in_another_case_is_matched() -> None:
    plan = BulkPausePlan(["Jon.Doe@Example.com"])

    plan.record_answer(["jon.doe@example.com"], [])

    assert plan.result().paused == ["Jon.Doe@example.com"]


def test_the_result_keeps_the_order_the_addresses_were_given() -> None:
    plan = BulkPausePlan(["c@example.com", "a@example.com", "b@example.com"])

    plan.record_answer(["b@example.com", "c@example.com"], ["a@example.com"])

    result = plan.result()
    assert (result.paused, result.failed) == (["c@example.com", "b@example.com"], ["a@example.com"])


def test_an_empty_list_is_refused() -> None:
    with pytest.raises(InvalidInputError, match="emails is empty"):
        BulkPausePlan([])


def test_a_failure_at_the_first_request_is_the_error_itself() -> None:
    call: SplitCall[str] = SplitCall("disable_warmup", [["a@example.com"], ["b@example.com"]])
    error = _bad_request()

    assert call.failure(error) is error


def test_a_failure_after_a_success_carries_what_was_done_and_what_was_not() -> None:
    call: SplitCall[str] = SplitCall(
        "disable_warmup", [["a@example.com"], ["b@example.com"], ["c@example.com"]]
    )
    call.record("job-1")
    error = _bad_request()

    failure = call.failure(error)

    assert isinstance(failure, PartialBatchError)
    assert failure.completed == ("job-1",)
    assert failure.unsent == ("b@example.com", "c@example.com")
    assert failure.error is error
    assert (failure.method, failure.path) == ("POST", "/api/v2/accounts/pause")
    assert "request 2 of 3 failed after 1 succeeded" in str(failure)


def test_a_bulk_pause_failure_carries_the_result_so_far() -> None:
    plan = BulkPausePlan([f"a{n}@example.com" for n in range(150)])
    plan.record_answer([f"a{n}@example.com" for n in range(100)], [])

    failure = plan.failure(_bad_request())

    assert isinstance(failure, PartialBatchError)
    assert isinstance(failure.completed, BulkPauseResult)
    assert (len(failure.completed.paused), failure.completed.requests) == (100, 1)
    assert len(failure.unsent) == 50
