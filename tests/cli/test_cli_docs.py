"""docs/cli.md and the README's command list come from the `instantly` parser, and are current."""

from __future__ import annotations

from scripts.cli_docs import CLI_MD, README, render_cli_md, render_readme
from scripts.cli_docs import main as cli_docs_main


def test_docs_cli_md_is_what_the_parser_says() -> None:
    assert CLI_MD.read_text(encoding="utf-8") == render_cli_md() + "\n", (
        "docs/cli.md is stale: python scripts/cli_docs.py"
    )


def test_the_readme_command_list_is_what_the_parser_says() -> None:
    text = README.read_text(encoding="utf-8")
    assert text == render_readme(text), "README.md is stale: python scripts/cli_docs.py"


def test_docs_cli_md_lists_every_operation() -> None:
    from instantly_api.resources._commands import COMMANDS

    text = CLI_MD.read_text(encoding="utf-8")
    for rows in COMMANDS.values():
        for _, _, operation_id, _, _ in rows:
            assert f"(`{operation_id}`)" in text


def test_the_check_mode_passes_on_current_files() -> None:
    assert cli_docs_main(["--check"]) == 0
