"""Status cards: each post's Mastodon Status, minus what depends on the viewer, cached.

A feed page is then ids → the rows' versions (one query) → one multi-get of cards and of their
authors' accounts → the viewer's own state (one query) → JSON, instead of loading twenty posts
with their authors, images, polls, mentions and tags through the ORM on every read. A card holds
the post's fields that the feeds' rules read (`Card`), its Status with relative addresses, and
the ids of its author and shared post, whose cards are kept apart (an author's account changes
with their profile, a shared post's card with its counters).

Cards and accounts are keyed by the row's `version` (`models.base.Versioned`: a new random token
on any save or update of the row, and when its poll, images, mentions or tags change), so a
cached card is never stale and nothing has to be invalidated, in any process. They live in Redis
when `REDIS_URL` is set (shared by the web workers), otherwise in each process's memory (a
bounded LRU). A card with an open poll expires when the poll closes. The JSON is the
serializer's (`serializers.statuses`) for the same posts (tested).
"""

from __future__ import annotations

import copy
import datetime as dt
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.http import HttpRequest
from django.utils import timezone

from vcnet.accounts.models import User
from vcnet.core.text import fold
from vcnet.social.feeds import redis as rfeed
from vcnet.social.models import Actor, Bookmark, Mute, PollOption, PollVote, Post, Reaction

__all__ = [
    "Card",
    "LocalStore",
    "Seen",
    "card_seconds",
    "cards_load",
    "local_clear",
    "statuses_from_cards",
]

# What a build read: (post version, author id, author version) by post id (`cards_load`).
Seen = dict[int, tuple[int, int, int]]

CARD_SECONDS = 3600
LOCAL_ENTRIES = 20_000  # cards and accounts kept in each process's memory without Redis
_SHAPE = 2  # bump when the stored shape changes


def _card_key(post_id: int, version: int) -> str:
    return f"vcnet:social:card:{_SHAPE}:{post_id}:{version}"


def _account_key(actor_id: int, version: int) -> str:
    return f"vcnet:social:account:{_SHAPE}:{actor_id}:{version}"


class LocalStore:
    """A bounded in-process LRU with expiry (cards and accounts without Redis; home snapshots)."""

    def __init__(self, size: int) -> None:
        self._size = size
        self._items: OrderedDict[str, tuple[float, Any]] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: list[str]) -> dict[str, Any]:
        now = time.monotonic()
        found: dict[str, Any] = {}
        with self._lock:
            for key in keys:
                item = self._items.get(key)
                if item is None:
                    continue
                if item[0] < now:
                    del self._items[key]
                    continue
                self._items.move_to_end(key)
                found[key] = item[1]
        return found

    def set_many(self, values: dict[str, Any], seconds: int) -> None:
        until = time.monotonic() + seconds
        with self._lock:
            for key, value in values.items():
                self._items[key] = (until, value)
                self._items.move_to_end(key)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def discard(self, key: str) -> None:
        with self._lock:
            self._items.pop(key, None)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


_local = LocalStore(LOCAL_ENTRIES)


def _cached(keys: list[str]) -> dict[str, Any]:
    return rfeed.get_objects(keys) if rfeed.enabled() else _local.get_many(keys)


def _store(values: dict[str, Any], seconds: int) -> None:
    if rfeed.enabled():
        rfeed.set_objects(values, seconds)
    else:
        _local.set_many(values, seconds)


def local_clear() -> None:
    """Empty this process's store (tests start from nothing)."""
    _local.clear()


@dataclass(slots=True)
class Card:
    """One post as the feeds' rules and the API need it, without the viewer's state."""

    id: int
    author_id: int
    reblog_of_id: int | None
    quote_of_id: int | None
    group_id: int | None
    unit_id: int | None
    visibility: str
    state: str
    reach_limited: bool
    thread_root_id: int | None
    thread_root_author_id: int | None
    in_reply_to_id: int | None
    in_reply_to_author_id: int | None
    poll_id: int | None
    folded: str  # content warning and text without diacritics, for muted words
    status: dict[str, Any]  # Mastodon's Status, relative addresses, no account/reblog/viewer
    author_version: int = 0  # set when loaded (the account's cache key), never stored
    inner: Card | None = None  # the shared post's card (set by `cards_load`, never stored)


