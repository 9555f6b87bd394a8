"""The committed generated/instantly_api: banners, stable names, the pin, lazy models, tolerance."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import instantly_api
import pytest
from instantly_api import models
from instantly_api.models import Account, BackgroundJob

from scripts.regenerate import BANNER
from scripts.spec_files import REPO_ROOT, read_pin

PACKAGE = REPO_ROOT / "generated" / "instantly_api"


def run_python(code: str) -> str:
    """stdout of `code` in a fresh interpreter that imports from generated/."""
    prelude = f"import sys; sys.path.insert(0, {str(PACKAGE.parent)!r})\n"
    done = subprocess.run([sys.executable, "-c", prelude + code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout


def account_payload(**changes: Any) -> dict[str, Any]:
    payload: dict[str, Any] = {
        "email": "ana@example.com",
        "timestamp_created": "2026-08-21T09:30:00.000Z",
        "timestamp_updated": "2026-08-21T09:30:00.000Z",
        "first_name": "Ana",
        "last_name": "Lee",
        "organization": "f9cc070d-8dba-4341-b847-f083c358e460",
        "warmup_status": 1,
        "provider_code": 2,
        "setup_pending": False,
        "is_managed_account": False,
        "status": 1,
    }
    payload.update(changes)
    return payload


def test_every_generated_python_file_starts_with_the_banner() -> None:
    without = [
        str(p.relative_to(PACKAGE))
        for p in sorted(PACKAGE.rglob("*.py"))
        if not p.read_text(encoding="utf-8").startswith(BANNER)
    ]
    assert without == []


def test_generated_package_is_marked_typed() -> None:
    assert (PACKAGE / "py.typed").read_text(encoding="utf-8") == ""


def test_generated_package_has_at_most_1480_model_modules() -> None:
    count = sum(1 for p in (PACKAGE / "models").glob("*.py") if p.stem != "__init__")
    print(f"{count} model modules")
    assert count <= 1480


@pytest.mark.parametrize(
    "module",
    [
        "account.pause_account",
        "account.list_account",
        "account.pause_accounts",
        "account.disable_warmup_for_accounts",
        "background_job.get_background_job",
    ],
)
def test_endpoint_module_keeps_its_stable_name_and_functions(module: str) -> None:
    text = (PACKAGE / "api" / f"{module.replace('.', '/')}.py").read_text(encoding="utf-8")
    for function in ("_get_kwargs", "_parse_response", "sync_detailed", "asyncio_detailed"):
        assert f"def {function}(" in text


def test_package_exports_the_pin_it_was_generated_from() -> None:
    pin = read_pin()
    assert pin["sha256"] == instantly_api.SPEC_SHA256
    assert pin["filename"] == instantly_api.SPEC_FILENAME
    assert pin["source"] == instantly_api.SPEC_SOURCE
    assert pin["info_version"] == instantly_api.SPEC_VERSION
    assert pin["operation_count"] == instantly_api.OPERATION_COUNT
    assert pin["generator_version"] == instantly_api.GENERATOR_VERSION


def test_importing_one_endpoint_loads_only_the_models_it_uses() -> None:
    out = run_python(
        "from instantly_api.api.account import pause_account\n"
        "print(sorted(m for m in sys.modules if m.startswith('instantly_api.models.')))\n"
    )
    loaded = eval(out)
    assert "instantly_api.models.account" in loaded
    assert "instantly_api.models.lead" not in loaded
    assert len(loaded) < 15, loaded


def test_importing_one_endpoint_does_not_import_dateutil() -> None:
    out = run_python(
        "from instantly_api.api.account import pause_account\nprint('dateutil' in sys.modules)\n"
    )
    assert out.strip() == "False"


def test_models_package_resolves_a_model_on_first_access() -> None:
    assert models.BackgroundJob is BackgroundJob
    assert "BackgroundJob" in dir(models)


def test_models_package_raises_attribute_error_for_an_unknown_name() -> None:
    with pytest.raises(AttributeError, match="NoSuchModel"):
        _ = models.NoSuchModel


def test_model_keeps_enum_values_a_newer_api_added() -> None:
    account = Account.from_dict(account_payload(warmup_status=99, provider_code=42))
    assert (account.warmup_status, account.provider_code) == (99, 42)


def test_model_keeps_fields_a_newer_api_added() -> None:
    account = Account.from_dict(account_payload(brand_new_field={"x": 1}))
    assert account.additional_properties == {"brand_new_field": {"x": 1}}


def test_background_job_parses_statuses_added_in_2026_08_21() -> None:
    job = BackgroundJob.from_dict(
        {
            "id": "job-1",
            "workspace_id": "not-a-uuid",
            "type": "new-type",
            "status": "draining",
            "progress": 10,
            "created_at": "2026-08-21T09:30:00.000Z",
            "updated_at": "2026-08-21T09:30:00.000Z",
        }
    )
    assert (job.status, job.workspace_id, job.type_) == ("draining", "not-a-uuid", "new-type")


def test_model_parses_a_timestamp_that_is_not_iso_8601_through_dateutil() -> None:
    account = Account.from_dict(account_payload(timestamp_created="Fri, 21 Aug 2026 09:30:00 GMT"))
    assert account.timestamp_created.isoformat() == "2026-08-21T09:30:00+00:00"


def test_model_keeps_an_unreadable_timestamp_as_sent_and_reports_it() -> None:
    from instantly_api._tolerance import collect

    with collect() as found:
        account = Account.from_dict(account_payload(timestamp_created="whenever"))
    assert account.timestamp_created == "whenever"
    assert [(d.path, d.kind, d.value) for d in found] == [
        ("Account.timestamp_created", "format", "'whenever'")
    ]
