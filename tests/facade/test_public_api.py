"""The public surface: `instantly.__all__` is pinned, loads lazily and reads as `instantly.X`."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import instantly
import pytest

ROOT = Path(__file__).resolve().parents[2]

EXPECTED = {
    "AccountFilter", "AccountListItem", "AsyncInstantly", "AsyncJobGroup", "AsyncJobHandle",
    "AsyncPaginator", "AsyncRetryTransport", "BulkPauseResult", "Instantly", "JobGroup",
    "JobHandle", "JobStatus", "Page", "RateLimit", "RateLimiter", "RequestOptions",
    "RetryPolicy", "RetryTransport", "SyncPaginator", "TransportSettings",
    "AccountStatus", "WarmupStatus", "ProviderCode", "Unset", "UNSET",
    # what the workflow helpers return, and the CSV writer for analytics rows
    "Accepted", "CampaignLaunch", "CreatedLead", "LeadChunkResult", "LeadImportResult",
    "write_rows_csv",
    # a rate limit shared across processes, and the agency fan-out's results and errors
    "SharedLimiterError", "SharedRateLimiter", "WorkspaceCallError", "WorkspaceResult",
    # what differed between an answer and the spec (client.deviations)
    "ResponseDeviation",
}  # fmt: skip


def test_all_lists_the_client_names_and_every_error() -> None:
    from instantly._errors import __all__ as errors

    assert set(instantly.__all__) == EXPECTED | set(errors)


@pytest.mark.parametrize("name", sorted(instantly.__all__))
def test_every_exported_name_resolves(name: str) -> None:
    assert getattr(instantly, name) is not None


@pytest.mark.parametrize(
    "name", ["Instantly", "AsyncInstantly", "NotFoundError", "RateLimit", "LeadImportResult"]
)
def test_exported_classes_report_the_package_as_their_module(name: str) -> None:
    assert getattr(instantly, name).__module__ == "instantly"


def test_a_reexported_generated_model_keeps_its_own_module() -> None:
    assert instantly.AccountListItem.__module__.startswith("instantly_api.")


def test_an_unknown_name_raises_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Nope'"):
        instantly.Nope  # noqa: B018


def test_importing_the_package_loads_neither_httpx_nor_the_generated_models() -> None:
    code = (
        "import sys, instantly; "
        "print(sorted(m for m in ('httpx', 'instantly_api', 'instantly_api.models') "
        "if m in sys.modules))"
    )
    env_path = f"{ROOT / 'facade'}:{ROOT / 'generated'}"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={"PYTHONPATH": env_path, "PATH": ""},
    )  # fmt: skip
    assert out.stdout.strip() == "[]"


def test_constructing_a_client_does_not_load_the_generated_models() -> None:
    code = (
        "import sys, instantly; instantly.Instantly('k'); "
        "print('instantly_api.models' in sys.modules)"
    )
    env_path = f"{ROOT / 'facade'}:{ROOT / 'generated'}"
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True,
        env={"PYTHONPATH": env_path, "PATH": ""},
    )  # fmt: skip
    assert out.stdout.strip() == "False"