# --- building --------------------------------------------------------------------------------


class _RelativeRequest:
    """Stands in for the request while a card is built: addresses stay relative ("/social/…")."""

    def build_absolute_uri(self, location: str | None = None) -> str:
        return location or "/"


def _build(post_ids: list[int]) -> dict[int, Card]:
    """Cards for these posts, from the database (posts that no longer exist are left out)."""
    from vcnet.social.api import serializers as s
    from vcnet.social.selectors.posts import posts_loaded

    posts = list(posts_loaded(Post.objects.filter(pk__in=post_ids)))
    if not posts:
        return {}
    fake: Any = _RelativeRequest()
    ctx = s.StatusContext.load(fake, None, posts)
    built: dict[int, Card] = {}
    for post in posts:
        data = s.status(ctx, post, nested=False)
        data.pop("account")
        data["reblog"] = None
        parent = post.in_reply_to if post.in_reply_to_id else None
        root = post.thread_root if post.thread_root_id else None
        built[post.pk] = Card(
            id=post.pk,
            author_id=post.author_id,
            reblog_of_id=post.reblog_of_id,
            quote_of_id=post.quote_of_id,
            group_id=post.group_id,
            unit_id=post.unit_id,
            visibility=post.visibility,
            state=post.state,
            reach_limited=post.reach_limited,
            thread_root_id=post.thread_root_id,
            thread_root_author_id=root.author_id if root is not None else None,
            in_reply_to_id=post.in_reply_to_id,
            in_reply_to_author_id=parent.author_id if parent is not None else None,
            poll_id=data["poll"] and int(data["poll"]["id"]),
            folded=fold(f"{post.content_warning}\n{post.text}"),
            status=data,
        )
    return built


def card_seconds(card: Card, now: dt.datetime | None = None) -> int:
    """How long a card may live: an open poll's card no later than the poll closes."""
    now = now or timezone.now()
    poll = card.status.get("poll")
    if poll and not poll["expired"] and poll["expires_at"]:
        closes = dt.datetime.fromisoformat(poll["expires_at"].replace("Z", "+00:00"))
        return max(1, min(CARD_SECONDS, int((closes - now).total_seconds()) + 1))
    return CARD_SECONDS


def _marks(values: list[int]) -> str:
    """Placeholders for `IN (...)` (NULL for none: matches nothing)."""
    return ", ".join(["%s"] * len(values)) or "NULL"


def _versions(ids: list[int]) -> dict[int, tuple[int, int]]:
    """(post version, author version) of these posts and of the posts they share or quote, by
    post id, in one query (posts that no longer exist are absent)."""
    post, actor = Post._meta.db_table, Actor._meta.db_table
    sql = (
        "SELECT p.id, p.version, a.version, i.id, i.version, ia.version,"  # noqa: S608
        f" q.id, q.version, qa.version FROM {post} p JOIN {actor} a ON a.id = p.author_id"
        f" LEFT JOIN {post} i ON i.id = p.reblog_of_id LEFT JOIN {actor} ia ON ia.id = i.author_id"
        f" LEFT JOIN {post} q ON q.id = p.quote_of_id LEFT JOIN {actor} qa ON qa.id = q.author_id"
        f" WHERE p.id IN ({_marks(ids)})"
    )
    found: dict[int, tuple[int, int]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)
        for row in cursor.fetchall():
            for at in (0, 3, 6):
                if row[at] is not None:
                    found[row[at]] = (row[at + 1], row[at + 2])
    return found


