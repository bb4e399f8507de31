"""Trending posts: public posts of the last 48 hours ranked by time-decayed engagement.

score = (reactions + 2 * shares + 1.5 * comments) / (age in hours + 2) ^ 1.5, the same for
every viewer, so the ranking is computed once and cached for a minute; each viewer's page is
then loaded and re-checked for visibility, blocks and mutes. Posts whose reach moderators limited
are never ranked (and are dropped at read time while the cached ranking still holds them).
"""

from __future__ import annotations

import datetime as dt

from django.core.cache import cache
from django.db.models import Q
from django.utils import timezone

from vcnet.social.models import Post, Visibility

WINDOW = dt.timedelta(hours=48)
CACHE_KEY = "social:feeds:trending:v1"
CACHE_SECONDS = 60
KEEP = 500  # how many ranked posts are cached


def trending_score(
    *, reactions: int, reblogs: int, replies: int, created_at: dt.datetime, now: dt.datetime
) -> float:
    """The time-decayed engagement of one post."""
    age_h = max(0.0, (now - created_at).total_seconds() / 3600)
    return (reactions + 2 * reblogs + 1.5 * replies) / (age_h + 2) ** 1.5


def trending_rank(now: dt.datetime | None = None) -> list[int]:
    """Ids of the engaging public posts of the last 48 hours, best first (uncached)."""
    now = now or timezone.now()
    rows = (
        Post.objects.filter(
            created_at__gte=now - WINDOW,
            visibility=Visibility.PUBLIC,
            group__isnull=True,
            in_reply_to__isnull=True,
            reblog_of__isnull=True,
            reach_limited=False,
        )
        .filter(Q(reactions_count__gt=0) | Q(reblogs_count__gt=0) | Q(replies_count__gt=0))
        .values_list("id", "reactions_count", "reblogs_count", "replies_count", "created_at")
    )
    scored = [
        (
            trending_score(
                reactions=reactions, reblogs=reblogs, replies=replies, created_at=at, now=now
            ),
            pk,
        )
        for pk, reactions, reblogs, replies, at in rows
    ]
    scored.sort(key=lambda item: (-item[0], -item[1]))
    return [pk for _score, pk in scored[:KEEP]]


def trending_ids() -> list[int]:
    """The ranking, cached for a minute."""
    ids = cache.get(CACHE_KEY)
    if ids is None:
        ids = trending_rank()
        cache.set(CACHE_KEY, ids, CACHE_SECONDS)
    return list(ids)
