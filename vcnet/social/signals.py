"""Keeping cached social data true: post versions and readers' state.

Connected in `SocialConfig.ready`. A status card is keyed by its post's version (`social.cards`);
a change to a row shown with the post (its images, poll, mentions, tags) gives the post a new
version here, and a saved unit gives its pages one (the unit's name is on their accounts). A
home reader's cached state (`feeds.reader`) is dropped when one of their follows, blocks, mutes,
muted words, page roles or unit memberships changes. Bulk creates of these rows go through
services that change the post itself in the same transaction (mentions, tags) or touch it
themselves (poll votes). With Redis, a reader's home snapshots (`feeds.snapshot`) are also
passed over when the reader reacts, bookmarks, posts or shares, votes, or joins or leaves a
group, and a deleted post or actor leaves a tombstone among the mirrored versions.
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from vcnet.accounts.models import Membership, Unit
from vcnet.social.feeds.reader import forget_readers, forget_users
from vcnet.social.feeds.snapshot import bump, tombstone
from vcnet.social.models import (
    Actor,
    Block,
    Bookmark,
    Follow,
    GroupMembership,
    MediaAttachment,
    Mention,
    Mute,
    MutedWord,
    PageRole,
    Poll,
    PollVote,
    Post,
    PostHashtag,
    Reaction,
)
from vcnet.social.models.base import new_version, versions_touch


def _post_part(sender: Any, instance: Any, **kwargs: Any) -> None:
    if instance.post_id:
        versions_touch(Post, [instance.post_id])


def _unit(sender: Any, instance: Unit, **kwargs: Any) -> None:
    """A unit's name is shown on its pages' accounts."""
    if not kwargs.get("raw"):
        Actor.objects.filter(unit_id=instance.pk).update(version=new_version())


def _follow(sender: Any, instance: Follow, **kwargs: Any) -> None:
    forget_readers([instance.follower_id])


def _block(sender: Any, instance: Block, **kwargs: Any) -> None:
    forget_readers([instance.actor_id, instance.target_id])


def _own(sender: Any, instance: Mute | MutedWord, **kwargs: Any) -> None:
    forget_readers([instance.actor_id])


def _user(sender: Any, instance: PageRole | Membership, **kwargs: Any) -> None:
    forget_users([instance.user_id])


def _done_by_actor(sender: Any, instance: Reaction | Bookmark, **kwargs: Any) -> None:
    bump([instance.actor_id])


def _authored(sender: Any, instance: Post, **kwargs: Any) -> None:
    bump([instance.author_id])  # the reader's own posts and shares ("reblogged")


def _voted(sender: Any, instance: PollVote, **kwargs: Any) -> None:
    bump([instance.voter_id])


def _group_member(sender: Any, instance: GroupMembership, **kwargs: Any) -> None:
    """Shares of a group's posts are shown to its members only."""
    bump(Actor.objects.filter(user_id=instance.user_id).values_list("pk", flat=True))


def _gone(sender: Any, instance: Post | Actor, **kwargs: Any) -> None:
    tombstone(type(instance), [instance.pk])


def connect() -> None:
    """Connect the receivers (once; Django's dispatch_uid keeps it so)."""
    pairs: list[tuple[Any, Any]] = [
        (MediaAttachment, _post_part),
        (Poll, _post_part),
        (Mention, _post_part),
        (PostHashtag, _post_part),
        (Follow, _follow),
        (Block, _block),
        (Mute, _own),
        (MutedWord, _own),
        (PageRole, _user),
        (Membership, _user),
        (Reaction, _done_by_actor),
        (Bookmark, _done_by_actor),
        (Post, _authored),
        (PollVote, _voted),
        (GroupMembership, _group_member),
    ]
    for model, receiver in pairs:
        uid = f"vcnet.social.signals.{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}.delete")
    post_save.connect(_unit, sender=Unit, dispatch_uid="vcnet.social.signals.Unit.save")
    for model in (Post, Actor):
        uid = f"vcnet.social.signals.{model.__name__}.gone"
        post_delete.connect(_gone, sender=model, dispatch_uid=uid)
