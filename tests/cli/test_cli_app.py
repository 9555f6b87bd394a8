"""The command line as a whole: options, exit codes, the API key kept out of every output."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

import pytest
from _cli_support import API_KEY, BASE_URL, Runner
from instantly._cli import main
from instantly._cli._progress import PlainProgress, TqdmProgress, job_progress_display
from instantly._cli._redact import REDACTED, RedactingStream, secrets_in
from instantly.testing import FakeInstantly

REPO = Path(__file__).resolve().parents[2]


def test_help_exits_0(cli: Runner) -> None:
    result = cli("--help")
    assert result.code == 0
    assert "instantly demo" in result.out


def test_no_command_is_a_usage_error(cli: Runner) -> None:
    result = cli()
    assert result.code == 2
    assert "required: COMMAND" in result.err


def test_unknown_option_is_a_usage_error(cli: Runner, fake: FakeInstantly) -> None:
    result = cli("accounts", "list", "--colour")
    assert result.code == 2
    assert "unrecognized arguments: --colour" in result.err
    assert fake.requests == []


def test_missing_key_is_a_usage_error_naming_both_ways_to_give_one(
    cli: Runner, fake: FakeInstantly
) -> None:
    result = cli("accounts", "list", env={"INSTANTLY_BASE_URL": BASE_URL})
    assert result.code == 2
    assert "--api-key" in result.err
    assert "INSTANTLY_API_KEY" in result.err
    assert fake.requests == []


def test_api_key_option_is_used_and_wins_over_the_environment(
    cli: Runner, fake: FakeInstantly
) -> None:
    result = cli("--api-key", "sk-from-option-1234", "accounts", "list", env={})
    assert result.code == 0
    assert fake.requests[0].method == "GET"


def test_base_url_option_sends_there(fake: FakeInstantly) -> None:
    with fake.serve() as base_url:
        out = io.StringIO()
        code = main_with_env(["--base-url", base_url, "--json", "accounts", "list"], out)
    assert code == 0
    assert len(json.loads(out.getvalue())["accounts"]) == 5


def main_with_env(argv: list[str], out: io.StringIO) -> int:
    from instantly._cli._app import run

    return run(argv, stdout=out, stderr=io.StringIO(), environ={"INSTANTLY_API_KEY": API_KEY})


def test_plain_http_to_a_remote_host_is_refused_before_sending(cli: Runner) -> None:
    result = cli("--base-url", "http://api.example.com", "accounts", "list")
    assert result.code == 2
    assert "plain http" in result.err


def test_json_after_the_command_is_the_same_as_before(cli: Runner) -> None:
    before = cli("--json", "accounts", "list").json()
    after = cli("accounts", "list", "--json").json()
    assert before == after


def test_an_option_after_the_command_does_not_reset_one_before_it(cli: Runner) -> None:
    result = cli("--json", "accounts", "list", "--limit", "1")
    assert len(result.json()["accounts"]) == 1


def test_rejected_key_exits_1_with_the_server_message(cli: Runner) -> None:
    strict = FakeInstantly(api_key="the-right-key-000")
    out, err = io.StringIO(), io.StringIO()
    from instantly._cli._app import run

    code = run(
        ["accounts", "list"],
        stdout=out,
        stderr=err,
        environ={"INSTANTLY_API_KEY": API_KEY},
        transport=strict.transport(),
    )
    assert code == 1
    assert "401" in err.getvalue()
    assert "Invalid API key" in err.getvalue()


@pytest.mark.parametrize(
    "argv",
    [
        ["accounts", "list"],
        ["--debug", "accounts", "get", "sender001@example.com"],
        ["--debug", "accounts", "get", "nobody@example.com"],
        ["--debug", "accounts", "pause", "two@@example.com"],
        ["--debug", "--api-key", API_KEY, "accounts", "list", "--status", "nope"],
        ["--debug", "jobs", "get", "no-such-job"],
        ["--debug", "warmup", "disable", "--email", "sender001@example.com", "--wait"],
    ],
    ids=[
        "list",
        "debug-get",
        "debug-404",
        "debug-invalid",
        "debug-usage",
        "debug-job-404",
        "debug-warmup-wait",
    ],
)
def test_the_key_never_appears_in_stdout_or_stderr(cli: Runner, argv: list[str]) -> None:
    result = cli(*argv)
    assert API_KEY not in result.out
    assert API_KEY not in result.err


def test_debug_logs_each_request_on_stderr(cli: Runner) -> None:
    result = cli("--debug", "accounts", "get", "sender001@example.com")
    assert "debug: instantly: GET /api/v2/accounts/sender001%40example.com -> 200" in result.err


def test_debug_shows_the_traceback_of_an_error(cli: Runner) -> None:
    result = cli("--debug", "accounts", "get", "nobody@example.com")
    assert "Traceback (most recent call last)" in result.err
    assert result.err.rstrip().endswith("Account not found")


def test_redacting_stream_replaces_every_secret() -> None:
    sink = io.StringIO()
    stream = RedactingStream.wrap(sink, ["sk-secret-123"])
    stream.write("key=sk-secret-123; again sk-secret-123\n")
    assert sink.getvalue() == f"key={REDACTED}; again {REDACTED}\n"


def test_secrets_are_found_in_the_option_and_the_environment() -> None:
    found = secrets_in(["--api-key=sk-opt-12345", "--api-key", "sk-two-12345"], {})
    assert set(found) == {"sk-opt-12345", "sk-two-12345"}
    assert secrets_in([], {"INSTANTLY_API_KEY": "sk-env-12345"}) == ["sk-env-12345"]


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True

    def fileno(self) -> int:
        return 2


def test_progress_uses_tqdm_bars_on_a_sized_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    tqdm = pytest.importorskip("tqdm")
    monkeypatch.setattr(os, "get_terminal_size", lambda fd=0: os.terminal_size((100, 40)))
    stream = _Terminal()
    display = job_progress_display(stream, ["job-1"], tqdm=tqdm)
    assert isinstance(display, TqdmProgress)
    display.update(SimpleNamespace(id="job-1", status="in-progress", progress=40.0))
    display.close()
    assert "job job-1 in-progress:  40%" in stream.getvalue()


def test_progress_is_plain_lines_on_a_terminal_without_a_size(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tqdm = pytest.importorskip("tqdm")
    monkeypatch.setattr(os, "get_terminal_size", lambda fd=0: os.terminal_size((0, 0)))
    assert isinstance(job_progress_display(_Terminal(), ["j"], tqdm=tqdm), PlainProgress)


def test_progress_is_plain_lines_without_tqdm() -> None:
    stream = _Terminal()
    display = job_progress_display(stream, ["job-1"], tqdm=None)
    assert isinstance(display, PlainProgress)
    display.update(SimpleNamespace(id="job-1", status="in-progress", progress=40.0))
    assert stream.getvalue() == "job job-1: in-progress 40%\n"


def test_progress_is_plain_lines_when_stderr_is_not_a_terminal() -> None:
    tqdm = pytest.importorskip("tqdm")
    assert isinstance(job_progress_display(io.StringIO(), ["j"], tqdm=tqdm), PlainProgress)


def test_cli_works_without_tqdm_installed(tmp_path: Path) -> None:
    blocker = tmp_path / "tqdm.py"
    blocker.write_text("raise ImportError('tqdm is not installed (simulated)')\n")
    env_path = f"{tmp_path}:{REPO / 'facade'}:{REPO / 'generated'}"
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "from instantly._cli._progress import load_tqdm; print(load_tqdm())",
        ],
        env={"PYTHONPATH": env_path},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "None"


def test_main_returns_the_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["spec", "info", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["operation_count"] > 0
