"""Keeping the API key out of everything the command line writes, even with `--debug`.

The library never puts the key in a message, repr or log line. This is a second guard at the
only exit the CLI has, its two streams: any text written to them has the key replaced, so a
traceback, a third-party message or a future bug cannot print it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Final, TextIO, cast

from ._environment import ENV_API_KEY

__all__ = ["REDACTED", "RedactingStream", "secrets_in"]

REDACTED: Final = "<redacted>"

# Shorter values are not replaced: they would garble ordinary words, and no real key is that short.
_MIN_SECRET_LENGTH: Final = 6


def secrets_in(argv: Sequence[str], environ: Mapping[str, str]) -> list[str]:
    """The API keys a command line may use: `--api-key V`, `--api-key=V`, the environment's."""
    found = [environ.get(ENV_API_KEY, "")]
    for index, arg in enumerate(argv):
        if arg == "--api-key" and index + 1 < len(argv):
            found.append(argv[index + 1])
        elif arg.startswith("--api-key="):
            found.append(arg.partition("=")[2])
    keys = {key for key in found if len(key) >= _MIN_SECRET_LENGTH}
    keys |= {key.strip() for key in keys if len(key.strip()) >= _MIN_SECRET_LENGTH}
    return sorted(keys, key=len, reverse=True)  # longest first: a key inside another is covered


class RedactingStream:
    """A text stream that replaces each secret before writing to the stream it wraps."""

    def __init__(self, stream: TextIO, secrets: Iterable[str]) -> None:
        self._stream = stream
        self._secrets = tuple(secrets)

    def write(self, text: str) -> int:
        for secret in self._secrets:
            text = text.replace(secret, REDACTED)
        return self._stream.write(text)

    def writelines(self, lines: Iterable[str]) -> None:
        for line in lines:
            self.write(line)

    def flush(self) -> None:
        self._stream.flush()

    def isatty(self) -> bool:
        return self._stream.isatty()

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)

    @classmethod
    def wrap(cls, stream: TextIO, secrets: Iterable[str]) -> TextIO:
        """`stream` wrapped, typed as the `TextIO` it stands in for."""
        return cast(TextIO, cls(stream, secrets))
