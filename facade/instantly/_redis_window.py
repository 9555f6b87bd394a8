"""The shared limiter's store for several machines: Redis, one Lua script per step (atomic).

Each log is two sorted sets (sends and claims, scored by time, one member per attempt) and each
budget a hash of holds; every key carries the budget in a hash tag, so a Redis Cluster keeps a
budget's keys on one node. Time is the server's (`TIME`), so machines whose clocks disagree
still share one timeline; Retry-After holds are sent as durations. Keys expire after the
longest window. `?prefix=...` in the URL puts the keys under another prefix (default
`instantly`). Needs the `redis` package: `pip install 'instantly-client[redis]'`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Sequence
from typing import Any, Final, Literal
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from ._errors import InvalidInputError
from ._shared_limiter import LEASE, LogSpec, Mode, SharedLimiterError, redacted_url

__all__ = ["RedisWindows"]

_SOCKET_TIMEOUT_S: Final = 5.0
_PURGE_EVERY: Final = 0.1  # seconds between looks for dead owners (this process's clock)

# Owners (processes): a sorted set per budget scored by when each was last heard of, and per
# owner the set of its claims ("claims key" TAB member), so the claims of one silent for the
# lease are deleted (looked for when ARGV[4] is 1: at most every `_PURGE_EVERY` seconds per
# process). Shared by the two scripts below: ARGV[1] lease, ARGV[2] owner, ARGV[3] the
# owner-claims key prefix; KEYS[1] owners.
_OWNERS: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local function f(x) return string.format('%.17g', x) end
local lease, owner, oc_prefix = tonumber(ARGV[1]), ARGV[2], ARGV[3]
redis.call('ZADD', KEYS[1], 'GT', f(now), owner)
redis.call('PEXPIRE', KEYS[1], 3600000)
local purge = {}
if ARGV[4] == '1' then
  purge = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. f(now - lease))
end
for _, gone in ipairs(purge) do
  local oc = oc_prefix .. gone
  for _, entry in ipairs(redis.call('SMEMBERS', oc)) do
    local tab = string.find(entry, '\t', 1, true)
    redis.call('ZREM', string.sub(entry, 1, tab - 1), string.sub(entry, tab + 1))
  end
  redis.call('DEL', oc)
  redis.call('ZREM', KEYS[1], gone)
end
"""

_TOUCH: Final = _OWNERS + "return 1"

# The rules of `_rate_limiter` (and `_sqlite_window`), in Lua. KEYS: owners, the owner's claims,
# holds, then the sends and claims of each log. ARGV: lease, owner, owner-claims prefix, purge,
# mode, member, max_wait, number of logs, then per log its number of windows and (limit,
# seconds) pairs. Returns {kind, seconds as a string}.
_RECORD: Final = (
    _OWNERS
    + """
local oc = KEYS[2]
local K = {KEYS[3], unpack(KEYS, 4)}
local mode, member, max_wait = ARGV[5], ARGV[6], tonumber(ARGV[7])
local logs, i = {}, 9
for l = 1, tonumber(ARGV[8]) do
  local wins, longest = {}, 0
  for w = 1, tonumber(ARGV[i]) do
    wins[w] = {tonumber(ARGV[i + 2 * w - 1]), tonumber(ARGV[i + 2 * w])}
    if wins[w][2] > longest then longest = wins[w][2] end
  end
  i = i + 1 + 2 * #wins
  logs[l] = {sent = K[2 * l], claims = K[2 * l + 1], wins = wins, longest = longest}
end
for _, log in ipairs(logs) do
  local oldest = '(' .. f(now - log.longest - 1)
  redis.call('ZREMRANGEBYSCORE', log.sent, '-inf', oldest)
  redis.call('ZREMRANGEBYSCORE', log.claims, '-inf', oldest)
end
local not_before = tonumber(redis.call('HGET', K[1], 'not_before') or '-1e300')
local refused = tonumber(redis.call('HGET', K[1], 'refused_until') or '-1e300')
if now < refused then return {2, f(refused - now)} end
local function nth_sent(log, n)
  local r = redis.call('ZREVRANGE', log.sent, n - 1, n - 1, 'WITHSCORES')
  if #r == 0 then return nil end
  return tonumber(r[2])
end
local function earliest_send(log, at)
  for _, w in ipairs(log.wins) do
    local s = nth_sent(log, w[1])
    if s and s + w[2] > at then at = s + w[2] end
  end
  return at
end
local function earliest_claim(log, at, before)
  local lo, hi = '(' .. f(at), '+inf'
  if before then hi = '(' .. f(before) end
  local count = redis.call('ZCOUNT', log.claims, lo, hi)
  if count == 0 then return earliest_send(log, at) end
  local function nth_claim(n)
    local r = redis.call('ZREVRANGEBYSCORE', log.claims, hi, lo, 'WITHSCORES', 'LIMIT', n - 1, 1)
    return tonumber(r[2])
  end
  local last = nth_claim(1)
  if last > at then at = last end
  for _, w in ipairs(log.wins) do
    if count >= w[1] then
      local c = nth_claim(w[1]) + w[2]
      if c > at then at = c end
    else
      local s = nth_sent(log, w[1] - count)
      if s and s + w[2] > at then at = s + w[2] end
    end
  end
  return at
end
local claim = nil
for _, log in ipairs(logs) do
  local c = redis.call('ZSCORE', log.claims, member)
  if c then c = tonumber(c); if claim == nil or c < claim then claim = c end end
end
local ahead = false
if mode == 'confirm' then
  for _, log in ipairs(logs) do
    if redis.call('ZREM', log.sent, member) > 0 then ahead = true end
  end
end
local start = now
if not_before > start then start = not_before end
local at = start
local chosen = logs
if claim or ahead then
  for _, log in ipairs(logs) do
    redis.call('ZREM', log.claims, member)
    redis.call('SREM', oc, log.claims .. '\t' .. member)
  end
end
if claim and claim > now and not ahead then
  -- back before its turn: behind the claims ahead of it still, never later
  for _, log in ipairs(chosen) do at = earliest_claim(log, at, claim) end
  if at > claim then at = claim end
elseif claim or ahead then
  for _, log in ipairs(chosen) do at = earliest_send(log, at) end
  if at > now then
    at = start
    local before = claim
    if ahead then before = nil end
    for _, log in ipairs(chosen) do
      if ahead then at = earliest_send(log, at) else at = earliest_claim(log, at, before) end
    end
  end
else
  if mode == 'reserve' and #logs > 1 then
    local route_at = earliest_claim(logs[2], at, nil)
    if route_at > at then chosen = {logs[2]}; at = route_at end
  end
  for _, log in ipairs(chosen) do at = earliest_claim(log, at, nil) end
  if mode == 'reserve' and at - now > max_wait then return {3, f(at - now)} end
end
if at > now then
  for _, log in ipairs(chosen) do
    local ttl = math.ceil((at - now + log.longest + 2) * 1000)
    redis.call('ZADD', log.claims, f(at), member)
    redis.call('PEXPIRE', log.claims, ttl)
    redis.call('SADD', oc, log.claims .. '\t' .. member)
    if redis.call('PTTL', oc) < ttl then redis.call('PEXPIRE', oc, ttl) end
  end
  return {1, f(at - now)}
end
local stamp = now
for _, log in ipairs(logs) do
  local s = nth_sent(log, 1)
  if s and s > stamp then stamp = s end
end
for _, log in ipairs(logs) do
  redis.call('ZADD', log.sent, f(stamp), member)
  redis.call('PEXPIRE', log.sent, math.ceil((log.longest + 2) * 1000))
end
return {0, '0'}
"""
)

