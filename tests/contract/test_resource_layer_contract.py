"""Contract tests: every method of every generated resource, on both clients, against Prism.

Each method is called through the facade (`client.<resource>.<method>(...)`) with arguments built
from the pinned spec's examples (`_resource_calls.example_call`). Against the static Prism
(`--errors`) no request may break the spec: Prism would answer 4xx with the violations and the
facade would raise a typed error. Against the dynamic Prism (`--dynamic --seed 1`) every JSON 2xx
must parse into the method's declared type. Paged methods fetch their first page only. The default
run calls the sync client on the static Prism and the async one on the dynamic Prism; the other
two pairings are marked slow.

Where Prism refuses to serve a body because the spec's example or schema is broken (a 500 with
response-side violations), the operation must be listed in the defect table below with the
defect; a listed operation that starts passing fails the test (remove it). Client bugs are
strict xfails with a one-line repro in their reason.
"""

from __future__ import annotations

import importlib
import inspect
import json
from collections.abc import Mapping
from itertools import islice
from typing import Any

import pytest
from instantly import (
    AccountStatusError,
    APIStatusError,
    AsyncInstantly,
    Instantly,
    JobError,
    UnexpectedStateError,
)
from instantly._job_handles import AsyncJobGroup, AsyncJobHandle, JobGroup, JobHandle
from instantly._operation import operation
from instantly._pagination import AsyncPaginator, SyncPaginator
from instantly_api.resources import OPERATION_MODULES

from tests.contract._prism import SPEC_DEFECTS, response_side_violations
from tests.contract._resource_calls import ResourceMethod, example_call, resource_methods

API_KEY = "test-key"

# Response-side spec defects on the static Prism: the spec's own example breaks its schema, so
# Prism answers 500 #VIOLATIONS instead of the example (operationId -> the defect).
_CAMPAIGN_DATES = (
    "example campaign_schedule.start_date/end_date are not format 'date' (they carry a time)"
)
_SUBSEQUENCE_DATES = (
    "example subsequence_schedule.start_date/end_date are not format 'date' (they carry a time)"
)
_GUIDANCE_TAGS = "example payload.tags[0] matches no (or several) branches of its oneOf"
STATIC_SPEC_DEFECTS: Mapping[str, str] = {
    "createInboxManagerAgent": _GUIDANCE_TAGS,
    "getInboxManagerAgent": _GUIDANCE_TAGS,
    "patchInboxManagerAgent": _GUIDANCE_TAGS,
    "getInboxManagerAnalyticsSummaryByDate": "example [0].date is not format 'date'",
    "listCampaign": "example items[].campaign_schedule.start_date/end_date not format 'date'",
    "searchByContact": "example items[].campaign_schedule.start_date/end_date not format 'date'",
    "createCampaign": _CAMPAIGN_DATES,
    "activateCampaign": _CAMPAIGN_DATES,
    "pauseCampaign": _CAMPAIGN_DATES,
    "getCampaign": _CAMPAIGN_DATES,
    "patchCampaign": _CAMPAIGN_DATES,
    "createFromExport": _CAMPAIGN_DATES,
    "exportCampaign": _CAMPAIGN_DATES,
    "duplicate": _CAMPAIGN_DATES,
    "addVariables": _CAMPAIGN_DATES,
    "deleteCampaign": _CAMPAIGN_DATES,
    "listPhoneNumbers": "example [0].renewal_date is not format 'date'",
    "getInboxPlacementTest": "example emails and recipients are not arrays",
    "listCampaignSubsequence": "example items[].subsequence_schedule dates not format 'date'",
    "createCampaignSubsequence": _SUBSEQUENCE_DATES,
    "duplicateSubsequence": _SUBSEQUENCE_DATES,
    "pauseSubsequence": _SUBSEQUENCE_DATES,
    "resumeSubsequence": _SUBSEQUENCE_DATES,
    "getCampaignSubsequence": _SUBSEQUENCE_DATES,
    "patchCampaignSubsequence": _SUBSEQUENCE_DATES,
    "deleteCampaignSubsequence": _SUBSEQUENCE_DATES,
    "createAIEnrichment": "example resource_type is a string; the schema says number",
    "getAiEnrichmentForResource": "example [0].resource_type is a string; the schema says number",
    "listWebhookEvent": "example items[].timestamp_created_date is not format 'date'",
    "getWebhookEvent": "example timestamp_created_date is not format 'date'",
    "getWebhookEventsSummaryByDate": "example items[].date is not format 'date'",
}
# Response-side defects on the dynamic Prism (seed 1): bodies generated from the schema break it.
_VARIANTS = (
    "the generated sequences[].steps[].variants[] lack subject/body: the variant schema's "
    "required fields sit beside a combinator json-schema-faker does not honour"
)
DYNAMIC_SPEC_DEFECTS: Mapping[str, str] = {
    "runDeliverabilityAgentNow": (
        "the generated agent.payload lacks campaign_id and ai_sdr_config, required by the schema"
    ),
    "listCampaignSubsequence": _VARIANTS,
    "createCampaignSubsequence": _VARIANTS,
    "duplicateSubsequence": _VARIANTS,
    "pauseSubsequence": _VARIANTS,
    "resumeSubsequence": _VARIANTS,
    "getCampaignSubsequence": _VARIANTS,
    "patchCampaignSubsequence": _VARIANTS,
    "deleteCampaignSubsequence": _VARIANTS,
}

