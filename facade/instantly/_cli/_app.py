"""The `instantly` command line: the argument parser, and one run from arguments to an exit code.

Exit codes: 0 success; 1 the API, the network or a job did not do what was asked (any
`InstantlyError` that is not about the input); 2 bad usage, from argparse or from the library's
own input checks (`InvalidInputError`: an invalid email, an unknown filter, ...), in which case
nothing was sent. Errors print the typed error's message, with the traceback only under `--debug`.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import traceback
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from types import ModuleType
from typing import Final, TextIO

import httpx

from .._config import ENV_API_KEY, ENV_BASE_URL, LOGGER_NAME
from .._errors import InstantlyError, InvalidInputError, JobGroupError, JobTimeoutError
from . import (
    _account_commands,
    _analytics_commands,
    _campaign_commands,
    _demo,
    _email_commands,
    _job_commands,
    _lead_commands,
    _spec_commands,
    _warmup_commands,
)
from ._context import EXIT_API_ERROR, EXIT_USAGE, Context, UsageError
from ._output import Output
from ._parsing import seconds
from ._progress import load_tqdm
from ._redact import RedactingStream, secrets_in

__all__ = ["build_parser", "run"]

EXIT_INTERRUPTED: Final = 130  # the shell's convention for SIGINT

_DESCRIPTION = """\
Command line for the Instantly.ai API v2: accounts, warmup, background jobs, lead import,
campaigns, unread emails, analytics export, the pinned spec.
Try `instantly demo` first: it runs against an embedded fake API and needs no key.
"""
_EPILOG = f"""\
The API key is read from --api-key or ${ENV_API_KEY} (prefer the variable: a command line is
visible to other users of the machine). --json, --debug, --api-key and --base-url may also
follow the command; --timeout (per request) goes before it, since `jobs wait` and `warmup ...
--wait` take their own --timeout (how long to wait). Exit codes: 0 ok, 1 API error, 2 usage.
"""


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("instantly-client")
    except PackageNotFoundError:
        return "unknown (not installed)"


def _common_options(*, top_level: bool) -> argparse.ArgumentParser:
    """Options accepted before the command and, repeated, after it.

    The main parser holds the defaults; after a command an option left out must not reset what
    was given before it, so there its default is `SUPPRESS` (argparse shares a parent's action
    objects, hence two separate sets).
    """

    def default(value: object) -> object:
        return value if top_level else argparse.SUPPRESS

    common = argparse.ArgumentParser(add_help=False, allow_abbrev=False)
    common.add_argument(
        "--json",
        action="store_true",
        default=default(False),
        help="print the result as JSON (stable keys: the API's field names)",
    )
    common.add_argument(
        "--debug",
        action="store_true",
        default=default(False),
        help="log each request on stderr and show tracebacks",
    )
    common.add_argument(
        "--api-key",
        metavar="KEY",
        default=default(None),
        help=f"the API key (default: ${ENV_API_KEY})",
    )
    common.add_argument(
        "--base-url",
        metavar="URL",
        default=default(None),
        help=f"the API's base URL, e.g. a proxy or a fake (default: ${ENV_BASE_URL}, "
        "else https://api.instantly.ai)",
    )
    common.add_argument(
        "--workspace",
        metavar="ID",
        default=default(None),
        help="act in this sub-workspace of an agency key (sends x-as-workspace: ID)",
    )
    return common


def build_parser() -> argparse.ArgumentParser:
    """The whole `instantly` argument parser."""
    common = _common_options(top_level=False)
    parser = argparse.ArgumentParser(
        prog="instantly",
        description=_DESCRIPTION,
        epilog=_EPILOG,
        parents=[_common_options(top_level=True)],
        allow_abbrev=False,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument(
        "--timeout",
        dest="request_timeout",
        type=seconds,
        metavar="S",
        help="per-request timeout in seconds (default: 30 s to read, 10 s to connect)",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {_version()}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for module in (
        _account_commands,
        _warmup_commands,
        _job_commands,
        _lead_commands,
        _campaign_commands,
        _email_commands,
        _analytics_commands,
        _spec_commands,
        _demo,
    ):
        module.register(commands, common)
    return parser


def _report(out: Output, exc: BaseException, *, debug: bool) -> None:
    """The error's own message on stderr; the traceback too with `--debug`."""
    if debug:
        out.stderr.write("".join(traceback.format_exception(exc)))
    out.error(str(exc) or type(exc).__name__)
    timed_out = _timed_out_job_ids(exc)
    if timed_out:
        out.note(
            "nothing was cancelled: the job keeps running on Instantly's side; follow it with: "
            + "; ".join(f"instantly jobs wait {job_id}" for job_id in timed_out)
        )


