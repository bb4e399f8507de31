"""Dropping cached cards, accounts and reader state when the rows behind them change.

Connected in `SocialConfig.ready`. Save and delete signals cover changes made through models;
`UpdateNotifyingQuerySet` covers `update()` on posts and actors. Bulk creates of the rows below
go through the services, which drop what they change themselves (polls' votes).
"""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from vcnet.accounts.models import Membership
from vcnet.social.cards import forget_accounts, forget_cards
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
from vcnet.social.models.base import rows_updated


def _post(sender: Any, instance: Post, **kwargs: Any) -> None:
    forget_cards([instance.pk])


def _post_part(sender: Any, instance: Any, **kwargs: Any) -> None:
    forget_cards([instance.post_id])


def _actor(sender: Any, instance: Actor, **kwargs: Any) -> None:
    forget_accounts([instance.pk])


def _updated(sender: Any, ids: list[int], **kwargs: Any) -> None:
    if sender is Post:
        forget_cards(ids)
    elif sender is Actor:
        forget_accounts(ids)


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
        (Post, _post),
        (MediaAttachment, _post_part),
        (Poll, _post_part),
        (Mention, _post_part),
        (PostHashtag, _post_part),
        (Actor, _actor),
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
    for model in (Post, Actor):
        rows_updated.connect(_updated, sender=model, dispatch_uid=f"vcnet.social.updated.{model}")