# KEYS: the sends of each log. ARGV: member, seconds late. The member's send (where it still has
# one) moves that much later: to when it was written, on the server's timeline.
_WRITTEN: Final = """
local late = tonumber(ARGV[2])
for _, key in ipairs(KEYS) do
  local s = redis.call('ZSCORE', key, ARGV[1])
  if s then
    redis.call('ZADD', key, 'XX', 'GT', string.format('%.17g', tonumber(s) + late), ARGV[1])
  end
end
return 1
"""

# KEYS: holds. Seconds from the server's now until the later hold ends (0: none), as a string.
_HELD_FOR: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local a = tonumber(redis.call('HGET', KEYS[1], 'not_before') or '-1e300')
local b = tonumber(redis.call('HGET', KEYS[1], 'refused_until') or '-1e300')
local left = math.max(a, b) - now
if left < 0 then left = 0 end
return string.format('%.17g', left)
"""

# KEYS: holds. ARGV: field, seconds from now.
_HOLD: Final = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local delta = tonumber(ARGV[2])
local until_ = now + delta
local current = tonumber(redis.call('HGET', KEYS[1], ARGV[1]) or '-1e300')
if until_ > current then
  redis.call('HSET', KEYS[1], ARGV[1], string.format('%.17g', until_))
  local ttl = redis.call('PTTL', KEYS[1])
  local want = math.ceil((delta + 2) * 1000)
  if ttl < want then redis.call('PEXPIRE', KEYS[1], want) end
end
return 1
"""