def _get(versions: dict[int, tuple[int, int]]) -> dict[int, Card]:
    """Cards at these versions: cached, or built from the database and stored."""
    keys = {i: _card_key(i, version) for i, (version, _author) in versions.items()}
    cached = _cached(list(keys.values()))
    # Copies: a request sets `inner` and may hide a quote on its cards, never on the stored ones.
    found: dict[int, Card] = {i: copy.copy(cached[k]) for i, k in keys.items() if k in cached}
    missing = [i for i in keys if i not in found]
    if missing:
        built = _build(missing)
        now = timezone.now()
        by_ttl: dict[int, dict[str, Card]] = {}
        for card in built.values():
            found[card.id] = card
            by_ttl.setdefault(card_seconds(card, now), {})[keys[card.id]] = copy.copy(card)
        for seconds, batch in by_ttl.items():
            _store(batch, seconds)
    for i, card in found.items():
        card.author_version = versions[i][1]
    return found


def cards_load(ids: list[int], seen: Seen | None = None) -> dict[int, Card]:
    """Cards of these posts and of the posts they share or quote (`inner` set on a share).

    `seen` gets (post version, author id, author version) of every card loaded, by post id.
    """
    wanted = list(dict.fromkeys(ids))
    if not wanted:
        return {}
    versions = _versions(wanted)
    every = _get(versions)
    if seen is not None:
        for i, card in every.items():
            value = (versions[i][0], card.author_id, versions[i][1])
            if seen.setdefault(i, value) != value:  # changed between two loads of one build
                seen[i] = (-1, card.author_id, -1)  # a version no mirror holds
    for card in every.values():
        if card.reblog_of_id:
            card.inner = every.get(card.reblog_of_id)
    return every


# --- serving -----------------------------------------------------------------------------------


def _accounts(authors: dict[int, int]) -> dict[int, dict[str, Any]]:
    """Accounts (relative addresses) by actor id, for {actor id: version}."""
    from vcnet.social.api import serializers as s

    keys = {i: _account_key(i, v) for i, v in authors.items()}
    cached = _cached(list(keys.values()))
    found = {i: cached[k] for i, k in keys.items() if k in cached}
    missing = authors.keys() - found.keys()
    if missing:
        fake: Any = _RelativeRequest()
        made = {
            a.pk: s.account(fake, a)
            for a in Actor.objects.filter(pk__in=missing).select_related("unit")
        }
        found.update(made)
        _store({keys[i]: v for i, v in made.items()}, CARD_SECONDS)
    return found


@dataclass
class _ViewerState:
    reactions: dict[int, str]
    bookmarks: set[int]
    reblogged: set[int]
    muted: set[int]  # authors
    votes: dict[int, list[int]]  # poll id -> option positions


def _viewer_state(
    actor_id: int, post_ids: list[int], author_ids: set[int], poll_ids: list[int]
) -> _ViewerState:
    """The viewer's reactions, bookmarks, shares, mutes and poll votes on a page: one query.

    Only table names (from the models) and placeholders go into the SQL; values are parameters.
    """
    ids, authors, polls = list(post_ids), sorted(author_ids), list(poll_ids)

    reaction, bookmark, post = Reaction._meta.db_table, Bookmark._meta.db_table, Post._meta.db_table
    mute, vote, option = Mute._meta.db_table, PollVote._meta.db_table, PollOption._meta.db_table
    in_ids, in_authors, in_polls = _marks(ids), _marks(authors), _marks(polls)
    parts = [
        f"SELECT 'r', post_id, kind FROM {reaction} WHERE actor_id = %s AND post_id IN ({in_ids})",  # noqa: S608
        f"SELECT 'b', post_id, '' FROM {bookmark} WHERE actor_id = %s AND post_id IN ({in_ids})",  # noqa: S608
        f"SELECT 's', reblog_of_id, '' FROM {post} WHERE author_id = %s AND reblog_of_id IN ({in_ids})",  # noqa: S608
        f"SELECT 'm', target_id, '' FROM {mute} WHERE actor_id = %s AND target_id IN ({in_authors})"  # noqa: S608
        " AND (expires_at IS NULL OR expires_at > %s)",
        f"SELECT 'v', v.poll_id, CAST(o.position AS VARCHAR(5)) FROM {vote} v JOIN {option} o"  # noqa: S608
        f" ON o.id = v.option_id WHERE v.voter_id = %s AND v.poll_id IN ({in_polls})",
    ]
    sql = " UNION ALL ".join(parts)
    params: list[Any] = [actor_id, *ids, actor_id, *ids, actor_id, *ids, actor_id, *authors]
    params += [connection.ops.adapt_datetimefield_value(timezone.now()), actor_id, *polls]
    state = _ViewerState({}, set(), set(), set(), {})
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for what, key, value in cursor.fetchall():
            if what == "r":
                state.reactions[key] = value
            elif what == "b":
                state.bookmarks.add(key)
            elif what == "s":
                state.reblogged.add(key)
            elif what == "m":
                state.muted.add(key)
            else:
                state.votes.setdefault(key, []).append(int(value))
    for positions in state.votes.values():
        positions.sort()
    return state


