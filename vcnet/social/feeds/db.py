"""Feeds straight from the database: the correct query that every other path falls back to.

Each function returns candidate post ids in the order asked (newest first, or oldest first for
`min_id` paging); `vcnet.social.feeds` loads, re-checks and filters them. Visibility is always
`visible_posts_q`, so a feed never shows a post the viewer could not open.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Q, QuerySet

from vcnet.accounts.models import Membership, User
from vcnet.social.access import visible_posts_q
from vcnet.social.models import (
    Actor,
    ActorKind,
    Follow,
    Group,
    PageRole,
    Post,
    PostHashtag,
    PostState,
    Visibility,
)


def reach_q(user: User | None) -> Q:
    """Posts whose reach moderators limited are left out, except for their author (and the
    page's editors): they stay in home feeds and on the profile, not in the wider feeds."""
    if user is None or not user.is_authenticated:
        return Q(reach_limited=False)
    return (
        Q(reach_limited=False)
        | Q(author_id__in=Actor.objects.filter(user_id=user.pk).values("pk"))
        | Q(author_id__in=PageRole.objects.filter(user_id=user.pk).values("page_id"))
    )


def cursor_filter(
    qs: QuerySet[Post], *, max_id: int | None, since_id: int | None, min_id: int | None
) -> QuerySet[Post]:
    """Narrow `qs` to Mastodon's cursor window and order it (ascending only when paging by min_id)."""
    if max_id is not None:
        qs = qs.filter(id__lt=max_id)
    if min_id is not None:
        return qs.filter(id__gt=min_id).order_by("id")
    if since_id is not None:
        qs = qs.filter(id__gt=since_id)
    return qs.order_by("-id")


def following_ids(actor: Actor) -> set[int]:
    """Ids of the actors `actor` follows."""
    return set(Follow.objects.filter(follower=actor).values_list("target_id", flat=True))


def home_base_q(*, posters: Iterable[int], authors: Iterable[int]) -> Q:
    """The home-feed rule without visibility: top-level posts and shares by `posters`, plus their
    replies to `authors` (the reader and whom the reader follows); no group posts."""
    return (
        Q(author_id__in=set(posters))
        & Q(group__isnull=True)
        & (Q(in_reply_to__isnull=True) | Q(in_reply_to__author_id__in=set(authors)))
    )


def home_visible_q(
    user: User,
    *,
    authors: Iterable[int],
    own: set[int] | None = None,
    units: set[int] | None = None,
) -> Q:
    """`visible_posts_q` for the home feed's candidates, with literal ids: cheap for the planner.

    Exact for posts outside groups by `authors` (the reader and whom they follow): the reader's
    own posts and pages; public posts; followers-only top-level posts (their author is followed)
    and comments under a top post by someone followed or by the reader; unit posts of the
    reader's units. Blocks are the caller's `hidden` authors. `own` and `units` when the caller
    knows them already (`feeds.reader`).
    """
    from vcnet.social.access import own_actor_ids

    if own is None:
        own = own_actor_ids(user)
    if units is None:
        units = set(Membership.objects.filter(user_id=user.pk).values_list("unit_id", flat=True))
    return Q(author_id__in=own) | Q(state=PostState.PUBLISHED) & (
        Q(visibility=Visibility.PUBLIC)
        | Q(visibility=Visibility.FOLLOWERS, thread_root__isnull=True)
        | Q(visibility=Visibility.FOLLOWERS, thread_root__author_id__in={*authors, *own})
        | Q(visibility=Visibility.UNIT, unit_id__in=units)
    )


def home_ids(
    user: User,
    *,
    posters: set[int],
    authors: set[int],
    max_id: int | None = None,
    since_id: int | None = None,
    min_id: int | None = None,
    limit: int = 20,
    hidden: set[int] | None = None,
    own: set[int] | None = None,
    units: set[int] | None = None,
) -> list[int]:
    """Candidate ids of a home feed: posts by `posters` under the home rule, visible to `user`."""
    if not posters:
        return []
    qs: QuerySet[Post] = Post.objects.filter(home_base_q(posters=posters, authors=authors))
    qs = qs.filter(home_visible_q(user, authors=authors, own=own, units=units))
    if hidden:
        qs = qs.exclude(author_id__in=hidden).exclude(reblog_of__author_id__in=hidden)
    qs = cursor_filter(qs, max_id=max_id, since_id=since_id, min_id=min_id)
    return list(qs.values_list("id", flat=True)[:limit])


def author_recent_ids(author_id: int, limit: int) -> list[int]:
    """An author's newest post ids outside groups, whatever their kind or visibility (the lists
    of `feeds.redis` hold candidates; the reader's rule is applied when they are read)."""
    qs = Post.objects.filter(author_id=author_id, group__isnull=True).order_by("-id")
    return list(qs.values_list("id", flat=True)[:limit])


def _ids(qs: QuerySet[Post], cursor: dict[str, int | None], limit: int) -> list[int]:
    qs = cursor_filter(qs, **cursor)
    return list(qs.values_list("id", flat=True)[:limit])


def public_qs(user: User | None, *, local_pages_only: bool = False) -> QuerySet[Post]:
    """Public top-level posts outside groups (Mastodon's public timeline: no replies, no shares)."""
    qs = Post.objects.filter(
        visibility=Visibility.PUBLIC,
        group__isnull=True,
        in_reply_to__isnull=True,
        reblog_of__isnull=True,
    ).filter(visible_posts_q(user), reach_q(user))
    if local_pages_only:
        qs = qs.filter(author__kind=ActorKind.PAGE)
    return qs


def public_ids(
    user: User | None, *, local_pages_only: bool, cursor: dict[str, int | None], limit: int
) -> list[int]:
    return _ids(public_qs(user, local_pages_only=local_pages_only), cursor, limit)


def pages_ids(user: User | None, *, cursor: dict[str, int | None], limit: int) -> list[int]:
    """Top-level posts of official pages that the viewer may see, shares included."""
    qs = Post.objects.filter(
        author__kind=ActorKind.PAGE, group__isnull=True, in_reply_to__isnull=True
    ).filter(visible_posts_q(user), reach_q(user))
    return _ids(qs, cursor, limit)


def group_ids(
    user: User | None, group: Group, *, cursor: dict[str, int | None], limit: int
) -> list[int]:
    """Top-level posts of `group`, pinned ones left out (they head the first page)."""
    qs = Post.objects.filter(group=group, in_reply_to__isnull=True, pinned_at__isnull=True).filter(
        visible_posts_q(user)
    )
    return _ids(qs, cursor, limit)


def group_pinned_ids(user: User | None, group: Group) -> list[int]:
    """The group's pinned posts, last pinned first."""
    qs = Post.objects.filter(group=group, pinned_at__isnull=False).filter(visible_posts_q(user))
    return list(qs.order_by("-pinned_at", "-id").values_list("id", flat=True)[:20])


def hashtag_ids(
    user: User | None, tag_folded: str, *, cursor: dict[str, int | None], limit: int
) -> list[int]:
    """Posts carrying the hashtag (replies included, shares not)."""
    tagged = PostHashtag.objects.filter(hashtag__folded=tag_folded).values("post_id")
    qs = Post.objects.filter(id__in=tagged, reblog_of__isnull=True).filter(
        visible_posts_q(user), reach_q(user)
    )
    return _ids(qs, cursor, limit)


def actor_ids(
    user: User | None,
    actor: Actor,
    *,
    with_replies: bool,
    cursor: dict[str, int | None],
    limit: int,
) -> list[int]:
    """An actor's posts and shares (and replies when asked) that the viewer may see."""
    qs = Post.objects.filter(author=actor).filter(visible_posts_q(user))
    if not with_replies:
        qs = qs.filter(in_reply_to__isnull=True)
    return _ids(qs, cursor, limit)
