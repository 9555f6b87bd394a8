"""Every exception class the package exports pickles and copies with its attributes."""

from __future__ import annotations

import copy
import inspect
import pickle
from typing import Any

import instantly
import pytest
from instantly import APIError, InstantlyError, JobError, ResponseDeviation

# A sample value for each constructor parameter name any exported exception takes.
SAMPLES: dict[str, Any] = {
    "message": "something went wrong",
    "email": "two@@example.com",
    "reason": "two @ signs",
    "method": "GET",
    "path": "/api/v2/accounts/x",
    "status_code": 404,
    "body": {"message": "Not Found", "items": [1, 2]},
    "request_id": "req-1",
    "retry_after": 12.5,
    "job": {"id": "job-1", "status": "failed"},
    "jobs": ({"id": "job-1"}, None),
    "timeout": 30.0,
    "account": {"email": "jon@doe.com", "status": 2},
    "expected": 1,
    "actual": 2,
    "completed": ("done@doe.com",),
    "unsent": ("later@doe.com",),
    "wait": 130.0,
    "max_wait": 120.0,
    "limit": 1024,
    "campaign": {"id": "campaign-1", "status": 0},
    "stage": "preflight",
    "problems": ("account 'a@doe.com' has status 2",),
    "result": {"success": False, "error": "Connection timeout"},
    "verification": {"email": "jon@doe.com", "verification_status": "pending"},
    "cloudflare_code": 1010,
    "ray_id": "8f1c2d3e4a5b6c7d-AMS",
    "url": "redis://127.0.0.1:6379/0",
    "workspace_id": "ws-1",
    "error_type": "KeyError",
    "deviations": (ResponseDeviation("listCampaign", "Campaign.name", "null", "None"),),
}


def _sample_for(cls: type[BaseException], name: str) -> Any:
    if name == "errors":
        inner = instantly.InvalidEmailError("x", "bad")
        return (inner,) if issubclass(cls, instantly.InvalidEmailError) else (JobError("j", job=1),)
    if name == "error":
        return APIError("inner failure", method="GET", path="/x")
    return SAMPLES[name]


def _instance(cls: type[BaseException]) -> BaseException:
    params = list(inspect.signature(cls.__init__).parameters.values())[1:]
    args, kwargs = [], {}
    for p in params:
        if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD):
            continue
        if p.default is not p.empty and p.name not in SAMPLES:
            continue
        value = _sample_for(cls, p.name)
        if p.kind is p.KEYWORD_ONLY:
            kwargs[p.name] = value
        else:
            args.append(value)
    if issubclass(cls, instantly.RateLimitError):
        kwargs.update(status_code=429, retry_after=SAMPLES["retry_after"])
    if issubclass(cls, instantly.CloudflareBlockedError):
        kwargs.update(status_code=403, method="GET", path=SAMPLES["path"])
    return cls(*args, **kwargs)


EXCEPTIONS = sorted(
    (name for name in instantly.__all__
     if isinstance(getattr(instantly, name), type)
     and issubclass(getattr(instantly, name), BaseException)),
)  # fmt: skip


def test_every_exported_exception_is_an_instantly_error() -> None:
    assert len(EXCEPTIONS) > 25
    assert all(issubclass(getattr(instantly, n), InstantlyError) for n in EXCEPTIONS)


def _same(a: BaseException, b: BaseException) -> None:
    assert type(a) is type(b)
    assert str(a) == str(b)
    assert a.args == b.args
    assert repr(vars(a)) == repr(vars(b))


@pytest.mark.parametrize("name", EXCEPTIONS)
def test_every_exception_round_trips_through_pickle_with_its_attributes(name: str) -> None:
    exc = _instance(getattr(instantly, name))
    _same(exc, pickle.loads(pickle.dumps(exc)))


@pytest.mark.parametrize("name", EXCEPTIONS)
def test_every_exception_copies_and_deep_copies_with_its_attributes(name: str) -> None:
    exc = _instance(getattr(instantly, name))
    _same(exc, copy.copy(exc))
    _same(exc, copy.deepcopy(exc))


def test_a_pickled_error_keeps_its_typed_attributes() -> None:
    exc = instantly.RateLimitError(
        "slow down", retry_after=3.0, status_code=429, method="GET", path="/x", body={"a": 1}
    )
    back = pickle.loads(pickle.dumps(exc))
    assert (back.retry_after, back.status_code, back.method, back.path, back.body) == (
        3.0, 429, "GET", "/x", {"a": 1},
    )  # fmt: skip
    assert back.__module__ == "instantly"


def test_a_pickled_cloudflare_block_keeps_its_code_and_ray_id() -> None:
    exc = instantly.CloudflareBlockedError(
        "blocked", cloudflare_code=1010, ray_id="8f1c2d3e4a5b6c7d", status_code=403, body="x"
    )
    back = pickle.loads(pickle.dumps(exc))
    assert (back.cloudflare_code, back.ray_id, back.status_code, back.body) == (
        1010, "8f1c2d3e4a5b6c7d", 403, "x",
    )  # fmt: skip
    assert isinstance(back, instantly.PermissionDeniedError)


def test_a_closed_client_error_is_also_a_runtime_error() -> None:
    """httpx raised a bare RuntimeError here: code catching that keeps working."""
    assert issubclass(instantly.ClientClosedError, RuntimeError)
    assert "closed" in str(instantly.ClientClosedError())


def test_the_limiters_queue_timeout_is_an_api_timeout_error_but_not_an_httpx_one() -> None:
    import httpx

    assert issubclass(instantly.RateLimitQueueTimeoutError, instantly.APITimeoutError)
    assert not issubclass(instantly.RateLimitQueueTimeoutError, httpx.HTTPError)
