"""Posts of verified official pages that anyone may read: what the assistant answers from.

An "official post" is a published, public, top-level post (not a share, not a comment, not in a
group) by a verified page that is not banned or suspended, whose reach moderators did not
limit, with some text. The assistant indexes these (`official_posts_changed_since`) and, when it
answers, keeps only passages of posts that are still official (`official_post_ids`).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import CharField, Q, QuerySet
from django.db.models.functions import Cast
from django.utils import timezone

from vcnet.social.models import Actor, ActorKind, Post, PostState, Visibility

__all__ = [
    "official_post_ids",
    "official_posts",
    "official_posts_changed_since",
    "official_posts_q",
]


def official_posts_q(now: dt.datetime | None = None) -> Q:
    """A filter on Post for the posts that are official and visible to everyone right now."""
    now = now or timezone.now()
    pages = Actor.objects.filter(
        Q(suspended_until__isnull=True) | Q(suspended_until__lte=now),
        kind=ActorKind.PAGE,
        verified=True,
        banned_at__isnull=True,
    ).values("pk")
    return (
        Q(author_id__in=pages)
        & Q(state=PostState.PUBLISHED)
        & Q(visibility=Visibility.PUBLIC)
        & Q(group__isnull=True)
        & Q(reach_limited=False)
        & Q(reblog_of__isnull=True)
        & Q(in_reply_to__isnull=True)
        & ~Q(text="")
    )


def official_posts() -> QuerySet[Post]:
    """Every official post, oldest first, with its page."""
    return Post.objects.filter(official_posts_q()).select_related("author").order_by("id")


def official_posts_changed_since(since: dt.datetime | None) -> QuerySet[Post]:
    """Official posts written or edited after `since` (all of them when None), oldest first."""
    posts = official_posts()
    if since is not None:
        posts = posts.filter(Q(created_at__gt=since) | Q(edited_at__gt=since))
    return posts


def official_post_ids(*, as_text: bool = False) -> QuerySet[Any]:
    """A one-column subquery of the ids of the official posts (as strings when `as_text`).

    `as_text` suits a filter on a character column (`Passage.source_id__in=...`), which
    PostgreSQL will not compare with integers.
    """
    posts = Post.objects.filter(official_posts_q()).order_by()
    if as_text:
        return posts.annotate(sid=Cast("pk", CharField())).values("sid")
    return posts.values("pk")
