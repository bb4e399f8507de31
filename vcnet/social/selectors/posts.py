"""Reading posts: one post with what it shows, its comments, its context, its history, and the
batch loader that feeds and the API use."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.utils.translation import gettext_lazy as _

from vcnet.accounts.models import User
from vcnet.core.errors import NotFound
from vcnet.social.access import post_for_user, visible_posts_q
from vcnet.social.models import MediaAttachment, PollOption, Post, PostEdit


def _loaded(queryset: QuerySet[Post]) -> QuerySet[Post]:
    """Posts with everything a rendered post shows, in a fixed number of queries."""
    options = PollOption.objects.order_by("position")
    media = MediaAttachment.objects.order_by("position", "id")
    return queryset.select_related(
        "author",
        "group",
        "poll",
        "thread_root",
        "reblog_of__author",
        "reblog_of__poll",
        "quote_of__author",
    ).prefetch_related(
        Prefetch("media", queryset=media),
        Prefetch("poll__options", queryset=options),
        Prefetch("reblog_of__media", queryset=media),
        Prefetch("reblog_of__poll__options", queryset=options),
    )


def posts_loaded(queryset: QuerySet[Post]) -> QuerySet[Post]:
    """`queryset` with everything a rendered post or a status card shows (no visibility rule)."""
    return _loaded(queryset)


def posts_hydrate(
    user: User | None, ids: list[int], *, visibility_checked: bool = False
) -> list[Post]:
    """The posts with these ids that `user` may see, in the given order, fully loaded.

    `visibility_checked`: the caller selected `ids` with a rule at least as strict as
    `visible_posts_q` (the home feed's `home_visible_q`), so it is not applied again; the posts
    they share or quote are still checked.
    """
    wanted = list(dict.fromkeys(int(i) for i in ids))
    if not wanted:
        return []
    rows = Post.objects.filter(pk__in=wanted)
    if not visibility_checked:
        rows = rows.filter(visible_posts_q(user))
    found = {p.pk: p for p in _loaded(rows)}
    inner = {p.reblog_of_id for p in found.values() if p.reblog_of_id}
    inner |= {p.quote_of_id for p in found.values() if p.quote_of_id}
    visible_inner: set[int] = set()
    if inner:
        visible_inner = set(
            Post.objects.filter(visible_posts_q(user), pk__in=inner).values_list("pk", flat=True)
        )
    result = []
    for post_id in wanted:
        post = found.get(post_id)
        if post is None:
            continue
        if post.reblog_of_id is not None and post.reblog_of_id not in visible_inner:
            continue  # a share of something the viewer may not see shows nothing
        if post.quote_of_id is not None and post.quote_of_id not in visible_inner:
            post.quote_of = None
        result.append(post)
    return result


def post_detail(user: User | None, post_id: int) -> Post:
    """One post that `user` may see, with its author, images and poll (NotFound otherwise)."""
    posts = posts_hydrate(user, [post_id])
    if not posts:
        raise NotFound(_("Post not found."))
    return posts[0]


def post_thread(user: User | None, post: Post) -> list[Post]:
    """The visible comments on a top-level post: each comment followed by its replies, by id."""
    root_id = post.thread_root_id or post.pk
    rows = list(
        Post.objects.filter(visible_posts_q(user), thread_root_id=root_id)
        .order_by("id")
        .values_list("pk", "in_reply_to_id")
    )
    firsts = [pk for pk, parent in rows if parent == root_id or parent is None]
    replies: dict[int, list[int]] = {}
    for pk, parent in rows:
        if parent is not None and parent != root_id:
            replies.setdefault(parent, []).append(pk)
    order = [i for first in firsts for i in (first, *replies.get(first, []))]
    return posts_hydrate(user, order)


def post_context(user: User | None, post: Post) -> tuple[list[Post], list[Post]]:
    """Mastodon's context: the visible posts above this one, and those answering it."""
    ancestor_ids = []
    if post.thread_root_id is not None:
        ancestor_ids.append(post.thread_root_id)
        if post.in_reply_to_id is not None and post.in_reply_to_id != post.thread_root_id:
            ancestor_ids.append(post.in_reply_to_id)
    ancestors = posts_hydrate(user, ancestor_ids)
    if post.thread_root_id is None:
        descendants = post_thread(user, post)
    else:
        ids = (
            Post.objects.filter(visible_posts_q(user), in_reply_to_id=post.pk)
            .exclude(pk=post.pk)
            .order_by("id")
            .values_list("pk", flat=True)
        )
        descendants = posts_hydrate(user, list(ids))
    return ancestors, descendants


def post_history(user: User | None, post_id: int) -> list[PostEdit]:
    """The earlier versions of a post that `user` may see, oldest first."""
    post = post_for_user(user, post_id)
    return list(PostEdit.objects.filter(post=post).order_by("created_at", "id"))
