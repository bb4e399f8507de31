"""Feeds: home, public, official pages, group, hashtag, profile and trending, paged by post id.

Without Redis every feed is one database query (`feeds.db`). With `REDIS_URL`, the home feed
is read from a per-reader sorted set filled on write (`feeds.redis`, `feeds.tasks`), merged at
read time with the posts of very popular pages, and falls back to the database whenever the
set is cold, missing or too short. Either way the posts are loaded by `posts_hydrate` (which
re-checks visibility) and filtered for blocked/muted authors and muted words, so both paths
show the same feed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from vcnet.accounts.models import User
from vcnet.social.feeds import db, trending
from vcnet.social.feeds import redis as rfeed
from vcnet.social.models import Actor, Group, Post

__all__ = [
    "FeedPage",
    "feed_actor",
    "feed_backfill",
    "feed_distribute",
    "feed_group",
    "feed_hashtag",
    "feed_home",
    "feed_pages",
    "feed_public",
    "feed_remove",
    "feed_trending",
    "feed_unfollow",
]

MAX_LIMIT = 40
_ROUNDS = 4  # how many times a page is topped up when filters removed posts

Cursor = dict[str, int | None]
Source = Callable[[Cursor, int], list[int]]


@dataclass
class FeedPage:
    """One page of a feed, newest first, with Mastodon's cursors for the next and previous pages."""

    posts: list[Post]
    next_max_id: int | None
    prev_min_id: int | None
    next_offset: int | None = None  # trending pages by offset


def _limit(limit: int) -> int:
    return max(1, min(int(limit), MAX_LIMIT))


def _viewer_actor(user: User | None) -> Actor | None:
    if user is None or not user.is_authenticated:
        return None
    from vcnet.social.services.actors import actor_for_user

    return actor_for_user(user)


def _keeper(actor: Actor | None, *, hidden: set[int] | None = None) -> Callable[[Post], bool]:
    """A test that drops posts of hidden (blocked, muted) authors and posts hit by muted words."""
    if actor is None:
        return lambda post: True
    from vcnet.social.selectors.actors import hidden_author_ids, muted_words, post_hidden_by_words

    if hidden is None:
        hidden = hidden_author_ids(actor)
    muted = muted_words(actor)

    def keep(post: Post) -> bool:
        shown = post.reblog_of if post.reblog_of_id else post
        if post.author_id in hidden or (shown is not None and shown.author_id in hidden):
            return False
        return not (muted and shown is not None and post_hidden_by_words(shown, muted))

    return keep


def _fill(
    user: User | None,
    source: Source,
    *,
    max_id: int | None,
    since_id: int | None,
    min_id: int | None,
    limit: int,
    keep: Callable[[Post], bool],
    visibility_checked: bool = False,
) -> FeedPage:
    """Load pages of candidate ids from `source`, keeping those the viewer may and wants to see.

    `visibility_checked`: `source` already applies the full visibility rule (see `posts_hydrate`).
    """
    from vcnet.social.selectors.posts import posts_hydrate

    limit = _limit(limit)
    ascending = min_id is not None
    cursor: Cursor = {"max_id": max_id, "since_id": since_id, "min_id": min_id}
    shown: list[Post] = []
    exhausted = False
    for _round in range(_ROUNDS):
        wanted = limit - len(shown)
        ids = source(dict(cursor), wanted)
        exhausted = len(ids) < wanted
        if ids:
            loaded = posts_hydrate(user, ids, visibility_checked=visibility_checked)
            shown.extend(p for p in loaded if keep(p))
            cursor["min_id" if ascending else "max_id"] = ids[-1]
        if exhausted or len(shown) >= limit:
            break
    if ascending:
        shown.reverse()
    if ascending:
        next_max_id = shown[-1].id if shown else None
    else:
        next_max_id = None if exhausted else cursor["max_id"]
    prev_min_id = shown[0].id if shown else (min_id if min_id is not None else since_id)
    return FeedPage(posts=shown, next_max_id=next_max_id, prev_min_id=prev_min_id)


# --- home -------------------------------------------------------------------------------


def _fanout_max() -> int:
    return int(getattr(settings, "SOCIAL_FANOUT_MAX_FOLLOWERS", 10_000))


