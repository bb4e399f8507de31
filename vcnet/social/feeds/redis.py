"""Home feeds in Redis: one sorted set of post ids per reader, filled on write (fan-out).

`vcnet:feed:home:<actor_id>` holds the newest post ids (score = member = id), capped at
`CAP`, plus a sentinel member "0" (score 0) that marks the set as warm even when empty. Fan-out
only adds to sets that already exist (a Lua script checks, so a cold reader is never given a
partial feed); a missing set means "ask the database". Sets expire a little before fan-out stops
reaching an inactive reader, so a stale feed is never served.
"""

from __future__ import annotations

import datetime as dt
import pickle
import secrets
from dataclasses import dataclass
from functools import cache
from typing import Any

from django.conf import settings

from vcnet.core import redis_client

CAP = 400
SENTINEL = "0"
# Fan-out reaches people active in the last 7 days; a set lives a bit less than that after the
# last read, so a reader who went quiet is never shown a set that fan-out stopped feeding.
ACTIVE_WINDOW = dt.timedelta(days=7)
TTL_SECONDS = int(ACTIVE_WINDOW.total_seconds()) - 3600

# KEYS: the feeds; ARGV: cap, a new token, its seconds, then ids. Adds only to warm (existing)
# sets, then trims each and gives it the token (`token_key`: home snapshots check it); returns
# how many sets were warm. One call per chunk of readers: one round trip, one command.
_ADD_LUA = """
local cap = tonumber(ARGV[1])
local warm = 0
for k = 1, #KEYS do
  if redis.call('EXISTS', KEYS[k]) == 1 then
    for i = 4, #ARGV do redis.call('ZADD', KEYS[k], ARGV[i], ARGV[i]) end
    redis.call('ZREMRANGEBYRANK', KEYS[k], 1, -(cap + 1))
    redis.call('SET', KEYS[k] .. ':token', ARGV[2], 'EX', tonumber(ARGV[3]))
    warm = warm + 1
  end
end
return warm
"""


enabled = redis_client.enabled
client = redis_client.text_client  # the shared client, replies decoded
raw_client = redis_client.raw_client  # the same, replies as bytes


def get_objects(keys: list[str]) -> dict[str, Any]:
    """Pickled values by key, in one MGET (missing keys left out).

    The social caches (`social.cards`, `feeds.reader`) use this shared client rather than
    Django's cache API, which builds a new client object for every operation (~0.4 ms each).
    """
    if not keys:
        return {}
    values: list[bytes | None] = raw_client().mget(keys)  # type: ignore[assignment]
    return {k: pickle.loads(v) for k, v in zip(keys, values, strict=True) if v is not None}  # noqa: S301


def set_objects(values: dict[str, Any], seconds: int) -> None:
    """Store pickled values for `seconds`, in one pipeline."""
    if not values:
        return
    pipe = raw_client().pipeline(transaction=False)
    for key, value in values.items():
        pipe.set(key, pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL), ex=seconds)
    pipe.execute()


def delete_objects(keys: list[str]) -> None:
    if keys:
        raw_client().delete(*keys)


def home_key(actor_id: int) -> str:
    return f"vcnet:feed:home:{actor_id}"


def token_key(key: str) -> str:
    """A set's token: renewed by every write to the set (`feeds.snapshot` checks it)."""
    return f"{key}:token"


def _token() -> str:
    return secrets.token_hex(8)


@cache
def _add_script_for(url: str) -> Any:
    return client().register_script(_ADD_LUA)  # `url`: one registration per server


def _add_script() -> Any:
    """The fan-out script, registered once per Redis URL (not hashed again on every call)."""
    return _add_script_for(settings.REDIS_URL)


def author_key(actor_id: int) -> str:
    return f"vcnet:feed:author:{actor_id}"


def fanout(post_ids: list[int], reader_ids: list[int]) -> int:
    """Add `post_ids` to the warm feeds of `reader_ids` in one script call; returns how many were
    warm (a missing set means "ask the database": it is never given a partial feed)."""
    if not post_ids or not reader_ids:
        return 0
    keys = [home_key(reader_id) for reader_id in reader_ids]
    args = [CAP, _token(), TTL_SECONDS, *post_ids]
    return int(_add_script()(keys=keys, args=args) or 0)


def remove(post_ids: list[int], reader_ids: list[int]) -> None:
    """Remove `post_ids` from the feeds of `reader_ids` in one pipeline."""
    if not post_ids or not reader_ids:
        return
    pipe = client().pipeline(transaction=False)
    token = _token()
    for reader_id in reader_ids:
        pipe.zrem(home_key(reader_id), *post_ids)
        pipe.set(token_key(home_key(reader_id)), token, ex=TTL_SECONDS)
    pipe.execute()


def store(actor_id: int, post_ids: list[int]) -> None:
    """Warm a reader's feed with `post_ids` (merged with anything fanned out meanwhile)."""
    _warm(home_key(actor_id), post_ids, TTL_SECONDS)


