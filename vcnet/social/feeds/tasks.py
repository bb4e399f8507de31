"""Background work for the Redis home feeds: fan-out on write, removal, follow and unfollow.

A new post is fanned out by `feed_fanout`, which lists the author's followers active in the
last 7 days in chunks of `CHUNK` and enqueues one `feed_fanout_chunk` per chunk; each chunk
writes to Redis in one call (a Lua script over the chunk's sets). Authors with more than
`SOCIAL_FANOUT_MAX_FOLLOWERS` followers are not fanned out: readers merge their posts at read
time, from the authors' lists. Tasks take ids only.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.conf import settings
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django_tasks import task

from vcnet.social.feeds import db
from vcnet.social.feeds import redis as rfeed
from vcnet.social.models import Actor, Follow, Post

CHUNK = 1000
BACKFILL = 40  # posts of a newly followed actor brought into the follower's feed


def _fanout_max() -> int:
    return int(getattr(settings, "SOCIAL_FANOUT_MAX_FOLLOWERS", 10_000))


def active_follower_chunks(
    author_id: int, *, reply_to_author_id: int | None = None, size: int | None = None
) -> Iterator[list[int]]:
    """Ids of the author's followers active in the last 7 days, `size` at a time (keyset paging).

    For a reply, only those who also follow the replied-to author (or are that author).
    """
    size = size or CHUNK
    since = timezone.now() - rfeed.ACTIVE_WINDOW
    qs = Follow.objects.filter(target_id=author_id, follower__last_active_at__gte=since)
    if reply_to_author_id is not None:
        follows_other = Follow.objects.filter(
            follower_id=OuterRef("follower_id"), target_id=reply_to_author_id
        )
        qs = qs.filter(Exists(follows_other) | Q(follower_id=reply_to_author_id))
    after = 0
    while True:
        ids = list(
            qs.filter(follower_id__gt=after)
            .order_by("follower_id")
            .values_list("follower_id", flat=True)[:size]
        )
        if ids:
            yield ids
        if len(ids) < size:
            return
        after = ids[-1]


def fanout_post(post_id: int, *, max_followers: int | None = None) -> int:
    """Enqueue the fan-out of one post; returns how many chunks were enqueued."""
    row = (
        Post.objects.filter(id=post_id)
        .values("author_id", "group_id", "in_reply_to__author_id", "author__user_id")
        .first()
    )
    if row is None or row["group_id"] is not None:
        return 0  # group posts live in their group's feed only
    author_id = row["author_id"]
    rfeed.author_add(author_id, [post_id])  # read by the followers of big pages
    if row["author__user_id"] is not None:
        rfeed.fanout([post_id], [author_id])  # a person sees their own posts
    limit = _fanout_max() if max_followers is None else max_followers
    if Actor.objects.filter(id=author_id, followers_count__gt=limit).exists():
        return 0  # merged at read time
    chunks = 0
    for ids in active_follower_chunks(author_id, reply_to_author_id=row["in_reply_to__author_id"]):
        feed_fanout_chunk.enqueue(post_id=post_id, reader_ids=ids)
        chunks += 1
    return chunks


@task()
def feed_fanout(*, post_id: int) -> int:
    """Fan a new post out to its author's active followers, one chunk task per 1,000."""
    return fanout_post(post_id)


@task()
def feed_fanout_chunk(*, post_id: int, reader_ids: list[int]) -> int:
    """Add one post to up to 1,000 warm home feeds in one Redis call."""
    return rfeed.fanout([post_id], reader_ids)


@task()
def feed_retract(*, post_id: int, author_id: int) -> int:
    """Remove a deleted post from its author's and followers' home feeds, a chunk per pipeline."""
    rfeed.remove([post_id], [author_id])
    rfeed.author_remove(author_id, [post_id])
    chunks = 0
    for ids in active_follower_chunks(author_id):
        rfeed.remove([post_id], ids)
        chunks += 1
    return chunks


@task()
def feed_follow_backfill(*, follower_id: int, target_id: int) -> int:
    """Bring a newly followed actor's recent posts into the follower's warm home feed."""
    follower = Actor.objects.filter(id=follower_id).select_related("user").first()
    if follower is None or follower.user is None:
        return 0
    target = Actor.objects.filter(id=target_id).values("followers_count").first()
    if target is None or target["followers_count"] > _fanout_max():
        return 0  # merged at read time
    authors = db.following_ids(follower) | {follower.id}
    ids = db.home_ids(follower.user, posters={target_id}, authors=authors, limit=BACKFILL)
    return rfeed.fanout(ids, [follower_id])


@task()
def feed_unfollow_purge(*, follower_id: int, target_id: int) -> int:
    """Take an unfollowed (or blocked) actor's posts out of the follower's home feed."""
    held = rfeed.members(follower_id)
    if not held:
        return 0
    ids = list(Post.objects.filter(id__in=held, author_id=target_id).values_list("id", flat=True))
    rfeed.remove(ids, [follower_id])
    return len(ids)
