"""`asyncio.sleep` that imports asyncio on first await: a sync client never loads asyncio.

The async shells (transport, job handles, the jobs resource) take it as their default sleep;
importing asyncio costs more than the rest of the facade's sync path (see benchmarks/).
"""

from __future__ import annotations

__all__ = ["asyncio_sleep"]


async def asyncio_sleep(seconds: float) -> None:
    """Await `asyncio.sleep(seconds)`; asyncio is imported here, not at module import."""
    import asyncio

    await asyncio.sleep(seconds)