def _merge(a: list[int], b: list[int], *, ascending: bool, n: int) -> list[int]:
    return sorted(set(a) | set(b), reverse=not ascending)[:n]


def _redis_home_source(
    user: User, actor: Actor, *, following: set[int], hidden: set[int]
) -> Source:
    """Candidates from the reader's sorted set, merged with popular pages' posts from the database."""
    authors = following | {actor.id}
    big = set(
        Actor.objects.filter(id__in=following, followers_count__gt=_fanout_max()).values_list(
            "id", flat=True
        )
    )
    small = authors - big

    def from_db(posters: set[int], cursor: Cursor, n: int) -> list[int]:
        return db.home_ids(user, posters=posters, authors=authors, hidden=hidden, limit=n, **cursor)

    def source(cursor: Cursor, n: int) -> list[int]:
        ascending = cursor["min_id"] is not None
        found = rfeed.read(actor.id, limit=n, **cursor)
        if not found.warm:
            # Cold: rebuild from the database (hidden authors too: the reader may unmute them).
            newest = db.home_ids(user, posters=small, authors=authors, limit=rfeed.CAP)
            rfeed.store(actor.id, newest)
            found = rfeed.read(actor.id, limit=n, **cursor)
        ids = [i for i in found.ids if i]
        if found.truncated and found.oldest is not None:
            floor = cursor["min_id"] if ascending else None
            if ascending and floor is not None and floor < found.oldest:
                ids = from_db(small, cursor, n)  # the window starts below what the set holds
            elif not ascending and len(ids) < n:
                # The set ends here; older posts come from the database.
                below = {
                    **cursor,
                    "max_id": ids[-1]
                    if ids
                    else min(found.oldest, cursor["max_id"] or found.oldest),
                }
                ids += from_db(small, below, n - len(ids))
        if big:
            ids = _merge(ids, from_db(big, cursor, n), ascending=ascending, n=n)
        return ids

    return source


def feed_home(
    user: User,
    *,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
    limit: int = 20,
) -> FeedPage:
    """The reader's own posts and those of the people and pages they follow, newest first."""
    actor = _viewer_actor(user)
    if actor is None:
        return FeedPage(posts=[], next_max_id=None, prev_min_id=None)
    from vcnet.social.middleware import actor_touch
    from vcnet.social.selectors.actors import hidden_author_ids

    actor_touch(user)
    following = db.following_ids(actor)
    hidden = hidden_author_ids(actor)
    authors = following | {actor.id}
    keep = _keeper(actor, hidden=hidden)
    source: Source
    checked = False
    if rfeed.enabled():
        source = _redis_home_source(user, actor, following=following, hidden=hidden)
        filters = keep

        def keep(post: Post) -> bool:
            # The set may hold posts of people unfollowed since: the database rule decides.
            return post.author_id in authors and post.group_id is None and filters(post)

    else:

        def source(cursor: Cursor, n: int) -> list[int]:
            return db.home_ids(
                user, posters=authors, authors=authors, hidden=hidden, limit=n, **cursor
            )

        checked = True  # home_ids applies the exact rule (db.home_visible_q)

    return _fill(
        user,
        source,
        max_id=max_id,
        since_id=since_id,
        min_id=min_id,
        limit=limit,
        keep=keep,
        visibility_checked=checked,
    )


# --- other feeds --------------------------------------------------------------------------


def feed_public(
    user: User | None,
    *,
    local_pages_only: bool = False,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
    limit: int = 20,
) -> FeedPage:
    """Everyone's public top-level posts (or only official pages'), newest first."""

    def source(cursor: Cursor, n: int) -> list[int]:
        return db.public_ids(user, local_pages_only=local_pages_only, cursor=cursor, limit=n)

    keep = _keeper(_viewer_actor(user))
    return _fill(
        user, source, max_id=max_id, since_id=since_id, min_id=min_id, limit=limit, keep=keep
    )


def feed_pages(
    user: User | None,
    *,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
    limit: int = 20,
) -> FeedPage:
    """Posts of the official pages, newest first."""

    def source(cursor: Cursor, n: int) -> list[int]:
        return db.pages_ids(user, cursor=cursor, limit=n)

    keep = _keeper(_viewer_actor(user))
    return _fill(
        user, source, max_id=max_id, since_id=since_id, min_id=min_id, limit=limit, keep=keep
    )


