"""Feeds: home, public, official pages, group, hashtag, profile and trending, paged by post id.

Without Redis every feed is one database query (`feeds.db`). With `REDIS_URL`, the home feed
is read from a per-reader sorted set filled on write (`feeds.redis`, `feeds.tasks`), merged at
read time with the posts of very popular pages, and falls back to the database whenever the
set is cold, missing or too short. Either way the posts are loaded by `posts_hydrate` (which
re-checks visibility) and filtered for blocked/muted authors and muted words, so both paths
show the same feed. `feed_home(..., cards=True)` (the API) loads status cards instead
(`vcnet.social.cards`) and applies the same rules to them; big pages' posts then come from their
lists in Redis, and the reader's state from `feeds.reader`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from vcnet.accounts.models import User
from vcnet.social.feeds import db, trending
from vcnet.social.feeds import redis as rfeed
from vcnet.social.feeds.reader import Reader, reader_for
from vcnet.social.models import Actor, Group, Post, PostState, Visibility

if TYPE_CHECKING:
    from vcnet.social.cards import Card, Seen

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
_SLACK = 4  # candidates asked beyond the page, so a few filtered out rarely cost another round

Cursor = dict[str, int | None]
Source = Callable[[Cursor, int], list[int]]


@dataclass
class FeedPage:
    """One page of a feed, newest first, with Mastodon's cursors for the next and previous pages."""

    posts: list[Post]
    next_max_id: int | None
    prev_min_id: int | None
    next_offset: int | None = None  # trending pages by offset
    cards: list[Card] = field(default_factory=list)  # instead of `posts` when asked for cards


def _limit(limit: int) -> int:
    return max(1, min(int(limit), MAX_LIMIT))


def _viewer_actor(user: User | None) -> Actor | None:
    if user is None or not user.is_authenticated:
        return None
    from vcnet.social.services.actors import actor_for_user

    return actor_for_user(user)


def _keeper(actor: Actor | None) -> Callable[[Post], bool]:
    """A test that drops posts of hidden (blocked, muted) authors and posts hit by muted words."""
    if actor is None:
        return lambda post: True
    from vcnet.social.selectors.actors import hidden_author_ids, muted_words, post_hidden_by_words

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
    keep: Callable[[Any], bool],
    visibility_checked: bool = False,
    load: Callable[[list[int]], Sequence[Any]] | None = None,
) -> FeedPage:
    """Load pages of candidate ids from `source`, keeping those the viewer may and wants to see.

    `visibility_checked`: `source` already applies the full visibility rule (see `posts_hydrate`).
    `load`: turns ids into what the page holds (cards, see `feed_home`); posts by default.
    """
    from vcnet.social.selectors.posts import posts_hydrate

    if load is None:

        def load(ids: list[int]) -> list[Post]:
            return posts_hydrate(user, ids, visibility_checked=visibility_checked)

    limit = _limit(limit)
    ascending = min_id is not None
    cursor: Cursor = {"max_id": max_id, "since_id": since_id, "min_id": min_id}
    shown: list[Any] = []
    exhausted = False
    for _round in range(_ROUNDS):
        asked = limit - len(shown) + _SLACK
        ids = source(dict(cursor), asked)
        exhausted = len(ids) < asked
        if ids:
            loaded = {item.id: item for item in load(ids)}
            last = ids[-1]
            for i in ids:
                item = loaded.get(i)
                if item is not None and keep(item):
                    shown.append(item)
                    if len(shown) >= limit:
                        last = i  # the page ends here: the next one starts after it
                        exhausted = exhausted and i == ids[-1]
                        break
            cursor["min_id" if ascending else "max_id"] = last
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


def _hidden_card(reader: Reader, card: Card) -> bool:
    """`_keeper`'s rule on a card: a hidden author, or a muted word in what it shows."""
    shown = card.inner if card.reblog_of_id else card
    if shown is None or card.author_id in reader.hidden or shown.author_id in reader.hidden:
        return True
    return reader.hides_text(shown.folded)


