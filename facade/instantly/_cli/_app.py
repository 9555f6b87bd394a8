"""The `instantly` command line: the argument parser, and one run from arguments to an exit code.

Exit codes: 0 success; 1 the API, the network or a job did not do what was asked (any
`InstantlyError` that is not about the input); 2 bad usage, from argparse or from the library's
own input checks (`InvalidInputError`: an invalid email, an unknown filter, ...), in which case
nothing was sent. Errors print the typed error's message, with the traceback only under `--debug`.
"""

from __future__ import annotations

import argparse
import importlib
import logging
import os
import sys
import traceback
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager, redirect_stderr, redirect_stdout
from types import ModuleType
from typing import TYPE_CHECKING, Any, Final, TextIO

from ._environment import ENV_API_KEY, ENV_BASE_URL, LOGGER_NAME
from ._parsing import seconds
from ._redact import RedactingStream, secrets_in

if TYPE_CHECKING:
    import httpx

    from ._context import Context
    from ._output import Output

__all__ = ["build_parser", "run"]

EXIT_INTERRUPTED: Final = 130  # the shell's convention for SIGINT
EXIT_USAGE: Final = 2  # as `_context.EXIT_USAGE` (`--help` never imports `_context`)

# The hand-written workflow commands: (command, module, help). A generated resource of the same
# name adds its other operations to the group; a colliding command stays the workflow's, and
# every generated command is reachable as `instantly api <resource> <command>`.
WORKFLOWS: Final = (
    ("accounts", "_account_commands", "list, show, pause and resume email accounts"),
    ("warmup", "_warmup_commands", "enable or disable warmup (background jobs)"),
    ("jobs", "_job_commands", "show and wait for background jobs"),
    ("leads", "_lead_commands", "import leads from a CSV file"),
    ("campaigns", "_campaign_commands", "list, activate and pause campaigns"),
    ("emails", "_email_commands", "read the Unibox"),
    ("analytics", "_analytics_commands", "export analytics"),
    ("spec", "_spec_commands", "show the pinned spec"),
    ("demo", "_demo", "a tour against an embedded fake API (no key, no network, a few seconds)"),
    ("completion", "_completion", "print a bash or zsh completion script"),
)
API_HELP: Final = "every operation of the API as `api <resource> <command>` (always generated)"
# Options (before or after the command) that take a value: skipped when finding the command.
_VALUE_OPTIONS: Final = frozenset({"--api-key", "--base-url", "--workspace", "--timeout"})

