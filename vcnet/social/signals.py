"""Keeping cached social data true: post versions and readers' state.

Connected in `SocialConfig.ready`. A status card is keyed by its post's version (`social.cards`);
a change to a row shown with the post (its images, poll, mentions, tags) gives the post a new
version here, and a saved unit gives its pages one (the unit's name is on their accounts). A
home reader's cached state (`feeds.reader`) is dropped when one of their follows, blocks, mutes,
muted words, page roles or unit memberships changes. Bulk creates of these rows go through
services that change the post itself in the same transaction (mentions, tags) or touch it
themselves (poll votes).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from vcnet.accounts.models import Membership, Unit
from vcnet.social.feeds.reader import forget_readers, forget_users
from vcnet.social.models import (
    Actor,
    Block,
    Follow,
    MediaAttachment,
    Mention,
    Mute,
    MutedWord,
    PageRole,
    Poll,
    Post,
    PostHashtag,
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
    ]
    for model, receiver in pairs:
        uid = f"vcnet.social.signals.{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=f"{uid}.save")
        post_delete.connect(receiver, sender=model, dispatch_uid=f"{uid}.delete")
    post_save.connect(_unit, sender=Unit, dispatch_uid="vcnet.social.signals.Unit.save")