def _absolute(origin: str, value: Any) -> Any:
    return origin + value if isinstance(value, str) and value.startswith("/") else value


def _account_out(origin: str, data: dict[str, Any]) -> dict[str, Any]:
    for name in ("url", "uri", "avatar", "avatar_static", "header", "header_static"):
        data[name] = _absolute(origin, data[name])
    return data


def _status_out(
    origin: str,
    card: Card,
    accounts: dict[int, dict[str, Any]],
    state: _ViewerState | None,
) -> dict[str, Any]:
    data = dict(card.status)
    data["uri"] = _absolute(origin, data["uri"])
    data["url"] = _absolute(origin, data["url"])
    data["account"] = _account_out(origin, dict(accounts[card.author_id]))
    data["media_attachments"] = [
        {
            **m,
            "url": _absolute(origin, m["url"]),
            "preview_url": _absolute(origin, m["preview_url"]),
        }
        for m in data["media_attachments"]
    ]
    data["mentions"] = [{**m, "url": _absolute(origin, m["url"])} for m in data["mentions"]]
    data["tags"] = [{**t, "url": _absolute(origin, t["url"])} for t in data["tags"]]
    extra = dict(data["vcnet"])
    extra["reaction"] = state.reactions.get(card.id) if state else None
    data["vcnet"] = extra
    if data["poll"] is not None:
        own = state.votes.get(card.poll_id or 0, []) if state else []
        data["poll"] = {**data["poll"], "voted": bool(own), "own_votes": own}
    if state is not None:
        data.update(
            favourited=card.id in state.reactions,
            reblogged=card.id in state.reblogged,
            muted=card.author_id in state.muted,
            bookmarked=card.id in state.bookmarks,
            pinned=False,
        )
    return data


def statuses_from_cards(
    request: HttpRequest, user: User | None, cards: list[Card]
) -> list[dict[str, Any]]:
    """Mastodon Statuses of these cards (a share's card carries `inner`), with the viewer's state.

    The same JSON as `serializers.statuses` gives for the same posts (tested).
    """
    if not cards:
        return []
    every = {c.id: c for c in cards}
    for card in cards:
        if card.inner is not None:
            every.setdefault(card.inner.id, card.inner)
    accounts = _accounts({c.author_id: c.author_version for c in every.values()})
    state = None
    if user is not None and user.is_authenticated:
        from vcnet.social.services.actors import actor_for_user

        state = _viewer_state(
            actor_for_user(user).pk,
            list(every),
            {c.author_id for c in every.values()},
            [c.poll_id for c in every.values() if c.poll_id],
        )
    origin = request.build_absolute_uri("/")[:-1]
    out = []
    for card in cards:
        data = _status_out(origin, card, accounts, state)
        if card.inner is not None:
            data["reblog"] = _status_out(origin, card.inner, accounts, state)
        out.append(data)
    return out
