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


# The side a raw client is bound to, keyed by "was the sync side asked for": its name, functions.
_BOUND_SIDE = {
    True: ("AsyncInstantly", "asyncio/asyncio_detailed"),
    False: ("Instantly", "sync/sync_detailed"),
}


def _wrong_side(asked_sync: bool) -> WrongClientSideError:
    """The error for a raw client asked for the side it was not bound to."""
    (this, functions), (other, others) = _BOUND_SIDE[asked_sync], _BOUND_SIDE[not asked_sync]
    return WrongClientSideError(
        f"this is {this}().raw: use it with the {functions} functions, "
        f"or {other}().raw with {others}"
    )


class BoundRawClient(AuthenticatedClient):
    """An `AuthenticatedClient` that only ever sends through the httpx client it was bound to."""

    def get_httpx_client(self) -> httpx.Client:
        if self._client is None:
            raise _wrong_side(asked_sync=True)
        return super().get_httpx_client()

    def get_async_httpx_client(self) -> httpx.AsyncClient:
        if self._async_client is None:
            raise _wrong_side(asked_sync=False)
        return super().get_async_httpx_client()
