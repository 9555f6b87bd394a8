"""`client.raw`: the generated client bound to one side of the facade, refusing the other.

A generated `AuthenticatedClient` asked for the httpx client of the side it was not bound to
builds a plain one of its own: no retries, no rate limit, and not the transport the caller gave
(a test's fake would be bypassed and the key sent to the real API). The subclass here refuses
that with `WrongClientSideError`, naming the right client to use.
"""

from __future__ import annotations

import httpx
from instantly_api.client import AuthenticatedClient

from ._errors import WrongClientSideError

__all__ = ["BoundRawClient"]


class BoundRawClient(AuthenticatedClient):
    """An `AuthenticatedClient` that only ever sends through the httpx client it was bound to."""

    def get_httpx_client(self) -> httpx.Client:
        if self._client is None:
            raise WrongClientSideError(
                "this is AsyncInstantly().raw: use it with the asyncio/asyncio_detailed "
                "functions, or Instantly().raw with sync/sync_detailed"
            )
        return super().get_httpx_client()

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        if self._async_client is None:
            raise WrongClientSideError(
                "this is Instantly().raw: use it with the sync/sync_detailed functions, or "
                "AsyncInstantly().raw with asyncio/asyncio_detailed"
            )
        return super().get_async_httpx_client()
