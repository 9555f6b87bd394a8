"""Where the server's answers differ from the spec: recorded on the client, warned once, or raised.

The generated models read what the server really sends (a "" where a date is declared, a
required field left out, a value of another type: kept as sent) and report each difference as
(`Model.field`, kind). A client gathers them per response (`instantly_api._tolerance.collect`)
and hands them here: the first time an (operation, field, kind) is seen it is kept in
`client.deviations` and logged once as a WARNING on the `instantly.deviations` logger; a client
made with `strict=True` raises `ResponseDeviationError` instead (the project's own contract and
behaviour tests run strict, so a model that regresses still fails them).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from ._config import LOGGER_NAME
from ._errors import ResponseDeviationError
from ._secrets import scrub

if TYPE_CHECKING:
    from instantly_api._tolerance import Deviation

__all__ = ["DEVIATIONS_LOGGER", "DeviationLog", "ResponseDeviation"]

DEVIATIONS_LOGGER: Final = f"{LOGGER_NAME}.deviations"

logger = logging.getLogger(DEVIATIONS_LOGGER)


@dataclass(frozen=True, slots=True)
class ResponseDeviation:
    """One way an operation's answers differed from the spec: the operation id (`listCampaign`),
    the field (`Campaign.campaign_schedule`, `[]` for a list item), the kind (`missing`, `null`,
    `empty`, `format`, `type`) and a short excerpt of the first value seen (never the key)."""

    operation: str
    path: str
    kind: str
    value: str

    def __str__(self) -> str:
        sent = f": {self.value}" if self.value else ""
        return f"{self.operation}: {self.path} ({self.kind}){sent}"


class DeviationLog:
    """A client's record of deviations: one entry per (operation, field, kind), first seen first.

    Bounded by the spec (each key at most once), shared by the client's threads.
    """

    def __init__(self, *, strict: bool) -> None:
        self.strict = strict
        self._seen: dict[tuple[str, str, str], ResponseDeviation] = {}
        self._lock = threading.Lock()

    @property
    def entries(self) -> tuple[ResponseDeviation, ...]:
        with self._lock:
            return tuple(self._seen.values())

    def clear(self) -> None:
        """Forget what was seen (each deviation is then warned about again)."""
        with self._lock:
            self._seen.clear()

    def record(
        self,
        operation: str,
        found: Sequence[Deviation],
        *,
        key: str | None,
        method: str,
        path: str,
        status_code: int,
        body: str,
        strict: bool = False,
    ) -> ResponseDeviationError | None:
        """Keep and warn about each new deviation of one response; a strict log (or `strict`)
        records nothing and gives the error to raise (the caller raises it, outside this frame
        and its unscrubbed values)."""
        deviations = _unique(
            ResponseDeviation(operation, d.path, d.kind, scrub(d.value, key)) for d in found
        )
        if self.strict or strict:
            first = deviations[0]
            more = f" and {len(deviations) - 1} more" if len(deviations) > 1 else ""
            return ResponseDeviationError(
                f"{status_code} response differs from the spec at {first.path} ({first.kind})"
                f"{': ' + first.value if first.value else ''}{more}",
                deviations=deviations,
                status_code=status_code,
                body=body,
                method=method,
                path=path,
            )
        new: list[ResponseDeviation] = []
        with self._lock:
            for deviation in deviations:
                slot = (deviation.operation, deviation.path, deviation.kind)
                if slot not in self._seen:
                    self._seen[slot] = deviation
                    new.append(deviation)
        for deviation in new:
            logger.warning(
                "%s %s: the response differs from the spec at %s (%s)%s; %s (client.deviations "
                "lists each difference once)",
                method, path, deviation.path, deviation.kind,
                f": {deviation.value}" if deviation.value else "",
                "read as UNSET" if deviation.kind == "missing" else "the value is kept as sent",
            )  # fmt: skip
        return None


def _unique(deviations: Iterable[ResponseDeviation]) -> tuple[ResponseDeviation, ...]:
    """Each (path, kind) once, in the order first reported (a body read twice reports twice)."""
    out: dict[tuple[str, str], ResponseDeviation] = {}
    for deviation in deviations:
        out.setdefault((deviation.path, deviation.kind), deviation)
    return tuple(out.values())