_DESCRIPTION = """\
Command line for the Instantly.ai API v2: workflow commands (accounts, warmup, background
jobs, lead import, campaigns, unread emails, analytics export, the pinned spec) and every
operation of the API as `instantly <resource> <command>` (`instantly api ...` always reaches
the generated command where a workflow command has the same name).
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


class _VersionAction(argparse.Action):
    """`--version`, its value looked up only when asked for (importlib.metadata is slow)."""

    def __init__(self, option_strings: Sequence[str], dest: str, **kwargs: Any) -> None:
        super().__init__(option_strings, dest, nargs=0, help="show the version and exit", **kwargs)

    def __call__(self, parser: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> None:
        parser.exit(message=f"{parser.prog} {_version()}\n")


def command_words(argv: Sequence[str]) -> list[str]:
    """The positional words of a command line (options and their values skipped): the first
    names the command group, the second (after `api`) the resource."""
    words: list[str] = []
    skip = False
    for token in argv:
        if skip:
            skip = False
        elif token in _VALUE_OPTIONS:
            skip = True
        elif not token.startswith("-"):
            words.append(token)
    return words


def _subcommands(parser: argparse.ArgumentParser) -> Any:
    """A group's subcommands action (as its `add_subparsers` returned it)."""
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))


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


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The `instantly` argument parser, every group listed; only the group `argv` names is built
    in full (None: every group, as the docs and completion read them), so `instantly --help`
    imports no resource module and no httpx."""
    from ._operation_commands import API_GROUP, add_resource_commands, command_index
    from ._operation_commands import resource_word as word_of

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
    parser.add_argument("--version", action=_VersionAction)
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    words = None if argv is None else command_words(argv)
    resources, index = command_index()
    by_word = {word_of(attribute): attribute for attribute in resources}
    workflow_names = {name for name, _, _ in WORKFLOWS}
    groups = [*workflow_names, API_GROUP, *by_word]

    def at(position: int) -> str | None:
        """The word at `position` (None: build everything; "": the line names none there)."""
        if words is None:
            return None
        return words[position] if len(words) > position else ""

    def state(name: str, position: int, names: Sequence[str]) -> str | None:
        """ "full" for the chosen group, "stub" (a help line) where the line chose none or an
        unknown one (help and the usage error list them all), None: left out."""
        word = at(position)
        if word is None or word == name:
            return "full"
        return "stub" if word not in names else None

    for name, module_name, help_text in WORKFLOWS:
        attribute = by_word.get(name)
        kind = state(name, 0, groups)
        if kind == "stub":
            tag = resources[attribute].split(":")[0] if attribute else ""
            more = f"; and every {tag} operation" if attribute else ""
            commands.add_parser(name, help=help_text + more)
        elif kind == "full":
            module = importlib.import_module(f"{__package__}.{module_name}")
            module.register(commands, common)
            if attribute is not None:
                group = commands.choices[name]
                sub = _subcommands(group)
                shadowed = [c for c, *_ in index[attribute] if c in sub.choices]
                if shadowed:
                    group.epilog = (
                        f"The API's own {'|'.join(shadowed)} (generated from the spec): "
                        f"instantly {API_GROUP} {name} {'|'.join(shadowed)}."
                    )
                add_resource_commands(
                    sub, common, attribute, skip=frozenset(sub.choices), only=at(1)
                )
    kind = state(API_GROUP, 0, groups)
    if kind == "full":
        api = commands.add_parser(API_GROUP, help=API_HELP, parents=[common])
        api_sub = api.add_subparsers(dest="resource", metavar="RESOURCE", required=True)
        for word, attribute in by_word.items():
            _resource_group(
                api_sub, common, word, attribute, resources,
                kind=state(word, 1, list(by_word)), only=at(2),
            )  # fmt: skip
    elif kind == "stub":
        commands.add_parser(API_GROUP, help=API_HELP)
    for word, attribute in by_word.items():
        if word not in workflow_names:
            _resource_group(
                commands, common, word, attribute, resources,
                kind=state(word, 0, groups), only=at(1),
            )  # fmt: skip
    return parser


def _resource_group(
    commands: Any,
    common: argparse.ArgumentParser,
    word: str,
    attribute: str,
    resources: Mapping[str, str],
    *,
    kind: str | None,
    only: str | None,
) -> None:
    """A resource's group: its commands when "full" (`only` that one in full), a line of help
    when "stub", nothing when None."""
    from ._operation_commands import add_resource_commands

    if kind is None:
        return
    if kind == "stub":
        commands.add_parser(word, help=resources[attribute])
        return
    group = commands.add_parser(word, help=resources[attribute], parents=[common])
    sub = group.add_subparsers(dest="action", metavar="COMMAND", required=True)
    add_resource_commands(sub, common, attribute, only=only)


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
    from .._errors import JobGroupError, JobTimeoutError

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
    from .._errors import InstantlyError, InvalidInputError
    from ._context import EXIT_API_ERROR, UsageError

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
    with redirect_stdout(out_stream), redirect_stderr(err_stream):
        parsed = _parse(build_parser(args_list), args_list)
        if isinstance(parsed, int):
            return parsed
        from ._context import Context
        from ._output import Output

        bars = True if tqdm is True else (tqdm or None)  # True: tqdm loaded on first use
        out = Output(out_stream, err_stream, json_mode=parsed.json)
        ctx = Context(parsed, out, environ=env, transport=transport, tqdm=bars)
        with _debug_logging(err_stream, enabled=parsed.debug):
            return _dispatch(ctx)