def _home_card_visible(reader: Reader, card: Card) -> bool:
    """`db.home_base_q` and `db.home_visible_q` on a card (candidates from the Redis set)."""
    authors = reader.authors
    if card.author_id not in authors or card.group_id is not None:
        return False
    if card.in_reply_to_id is not None and card.in_reply_to_author_id not in authors:
        return False
    if card.author_id in reader.own:
        return True
    if card.state != PostState.PUBLISHED:
        return False
    if card.visibility == Visibility.PUBLIC:
        return True
    if card.visibility == Visibility.FOLLOWERS:
        return card.thread_root_id is None or card.thread_root_author_id in authors | reader.own
    return card.visibility == Visibility.UNIT and card.unit_id in reader.units


def _inner_card_visible(reader: Reader, card: Card) -> bool | None:
    """`visible_posts_q` on a shared or quoted post outside groups, decided from the reader's
    state (None: ask the database). Blocks either way are in `reader.hidden` with mutes, so a
    hidden author's post is sent to the database, which tells a mute (shown) from a block."""
    if card.author_id in reader.own:
        return True
    if card.group_id is not None or card.author_id in reader.hidden:
        return None
    if card.state != PostState.PUBLISHED:
        return False
    if card.visibility == Visibility.PUBLIC:
        return True
    if card.visibility == Visibility.FOLLOWERS:  # `access._followers_ok`
        root = card.thread_root_author_id if card.thread_root_id else card.author_id
        return root in reader.following or bool(card.thread_root_id and root in reader.own)
    if card.visibility == Visibility.UNIT:
        return card.unit_id in reader.units
    return None


def _home_card_loader(
    user: User,
    reader: Reader,
    *,
    checked: bool,
    seen: Seen | None = None,
) -> Callable[[list[int]], list[Card]]:
    """Ids → cards the reader may see, as `posts_hydrate` decides for posts.

    `checked`: the ids come from `db.home_ids` (the exact rule in SQL); otherwise (the Redis set)
    the same rule is applied to the cards. A shared or quoted post must be visible too: public
    ones and the reader's own are decided here, any other by `visible_posts_q` in one query.
    `seen`: see `cards_load`.
    """
    from vcnet.social.access import visible_posts_q
    from vcnet.social.cards import cards_load

    def load(ids: list[int]) -> list[Card]:
        found = cards_load(ids, seen)
        outer = [found[i] for i in dict.fromkeys(ids) if i in found]
        if not checked:
            outer = [c for c in outer if _home_card_visible(reader, c)]
        inner_ids = {i for c in outer for i in (c.reblog_of_id, c.quote_of_id) if i}
        visible: set[int] = set()
        unsure: set[int] = set()
        for i in inner_ids:
            inner = found.get(i)
            if inner is None:
                continue
            decided = _inner_card_visible(reader, inner)
            if decided is None:
                unsure.add(i)
            elif decided:
                visible.add(i)
        if unsure:
            visible |= set(
                Post.objects.filter(visible_posts_q(user), pk__in=unsure).values_list(
                    "pk", flat=True
                )
            )
        shown = []
        for card in outer:
            if card.reblog_of_id is not None and card.reblog_of_id not in visible:
                continue  # a share of something the viewer may not see shows nothing
            if card.quote_of_id is not None and card.quote_of_id not in visible:
                extra = {**card.status["vcnet"], "quote_id": None}
                card.status = {**card.status, "vcnet": extra}
            shown.append(card)
        return shown

    return load


# --- home -------------------------------------------------------------------------------


def _merge(a: list[int], b: list[int], *, ascending: bool, n: int) -> list[int]:
    return sorted(set(a) | set(b), reverse=not ascending)[:n]


