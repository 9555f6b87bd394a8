"""What every command runs with: parsed arguments, the output, and a client made on first use.

The client is built only when a command needs the API (`spec` and `demo` do not), from
`--api-key`/`INSTANTLY_API_KEY`, `--base-url`/`INSTANTLY_BASE_URL`, `--timeout` and
`--workspace` (an agency key acting in one sub-workspace).
"""

from __future__ import annotations

import argparse
from collections.abc import Mapping
from types import ModuleType
from typing import TYPE_CHECKING, Final

from ._environment import ENV_API_KEY, ENV_BASE_URL
from ._output import Output

if TYPE_CHECKING:  # httpx and the client load when a command first needs the API, not for --help
    from collections.abc import Sequence

    import httpx

    from .._client import Instantly
    from ._progress import JobProgress

__all__ = ["EXIT_API_ERROR", "EXIT_OK", "EXIT_USAGE", "Context", "UsageError"]

EXIT_OK: Final = 0
EXIT_API_ERROR: Final = 1  # the API (or the network, or a job) did not do what was asked
EXIT_USAGE: Final = 2  # bad arguments: nothing was sent, or nothing could be


class UsageError(Exception):
    """A command line the CLI refuses before calling the API (exit code 2)."""


class Context:
    """A command's arguments, output and environment, and the client it talks through."""

    def __init__(
        self,
        args: argparse.Namespace,
        out: Output,
        *,
        environ: Mapping[str, str],
        transport: httpx.BaseTransport | None = None,
        tqdm: ModuleType | bool | None = None,
    ) -> None:
        self.args = args
        self.out = out
        self.environ = environ
        self._transport = transport
        self._tqdm = tqdm
        self._placeholder_key = False
        self._client: Instantly | None = None
        self._parent: Instantly | None = None  # the agency's client, when --workspace binds one

    @property
    def tqdm(self) -> ModuleType | None:
        """The tqdm module progress bars use, or None for plain progress lines (True: tqdm if
        installed, imported on first use: a command without progress never waits for it)."""
        if self._tqdm is True:
            from ._progress import load_tqdm

            self._tqdm = load_tqdm()
        return self._tqdm or None

    def use_transport(self, transport: httpx.BaseTransport, *, placeholder_key: bool) -> None:
        """Send through `transport` instead (`--dry-run`: one that sends nothing), with a
        placeholder key when none is given; before the client is made."""
        self._transport = transport
        self._placeholder_key = placeholder_key

    def api_key(self) -> str:
        """The key from `--api-key`, else the environment; a usage error naming both if neither."""
        key: str | None = self.args.api_key or self.environ.get(ENV_API_KEY)
        if not key and self._placeholder_key:
            return "dry-run-key"
        if not key:
            raise UsageError(
                f"no API key: pass --api-key KEY or set the {ENV_API_KEY} environment variable "
                "(create a key in Instantly under Settings > Integrations > API keys), "
                "or try `instantly demo`, which needs none"
            )
        return key

    def client(self) -> Instantly:
        """The client for this run, created on first use and closed by `close()`."""
        if self._client is None:
            from .._client import Instantly
            from .._config import DEFAULT_TIMEOUT

            base_url = self.args.base_url or self.environ.get(ENV_BASE_URL) or None
            timeout = self.args.request_timeout
            client = Instantly(
                self.api_key(),
                base_url=base_url,
                timeout=DEFAULT_TIMEOUT if timeout is None else timeout,
                transport=self._transport,
            )
            workspace = getattr(self.args, "workspace", None)
            if workspace is not None:  # --workspace: every request acts in that sub-workspace
                try:
                    bound = client.for_workspace(workspace)
                except BaseException:
                    client.close()
                    raise
                self._parent, client = client, bound
            self._client = client
        return self._client

    def progress(self, job_ids: Sequence[str]) -> JobProgress:
        """A display of these jobs' progress on stderr (bars on a terminal with tqdm)."""
        from ._progress import job_progress_display

        return job_progress_display(self.out.stderr, job_ids, tqdm=self.tqdm)

    def close(self) -> None:
        """Close the client, if one was made."""
        for client in (self._client, self._parent):
            if client is not None:
                client.close()
        self._client = self._parent = None
