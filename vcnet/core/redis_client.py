"""The process's Redis clients (one connection pool per URL), when `REDIS_URL` is set.

Used directly where Django's cache API costs too much per operation (it builds a client object
for every call): rate limits (`core.ratelimit`), the social feeds, cards and home snapshots.
"""

from __future__ import annotations

from functools import cache

import redis as redis_lib
from django.conf import settings

__all__ = ["enabled", "raw_client", "text_client"]


def enabled() -> bool:
    """True when REDIS_URL is configured."""
    return bool(getattr(settings, "REDIS_URL", None))


@cache
def _text_for(url: str) -> redis_lib.Redis:
    return redis_lib.Redis.from_url(url, decode_responses=True)


@cache
def _raw_for(url: str) -> redis_lib.Redis:
    return redis_lib.Redis.from_url(url)


def text_client() -> redis_lib.Redis:
    """Replies decoded to str."""
    return _text_for(settings.REDIS_URL)


def raw_client() -> redis_lib.Redis:
    """Replies as bytes (pickles, pages)."""
    return _raw_for(settings.REDIS_URL)
