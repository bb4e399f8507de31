"""Reads about interactions: a person's bookmarks and reactions, who reacted to or shared a post."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet, Subquery

from vcnet.accounts.models import User
from vcnet.social.access import post_for_user, visible_posts_q
from vcnet.social.models import Actor, Bookmark, Post, Reaction, ReactionKind
from vcnet.social.services.actors import actor_for_user


def bookmarks_for(user: User) -> QuerySet[Post]:
    """The posts the user bookmarked and may still see, newest bookmark first.

    Each post carries `bookmark_id` (Mastodon pages bookmarks by it, not by post id).
    """
    actor = actor_for_user(user)
    mine = Bookmark.objects.filter(actor=actor, post=OuterRef("pk"))
    return (
        Post.objects.filter(Exists(mine))
        .filter(visible_posts_q(user))
        .annotate(bookmark_id=Subquery(mine.values("pk")[:1]))
        .select_related("author")
        .order_by("-bookmark_id")
    )


def reacted_by(user: User) -> QuerySet[Post]:
    """The posts the user reacted to and may still see, newest reaction first (Mastodon's
    favourites), each with `reaction_id` and `reaction_kind`."""
    actor = actor_for_user(user)
    mine = Reaction.objects.filter(actor=actor, post=OuterRef("pk"))
    return (
        Post.objects.filter(Exists(mine))
        .filter(visible_posts_q(user))
        .annotate(
            reaction_id=Subquery(mine.values("pk")[:1]),
            reaction_kind=Subquery(mine.values("kind")[:1]),
        )
        .select_related("author")
        .order_by("-reaction_id")
    )


def reactors_of(user: User | None, post_id: int, *, kind: str | None = None) -> QuerySet[Actor]:
    """Who reacted to a post the user may see (optionally with one reaction), latest first."""
    post = post_for_user(user, post_id)
    reactions = Reaction.objects.filter(post=post)
    if kind is not None and kind in ReactionKind.values:
        reactions = reactions.filter(kind=kind)
    latest = reactions.filter(actor=OuterRef("pk")).values("pk")[:1]
    return (
        Actor.objects.filter(pk__in=reactions.values("actor_id"))
        .annotate(reaction_id=Subquery(latest))
        .select_related("unit")
        .order_by("-reaction_id")
    )


def sharers_of(user: User | None, post_id: int) -> QuerySet[Actor]:
    """Who shared a post the user may see (plain shares), latest first."""
    post = post_for_user(user, post_id)
    shares = Post.objects.filter(reblog_of=post)
    latest = shares.filter(author=OuterRef("pk")).values("pk")[:1]
    return (
        Actor.objects.filter(pk__in=shares.values("author_id"))
        .annotate(share_id=Subquery(latest))
        .select_related("unit")
        .order_by("-share_id")
    )


def reaction_summary(post: Post) -> list[tuple[str, str, int]]:
    """(kind, label, count) of each reaction a post received, most frequent first."""
    counts = post.reaction_counts or {}
    labels = dict(ReactionKind.choices)
    rows = [(k, str(labels[k]), int(n)) for k, n in counts.items() if k in labels and int(n) > 0]
    order = list(ReactionKind.values)
    return sorted(rows, key=lambda row: (-row[2], order.index(row[0])))
