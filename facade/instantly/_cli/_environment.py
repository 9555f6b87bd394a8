"""The names the command line reads from its environment, without importing the library.

Copies of `instantly._config`'s (a test keeps them equal): `_config` imports httpx, which
`instantly --help` must not wait for.
"""

from __future__ import annotations

from typing import Final

__all__ = ["ENV_API_KEY", "ENV_BASE_URL", "LOGGER_NAME"]

ENV_API_KEY: Final = "INSTANTLY_API_KEY"
ENV_BASE_URL: Final = "INSTANTLY_BASE_URL"
LOGGER_NAME: Final = "instantly"
