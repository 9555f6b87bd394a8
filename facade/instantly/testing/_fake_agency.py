"""A fake agency: one key, an admin workspace and sub-workspaces selected by `x-as-workspace`.

Each workspace is a whole `FakeInstantly` (its own accounts, jobs, request log and its own
server rate limit: Instantly's limit is per workspace). A request without the header goes to
the admin workspace; one naming a workspace of the group goes to it; any other is refused with
403 before it reaches a workspace. The admin workspace holds the group's members: its
spec-driven `GET /api/v2/workspace-group-members` lists the sub-workspaces (auth, rate limit,
paging and the request schema as for any operation). Serve it like a fake: `agency.transport()`,
`with agency.serve() as base_url: ...`.
"""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Final, cast

from ._clock import Clock
from ._fake import FakeInstantly, Query
from ._server_rate_limit import ServerRateLimit
from ._wire import FakeResponse, error_response

if TYPE_CHECKING:
    from ._in_process_transport import AsyncSleep, FakeTransport, Sleep
    from ._server import LoopbackServer

__all__ = ["ADMIN_WORKSPACE_ID", "FakeAgency"]

ADMIN_WORKSPACE_ID: Final = "019cc043-af54-70e2-ac5a-5f6af8474683"
_HEADER: Final = "x-as-workspace"
_MEMBERS_PATH: Final = "/api/v2/workspace-group-members"


class FakeAgency:
    """An agency's workspaces behind one key (see the module docstring).

    `workspaces` sub-workspaces are made at once (ids `ws-1`, `ws-2`, ...); `add_workspace`
    adds more, with a status other than `accepted` too (not listed as a member's workspace you
    may act in, and refused like an unknown one). Options are passed to every `FakeInstantly`.
    """

    def __init__(
        self,
        *,
        workspaces: int = 2,
        api_key: str | None = None,
        clock: Clock = time.monotonic,
        rate_limit: ServerRateLimit | None = ServerRateLimit(),  # noqa: B008 (frozen)
        **options: Any,
    ) -> None:
        self._options: dict[str, Any] = {
            "api_key": api_key, "clock": clock, "rate_limit": rate_limit, **options,
        }  # fmt: skip
        self._lock = threading.Lock()
        self.admin = FakeInstantly(workspace_id=ADMIN_WORKSPACE_ID, **self._options)
        self._members = self.admin.collection(_MEMBERS_PATH).records  # by member id
        self._fakes: dict[str, FakeInstantly] = {}
        for n in range(1, workspaces + 1):
            self.add_workspace(f"ws-{n}", name=f"Client {n}")

    def __repr__(self) -> str:
        return f"<FakeAgency workspaces={len(self._fakes)}>"

    def add_workspace(
        self, workspace_id: str | None = None, *, name: str | None = None, status: str = "accepted"
    ) -> FakeInstantly:
        """Add a sub-workspace (a fresh fake); its `FakeInstantly` to seed and inspect."""
        workspace_id = workspace_id or str(uuid.uuid4())
        fake = FakeInstantly(workspace_id=workspace_id, **self._options)
        with self._lock:
            if workspace_id in self._fakes or workspace_id == ADMIN_WORKSPACE_ID:
                raise ValueError(f"workspace {workspace_id!r} exists already")
            self._fakes[workspace_id] = fake
            self.admin.add_record(
                _MEMBERS_PATH,
                id=_member_id(workspace_id),
                admin_workspace_id=ADMIN_WORKSPACE_ID,
                sub_workspace_id=workspace_id,
                status=status,
                sub_workspace_name=name,
                admin_workspace_name="Agency",
            )
        return fake

    def workspace(self, workspace_id: str) -> FakeInstantly:
        """The fake of one sub-workspace (KeyError if there is none)."""
        return self._fakes[workspace_id]

    @property
    def workspace_ids(self) -> list[str]:
        """Every sub-workspace's id, in the order added."""
        return list(self._fakes)

    def transport(
        self, *, sleep: Sleep | None = None, async_sleep: AsyncSleep | None = None
    ) -> FakeTransport:
        """An httpx transport serving the agency in-process (sync and async clients)."""
        from ._in_process_transport import FakeTransport

        # FakeTransport and LoopbackServer only call `handle`, which this class has.
        return FakeTransport(cast(FakeInstantly, self), sleep=sleep, async_sleep=async_sleep)

    def serve(self, host: str = "127.0.0.1", port: int = 0) -> LoopbackServer:
        """A loopback HTTP server for the agency: `with agency.serve() as base_url: ...`."""
        from ._server import LoopbackServer

        return LoopbackServer(cast(FakeInstantly, self), host=host, port=port)

    def handle(
        self,
        method: str,
        path: str,
        *,
        query: Query = "",
        headers: Mapping[str, str] | None = None,
        body: bytes = b"",
    ) -> FakeResponse:
        """Route one request to the workspace its header names (403 for one not in the group)."""
        lowered = {k.lower(): v for k, v in (headers or {}).items()}
        workspace_id = lowered.get(_HEADER)
        if workspace_id is None:
            return self.admin.handle(method, path, query=query, headers=headers, body=body)
        with self._lock:
            member = self._members.get(_member_id(workspace_id))
            fake = self._fakes.get(workspace_id)
        if member is None or fake is None or member["status"] != "accepted":
            return error_response(403, "You do not have access to this workspace (x-as-workspace)")
        return fake.handle(method, path, query=query, headers=headers, body=body)


def _member_id(workspace_id: str) -> str:
    """The id of a sub-workspace's membership record (stable: derived from the workspace id)."""
    return str(uuid.uuid5(uuid.NAMESPACE_URL, workspace_id))
