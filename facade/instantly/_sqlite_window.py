"""The shared limiter's store for processes on one machine: one SQLite file (stdlib sqlite3).

WAL mode; every `record` is one `BEGIN IMMEDIATE` transaction (the write lock is taken first,
so two processes never decide on the same state). Times are the callers' monotonic clock, which
is system-wide: every process on the machine reads the same one. Rows older than the longest
window are pruned as they go by, and the claims of a process silent for `LEASE` are deleted
(`owners` holds when each was last heard of). The algorithm is `_rate_limiter`'s, over indexed
queries. A forked child reconnects (a SQLite connection must not cross a fork).
"""

from __future__ import annotations

import math
import os
import random
import sqlite3
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Final, Literal

from ._errors import InvalidInputError
from ._shared_limiter import (
    HELD,
    LEASE,
    SENT,
    TOO_LONG,
    WAIT,
    LogSpec,
    Mode,
    SharedLimiterError,
)

__all__ = ["SQLiteWindows"]

_KIND_CLAIM: Final = 1
_KIND_SENT: Final = 2
_BUSY_TIMEOUT_S: Final = 10.0
_BUSY_POLL_S: Final = 0.0002
_PRUNE_EVERY: Final = 32
_PURGE_EVERY: Final = 0.1  # seconds between looks for dead owners (one process's own clock)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (log TEXT NOT NULL, kind INTEGER NOT NULL, at REAL NOT NULL,
                                    member TEXT NOT NULL, owner TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS entries_by_owner ON entries (owner, kind);
CREATE TABLE IF NOT EXISTS owners (owner TEXT PRIMARY KEY, seen REAL NOT NULL);
CREATE INDEX IF NOT EXISTS entries_by_log ON entries (log, kind, at);
CREATE INDEX IF NOT EXISTS entries_by_member ON entries (member);
CREATE TABLE IF NOT EXISTS holds (name TEXT PRIMARY KEY, not_before REAL NOT NULL,
                                  refused_until REAL NOT NULL);