# Client bugs these tests found (strict: a fix turns them into failures to remove from here).
CLIENT_BUGS: Mapping[str, tuple[type[BaseException], str]] = {}

# Typed errors the spec's examples (static) or random bodies (dynamic) explain: helpers check what
# the server answered, and a mock answers for another account, or a job that never ends.
EXPLAINED: Mapping[
    tuple[str, str], tuple[type[BaseException] | tuple[type[BaseException], ...], str]
] = {
    ("accounts.pause", "static"): (
        AccountStatusError,
        "the example Account answering the pause has status 1 (active)",
    ),
    ("accounts.pause", "dynamic"): (UnexpectedStateError, "a random account answers the pause"),
    ("accounts.resume", "dynamic"): (UnexpectedStateError, "a random account answers the resume"),
    ("jobs.wait", "static"): (JobError, "the example job stays pending: the wait times out"),
    ("jobs.wait", "dynamic"): (
        (UnexpectedStateError, JobError),
        "a random job answers (another id), or stays pending, or fails",
    ),
}


def _params() -> list[Any]:
    params = []
    for method in resource_methods():
        marks = []
        bug = CLIENT_BUGS.get(method.operation_id or "")
        if bug is not None and not method.helper:
            marks.append(pytest.mark.xfail(raises=bug[0], strict=True, reason=bug[1]))
        params.append(pytest.param(method, id=f"{method.resource}.{method.method}", marks=marks))
    return params


METHODS = _params()


def _call_of(method: ResourceMethod) -> Any:
    if method.helper and method.operation_id is None and method.method != "wait":
        pytest.skip(
            f"{method.label} is a helper that stands for no operation; the operations it sends "
            "are called through their own methods here, and the helper has its own tests"
        )
    call = example_call(method)
    if call is None:
        pytest.skip(f"{method.label}: no example arguments for this helper's parameters")
    return call


def _check_result(method: ResourceMethod, result: Any) -> None:
    """The result has the type the method declares (pages already fetched into a list)."""
    if method.helper:
        return
    op = operation(str(method.operation_id))
    if op.job:
        assert isinstance(result, JobHandle | AsyncJobHandle | JobGroup | AsyncJobGroup), result
        return
    if op.pages is not None:
        assert isinstance(result, list) and len(result) <= 1, result
        return
    expected = op.result_class()
    declared = str(inspect.signature(_sync_function(method)).return_annotation)
    if type(result).__name__ == declared.split("[", 1)[0]:
        return  # a wrapper the method declares (e.g. Accepted[...] for a 202)
    if expected is not object:
        assert isinstance(result, expected), f"{method.label} returned {type(result)}"


def _sync_function(method: ResourceMethod) -> Any:
    from instantly_api.resources import RESOURCES

    _module, sync_name, _ = RESOURCES[method.resource]  # the class the client uses: helpers too
    return getattr(
        getattr(importlib.import_module("instantly.resources"), sync_name), method.method
    )


