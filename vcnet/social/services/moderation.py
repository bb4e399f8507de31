"""What the moderation app does to social content: states, reach, warnings, labels, notes, sanctions.

These functions carry no permission check and write no audit entry of their own: the moderation
app's services decide who may act, record the action (with its reason, shown to the author) and
call them inside their transaction. Side effects (feeds, search, notifications) run on commit.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from vcnet.accounts.models import User
from vcnet.core.errors import NotFound, PermissionDeniedError
from vcnet.social.models import Actor, Group, Mention, Post, PostState

__all__ = [
    "actor_label_drop",
    "actor_label_put",
    "actor_sanction_check",
    "actor_sanction_set",
    "group_label_drop",
    "group_label_put",
    "group_removed_set",
    "post_context_note_set",
    "post_label_drop",
    "post_label_put",
    "post_reach_set",
    "post_state_set",
    "post_warning_set",
]


def _post(post_id: int) -> Post:
    post = Post.objects.select_for_update().filter(pk=post_id).first()
    if post is None:
        raise NotFound(_("Post not found."))
    return post


def post_state_set(*, post_id: int, state: str, reason: str = "") -> Post:
    """Publish, hold or remove a post. Publishing a held post runs what publishing skipped
    (search, feeds, mention and reply notifications); removing takes it out of feeds and search."""
    if state not in PostState.values:
        raise ValueError(state)
    with transaction.atomic():
        post = _post(post_id)
        before = post.state
        post.state, post.state_reason = state, reason[:500]
        post.save(update_fields=["state", "state_reason"])
        if before == state:
            return post
        if state == PostState.PUBLISHED:
            _published_on_commit(post, first_time=before == PostState.HELD)
        else:
            from vcnet.social.services.posts import _retract

            gone = [(post.pk, post.author_id)]
            transaction.on_commit(lambda: _retract(gone))
    return post


def _published_on_commit(post: Post, *, first_time: bool) -> None:
    from vcnet.social.services.posts import _index_on_commit, _notify_after_commit

    _index_on_commit(post.pk)
    if not first_time or post.created_by is None:
        return
    mentioned = list(
        Mention.objects.filter(post=post)
        .exclude(actor_id=post.author_id)
        .values_list("actor_id", flat=True)
    )
    replied_to = None
    if post.in_reply_to_id is not None:
        replied_to = (
            Post.objects.filter(pk=post.in_reply_to_id).values_list("author_id", flat=True).first()
        )
    _notify_after_commit(
        post_id=post.pk, user=post.created_by, mentioned_ids=mentioned, replied_to_id=replied_to
    )


def post_reach_set(*, post_id: int, limited: bool) -> Post:
    """Keep a post out of (or back in) the public, pages, hashtag and trending feeds and search."""
    with transaction.atomic():
        post = _post(post_id)
        post.reach_limited = bool(limited)
        post.save(update_fields=["reach_limited"])
    return post


def post_warning_set(*, post_id: int, warning: str) -> Post:
    """Show the post behind a moderator's warning (empty: no warning)."""
    with transaction.atomic():
        post = _post(post_id)
        post.warning = warning[:300]
        post.save(update_fields=["warning"])
    return post


def _put(labels: list[dict[str, Any]], key: str, label: dict[str, Any]) -> list[dict[str, Any]]:
    kept = [item for item in labels if item.get("key") != key]
    return [*kept, {**label, "key": key}]


def post_label_put(*, post_id: int, key: str, label: dict[str, Any]) -> Post:
    """Add or replace the label `key` on a post.

    `label`: {"kind": "label"|"clarification", "text": str, "url": str, "verdict": str}.
    """
    with transaction.atomic():
        post = _post(post_id)
        post.labels = _put(list(post.labels or []), key, label)
        post.save(update_fields=["labels"])
    return post


def post_label_drop(*, post_id: int, key: str) -> Post:
    """Take the label `key` off a post (nothing if it has none)."""
    with transaction.atomic():
        post = _post(post_id)
        post.labels = [item for item in (post.labels or []) if item.get("key") != key]
        post.save(update_fields=["labels"])
    return post


def post_context_note_set(*, post_id: int, note: dict[str, Any] | None) -> None:
    """Show a context note under a post, or none.

    `note`: {"id": int, "html": str (sanitized), "sources": [{"url", "title"}], "url": str}.
    """
    Post.objects.filter(pk=post_id).update(context_note=note)


def actor_sanction_set(
    *, actor_id: int, suspended_until: dt.datetime | None, banned: bool, reason: str = ""
) -> Actor:
    """Suspend a profile until a time, ban it, or lift both (None, False)."""
    with transaction.atomic():
        actor = Actor.objects.select_for_update().filter(pk=actor_id).first()
        if actor is None:
            raise NotFound(_("Profile not found."))
        actor.suspended_until = suspended_until
        actor.banned_at = (actor.banned_at or timezone.now()) if banned else None
        actor.sanction_reason = reason[:500] if (banned or suspended_until) else ""
        actor.save(update_fields=["suspended_until", "banned_at", "sanction_reason"])
    return actor


def actor_sanction_check(user: User, actor: Actor | None = None) -> None:
    """Refuse to act for a person (or as a page) that is banned or suspended, saying why and until when."""
    actors = [actor] if actor is not None else list(Actor.objects.filter(user_id=user.pk)[:1])
    now = timezone.now()
    for item in actors:
        if item.banned_at is not None:
            raise PermissionDeniedError(
                _("This account is banned: %(reason)s") % {"reason": item.sanction_reason},
                code="account_banned",
            )
        if item.suspended_until is not None and item.suspended_until > now:
            until = date_format(timezone.localtime(item.suspended_until), "DATETIME_FORMAT")
            raise PermissionDeniedError(
                _("This account is suspended until %(until)s: %(reason)s")
                % {"until": until, "reason": item.sanction_reason},
                code="account_suspended",
            )


def actor_label_put(*, actor_id: int, key: str, label: dict[str, Any]) -> None:
    with transaction.atomic():
        actor = Actor.objects.select_for_update().get(pk=actor_id)
        actor.labels = _put(list(actor.labels or []), key, label)
        actor.save(update_fields=["labels"])


def actor_label_drop(*, actor_id: int, key: str) -> None:
    with transaction.atomic():
        actor = Actor.objects.select_for_update().get(pk=actor_id)
        actor.labels = [item for item in (actor.labels or []) if item.get("key") != key]
        actor.save(update_fields=["labels"])


def group_label_put(*, group_id: int, key: str, label: dict[str, Any]) -> None:
    with transaction.atomic():
        group = Group.objects.select_for_update().get(pk=group_id)
        group.labels = _put(list(group.labels or []), key, label)
        group.save(update_fields=["labels"])


def group_label_drop(*, group_id: int, key: str) -> None:
    with transaction.atomic():
        group = Group.objects.select_for_update().get(pk=group_id)
        group.labels = [item for item in (group.labels or []) if item.get("key") != key]
        group.save(update_fields=["labels"])


def group_removed_set(*, group_id: int, removed: bool, reason: str = "") -> Group:
    """Remove a group (nobody finds or reads it any more) or restore it."""
    with transaction.atomic():
        group = Group.objects.select_for_update().filter(pk=group_id).first()
        if group is None:
            raise NotFound(_("Group not found."))
        group.removed_at = (group.removed_at or timezone.now()) if removed else None
        group.removed_reason = reason[:500] if removed else ""
        group.save(update_fields=["removed_at", "removed_reason"])
    return group