"""


class _Tx:
    """The queries of one transaction, the sliding-window rules over them."""

    def __init__(self, db: sqlite3.Connection, waited: float = 0.0) -> None:
        self.db = db
        self.waited = waited  # seconds spent waiting for the write lock (another process held it)

    def nth_sent(self, log: str, n: int) -> float | None:
        """The n-th newest send (1-based), or None when there are fewer."""
        row = self.db.execute(
            "SELECT at FROM entries WHERE log=? AND kind=2 ORDER BY at DESC LIMIT 1 OFFSET ?",
            (log, n - 1),
        ).fetchone()
        return None if row is None else float(row[0])

    def earliest_send(self, spec: LogSpec, at: float) -> float:
        log, windows = spec
        for limit, window in windows:
            nth = self.nth_sent(log, limit)
            if nth is not None:
                at = max(at, nth + window)
        return at

    def earliest_claim(self, spec: LogSpec, at: float, before: float = math.inf) -> float:
        """`_Log.earliest_claim`: the claims in (at, before) ahead, then the sends."""
        log, windows = spec
        hi = 1e300 if before == math.inf else max(before, -1e300)
        start = at
        (count,) = self.db.execute(
            "SELECT COUNT(*) FROM entries WHERE log=? AND kind=1 AND at>? AND at<?",
            (log, start, hi),
        ).fetchone()
        if not count:
            return self.earliest_send(spec, at)

        def nth_claim(n: int) -> float:
            row = self.db.execute(
                "SELECT at FROM entries WHERE log=? AND kind=1 AND at>? AND at<? "
                "ORDER BY at DESC LIMIT 1 OFFSET ?",
                (log, start, hi, n - 1),
            ).fetchone()
            return float(row[0])

        at = max(at, nth_claim(1))
        for limit, window in windows:
            if count >= limit:
                at = max(at, nth_claim(limit) + window)
            else:
                nth = self.nth_sent(log, limit - count)
                if nth is not None:
                    at = max(at, nth + window)
        return at


class SQLiteWindows:
    """A `WindowStore` in one SQLite file (created with its tables when missing)."""

    def __init__(self, url: str) -> None:
        path = url.split("://", 1)[1]
        if path.startswith("/"):
            path = path[1:]  # sqlite:///relative.db, sqlite:////absolute/file.db
        if not path or path == ":memory:":
            raise InvalidInputError(
                "a shared SQLite limiter needs a file path (sqlite:///path/to/file.db), "
                f"got {url!r}"
            )
        self.url = url
        self.path = Path(path)
        self._ops = 0
        self._purged = -math.inf
        self.purge_every = _PURGE_EVERY  # tests on an explicit timeline set 0
        self._lock = threading.Lock()  # one connection, used by one thread at a time
        self._connect()

    def _connect(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._db = sqlite3.connect(
                self.path, timeout=_BUSY_TIMEOUT_S, isolation_level=None, check_same_thread=False
            )
            self._pid = os.getpid()
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute("PRAGMA synchronous=NORMAL")
            with self._tx():
                for statement in _SCHEMA.split(";"):
                    if statement.strip():
                        self._db.execute(statement)
            self._db.execute("PRAGMA busy_timeout=0")  # from now on `_transaction` polls
        except (sqlite3.Error, OSError) as exc:
            raise self._failed(exc) from None

    def __repr__(self) -> str:
        return f"SQLiteWindows({self.url!r})"

    def _failed(self, exc: BaseException) -> SharedLimiterError:
        return SharedLimiterError(
            f"the shared rate limiter's SQLite file {str(self.path)!r} failed: "
            f"{type(exc).__name__}: {exc}; nothing was sent",
            url=self.url,
        )

    @contextmanager
    def _tx(self) -> Iterator[_Tx]:
        with self._lock:
            if self._pid != os.getpid():
                self._connect_in_child()
            yield from self._transaction()

    def _connect_in_child(self) -> None:
        self._db = sqlite3.connect(
            self.path, timeout=0, isolation_level=None, check_same_thread=False
        )
        self._db.execute("PRAGMA synchronous=NORMAL")
        self._pid = os.getpid()

    def _transaction(self) -> Iterator[_Tx]:
        db = self._db
        entered = time.monotonic()
        deadline = entered + _BUSY_TIMEOUT_S
        busy = False
        while True:
            try:
                db.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                # Another process writes: ask again soon. SQLite's own busy handler sleeps 1, 2,
                # 5, 10 ms... in turn, which would hold an event loop up for that long.
                if "locked" not in str(exc) or time.monotonic() > deadline:
                    raise self._failed(exc) from None
                busy = True
                time.sleep(_BUSY_POLL_S * (1 + random.random()))
            except sqlite3.Error as exc:
                raise self._failed(exc) from None
        try:
            yield _Tx(db, time.monotonic() - entered if busy else 0.0)
        except sqlite3.Error as exc:
            db.execute("ROLLBACK")
            raise self._failed(exc) from None
        except BaseException:
            db.execute("ROLLBACK")
            raise
        try:
            db.execute("COMMIT")
        except sqlite3.Error as exc:
            raise self._failed(exc) from None

    def _holds(self, tx: _Tx, name: str) -> tuple[float, float]:
        row = tx.db.execute(
            "SELECT not_before, refused_until FROM holds WHERE name=?", (name,)
        ).fetchone()
        return (-math.inf, -math.inf) if row is None else (float(row[0]), float(row[1]))

    def record(
        self,
        logs: Sequence[LogSpec],
        member: str,
        owner: str,
        now: float,
        mode: Mode,
        max_wait: float,
    ) -> tuple[int, float]:
        """One atomic step of `_rate_limiter`'s rules (see `WindowStore.record`)."""
        name = logs[0][0].rsplit("|", 1)[0]
        with self._tx() as tx:
            # A send is stamped when the lock was won, not when it was asked for: stamped
            # earlier than it leaves, the next window's sends would be let go that much early.
            asked, now = now, now + tx.waited
            self._ops += 1
            if self._ops % _PRUNE_EVERY == 1:
                self._prune(tx, logs, now)
            self._seen(tx, owner, now)
            not_before, refused = self._holds(tx, name)
            if now < refused:
                return HELD, refused - asked
            db = tx.db
            row = db.execute(
                "SELECT at FROM entries WHERE member=? AND kind=1 LIMIT 1", (member,)
            ).fetchone()
            claim = None if row is None else float(row[0])
            ahead = False
            if mode == "confirm":
                ahead = (
                    db.execute("DELETE FROM entries WHERE member=? AND kind=2", (member,)).rowcount
                    > 0
                )
            start = max(now, not_before)
            at = start
            chosen = tuple(logs)
            if claim is not None and claim > now and not ahead:
                # Back before its turn: behind the claims ahead of it still, never later.
                db.execute("DELETE FROM entries WHERE member=? AND kind=1", (member,))
                for spec in chosen:
                    at = tx.earliest_claim(spec, at, claim)
                at = min(at, claim)
            elif claim is not None or ahead:
                before = -math.inf if ahead or claim is None else claim
                db.execute("DELETE FROM entries WHERE member=? AND kind=1", (member,))
                for spec in chosen:
                    at = tx.earliest_send(spec, at)
                if at > now:
                    at = start
                    for spec in chosen:
                        at = tx.earliest_claim(spec, at, before)
            else:
                if mode == "reserve" and len(chosen) > 1:
                    route_at = tx.earliest_claim(chosen[1], at)
                    if route_at > at:  # the route's window binds: queue on it alone
                        chosen, at = chosen[1:], route_at
                for spec in chosen:
                    at = tx.earliest_claim(spec, at)
                if mode == "reserve" and at - asked > max_wait:
                    return TOO_LONG, at - asked
            if at > now:
                db.executemany(
                    "INSERT INTO entries (log, kind, at, member, owner) VALUES (?, 1, ?, ?, ?)",
                    [(spec[0], at, member, owner) for spec in chosen],
                )
                return WAIT, at - asked  # from the caller's reading of the clock
            stamp = now
            for spec in logs:
                newest = tx.nth_sent(spec[0], 1)
                if newest is not None:  # keep each log in order across clocks read out of order
                    stamp = max(stamp, newest)
            db.executemany(
                "INSERT INTO entries (log, kind, at, member, owner) VALUES (?, 2, ?, ?, ?)",
                [(spec[0], stamp, member, owner) for spec in logs],
            )
            return SENT, 0.0

    def _prune(self, tx: _Tx, logs: Sequence[LogSpec], now: float) -> None:
        """Delete sends and claims older than the longest window (they bind nothing)."""
        for log, windows in logs:
            oldest = now - max(w for _, w in windows) - 1.0
            tx.db.execute("DELETE FROM entries WHERE log=? AND at<?", (log, oldest))

    def _seen(self, tx: _Tx, owner: str, now: float) -> None:
        """`owner` is alive at `now`; the claims of owners silent for LEASE are deleted."""
        tx.db.execute(
            "INSERT INTO owners (owner, seen) VALUES (?, ?) "
            "ON CONFLICT(owner) DO UPDATE SET seen=MAX(seen, excluded.seen)",
            (owner, now),
        )
        checked = time.monotonic()
        if checked - self._purged < self.purge_every:
            return
        self._purged = checked
        dead = [row[0] for row in tx.db.execute(
            "SELECT owner FROM owners WHERE seen<?", (now - LEASE,)
        )]  # fmt: skip
        for gone in dead:
            tx.db.execute("DELETE FROM entries WHERE owner=? AND kind=1", (gone,))
            tx.db.execute("DELETE FROM owners WHERE owner=?", (gone,))

    def touch(self, budgets: Sequence[str], owner: str, now: float) -> None:
        """Mark `owner` alive at `now`."""
        with self._tx() as tx:
            self._seen(tx, owner, now)

    def release(self, logs: Sequence[LogSpec], member: str, owner: str) -> None:
        """Delete the attempt's send or claim."""
        with self._tx() as tx:
            tx.db.execute("DELETE FROM entries WHERE member=?", (member,))

    def written(self, logs: Sequence[LogSpec], member: str, late: float, now: float) -> None:
        """Move the send to `now`, its write (this store's times are the callers' clock)."""
        with self._tx() as tx:
            tx.db.execute(
                "UPDATE entries SET at=MAX(at, ?) WHERE member=? AND kind=2", (now, member)
            )

    def hold(
        self, name: str, field: Literal["not_before", "refused_until"], delta: float, now: float
    ) -> None:
        """Raise the hold `field` of budget `name` to at least `now + delta`."""
        column = {"not_before": "not_before", "refused_until": "refused_until"}[field]
        until = now + delta
        with self._tx() as tx:
            tx.db.execute(
                "INSERT OR IGNORE INTO holds (name, not_before, refused_until) VALUES (?, ?, ?)",
                (name, -1e300, -1e300),
            )
            tx.db.execute(  # `column` is one of two fixed names, never the caller's text
                f"UPDATE holds SET {column}=MAX({column}, ?) WHERE name=?",
                (until, name),
            )

    def held_for(self, name: str, now: float) -> float:
        """Seconds from `now` until budget `name`'s later hold ends (0: none)."""
        with self._tx() as tx:
            row = tx.db.execute(
                "SELECT MAX(not_before, refused_until) FROM holds WHERE name=?", (name,)
            ).fetchone()
        return max(0.0, float(row[0]) - now) if row else 0.0

    def clear_holds(self, name: str) -> None:
        """End both holds of budget `name`."""
        with self._tx() as tx:
            tx.db.execute(
                "UPDATE holds SET not_before=?, refused_until=? WHERE name=?",
                (-1e300, -1e300, name),
            )

    def close(self) -> None:
        """Close the connection (the file stays for the other processes)."""
        with self._lock:
            self._db.close()