# KEYS: the set, its token; ARGV: cap, seconds, a new token, then ids. A set that existed gets the
# new token (its content changed); a new one keeps the token a reader took before building it.
_WARM_LUA = """
local existed = redis.call('EXISTS', KEYS[1])
redis.call('ZADD', KEYS[1], 0, '0')
for i = 4, #ARGV do redis.call('ZADD', KEYS[1], ARGV[i], ARGV[i]) end
redis.call('ZREMRANGEBYRANK', KEYS[1], 1, -(tonumber(ARGV[1]) + 1))
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[2]))
if existed == 1 then
  redis.call('SET', KEYS[2], ARGV[3], 'EX', tonumber(ARGV[2]))
else
  redis.call('SET', KEYS[2], ARGV[3], 'NX', 'EX', tonumber(ARGV[2]))
end
"""


@cache
def _warm_script_for(url: str) -> Any:
    return client().register_script(_WARM_LUA)


def _warm(key: str, post_ids: list[int], ttl: int) -> None:
    script = _warm_script_for(settings.REDIS_URL)
    script(keys=[key, token_key(key)], args=[CAP, ttl, _token(), *post_ids])


def drop(actor_id: int) -> None:
    """Forget a reader's feed; the next read rebuilds it from the database."""
    pipe = client().pipeline(transaction=True)
    pipe.delete(home_key(actor_id))
    pipe.set(token_key(home_key(actor_id)), _token(), ex=TTL_SECONDS)
    pipe.execute()


def members(actor_id: int) -> list[int]:
    """All post ids in a reader's feed (at most CAP), newest first."""
    found: list[str] = client().zrevrange(home_key(actor_id), 0, -1)  # type: ignore[assignment]
    return [int(m) for m in found if m != SENTINEL]


# --- authors' lists: the newest posts of each author, read by the followers of big pages ---------
# `vcnet:feed:author:<actor_id>`: the author's newest post ids outside groups (replies and shares
# too; the feed's rule picks), same shape as a home set. Filled by the fan-out task, rebuilt from
# the database when cold, expiring an hour after the last read.
AUTHOR_TTL_SECONDS = 3600


def author_add(author_id: int, post_ids: list[int]) -> int:
    """Add new posts to the author's list if it is warm."""
    args = [CAP, _token(), AUTHOR_TTL_SECONDS, *post_ids]
    return int(_add_script()(keys=[author_key(author_id)], args=args) or 0)


def author_remove(author_id: int, post_ids: list[int]) -> None:
    pipe = client().pipeline(transaction=True)
    pipe.zrem(author_key(author_id), *post_ids)
    pipe.set(token_key(author_key(author_id)), _token(), ex=AUTHOR_TTL_SECONDS)
    pipe.execute()


def author_store(author_id: int, post_ids: list[int]) -> None:
    """Warm an author's list with their newest `post_ids`."""
    _warm(author_key(author_id), post_ids, AUTHOR_TTL_SECONDS)


@dataclass(frozen=True)
class Slice:
    """What one read of a reader's set found."""

    warm: bool  # the set exists
    ids: list[int]  # in the asked order
    truncated: bool  # the set is full: older posts may exist only in the database
    oldest: int | None  # the oldest id the set holds


def _queue_read(
    pipe: Any,
    key: str,
    ttl: int,
    *,
    max_id: int | None,
    since_id: int | None,
    min_id: int | None,
    limit: int,
) -> None:
    floor = min_id if min_id is not None else since_id
    low = f"({floor}" if floor is not None else "(0"
    high = f"({max_id}" if max_id is not None else "+inf"
    pipe.expire(key, ttl)
    pipe.zcard(key)
    pipe.zrange(key, 1, 1)
    if min_id is not None:
        pipe.zrangebyscore(key, low, high, start=0, num=limit)
    else:
        pipe.zrevrangebyscore(key, high, low, start=0, num=limit)


def _slices(results: list[Any]) -> list[Slice]:
    out = []
    for at in range(0, len(results), 4):
        warm, count, oldest, ids = results[at : at + 4]
        out.append(
            Slice(
                warm=bool(warm),
                ids=[int(i) for i in ids],
                truncated=int(count) > CAP,
                oldest=int(oldest[0]) if oldest else None,
            )
        )
    return out


def read(
    actor_id: int,
    *,
    max_id: int | None,
    since_id: int | None,
    min_id: int | None,
    limit: int,
) -> Slice:
    """Page a reader's feed in one round trip, renewing its TTL."""
    pipe = client().pipeline(transaction=False)
    cursor = {"max_id": max_id, "since_id": since_id, "min_id": min_id}
    _queue_read(pipe, home_key(actor_id), TTL_SECONDS, limit=limit, **cursor)
    return _slices(pipe.execute())[0]


def read_authors(
    author_ids: list[int],
    *,
    max_id: int | None,
    since_id: int | None,
    min_id: int | None,
    limit: int,
) -> list[Slice]:
    """Page several authors' lists in one round trip, renewing their TTL."""
    pipe = client().pipeline(transaction=False)
    cursor = {"max_id": max_id, "since_id": since_id, "min_id": min_id}
    for author_id in author_ids:
        _queue_read(pipe, author_key(author_id), AUTHOR_TTL_SECONDS, limit=limit, **cursor)
    return _slices(pipe.execute())
