"""Reacting to, bookmarking and sharing posts; every action first checks the post is visible.

A plain share (Mastodon "reblog") is a post with `reblog_of` and no text of its own, made at
most once per actor and post; a share with a comment is a quote made by `post_create`. Acting
on a share acts on the shared post, as Mastodon does.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import F, Q
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from vcnet.accounts.models import User
from vcnet.core.errors import DomainError, NotFound, PermissionDeniedError
from vcnet.notifications.services import notify_on_commit
from vcnet.social import kinds
from vcnet.social.access import post_for_user
from vcnet.social.models import (
    Actor,
    ActorKind,
    Bookmark,
    GroupKind,
    Mute,
    PageRole,
    Post,
    Reaction,
    ReactionKind,
    Visibility,
)
from vcnet.social.services.actors import actor_for_user, can_post_as
from vcnet.social.services.moderation import actor_sanction_check


def post_url(post_id: int) -> str:
    """The web address of a post (the page that shows it with its comments)."""
    return f"/social/posts/{post_id}/"


def _signed_in(user: User) -> None:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        raise PermissionDeniedError(gettext_lazy("Please sign in first."), code="not_signed_in")


def _target(user: User, post_id: int) -> Post:
    """The visible post to act on; for a share, the shared post (which must be visible too)."""
    post = post_for_user(user, post_id)
    if post.reblog_of_id is not None:
        post = post_for_user(user, post.reblog_of_id)
    return post


def _author_users(author: Actor, by: Actor) -> list[int]:
    """Who hears about activity on `author`'s posts: the person, or the people running a page;
    nobody when the person muted `by` with their notifications hidden."""
    if author.kind == ActorKind.PAGE:
        return list(PageRole.objects.filter(page=author).values_list("user_id", flat=True))
    if author.user_id is None:
        return []
    muted = Mute.objects.filter(actor=author, target=by, hide_notifications=True).filter(
        Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
    )
    return [] if muted.exists() else [author.user_id]


def _tell_author(*, user: User, by: Actor, post: Post, kind: str, title: str) -> None:
    if by.pk == post.author_id:
        return
    recipients = _author_users(post.author, by)
    if recipients:
        notify_on_commit(
            recipients=recipients,
            kind=kind,
            title=title,
            body=post.text[:300],
            url=post_url(post.pk),
            actor=user,
            obj=post,
        )


# --- reactions -------------------------------------------------------------------------------


def _bump(counts: dict[str, int], kind: str, step: int) -> dict[str, int]:
    result = {k: int(v) for k, v in (counts or {}).items()}
    result[kind] = result.get(kind, 0) + step
    if result[kind] <= 0:
        del result[kind]
    return result


def reaction_set(*, user: User, post_id: int, kind: str = ReactionKind.LIKE) -> Reaction:
    """React to a post with one of the fixed reactions, replacing the user's earlier one."""
    _signed_in(user)
    if kind not in ReactionKind.values:
        raise DomainError(gettext_lazy("This reaction does not exist."), code="invalid_reaction")
    post = _target(user, post_id)
    actor = actor_for_user(user)
    actor_sanction_check(user, actor)
    with transaction.atomic():
        # The post row is locked so that `reaction_counts` (a JSON object) is read and written
        # by one reaction at a time; `reactions_count` follows with an F() update.
        locked = Post.objects.select_for_update().only("pk", "reaction_counts").get(pk=post.pk)
        reaction = Reaction.objects.filter(post=locked, actor=actor).first()
        if reaction is not None and reaction.kind == kind:
            return reaction
        counts = locked.reaction_counts
        if reaction is None:
            reaction = Reaction.objects.create(post=locked, actor=actor, kind=kind)
            Post.objects.filter(pk=post.pk).update(
                reactions_count=F("reactions_count") + 1, reaction_counts=_bump(counts, kind, 1)
            )
            _tell_author(
                user=user,
                by=actor,
                post=post,
                kind=kinds.REACTION,
                title=_("%(name)s reacted to your post.") % {"name": actor.display_name},
            )
        else:
            counts = _bump(_bump(counts, reaction.kind, -1), kind, 1)
            reaction.kind = kind
            reaction.save(update_fields=["kind"])
            Post.objects.filter(pk=post.pk).update(reaction_counts=counts)
    return reaction


def reaction_remove(*, user: User, post_id: int) -> None:
    """Take back the user's reaction to a post (nothing happens if there is none)."""
    _signed_in(user)
    post = _target(user, post_id)
    actor = actor_for_user(user)
    with transaction.atomic():
        locked = Post.objects.select_for_update().only("pk", "reaction_counts").get(pk=post.pk)
        reaction = Reaction.objects.filter(post=locked, actor=actor).first()
        if reaction is None:
            return
        reaction.delete()
        Post.objects.filter(pk=post.pk, reactions_count__gt=0).update(
            reactions_count=F("reactions_count") - 1
        )
        Post.objects.filter(pk=post.pk).update(
            reaction_counts=_bump(locked.reaction_counts, reaction.kind, -1)
        )