def _timed_out_job_ids(exc: BaseException) -> list[str]:
    """The ids of the jobs a wait gave up on (one, or several of a group)."""
    errors = exc.errors if isinstance(exc, JobGroupError) else (exc,)
    return [
        getattr(error.job, "id", "ID") for error in errors if isinstance(error, JobTimeoutError)
    ]


def _parse(parser: argparse.ArgumentParser, argv: Sequence[str]) -> argparse.Namespace | int:
    """The parsed arguments, or the exit code argparse chose (2 for an error, 0 for --help)."""
    try:
        return parser.parse_args(argv)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else EXIT_USAGE


@contextmanager
def _debug_logging(stream: TextIO, *, enabled: bool) -> Iterator[None]:
    """While enabled, show the library's request log (method, path, status; never headers)."""
    if not enabled:
        yield
        return
    logger = logging.getLogger(LOGGER_NAME)
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("debug: %(name)s: %(message)s"))
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def _dispatch(ctx: Context) -> int:
    """Run the chosen command; map what it raises to an exit code and a message."""
    out, debug = ctx.out, ctx.args.debug
    try:
        code: int = ctx.args.run(ctx)
        return code
    except (InvalidInputError, UsageError) as exc:
        _report(out, exc, debug=debug)
        return EXIT_USAGE
    except InstantlyError as exc:  # the API, the network, or a job (JobError)
        _report(out, exc, debug=debug)
        return EXIT_API_ERROR
    except KeyboardInterrupt:
        out.error("interrupted")
        return EXIT_INTERRUPTED
    except BrokenPipeError:  # the reader went away (`| head`): not a bug, `main` handles it
        raise
    except Exception as exc:  # a bug: say so, with the traceback, through the redacting stream
        out.stderr.write("".join(traceback.format_exception(exc)))
        out.error(f"unexpected {type(exc).__name__} (a bug in instantly-client; please report it)")
        return EXIT_API_ERROR
    finally:
        ctx.close()


def run(
    argv: Sequence[str] | None = None,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    environ: Mapping[str, str] | None = None,
    transport: httpx.BaseTransport | None = None,
    tqdm: ModuleType | bool | None = True,
) -> int:
    """One run of the command line; returns the exit code.

    `stdout`/`stderr`/`environ` default to the process's; `transport` replaces the network (tests
    pass a fake's); `tqdm=True` uses tqdm bars when installed, a module uses that one, and None or
    False always prints plain progress lines.
    """
    args_list = list(sys.argv[1:] if argv is None else argv)
    env = os.environ if environ is None else environ
    secrets = secrets_in(args_list, env)
    out_stream = RedactingStream.wrap(stdout or sys.stdout, secrets)
    err_stream = RedactingStream.wrap(stderr or sys.stderr, secrets)
    bars = load_tqdm() if tqdm is True else (tqdm or None)
    with redirect_stdout(out_stream), redirect_stderr(err_stream):
        parsed = _parse(build_parser(), args_list)
        if isinstance(parsed, int):
            return parsed
        out = Output(out_stream, err_stream, json_mode=parsed.json)
        ctx = Context(parsed, out, environ=env, transport=transport, tqdm=bars)
        with _debug_logging(err_stream, enabled=parsed.debug):
            return _dispatch(ctx)
