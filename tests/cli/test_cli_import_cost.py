"""What a command line loads: `instantly accounts list` imports only what listing needs.

Speed is measured by `benchmarks/cli_speed.py`; these tests pin the cause by module name, in a
fresh interpreter each: the list path leaves out job polling, agency workspaces and the CSV
writer, and a command's `--help` loads neither httpx nor attrs (the generated models' base).
"""

from __future__ import annotations

import json
import subprocess
import sys

# Modules `instantly accounts list --json` has no use for.
NOT_NEEDED_BY_ACCOUNTS_LIST = (
    "asyncio",
    "csv",
    "instantly._job_handles",
    "instantly._polling",
    "instantly._workspaces",
)
# What a command's help must not wait for: the network stack and the models.
NOT_NEEDED_BY_HELP = ("attrs", "httpx", "instantly._client", "instantly._polling")

# One page of one account, answered without a network.
_ANSWER_ONE_PAGE = """
import httpx
ACCOUNT = {"email": "jon@doe.com", "timestamp_created": "2026-01-01T00:00:00Z",
           "timestamp_updated": "2026-01-01T00:00:00Z", "first_name": "Jon", "last_name": "Doe",
           "organization": "org", "warmup_status": 1, "provider_code": 2, "status": 1,
           "setup_pending": False, "is_managed_account": False}
transport = httpx.MockTransport(lambda request: httpx.Response(200, json={"items": [ACCOUNT]}))
"""


def loaded_after(code: str, names: tuple[str, ...]) -> list[str]:
    """Which of `names` are in `sys.modules` after running `code` in a fresh interpreter."""
    listed = f"[n for n in {names!r} if n in sys.modules]"
    probe = f"{code}\nimport sys, json\nprint(json.dumps({listed}))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=True
    )
    loaded: list[str] = json.loads(done.stdout.strip().splitlines()[-1])
    return loaded


def test_accounts_list_loads_no_polling_workspace_or_csv_code() -> None:
    code = (
        f"{_ANSWER_ONE_PAGE}"
        "from instantly._cli._app import run\n"
        "code = run(['accounts', 'list', '--json'], environ={'INSTANTLY_API_KEY': 'k'},\n"
        "           transport=transport)\n"
        "assert code == 0, code\n"
    )
    assert loaded_after(code, NOT_NEEDED_BY_ACCOUNTS_LIST) == []


def test_a_commands_help_loads_neither_httpx_nor_the_models() -> None:
    code = (
        "from instantly._cli import main\n"
        "try:\n    main(['accounts', 'list', '--help'])\nexcept SystemExit:\n    pass\n"
    )
    assert loaded_after(code, NOT_NEEDED_BY_HELP) == []
