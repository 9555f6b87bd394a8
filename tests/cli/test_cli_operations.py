"""The generated commands: workflow names win, typed flags, --body, --all, --wait, errors, speed
by construction (what `--help` imports), completion."""

from __future__ import annotations

import io
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from _cli_support import API_KEY, Runner
from instantly._cli import _environment
from instantly._cli._completion import candidates
from instantly._cli._operation_commands import converter, flag_name
from instantly.testing import FakeInstantly


def test_help_imports_neither_httpx_nor_a_resource_module() -> None:
    code = (
        "import sys\n"
        "from instantly._cli import main\n"
        "try:\n    main(['--help'])\nexcept SystemExit:\n    pass\n"
        "loaded = [m for m in sys.modules\n"
        "          if m == 'httpx' or m.startswith('instantly_api.resources.')]\n"
        "print(sorted(loaded), file=sys.stderr)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stderr.strip() == "['instantly_api.resources._commands']"


def test_the_environment_names_are_the_librarys() -> None:
    from instantly import _config

    assert _environment.ENV_API_KEY == _config.ENV_API_KEY
    assert _environment.ENV_BASE_URL == _config.ENV_BASE_URL
    assert _environment.LOGGER_NAME == _config.LOGGER_NAME


def test_a_workflow_command_keeps_its_name_and_the_generated_one_is_under_api(cli: Runner) -> None:
    assert set(cli("accounts", "list", "--json").json()) == {"accounts"}
    page = cli("api", "accounts", "list", "--limit", "2", "--json").json()
    assert set(page) == {"items", "next_starting_after"}
    assert len(page["items"]) == 2


def test_a_generated_command_sits_beside_the_workflow_commands_of_its_group(
    cli: Runner, fake: FakeInstantly
) -> None:
    result = cli("accounts", "update", "sender001@example.com", "--daily-limit", "7", "--json")
    assert result.code == 0, result.err
    assert result.json()["daily_limit"] == 7
    assert fake.requests[-1].method == "PATCH"


def test_all_walks_every_page_as_json_lines(cli: Runner) -> None:
    result = cli("api", "accounts", "list", "--limit", "2", "--all", "--json")
    lines = result.out.splitlines()
    assert result.code == 0 and len(lines) == 5
    assert all("email" in json.loads(line) for line in lines)


def test_body_from_a_file_is_sent_whole(cli: Runner, fake: FakeInstantly, tmp_path: Path) -> None:
    body = tmp_path / "list.json"
    body.write_text(json.dumps({"name": "From a file"}), encoding="utf-8")
    result = cli("lead-lists", "create", "--body", f"@{body}", "--json")
    assert result.code == 0, result.err
    assert result.json()["name"] == "From a file"


def test_body_from_stdin(cli: Runner, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO('{"name": "From stdin"}'))
    result = cli("lead-lists", "create", "--body", "-", "--json")
    assert result.code == 0, result.err
    assert result.json()["name"] == "From stdin"


def test_input_the_library_refuses_exits_2_with_nothing_sent(
    cli: Runner, fake: FakeInstantly
) -> None:
    before = len(fake.requests)
    result = cli("api", "accounts", "list", "--limit", "1000")
    assert result.code == 2
    assert "limit" in result.err
    assert len(fake.requests) == before


def test_an_enum_flag_takes_only_its_values(cli: Runner) -> None:
    result = cli("api", "accounts", "list", "--sort-order", "sideways")
    assert result.code == 2
    assert "invalid choice" in result.err


def test_an_api_error_exits_1(cli: Runner) -> None:
    result = cli("api", "accounts", "get", "nobody@example.com")
    assert result.code == 1
    assert "nobody@example.com" in result.err


def test_wait_waits_for_the_started_job(cli: Runner, fake: FakeInstantly) -> None:
    list_id = fake.leads.add_list("Target")["id"]
    result = cli("leads", "move", "--to-list-id", list_id, "--search", "x", "--wait", "--json")
    assert result.code == 0, result.err
    assert result.json()["status"] == "success"


def test_a_result_is_printed_as_fields_for_people(cli: Runner) -> None:
    result = cli("accounts", "update", "sender001@example.com", "--daily-limit", "9")
    assert result.code == 0, result.err
    assert re.search(r"^daily_limit: +9$", result.out, re.MULTILINE)


def test_dry_run_needs_no_key_and_sends_nothing(cli: Runner, fake: FakeInstantly) -> None:
    before = len(fake.requests)
    result = cli("lead-lists", "create", "--name", "X", "--dry-run", env={})
    assert result.code == 0, result.err
    assert result.out.startswith("POST https://api.instantly.ai/api/v2/lead-lists")
    assert "authorization: <redacted>" in result.out
    assert len(fake.requests) == before


def test_dry_run_output_never_shows_the_key(cli: Runner) -> None:
    result = cli("lead-lists", "create", "--name", "X", "--dry-run")
    assert API_KEY not in result.out + result.err


def test_a_field_named_like_a_cli_option_gets_a_field_prefix() -> None:
    assert flag_name("json") == "--field-json"
    assert flag_name("daily_limit") == "--daily-limit"
    assert flag_name("body_") == "--field-body"


@pytest.mark.parametrize(
    ("schema", "text", "value"),
    [
        ({"type": ["integer"]}, "5", 5),
        ({"type": ["number"]}, "5", 5),
        ({"type": ["number"]}, "2.5", 2.5),
        ({"type": ["boolean"]}, "false", False),
        ({"type": ["string", "null"]}, "null", None),
        ({"type": ["object"]}, '{"a": 1}', {"a": 1}),
        ({"type": ["integer", "string"]}, "abc", "abc"),
        ({}, "[1, 2]", [1, 2]),
    ],
)
def test_a_flag_value_is_typed_by_its_schema(
    schema: dict[str, object], text: str, value: object
) -> None:
    assert converter(schema)(text) == value


def test_completion_prints_a_bash_script(cli: Runner) -> None:
    result = cli("completion", "bash")
    assert result.code == 0
    assert "complete -o default -F _instantly_complete instantly" in result.out


def test_completion_prints_a_zsh_script(cli: Runner) -> None:
    assert "bashcompinit" in cli("completion", "zsh").out


def test_completion_offers_a_groups_workflow_and_generated_commands() -> None:
    found = candidates(["accounts"])
    assert {"list", "pause", "update", "get-warmup-analytics", "--json"} <= set(found)


def test_completion_offers_a_commands_flags() -> None:
    assert "--daily-limit" in candidates(["api", "accounts", "update"])