def _redis_home_source(user: User, reader: Reader) -> Source:
    """Candidates from the reader's sorted set, merged with popular pages' posts.

    Popular pages' posts come from each page's list of newest posts in Redis (candidates of any
    kind: the card loader applies the home rule), or from the database where a list cannot cover
    the window.
    """
    authors = set(reader.authors)
    hidden = set(reader.hidden)
    big = set(reader.big)
    small = authors - big
    own, units = set(reader.own), set(reader.units)

    def from_db(posters: set[int], cursor: Cursor, n: int) -> list[int]:
        return db.home_ids(
            user,
            posters=posters,
            authors=authors,
            hidden=hidden,
            limit=n,
            own=own,
            units=units,
            **cursor,
        )

    def from_lists(cursor: Cursor, n: int) -> list[int] | None:
        """The big pages' candidates from their lists (None: a list cannot cover the window)."""
        pages = sorted(big)
        slices = rfeed.read_authors(pages, limit=n, **cursor)
        cold = [page for page, got in zip(pages, slices, strict=True) if not got.warm]
        for page in cold:
            rfeed.author_store(page, db.author_recent_ids(page, rfeed.CAP))
        if cold:
            slices = rfeed.read_authors(pages, limit=n, **cursor)
        ids: list[int] = []
        for got in slices:
            if got.truncated and got.oldest is not None:
                floor = cursor["min_id"]
                if floor is not None and floor < got.oldest:
                    return None
                if floor is None and len(got.ids) < n:
                    return None
            ids.extend(got.ids)
        return ids

    def source(cursor: Cursor, n: int) -> list[int]:
        ascending = cursor["min_id"] is not None
        found = rfeed.read(reader.actor_id, limit=n, **cursor)
        if not found.warm:
            # Cold: rebuild from the database (hidden authors too: the reader may unmute them).
            newest = db.home_ids(
                user, posters=small, authors=authors, limit=rfeed.CAP, own=own, units=units
            )
            rfeed.store(reader.actor_id, newest)
            found = rfeed.read(reader.actor_id, limit=n, **cursor)
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
            listed = from_lists(cursor, n)
            extra = listed if listed is not None else from_db(big, cursor, n)
            ids = _merge(ids, extra, ascending=ascending, n=n)
        return ids

    return source


def feed_home(
    user: User,
    *,
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
    limit: int = 20,
    cards: bool = False,
    seen: Seen | None = None,
) -> FeedPage:
    """The reader's own posts and those of the people and pages they follow, newest first.

    The page is chosen on status cards (`vcnet.social.cards`): with `cards` it holds them
    (`FeedPage.cards`, what the API serves); otherwise the chosen posts are loaded for the web
    page (`FeedPage.posts`). `seen` gets the versions of every card read (`cards_load`).
    """
    actor = _viewer_actor(user)
    if actor is None:
        return FeedPage(posts=[], next_max_id=None, prev_min_id=None)
    from vcnet.social.middleware import actor_touch
    from vcnet.social.selectors.posts import posts_hydrate

    actor_touch(user)
    reader = reader_for(user, actor)
    redis_on = rfeed.enabled()
    source: Source
    if redis_on:
        source = _redis_home_source(user, reader)
    else:
        authors, hidden = set(reader.authors), set(reader.hidden)
        own, units = set(reader.own), set(reader.units)

        def source(cursor: Cursor, n: int) -> list[int]:
            return db.home_ids(
                user,
                posters=authors,
                authors=authors,
                hidden=hidden,
                limit=n,
                own=own,
                units=units,
                **cursor,
            )

    page = _fill(
        user,
        source,
        max_id=max_id,
        since_id=since_id,
        min_id=min_id,
        limit=limit,
        keep=lambda card: not _hidden_card(reader, card),
        # home_ids applies the exact rule (db.home_visible_q); the Redis set's ids get it here.
        load=_home_card_loader(user, reader, checked=not redis_on, seen=seen),
    )
    chosen: list[Card] = page.posts  # type: ignore[assignment]
    if cards:
        page.cards, page.posts = chosen, []
    else:
        page.posts = posts_hydrate(user, [c.id for c in chosen], visibility_checked=True)
    return page


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