def _split_prefix(url: str) -> tuple[str, str]:
    """(the URL without `prefix=`, the key prefix)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    prefix = next((v for k, v in query if k == "prefix"), "instantly")
    if not prefix or any(c in prefix for c in "{}\r\n\0 "):
        raise InvalidInputError(
            f"the prefix in a shared limiter's URL must be plain, got {prefix!r}"
        )
    rest = urlencode([(k, v) for k, v in query if k != "prefix"])
    return urlunsplit(parts._replace(query=rest)), prefix


class RedisWindows:
    """A `WindowStore` in Redis (`redis.Redis.from_url`: redis://, rediss://, unix://)."""

    def __init__(self, url: str) -> None:
        try:
            import redis
        except ImportError:
            raise InvalidInputError(
                "RateLimiter.shared('redis://...') needs the redis package: "
                "pip install 'instantly-client[redis]'"
            ) from None
        self.url = redacted_url(url)
        self._purged = -math.inf
        self.purge_every = _PURGE_EVERY  # tests on an explicit timeline set 0
        address, self.prefix = _split_prefix(url)
        self._errors: tuple[type[BaseException], ...] = (redis.RedisError,)
        self._redis: Any = redis.Redis.from_url(
            address, socket_timeout=_SOCKET_TIMEOUT_S, socket_connect_timeout=_SOCKET_TIMEOUT_S
        )
        self._record = self._redis.register_script(_RECORD)
        self._hold = self._redis.register_script(_HOLD)
        self._held_for = self._redis.register_script(_HELD_FOR)
        self._touch = self._redis.register_script(_TOUCH)
        self._written = self._redis.register_script(_WRITTEN)

    def __repr__(self) -> str:
        return f"RedisWindows({self.url!r})"

    def _key(self, budget: str, suffix: str) -> str:
        return f"{self.prefix}:{{{budget}}}:{suffix}"

    def _keys(self, logs: Sequence[LogSpec]) -> list[str]:
        """Holds, then each log's sends and claims."""
        budget = logs[0][0].rsplit("|", 1)[0]
        keys = [self._key(budget, "holds")]
        for log, _ in logs:
            keys += [self._key(budget, f"s:{log}"), self._key(budget, f"c:{log}")]
        return keys

    def _owner_keys(self, budget: str, owner: str) -> tuple[list[str], list[object]]:
        """The owners set and the owner's claims (KEYS), lease, owner, claims prefix (ARGV)."""
        prefix = self._key(budget, "oc:")
        checked = time.monotonic()
        purge = checked - self._purged >= self.purge_every
        if purge:
            self._purged = checked
        args: list[object] = [repr(LEASE), owner, prefix, "1" if purge else "0"]
        return [self._key(budget, "owners"), prefix + owner], args

    def _failed(self, exc: BaseException) -> SharedLimiterError:
        return SharedLimiterError(
            f"the shared rate limiter's Redis at {self.url} failed: {type(exc).__name__}: "
            f"{redacted_url(str(exc))}; nothing was sent",
            url=self.url,
        )

    def _run(self, script: Any, keys: list[str], args: list[object]) -> Any:
        try:
            return script(keys=keys, args=args)
        except self._errors as exc:
            error = self._failed(exc)
        raise error

    def record(
        self,
        logs: Sequence[LogSpec],
        member: str,
        owner: str,
        now: float,
        mode: Mode,
        max_wait: float,
    ) -> tuple[int, float]:
        """One atomic step in Redis (`now` is ignored: the server's clock is the timeline)."""
        budget = logs[0][0].rsplit("|", 1)[0]
        owner_keys, args = self._owner_keys(budget, owner)
        args += [mode, member, repr(float(max_wait)), len(logs)]
        for _, windows in logs:
            args.append(len(windows))
            for limit, seconds in windows:
                args += [limit, repr(float(seconds))]
        kind, seconds = self._run(self._record, owner_keys + self._keys(logs), args)
        return int(kind), float(seconds)

    def touch(self, budgets: Sequence[str], owner: str, now: float) -> None:
        """Mark `owner` alive in each budget (server time)."""
        for budget in budgets:
            keys, args = self._owner_keys(budget, owner)
            self._run(self._touch, keys[:1], args)

    def release(self, logs: Sequence[LogSpec], member: str, owner: str) -> None:
        """Delete the attempt's send or claim."""
        budget = logs[0][0].rsplit("|", 1)[0]
        keys = self._keys(logs)[1:]
        owned = self._owner_keys(budget, owner)[0][1]
        try:
            pipe = self._redis.pipeline(transaction=True)
            for key in keys:
                pipe.zrem(key, member)
                pipe.srem(owned, f"{key}\t{member}")
            pipe.execute()
        except self._errors as exc:
            error = self._failed(exc)
        else:
            return
        raise error

    def written(self, logs: Sequence[LogSpec], member: str, late: float, now: float) -> None:
        """Move the send `late` seconds later than its stamp: the server stamped it after it was
        asked, so it lands no earlier than the caller's `now` (a reading of another clock)."""
        sends = self._keys(logs)[1::2]
        self._run(self._written, sends, [member, repr(float(late))])

    def hold(
        self, name: str, field: Literal["not_before", "refused_until"], delta: float, now: float
    ) -> None:
        """Raise the hold `field` of budget `name` to the server's now + `delta`."""
        self._run(self._hold, [self._key(name, "holds")], [field, repr(float(delta))])

    def held_for(self, name: str, now: float) -> float:
        """Seconds from the server's now until budget `name`'s later hold ends (0: none)."""
        left = self._run(self._held_for, [self._key(name, "holds")], [])
        return float(left.decode() if isinstance(left, bytes) else left)

    def clear_holds(self, name: str) -> None:
        """End both holds of budget `name` (the hash is deleted)."""
        try:
            self._redis.delete(self._key(name, "holds"))
        except self._errors as exc:
            error = self._failed(exc)
        else:
            return
        raise error

    def close(self) -> None:
        """Close the connection pool."""
        self._redis.close()
