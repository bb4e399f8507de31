"""Home-timeline snapshots: a reader's first API page served by one Redis call while nothing on it
has changed.

The first page of the API's home timeline is what clients poll. With `REDIS_URL`, its JSON is
kept together with everything it was built from, each with the value it had then:

- the version of every post and account the build read, shown or filtered out (Redis mirrors
  the database's `version` columns: `publish` drops a changed row's mirror at once and writes its
  new version when the transaction commits; a deleted row gets a tombstone);
- the reader's home set and the lists of the big pages they follow (every writer of a set gives
  it a new token: `feeds.redis`);
- the reader's state and what they did on posts (follows, blocks, mutes, memberships, reactions,
  bookmarks, shares: `bump` gives the reader a new token, from `feeds.reader` and the signals).

A snapshot is three keys written together (MULTI): the page, the list of (key, value) it was
built from, and a random build id. Each web process keeps the snapshots it served lately (page
and list, by build id: `LOCAL_ENTRIES`), so a read is one round trip that carries no page: the
build id, the current values of the list's keys (MGET), and the reader's activity mark. The
page is served only if the build id is the one known and every value is the one recorded, else
it is built as usual (and stored again); a process that does not know the current build fetches
it first. The page is also kept compressed (gzip), for the clients that accept it (the mobile
apps): compressed once per build instead of on every response. Tokens are read before the build, so a change made during a build leaves a snapshot
that no read accepts. A snapshot also expires when something on it changes with time: an open
poll closing, a mute or muted word running out (`Reader.until`), at the latest after
`SNAPSHOT_SECONDS`. Without Redis, `build` makes the same page every time and nothing is kept.
"""

from __future__ import annotations

import gzip
import json
import secrets
import time
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.http import HttpRequest

from vcnet.accounts.models import User
from vcnet.social.cards import LocalStore, Seen
from vcnet.social.feeds import redis as rfeed

__all__ = ["Page", "build", "bump", "cached", "local_clear", "publish", "tombstone"]

SNAPSHOT_SECONDS = 600
LOCAL_ENTRIES = 1000  # snapshots each web process keeps (~45 KB each)
MIRROR_SECONDS = 24 * 3600  # a missing mirror only costs a rebuild
TOKEN_SECONDS = 24 * 3600
_SHAPE = 2


@dataclass(frozen=True)
class Page:
    """A home timeline page as the API sends it."""

    body: bytes  # the statuses' JSON
    next_max_id: int | None
    prev_min_id: int | None
    gzipped: bytes | None = None  # the same, compressed once (clients that accept gzip)


def _snapshot_key(user_id: int, limit: int, origin: str) -> str:
    """The page (b"<next max_id>,<prev min_id>\\n" + JSON); its list is at `<key>:deps` (with
    the build id at field "id"), the build id alone at `<key>:id`."""
    return f"vcnet:social:home:{_SHAPE}:{user_id}:{limit}:{origin}"


@dataclass(frozen=True, slots=True)
class _Known:
    """A snapshot as this process fetched it: its build, what it was built from, its page.

    `asked` is what a read asks Redis in one MGET: the build id's key, the reader's activity
    mark, then the list's keys, already encoded; `values` what the list's keys held.
    """

    build: bytes
    asked: list[bytes]
    values: list[bytes]
    page: Page


def _known(key: str, user_id: int, build: bytes, deps: dict[bytes, bytes], page: Page) -> _Known:
    asked = [f"{key}:id".encode(), touch_key(user_id).encode(), *deps]
    return _Known(build, asked, list(deps.values()), page)


_local = LocalStore(LOCAL_ENTRIES)  # key -> _Known


def local_clear() -> None:
    """Forget the snapshots this process knows (tests start from nothing)."""
    _local.clear()


def mirror_key(model: type[models.Model], pk: int) -> str:
    return f"vcnet:social:ver:{model._meta.label_lower}:{pk}"


def reader_token_key(actor_id: int) -> str:
    return f"vcnet:social:reader-token:{actor_id}"


def touch_key(user_id: int) -> str:
    return f"vcnet:social:touch:{user_id}"


def _id(value: bytes | str) -> int | None:
    return int(value) if value else None


# --- writes: versions and tokens ----------------------------------------------------------------


def publish(model: type[models.Model], versions: dict[int, int]) -> None:
    """Mirror rows' new versions in Redis (a no-op without Redis).

    The old mirrors go at once (a build meanwhile puts back what it read) and the new versions
    are written when the transaction commits; a rolled-back change leaves no mirror, so the next
    build writes the database's version again.
    """
    if not versions or not rfeed.enabled():
        return
    values = {mirror_key(model, pk): str(version) for pk, version in versions.items()}
    rfeed.raw_client().delete(*values)

    def write() -> None:
        pipe = rfeed.raw_client().pipeline(transaction=False)
        for key, value in values.items():
            pipe.set(key, value, ex=MIRROR_SECONDS)
        pipe.execute()

    transaction.on_commit(write)


def tombstone(model: type[models.Model], pks: Iterable[int]) -> None:
    """A deleted row: its mirror holds "0", which no snapshot was built with."""
    publish(model, dict.fromkeys(pks, 0))


def bump(actor_ids: Iterable[int]) -> None:
    """Give these readers a new token: their snapshots are not served again (now, and again when
    the transaction commits, so a snapshot built from what it saw before the commit is not)."""
    if not rfeed.enabled():
        return
    keys = [reader_token_key(int(i)) for i in actor_ids if i]
    if not keys:
        return

    def write() -> None:
        pipe = rfeed.raw_client().pipeline(transaction=False)
        for key in keys:
            pipe.set(key, secrets.token_hex(8), ex=TOKEN_SECONDS)
        pipe.execute()

    write()
    if connection.in_atomic_block:
        transaction.on_commit(write)