# --- bookmarks -------------------------------------------------------------------------------


def bookmark_add(*, user: User, post_id: int) -> Bookmark:
    """Keep a post in the user's private bookmarks (adding it twice keeps one)."""
    _signed_in(user)
    post = _target(user, post_id)
    actor = actor_for_user(user)
    with transaction.atomic():
        bookmark, _created = Bookmark.objects.get_or_create(actor=actor, post=post)
    return bookmark


def bookmark_remove(*, user: User, post_id: int) -> None:
    """Take a post out of the user's bookmarks (nothing happens if it is not there)."""
    _signed_in(user)
    post = _target(user, post_id)
    actor = actor_for_user(user)
    Bookmark.objects.filter(actor=actor, post=post).delete()


# --- shares ----------------------------------------------------------------------------------


def _sharer(user: User, as_actor: Actor | None) -> Actor:
    if as_actor is None:
        return actor_for_user(user)
    if not can_post_as(user, as_actor):
        raise PermissionDeniedError(
            gettext_lazy("You cannot share posts as this page."), code="not_page_editor"
        )
    return as_actor


def _check_shareable(post: Post) -> None:
    public_place = post.group_id is None or (
        post.group is not None and post.group.kind == GroupKind.PUBLIC
    )
    if post.visibility != Visibility.PUBLIC or not public_place:
        raise DomainError(
            gettext_lazy(
                "Only public posts can be shared. This post is for a limited audience, so it "
                "stays where it is."
            ),
            code="not_shareable",
        )


def post_share(
    *,
    user: User,
    post_id: int,
    comment: str = "",
    as_actor: Actor | None = None,
    request: HttpRequest | None = None,
) -> Post:
    """Share a public post: without a comment a plain share (once), with one a quote."""
    _signed_in(user)
    original = _target(user, post_id)
    _check_shareable(original)
    sharer = _sharer(user, as_actor)
    actor_sanction_check(user, None if as_actor is None else sharer)
    if comment.strip():
        from vcnet.social.services.posts import post_create

        quote = post_create(
            user=user, text=comment, as_actor=as_actor, quote_of=original, request=request
        )
        _tell_author(
            user=user,
            by=sharer,
            post=original,
            kind=kinds.REBLOG,
            title=_("%(name)s quoted your post.") % {"name": sharer.display_name},
        )
        return quote
    with transaction.atomic():
        # Locking the shared post makes two quick clicks give one share, not two.
        Post.objects.select_for_update().only("pk").get(pk=original.pk)
        existing = Post.objects.filter(author=sharer, reblog_of=original).first()
        if existing is not None:
            return existing
        share = Post.objects.create(
            author=sharer,
            created_by=user,
            reblog_of=original,
            visibility=Visibility.PUBLIC,
            language=original.language,
        )
        Post.objects.filter(pk=original.pk).update(reblogs_count=F("reblogs_count") + 1)
        Actor.objects.filter(pk=sharer.pk).update(
            posts_count=F("posts_count") + 1, last_post_at=share.created_at
        )
        _tell_author(
            user=user,
            by=sharer,
            post=original,
            kind=kinds.REBLOG,
            title=_("%(name)s shared your post.") % {"name": sharer.display_name},
        )
        share_id = share.pk
        transaction.on_commit(lambda: _distribute(share_id))
    return share


def _distribute(post_id: int) -> None:
    from vcnet.social.feeds import feed_distribute

    feed_distribute(post_id)


def _retract(post_id: int, author_id: int) -> None:
    from vcnet.social.feeds import feed_remove

    feed_remove(post_id, author_id)


def post_unshare(*, user: User, post_id: int, as_actor: Actor | None = None) -> None:
    """Take back a plain share; `post_id` is the shared post or the share itself."""
    _signed_in(user)
    sharer = _sharer(user, as_actor)
    post = post_for_user(user, post_id)
    if post.reblog_of_id is not None:
        if post.author_id != sharer.pk:
            raise NotFound(gettext_lazy("This share does not exist."))
        original_id = post.reblog_of_id
    else:
        original_id = post.pk
    with transaction.atomic():
        share = (
            Post.objects.select_for_update().filter(author=sharer, reblog_of_id=original_id).first()
        )
        if share is None:
            return
        share_id = share.pk
        share.delete()
        Post.objects.filter(pk=original_id, reblogs_count__gt=0).update(
            reblogs_count=F("reblogs_count") - 1
        )
        Actor.objects.filter(pk=sharer.pk, posts_count__gt=0).update(
            posts_count=F("posts_count") - 1
        )
        sharer_id = sharer.pk
        transaction.on_commit(lambda: _retract(share_id, sharer_id))
