"""Public posts and comments anyone may read: what opinion monitoring counts (aggregate only).

Public means: published, visible to everyone, not in a group, not a bare share, with some text,
written by an account or page that is not banned, and not limited by moderators. Rows carry
no author: monitoring counts what is said, never who said it.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from vcnet.social.models import Actor, Post, PostState, Visibility

__all__ = ["public_content_after"]


def public_content_after(after_id: int, *, limit: int = 500) -> QuerySet[Any]:
    """Public posts and comments with an id above `after_id`, oldest first, as dicts of
    id, text, created_at and in_reply_to_id (None for a post, set for a comment)."""
    banned = Actor.objects.filter(banned_at__isnull=False).values("pk")
    return (
        Post.objects.filter(
            Q(id__gt=after_id)
            & Q(state=PostState.PUBLISHED)
            & Q(visibility=Visibility.PUBLIC)
            & Q(group__isnull=True)
            & Q(reblog_of__isnull=True)
            & Q(reach_limited=False)
            & ~Q(text="")
        )
        .exclude(author_id__in=banned)
        .order_by("id")
        .values("id", "text", "created_at", "in_reply_to_id")[:limit]
    )