def feed_group(
    user: User | None,
    group: Group,
    *,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
    limit: int = 20,
) -> FeedPage:
    """A group's posts, newest first, with its pinned posts heading the first page."""
    from vcnet.social.selectors.posts import posts_hydrate

    def source(cursor: Cursor, n: int) -> list[int]:
        return db.group_ids(user, group, cursor=cursor, limit=n)

    keep = _keeper(_viewer_actor(user))
    page = _fill(
        user, source, max_id=max_id, since_id=since_id, min_id=min_id, limit=limit, keep=keep
    )
    if max_id is None and since_id is None and min_id is None:
        pinned = [p for p in posts_hydrate(user, db.group_pinned_ids(user, group)) if keep(p)]
        page.posts = pinned + page.posts
    return page


def feed_hashtag(
    user: User | None,
    tag_folded: str,
    *,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
    limit: int = 20,
) -> FeedPage:
    """Posts with a hashtag (given folded: no diacritics, lower case), newest first."""

    def source(cursor: Cursor, n: int) -> list[int]:
        return db.hashtag_ids(user, tag_folded, cursor=cursor, limit=n)

    keep = _keeper(_viewer_actor(user))
    return _fill(
        user, source, max_id=max_id, since_id=since_id, min_id=min_id, limit=limit, keep=keep
    )


def feed_actor(
    user: User | None,
    actor: Actor,
    *,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
    limit: int = 20,
    with_replies: bool = False,
) -> FeedPage:
    """A profile's posts and shares (replies when asked) that the viewer may see, newest first."""

    def source(cursor: Cursor, n: int) -> list[int]:
        return db.actor_ids(user, actor, with_replies=with_replies, cursor=cursor, limit=n)

    return _fill(
        user,
        source,
        max_id=max_id,
        since_id=since_id,
        min_id=min_id,
        limit=limit,
        keep=lambda post: True,
    )


def feed_trending(user: User | None, *, offset: int = 0, limit: int = 20) -> FeedPage:
    """Public posts of the last 48 hours by time-decayed engagement, paged by offset."""
    from vcnet.social.selectors.posts import posts_hydrate

    limit = _limit(limit)
    offset = max(0, int(offset))
    ranked = trending.trending_ids()
    window = ranked[offset : offset + limit]
    keep = _keeper(_viewer_actor(user))
    # A post limited after it was ranked leaves at once, even while the ranking stays cached.
    posts = [p for p in posts_hydrate(user, window) if keep(p) and not p.reach_limited]
    more = offset + limit < len(ranked)
    return FeedPage(
        posts=posts,
        next_max_id=None,
        prev_min_id=None,
        next_offset=offset + limit if more else None,
    )


# --- writes: called on commit by the services ----------------------------------------------


def feed_distribute(post_id: int) -> None:
    """Fan a new post out to its readers' home feeds (a background task; nothing without Redis)."""
    if not rfeed.enabled():
        return
    from vcnet.social.feeds.tasks import feed_fanout

    feed_fanout.enqueue(post_id=post_id)


def feed_remove(post_id: int, author_id: int) -> None:
    """Take a deleted post out of the home feeds it was fanned out to."""
    if not rfeed.enabled():
        return
    from vcnet.social.feeds.tasks import feed_retract

    feed_retract.enqueue(post_id=post_id, author_id=author_id)


def feed_backfill(follower_actor_id: int, target_id: int) -> None:
    """After a follow, bring the followed actor's recent posts into the follower's home feed."""
    if not rfeed.enabled():
        return
    from vcnet.social.feeds.tasks import feed_follow_backfill

    feed_follow_backfill.enqueue(follower_id=follower_actor_id, target_id=target_id)


def feed_unfollow(follower_actor_id: int, target_id: int) -> None:
    """After an unfollow or a block, take the actor's posts out of the follower's home feed."""
    if not rfeed.enabled():
        return
    from vcnet.social.feeds.tasks import feed_unfollow_purge

    feed_unfollow_purge.enqueue(follower_id=follower_actor_id, target_id=target_id)
