"""Contract tests: one generated operation per tag of the pinned spec, called against Prism.

For each tag, the representative operation is called through the generated `sync_detailed` with
example inputs. The static Prism checks the request (2xx, no `sl-violations`) and feeds the spec's
example response to the parser; the dynamic Prism feeds random schema-valid responses, one per
seed, so the parsers meet shapes the examples never show.

The representative is the best-ranked operation (`_operations.ranked_candidates`) that the
generator emitted and whose example response Prism can serve: where the spec's own example breaks
its schema, Prism refuses with a 500 listing response-side violations, the next candidate is used,
and the defect is listed at the end of the run.
"""

from __future__ import annotations

import importlib.util
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from scripts.spec_files import find_pinned_spec
from tests.contract._operations import (
    GeneratedCall,
    Operation,
    generated_call,
    generated_endpoint_index,
    operations_by_tag,
    path_key,
    ranked_candidates,
    spec_tags,
)
from tests.contract._prism import SPEC_DEFECTS, response_side_violations, running_in_ci

# Seeds for the dynamic Prism, sent per request as `Prefer: seed=N`; each yields other bodies.
DYNAMIC_SEEDS = ("1", "2", "3")
_CLIENT_TIMEOUT_S = 30.0


def _tags_of_pinned_spec() -> list[Any]:
    """One pytest param per tag, read at collection; a single skipped param without the spec."""
    path = find_pinned_spec()
    if path is None:
        reason = "pinned spec not found beside the repo (../shared/openapi); see tests/conftest.py"
        return [pytest.param("<no spec>", marks=pytest.mark.skip(reason=reason))]
    return list(spec_tags(json.loads(path.read_text(encoding="utf-8-sig"))))


TAGS = _tags_of_pinned_spec()


def _generated_api_dir() -> Path | None:
    found = importlib.util.find_spec("instantly_api")
    if found is None or not found.submodule_search_locations:
        return None
    api_dir = Path(next(iter(found.submodule_search_locations))) / "api"
    return api_dir if api_dir.is_dir() else None


def _send(call: GeneratedCall, base_url: str, *, headers: dict[str, str] | None = None) -> Any:
    """Call the generated `sync_detailed` against `base_url`; return its `Response`."""
    from instantly_api.client import AuthenticatedClient

    client = AuthenticatedClient(
        base_url=base_url,
        token="test-key",
        headers=headers or {},
        timeout=httpx.Timeout(_CLIENT_TIMEOUT_S),
    )
    with client:
        return call.function(client=client, **call.kwargs)


def _describe(operation: Operation, call: GeneratedCall, response: Any) -> str:
    return (
        f"{operation.label} via {call.module}.sync_detailed(**{call.kwargs!r}) -> "
        f"{int(response.status_code)} {response.content[:400]!r}"
    )


@dataclass
class Served:
    """The representative of a tag, its call, and the static Prism's answer to it."""

    operation: Operation
    call: GeneratedCall
    response: Any
    passed_over: list[str] = field(default_factory=list)


@dataclass
class Representatives:
    """Per tag, finds (once) the best candidate whose example response Prism can serve."""

    candidates: dict[str, list[tuple[Operation, str]]]
    prism_url: str
    spec_defects: list[str] = field(default_factory=list)
    served: dict[str, Served] = field(default_factory=dict)

    def for_tag(self, tag: str) -> Served:
        if tag in self.served:
            return self.served[tag]
        candidates = self.candidates.get(tag, [])
        if not candidates:
            pytest.fail(
                f"tag {tag!r} of the pinned spec has no generated operation that can be called "
                "from the spec's examples (none of its operations is in generated/instantly_api)",
                pytrace=False,
            )
        passed_over: list[str] = []
        for operation, module in candidates:
            call = generated_call(operation, module)
            response = _send(call, self.prism_url)
            broken = response_side_violations(int(response.status_code), response.content)
            if broken:
                passed_over.append(f"{operation.label}: {'; '.join(broken[:3])}")
                self.spec_defects.append(f"example of {passed_over[-1]}")
                continue
            self.served[tag] = Served(operation, call, response, passed_over)
            return self.served[tag]
        pytest.skip(
            f"spec defect, not a client one: every candidate of tag {tag!r} has an example "
            f"response that breaks its own schema: {passed_over}"
        )


@pytest.fixture(scope="session")
def representatives(
    pinned_spec: dict[str, Any], prism_url: str, pytestconfig: pytest.Config
) -> Representatives:
    """Tag -> ranked (operation, generated module) candidates, resolved lazily against Prism."""
    api_dir = _generated_api_dir()
    if api_dir is None:
        reason = "generated/instantly_api is missing; run `python scripts/regenerate.py`"
        if running_in_ci():
            pytest.fail(f"CI=true: {reason}", pytrace=False)
        pytest.skip(reason)
    index = generated_endpoint_index(api_dir)
    ranked = ranked_candidates(
        operations_by_tag(pinned_spec),
        is_generated=lambda op: path_key(op.method, op.path) in index,
    )
    candidates = {
        tag: [(op, index[path_key(op.method, op.path)]) for op in ops]
        for tag, ops in ranked.items()
    }
    spec_defects = pytestconfig.stash.setdefault(SPEC_DEFECTS, [])
    return Representatives(candidates=candidates, prism_url=prism_url, spec_defects=spec_defects)


@pytest.mark.parametrize("tag", TAGS)
def test_generated_call_is_accepted_by_prism_without_violations(
    tag: str, representatives: Representatives
) -> None:
    served = representatives.for_tag(tag)
    response = served.response
    assert 200 <= response.status_code < 300, _describe(served.operation, served.call, response)
    assert not response.headers.get("sl-violations"), (
        f"Prism reports violations {response.headers['sl-violations']}: "
        f"{_describe(served.operation, served.call, response)}"
    )


@pytest.mark.parametrize("tag", TAGS)
def test_generated_call_parses_the_spec_example_response(
    tag: str, representatives: Representatives
) -> None:
    served = representatives.for_tag(tag)
    status = int(served.response.status_code)
    if status not in served.operation.json_success_statuses:
        pytest.skip(f"{served.operation.label} declares no JSON body for status {status}")
    assert served.response.parsed is not None, _describe(
        served.operation, served.call, served.response
    )


@pytest.mark.parametrize("seed", DYNAMIC_SEEDS)
@pytest.mark.parametrize("tag", TAGS)
def test_generated_call_parses_random_schema_valid_responses(
    tag: str, seed: str, representatives: Representatives, prism_dynamic_url: str
) -> None:
    served = representatives.for_tag(tag)
    response = _send(served.call, prism_dynamic_url, headers={"Prefer": f"seed={seed}"})
    broken = response_side_violations(int(response.status_code), response.content)
    if broken:
        representatives.spec_defects.append(
            f"generated body (seed {seed}) of {served.operation.label}: {'; '.join(broken[:3])}"
        )
        pytest.skip(
            f"Prism's generated body for {served.operation.label} (seed {seed}) breaks the "
            f"spec itself, so it is no parser input: {'; '.join(broken[:3])}"
        )
    assert 200 <= response.status_code < 300, _describe(served.operation, served.call, response)
    if int(response.status_code) in served.operation.json_success_statuses:
        assert response.parsed is not None, _describe(served.operation, served.call, response)
