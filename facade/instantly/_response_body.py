"""Response bodies decoded here, a piece at a time, and refused past a size cap (sans-I/O).

httpx inflates a gzip chunk whole: a 4 MB answer that inflates to 4 GiB takes the process down
before anyone can count. `BodyDecoder` undoes the Content-Encoding itself (gzip, deflate, in the
order they were applied), asking zlib for at most `PIECE` bytes at a time, and raises
`ResponseTooLargeError` as soon as the decoded bytes pass the cap, on any status. The retry
transport hands httpx the decoded pieces and drops the Content-Encoding header. The client asks
for gzip and deflate only (`ACCEPT_ENCODING`); a body in another coding is refused
(`httpx.DecodingError`, which the client reports as `MalformedResponseError`), since it could
not be decoded within the cap.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterator
from typing import Final

import httpx

from ._errors import ResponseTooLargeError

__all__ = ["ACCEPT_ENCODING", "PIECE", "BodyDecoder"]

ACCEPT_ENCODING: Final = "gzip, deflate"
# The most zlib is asked to inflate at once: what one step of a decompression bomb can cost.
PIECE: Final = 64 * 1024

_GZIP: Final = ("gzip", "x-gzip")
_DEFLATE: Final = "deflate"
_IDENTITY: Final = ("identity", "")


class _Inflater:
    """One zlib stage (gzip, or deflate with or without its zlib header), in bounded pieces."""

    __slots__ = ("_d", "_raw_fallback", "_started")

    def __init__(self, coding: str) -> None:
        gzip = coding in _GZIP
        self._d = zlib.decompressobj(zlib.MAX_WBITS | 16 if gzip else zlib.MAX_WBITS)
        self._raw_fallback = not gzip  # "deflate" is sent with and without the zlib header
        self._started = False

    def feed(self, data: bytes) -> Iterator[bytes]:
        """The decoded pieces of `data`, each at most PIECE bytes."""
        try:
            piece = self._d.decompress(data, PIECE)
        except zlib.error:
            if not (self._raw_fallback and not self._started):
                raise
            self._d = zlib.decompressobj(-zlib.MAX_WBITS)
            piece = self._d.decompress(data, PIECE)
        self._started = True
        while True:
            if piece:
                yield piece
            tail = self._d.unconsumed_tail
            if not tail:
                return
            piece = self._d.decompress(tail, PIECE)

    def flush(self) -> Iterator[bytes]:
        """What is left once the input has ended."""
        if self._started:
            yield from self.feed(b"")
            rest = self._d.flush()
            if rest:
                yield rest


class BodyDecoder:
    """Raw body chunks in, decoded pieces out, `ResponseTooLargeError` past `limit` bytes."""

    __slots__ = ("_limit", "_received", "_refusal", "_request", "_stages", "_status")

    def __init__(
        self,
        stages: tuple[_Inflater, ...],
        limit: int | None,
        request: httpx.Request,
        status_code: int,
    ) -> None:
        self._stages = stages
        self._limit = limit
        self._request = request
        self._status = status_code
        self._received = 0
        self._refusal: Exception | None = None

    @classmethod
    def of(cls, response: httpx.Response, request: httpx.Request, limit: int | None) -> BodyDecoder:
        """The decoder for `response`; its Content-Encoding header is dropped (now undone here).

        A coding it cannot undo, or an unencoded body whose Content-Length already passes the
        cap, is refused by `start()`, when the body is first read.
        """
        codings = response.headers.get("content-encoding")
        stages: tuple[_Inflater, ...] = ()
        refusal: Exception | None = None
        if codings is not None:
            names = [c.strip().lower() for c in codings.split(",")]
            if all(n in _GZIP or n == _DEFLATE or n in _IDENTITY for n in names):
                stages = tuple(_Inflater(n) for n in reversed(names) if n not in _IDENTITY)
            else:
                refusal = httpx.DecodingError(
                    f"the response's Content-Encoding {codings!r} is not one this client asks "
                    f"for ({ACCEPT_ENCODING}) or can decode within its size cap",
                    request=request,
                )
            del response.headers["content-encoding"]
        decoder = cls(stages, limit, request, response.status_code)
        if refusal is None and not stages and limit is not None:
            length = response.headers.get("content-length", "")
            if length.isdigit() and int(length) > limit:
                refusal = decoder._too_large(int(length), announced=True)
        decoder._refusal = refusal
        return decoder

    def start(self) -> None:
        """Raise what refuses this body before any of it is read, if anything does."""
        if self._refusal is not None:
            raise self._refusal

    @property
    def plain(self) -> bool:
        """Whether the body is not encoded (each raw chunk is passed to `count` as it is)."""
        return not self._stages

    def count(self, chunk: bytes) -> bytes:
        """An unencoded chunk, counted (`ResponseTooLargeError` past the cap)."""
        self._received += len(chunk)
        if self._limit is not None and self._received > self._limit:
            raise self._too_large(self._received, announced=False)
        return chunk

    def feed(self, chunk: bytes) -> Iterator[bytes]:
        """The decoded pieces of one raw chunk (`httpx.DecodingError` if it does not decode)."""
        return self._counted(self._through(0, chunk))

    def finish(self) -> Iterator[bytes]:
        """The decoded pieces the stages still hold once the raw body has ended."""
        return self._counted(self._flushed(0))

    def _through(self, stage: int, data: bytes) -> Iterator[bytes]:
        if stage == len(self._stages):
            if data:
                yield data
            return
        try:
            for piece in self._stages[stage].feed(data):
                yield from self._through(stage + 1, piece)
        except zlib.error as exc:
            raise self._undecodable(exc) from None

    def _flushed(self, stage: int) -> Iterator[bytes]:
        if stage == len(self._stages):
            return
        try:
            for piece in self._stages[stage].flush():
                yield from self._through(stage + 1, piece)
        except zlib.error as exc:
            raise self._undecodable(exc) from None
        yield from self._flushed(stage + 1)

    def _counted(self, pieces: Iterator[bytes]) -> Iterator[bytes]:
        limit = self._limit
        for piece in pieces:
            self._received += len(piece)
            if limit is not None and self._received > limit:
                raise self._too_large(self._received, announced=False)
            yield piece

    def _undecodable(self, exc: zlib.error) -> httpx.DecodingError:
        return httpx.DecodingError(
            f"the response body does not decode as its Content-Encoding says: {exc}",
            request=self._request,
        )

    def _too_large(self, size: int, *, announced: bool) -> ResponseTooLargeError:
        request = self._request
        limit = self._limit or 0
        what = f"announces {size:,} bytes" if announced else f"passed {limit:,} bytes decoded"
        return ResponseTooLargeError(
            f"the {self._status} response's body {what}, more than the client's "
            f"max_response_bytes={limit:,}; nothing of it is kept (raise max_response_bytes "
            "if such answers are expected)",
            limit=limit, status_code=self._status,
            method=request.method, path=request.url.path,
        )  # fmt: skip
