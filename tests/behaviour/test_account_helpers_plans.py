"""The decisions behind split calls (`instantly._bulk`), checked without any I/O.

The behaviour tests drive these plans through the clients against the fake; these pin the edge
cases the fake never produces: a server that leaves an address out of both lists, or echoes it
in another case.
"""

from __future__ import annotations

from types import SimpleNamespace

import httpx
import pytest
from instantly import (
    APIConnectionError,
    BadRequestError,
    BulkPauseResult,
    InternalServerError,
    InvalidInputError,
    MalformedResponseError,
    PartialBatchError,
    RateLimitQueueTimeoutError,
)
from instantly._bulk import BulkPausePlan, JobBaseline, JobSearch, SplitCall, answer_lost


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


# -- lost answers: what a look-up settles ---------------------------------------------------------


def _job(job_id: str, created_at: str) -> SimpleNamespace:
    return SimpleNamespace(id=job_id, created_at=created_at, type_="update-warmup-accounts")


T0, T1, T2 = "2026-12-07T01:00:00.000Z", "2026-12-07T01:00:01.000Z", "2026-12-07T01:00:02.000Z"


def _connection_error(cause: BaseException) -> APIConnectionError:
    error = APIConnectionError("lost", method="POST", path="/api/v2/accounts/pause")
    error.__cause__ = cause
    return error


@pytest.mark.parametrize(
    ("error", "lost"),
    [
        (_connection_error(httpx.ReadTimeout("slow")), True),
        (_connection_error(httpx.RemoteProtocolError("hung up")), True),
        (_connection_error(httpx.ConnectError("refused")), False),
        (RateLimitQueueTimeoutError("queued", wait=9.0, max_wait=1.0), False),
        (InternalServerError("down", status_code=503), True),
        (_bad_request(), False),
        (MalformedResponseError("unreadable", status_code=200), True),
    ],
    ids=["read-timeout", "dropped", "refused", "queue", "503", "400", "unreadable-2xx"],
)
def test_an_answer_is_lost_only_when_the_request_may_have_taken_effect(
    error: Exception, lost: bool
) -> None:
    assert answer_lost(error) is lost


def test_a_job_search_finds_the_one_job_newer_than_the_baseline() -> None:
    baseline = JobBaseline.of([_job("old", T0)])
    search = JobSearch(baseline, known=[_job("mine-1", T1)])

    search.feed([_job("mine-2", T2), _job("mine-1", T1)], has_more=True)
    search.feed([_job("old", T0), _job("older", "2026-12-06T00:00:00.000Z")], has_more=True)

    assert search.done and search.settled
    assert search.found().id == "mine-2"


def test_a_job_search_finding_no_new_job_says_none_was_started() -> None:
    search = JobSearch(JobBaseline.of([_job("old", T0)]), known=[])

    search.feed([_job("old", T0)], has_more=False)

    assert search.settled and search.found() is None


def test_a_job_search_with_two_new_jobs_cannot_tell_which_is_the_calls() -> None:
    search = JobSearch(JobBaseline.of([]), known=[])

    search.feed([_job("a", T1), _job("b", T1)], has_more=False)

    assert not search.settled


def test_a_job_search_refuses_jobs_not_listed_newest_first() -> None:
    search = JobSearch(JobBaseline.of([_job("old", T0)]), known=[])

    search.feed([_job("a", T1), _job("b", T2)], has_more=False)

    assert search.done and not search.settled
    assert "newest first" in str(search.undecided)


def test_a_job_search_without_a_baseline_or_a_known_job_cannot_start() -> None:
    search = JobSearch(None, known=[])

    assert search.done and not search.settled


def test_a_job_search_without_a_baseline_searches_from_the_calls_own_newest_job() -> None:
    search = JobSearch(None, known=[_job("mine-1", T1)])

    search.feed([_job("mine-2", T2), _job("mine-1", T1), _job("old", T0)], has_more=True)

    assert search.settled and search.found().id == "mine-2"


def test_a_look_up_settles_paused_and_unknown_accounts_and_keeps_the_rest_apart() -> None:
    plan = BulkPausePlan(["a@example.com", "b@example.com", "c@example.com", "d@example.com"])

    settled = plan.record_look_up({"a@example.com": 2, "b@example.com": None, "c@example.com": 1})

    failure = plan.failure(_bad_request())
    assert not settled and isinstance(failure, PartialBatchError)
    assert (failure.completed.paused, failure.completed.failed) == (
        ["a@example.com"],
        ["b@example.com"],
    )
    assert (failure.in_doubt, failure.unsent) == (("d@example.com",), ("c@example.com",))
