"""Rate limits: counters in the cache over fixed windows (Redis when `REDIS_URL` is set).

A limit is "at most `limit` hits per `window` seconds" for one key (an account, an address,
an action). Windows are aligned on multiples of `window` since the epoch, so a counter and its
window expire together and the wait told to the person is exact. The counter is incremented
atomically (Redis INCR, or the local-memory cache's lock), so parallel workers never under-count.

Seeding and benchmarks that write through the services on purpose run inside
`rate_limits_suspended()`.
"""

from __future__ import annotations

import hashlib
import math
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.core.cache import cache
from django.utils.translation import ngettext

from vcnet.core import redis_client
from vcnet.core.errors import DomainError

__all__ = [
    "RateLimited",
    "last_retry_after",
    "rate_limit_check",
    "rate_limit_hit",
    "rate_limit_hits",
    "rate_limits_suspended",
    "retry_message",
]

_PREFIX = "ratelimit"
_suspended: ContextVar[bool] = ContextVar("vcnet_rate_limits_suspended", default=False)
# The wait of the latest refusal in this context, for a Retry-After header added by middleware
# when the error was turned into a response elsewhere (the API's exception handlers).
_last_retry_after: ContextVar[int] = ContextVar("vcnet_rate_limit_retry_after", default=0)


class RateLimited(DomainError):
    """Too many requests: `retry_after` seconds until the window ends."""

    status = 429
    code = "rate_limited"

    def __init__(self, message: str | None = None, *, retry_after: int) -> None:
        self.retry_after = max(1, int(retry_after))
        _last_retry_after.set(self.retry_after)
        super().__init__(message or retry_message(self.retry_after))


def retry_message(seconds: int) -> str:
    """The sentence shown with a 429: how long to wait (in minutes from two minutes up)."""
    if seconds >= 120:
        minutes = math.ceil(seconds / 60)
        return ngettext(
            "Too many requests. Please wait %(minutes)d minute and try again.",
            "Too many requests. Please wait %(minutes)d minutes and try again.",
            minutes,
        ) % {"minutes": minutes}
    return ngettext(
        "Too many requests. Please wait %(seconds)d second and try again.",
        "Too many requests. Please wait %(seconds)d seconds and try again.",
        seconds,
    ) % {"seconds": seconds}


def last_retry_after(*, reset: bool = False) -> int:
    """The wait of the latest `RateLimited` raised in this context (0: none); `reset` forgets it."""
    value = _last_retry_after.get()
    if reset:
        _last_retry_after.set(0)
    return value


@contextmanager
def rate_limits_suspended() -> Iterator[None]:
    """Count nothing inside this block (demo data, benchmarks, imports)."""
    token = _suspended.set(True)
    try:
        yield
    finally:
        _suspended.reset(token)


def _cache_key(key: str, window: int, bucket: int) -> str:
    # Hashed, so that what people type (an address, a login) never becomes a cache key verbatim.
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    return f"{_PREFIX}:{window}:{bucket}:{digest}"


def rate_limit_hit(key: str, *, limit: int, window: int) -> int:
    """Count one hit on `key`; the seconds to wait when it goes over `limit`, else 0."""
    return rate_limit_hits([key], limit=limit, window=window)


def rate_limit_hits(keys: list[str], *, limit: int, window: int) -> int:
    """Count one hit on each key; the longest wait of those over `limit` (0: none is).

    With Redis, all keys in one round trip (INCR, and EXPIRE on a new counter), on the shared
    client rather than Django's cache API (which builds a client for every operation).
    """
    if _suspended.get() or limit <= 0 or window <= 0 or not keys:
        return 0
    now = time.time()
    bucket = int(now // window)
    cache_keys = [_cache_key(key, window, bucket) for key in keys]
    timeout = window + 1
    if redis_client.enabled():
        counts = _redis_incr(cache_keys, timeout)
    else:
        counts = [_cache_incr(cache_key, timeout) for cache_key in cache_keys]
    if max(counts) <= limit:
        return 0
    return max(1, math.ceil((bucket + 1) * window - now))


def _cache_incr(cache_key: str, timeout: int) -> int:
    cache.add(cache_key, 0, timeout=timeout)
    try:
        return int(cache.incr(cache_key))
    except ValueError:  # expired between add() and incr()
        cache.set(cache_key, 1, timeout=timeout)
        return 1


def _redis_incr(cache_keys: list[str], timeout: int) -> list[int]:
    pipe = redis_client.raw_client().pipeline(transaction=False)
    for cache_key in cache_keys:
        pipe.incr(f"vcnet:{cache_key}")
        pipe.expire(f"vcnet:{cache_key}", timeout, nx=True)
    return [int(count) for count in pipe.execute()[::2]]


def rate_limit_check(key: str, *, limit: int, window: int) -> None:
    """Count one hit on `key`; raise `RateLimited` past `limit` hits in the current window."""
    wait = rate_limit_hit(key, limit=limit, window=window)
    if wait:
        raise RateLimited(retry_after=wait)
