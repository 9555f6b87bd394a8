"""What a fresh interpreter loads: each use imports only the modules it needs (checked by name).

Speed is measured by `benchmarks/startup.py`; these tests pin the cause, which is exact: a sync
client never imports asyncio, and touching `accounts` loads neither the other resources nor the
generated code of calls not made.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Modules a sync `accounts.get` has no use for.
NOT_NEEDED_BY_ACCOUNTS_GET = (
    "asyncio",
    "csv",
    "instantly._bulk",
    "instantly._pagination",
    "instantly._polling",
    "instantly._workspaces",
    "instantly.resources._warmup_call",
    "instantly._job_handles",
    "instantly._warmup_selection",
    "instantly.resources._campaigns",
    "instantly.resources._lead_lists",
    "instantly_api.api.account.disable_warmup_for_accounts",
    "instantly_api.api.account.enable_warmup_for_accounts",
    "instantly_api.api.account.list_account",
    "instantly_api.api.account.pause_account",
    "instantly_api.api.account.pause_accounts",
    "instantly_api.api.background_job",
    "instantly_api.api.campaign",
    "instantly_api.api.lead_list",
    "instantly_api.models.background_job",
    "instantly_api.models.campaign",
    "instantly_api.models.lead_list",
    "instantly_api.models.account_list_item",
)

ACCOUNT = {
    "email": "jon@doe.com", "timestamp_created": "2026-01-01T00:00:00Z",
    "timestamp_updated": "2026-01-01T00:00:00Z", "first_name": "Jon", "last_name": "Doe",
    "organization": "org", "warmup_status": 1, "provider_code": 2, "setup_pending": False,
    "is_managed_account": False, "status": 1,
}  # fmt: skip
ANSWER_ACCOUNT = (
    f"import httpx\ndef answer(request):\n    return httpx.Response(200, json={ACCOUNT!r})\n"
)


def loaded_after(code: str, names: tuple[str, ...]) -> list[str]:
    """Which of `names` are in `sys.modules` after running `code` in a fresh interpreter."""
    listed = f"[n for n in {names!r} if n in sys.modules]"
    probe = f"{code}\nimport sys, json\nprint(json.dumps({listed}))"
    env_path = f"{ROOT / 'facade'}:{ROOT / 'generated'}"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True,
        env={"PYTHONPATH": env_path, "PATH": ""},
    )  # fmt: skip
    loaded: list[str] = json.loads(out.stdout.strip().splitlines()[-1])
    return loaded


def test_importing_the_package_does_not_load_asyncio() -> None:
    assert loaded_after("import instantly", ("asyncio",)) == []


def test_a_sync_client_touching_accounts_loads_no_asyncio_and_no_other_resource() -> None:
    code = "import instantly\nclient = instantly.Instantly('k')\nclient.accounts"
    assert loaded_after(code, NOT_NEEDED_BY_ACCOUNTS_GET) == []


def test_touching_accounts_loads_no_paging_bulk_or_generated_client_before_a_call() -> None:
    code = "import instantly\nclient = instantly.Instantly('k')\nclient.accounts"
    later = (
        "instantly._bulk",
        "instantly._pagination",
        "instantly.resources._warmup_call",
        "instantly_api.client",
    )
    assert loaded_after(code, later) == []


def test_a_sync_accounts_get_loads_only_the_generated_code_it_calls() -> None:
    code = (
        f"{ANSWER_ACCOUNT}import instantly\n"
        "client = instantly.Instantly('k', transport=httpx.MockTransport(answer))\n"
        "assert client.accounts.get('jon@doe.com').email == 'jon@doe.com'"
    )
    needed = ("instantly_api.api.account.get_account", "instantly_api.models.account")
    assert loaded_after(code, needed + NOT_NEEDED_BY_ACCOUNTS_GET) == list(needed)


def test_the_account_list_item_model_loads_when_first_named() -> None:
    code = "from instantly.models import AccountListItem"
    name = "instantly_api.models.account_list_item"
    assert loaded_after(code, (name,)) == [name]