def _tokens(keys: list[str]) -> dict[str, str]:
    """The current token of each key, giving one to keys that have none."""
    pipe = rfeed.raw_client().pipeline(transaction=False)
    for key in keys:
        pipe.set(key, secrets.token_hex(8), ex=TOKEN_SECONDS, nx=True)
    pipe.mget(keys)
    values = pipe.execute()[-1]
    return {k: v.decode() for k, v in zip(keys, values, strict=True) if v is not None}


# --- reads -----------------------------------------------------------------------------------


def _origin(request: HttpRequest) -> str:
    return request.build_absolute_uri("/")[:-1]


def _fetch(key: str, user_id: int) -> _Known | None:
    """The current snapshot at `key` (its build id, list and page, read together), if any."""
    pipe = rfeed.raw_client().pipeline(transaction=True)
    pipe.hgetall(f"{key}:deps")
    pipe.get(key)
    pipe.get(f"{key}:gz")
    deps, stored, gzipped = pipe.execute()
    build = deps.pop(b"id", None)
    if build is None or stored is None:
        return None
    head, _, body = bytes(stored).partition(b"\n")
    next_max_id, _, prev_min_id = head.partition(b",")
    page = Page(body, _id(next_max_id), _id(prev_min_id), gzipped)
    return _known(key, user_id, build, deps, page)


def cached(request: HttpRequest, user_id: int, limit: int) -> Page | None:
    """The reader's stored first page if nothing on it changed (None without Redis or when it
    must be built). Records the reader's activity as `actor_touch` does."""
    if not rfeed.enabled():
        return None
    key = _snapshot_key(user_id, limit, _origin(request))
    known: _Known | None = _local.get_many([key]).get(key)
    for _attempt in (1, 2):
        if known is None:
            known = _fetch(key, user_id)
            if known is None:
                return None
            _local.set_many({key: known}, SNAPSHOT_SECONDS)
        build, mark, *values = rfeed.raw_client().mget(known.asked)
        if build != known.build:  # built again since this process fetched it
            known = None
            _local.discard(key)
            if build is None:
                return None
            continue
        if values != known.values:
            return None  # something on the page changed: build it again
        if mark is None:  # not recorded in the last 5 minutes
            from vcnet.social.middleware import actor_touch_id

            actor_touch_id(user_id)
        return known.page
    return None


def build(request: HttpRequest, user: User, limit: int) -> Page:
    """Build the reader's first page (as the API's home timeline) and, with Redis, store it."""
    from vcnet.social.cards import card_seconds, statuses_from_cards
    from vcnet.social.feeds import feed_home
    from vcnet.social.feeds.reader import reader_for
    from vcnet.social.models import Actor, Post
    from vcnet.social.services.actors import actor_for_user

    seen: Seen = {}
    redis_on = rfeed.enabled()
    actor = actor_for_user(user)
    tokens: dict[str, str] = {}
    asked: list[str] = []
    if redis_on:
        # Tokens first, then what they guard: a change during the build leaves them renewed.
        asked = [reader_token_key(actor.pk)]
        tokens = _tokens(asked)
        reader = reader_for(user, actor)
        sets = [rfeed.home_key(actor.pk)] + [rfeed.author_key(p) for p in sorted(reader.big)]
        asked += [rfeed.token_key(key) for key in sets]
        tokens.update(_tokens(asked[1:]))
    page = feed_home(user, limit=limit, cards=True, seen=seen)
    items = statuses_from_cards(request, user, page.cards)
    body = json.dumps(items, cls=DjangoJSONEncoder, ensure_ascii=False).encode()
    if not redis_on:
        return Page(body, page.next_max_id, page.prev_min_id)
    built = Page(body, page.next_max_id, page.prev_min_id, gzip.compress(body, mtime=0))

    if len(tokens) != len(asked):
        return built  # a token expired between its write and its read: store nothing
    deps = dict(tokens)
    mirrors: dict[str, str] = {}
    for post_id, (version, author_id, author_version) in seen.items():
        mirrors[mirror_key(Post, post_id)] = str(version)
        account = mirror_key(Actor, author_id)
        if mirrors.setdefault(account, str(author_version)) != str(author_version):
            return built  # an author changed between two rounds of this build: store nothing
    deps.update(mirrors)
    now = time.time()
    seconds = SNAPSHOT_SECONDS
    if reader.until:
        seconds = min(seconds, int(reader.until - now))
    for card in page.cards:
        for shown in (card, card.inner):
            if shown is not None:
                seconds = min(seconds, card_seconds(shown))
    if seconds < 1:
        return built
    key = _snapshot_key(user.pk, limit, _origin(request))
    head = f"{built.next_max_id or ''},{built.prev_min_id or ''}\n".encode()
    build_id = secrets.token_hex(8)
    pipe = rfeed.raw_client().pipeline(transaction=True)  # a read sees the old snapshot or the new
    for mirror, value in mirrors.items():  # a mirror that is there stays: it may be newer
        pipe.set(mirror, value, ex=MIRROR_SECONDS, nx=True)
    pipe.delete(f"{key}:deps")
    fields: dict[Any, Any] = {**deps, "id": build_id}
    pipe.hset(f"{key}:deps", mapping=fields)
    pipe.expire(f"{key}:deps", seconds)
    pipe.set(key, head + body, ex=seconds)
    pipe.set(f"{key}:gz", built.gzipped or b"", ex=seconds)
    pipe.set(f"{key}:id", build_id, ex=seconds)
    pipe.execute()
    encoded = {k.encode(): v.encode() for k, v in deps.items()}
    _local.set_many({key: _known(key, user.pk, build_id.encode(), encoded, built)}, seconds)
    return built