def _judge(
    method: ResourceMethod, mode: str, exc: BaseException, request: pytest.FixtureRequest
) -> None:
    """Re-raise unless the error is explained (a listed spec defect or an expected typed error)."""
    defects = STATIC_SPEC_DEFECTS if mode == "static" else DYNAMIC_SPEC_DEFECTS
    body = getattr(exc, "body", None)
    if isinstance(exc, APIStatusError) and isinstance(body, Mapping):
        broken = response_side_violations(exc.status_code, json.dumps(body).encode())
        if broken:
            request.config.stash.setdefault(SPEC_DEFECTS, []).append(
                f"{mode} body of {method.label}: {'; '.join(broken[:2])}"
            )
            if method.operation_id in defects:
                pytest.xfail(f"spec defect: {defects[str(method.operation_id)]}: {broken[0]}")
            pytest.fail(
                f"{method.label}: Prism ({mode}) refuses its own response ({'; '.join(broken[:3])})"
                "; a spec defect not listed in this module's table",
                pytrace=False,
            )
    explained = EXPLAINED.get((f"{method.resource}.{method.method}", mode))
    if explained is not None and isinstance(exc, explained[0]):
        return
    raise exc


def _not_listed_as_defect(method: ResourceMethod, mode: str) -> None:
    defects = STATIC_SPEC_DEFECTS if mode == "static" else DYNAMIC_SPEC_DEFECTS
    if method.operation_id in defects and not method.helper:
        pytest.fail(
            f"{method.label} passed on the {mode} Prism but is listed as a spec defect "
            f"({defects[str(method.operation_id)]}): remove it from the table",
            pytrace=False,
        )


def _sync(method: ResourceMethod, url: str, request: pytest.FixtureRequest, mode: str) -> None:
    call = _call_of(method)
    with Instantly(API_KEY, base_url=url, max_retries=0, rate_limit=None) as client:
        function = getattr(getattr(client, method.resource), method.method)
        try:
            result = function(*call.args, **call.kwargs)
            if isinstance(result, SyncPaginator):
                result = list(islice(result.iter_pages(), 1))  # Prism answers any cursor
        except Exception as exc:  # judged: explained, or re-raised
            _judge(method, mode, exc, request)
            return
    _not_listed_as_defect(method, mode)
    _check_result(method, result)


async def _async(
    method: ResourceMethod, url: str, request: pytest.FixtureRequest, mode: str
) -> None:
    call = _call_of(method)
    async with AsyncInstantly(API_KEY, base_url=url, max_retries=0, rate_limit=None) as client:
        function = getattr(getattr(client, method.resource), method.method)
        try:
            result = function(*call.args, **call.kwargs)
            if isinstance(result, AsyncPaginator):
                pages = []
                async for page in result.iter_pages():
                    pages.append(page)
                    break
                result = pages
            elif inspect.isawaitable(result):
                result = await result
        except Exception as exc:  # judged: explained, or re-raised
            _judge(method, mode, exc, request)
            return
    _not_listed_as_defect(method, mode)
    _check_result(method, result)


def test_every_operation_of_the_spec_is_a_method_of_the_resources() -> None:
    covered = {m.operation_id for m in resource_methods()}
    missing = sorted(set(OPERATION_MODULES) - covered)
    assert not missing, f"operations with no resource method: {missing}"
    assert len(OPERATION_MODULES) >= 240


def test_every_sync_method_has_its_async_twin() -> None:
    from instantly_api.resources import RESOURCES

    for method in resource_methods():
        _module, _sync_name, async_name = RESOURCES[method.resource]
        async_class = getattr(importlib.import_module("instantly.resources"), async_name)
        assert callable(getattr(async_class, method.method, None)), method.label


@pytest.mark.parametrize("method", METHODS)
def test_sync_method_sends_a_request_prism_accepts(
    method: ResourceMethod, prism_url: str, request: pytest.FixtureRequest
) -> None:
    _sync(method, prism_url, request, "static")


@pytest.mark.slow  # the async side is proven on every run against the dynamic Prism
@pytest.mark.parametrize("method", METHODS)
async def test_async_method_sends_a_request_prism_accepts(
    method: ResourceMethod, prism_url: str, request: pytest.FixtureRequest
) -> None:
    await _async(method, prism_url, request, "static")


@pytest.mark.slow  # the sync side is proven on every run against the static Prism
@pytest.mark.parametrize("method", METHODS)
def test_sync_method_parses_random_schema_valid_bodies(
    method: ResourceMethod, prism_dynamic_url: str, request: pytest.FixtureRequest
) -> None:
    _sync(method, prism_dynamic_url, request, "dynamic")


@pytest.mark.parametrize("method", METHODS)
async def test_async_method_parses_random_schema_valid_bodies(
    method: ResourceMethod, prism_dynamic_url: str, request: pytest.FixtureRequest
) -> None:
    await _async(method, prism_dynamic_url, request, "dynamic")
