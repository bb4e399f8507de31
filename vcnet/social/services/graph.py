"""Writes on the social graph: follows, blocks, mutes and muted words."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vcnet.accounts.models import User
from vcnet.core.audit import audit_write
from vcnet.core.errors import DomainError, NotFound
from vcnet.core.text import fold
from vcnet.notifications.services import notify_on_commit
from vcnet.social import kinds
from vcnet.social.models import Actor, Block, Follow, Mute, MutedWord, PageRole
from vcnet.social.services.actors import actor_for_user, actor_get
from vcnet.social.services.moderation import actor_sanction_check

if TYPE_CHECKING:
    from django.http import HttpRequest

MUTED_WORDS_MAX = 100


def _target(me: Actor, target_id: int | str) -> Actor:
    """The other actor; acting on oneself is refused."""
    target = actor_get(target_id)
    if target.pk == me.pk:
        raise DomainError(_("You cannot do this to yourself."))
    return target


def _until(duration: int | timedelta | None) -> datetime | None:
    """An expiry time from a duration in seconds (None or 0: for ever)."""
    if not duration:
        return None
    seconds = duration.total_seconds() if isinstance(duration, timedelta) else int(duration)
    if seconds < 0:
        raise DomainError(_("The duration cannot be negative."))
    return timezone.now() + timedelta(seconds=seconds)


def _recipients(actor: Actor) -> list[int]:
    """The people told about something that happens to an actor: the person, or a page's staff."""
    if actor.user_id is not None:
        return [actor.user_id]
    return list(PageRole.objects.filter(page=actor).values_list("user_id", flat=True))


def _is_blocked_between(a: Actor, b: Actor) -> bool:
    return Block.objects.filter(Q(actor=a, target=b) | Q(actor=b, target=a)).exists()


def _unfollow(follower: Actor, target: Actor) -> bool:
    """Delete one follow with its counters; returns whether there was one."""
    deleted, _detail = Follow.objects.filter(follower=follower, target=target).delete()
    if not deleted:
        return False
    Actor.objects.filter(pk=follower.pk, following_count__gt=0).update(
        following_count=F("following_count") - 1
    )
    Actor.objects.filter(pk=target.pk, followers_count__gt=0).update(
        followers_count=F("followers_count") - 1
    )
    follower_id, target_id = follower.pk, target.pk

    def purge() -> None:
        from vcnet.social.feeds import feed_unfollow

        feed_unfollow(follower_id, target_id)

    transaction.on_commit(purge)
    return True


def follow_create(
    *, user: User, target_id: int | str, request: HttpRequest | None = None
) -> Follow:
    """Follow an actor (idempotent); the followed person or page staff are notified."""
    me = actor_for_user(user)
    actor_sanction_check(user, me)
    target = _target(me, target_id)
    existing = Follow.objects.filter(follower=me, target=target).first()
    if existing is not None:
        return existing
    if _is_blocked_between(me, target):
        # Neither side may know of the other while a block stands.
        raise NotFound(_("This profile does not exist."))
    from vcnet.social.limits import check_follow

    check_follow(user)
    try:
        with transaction.atomic():
            follow = Follow.objects.create(follower=me, target=target)
            Actor.objects.filter(pk=me.pk).update(following_count=F("following_count") + 1)
            Actor.objects.filter(pk=target.pk).update(followers_count=F("followers_count") + 1)
            notify_on_commit(
                recipients=_recipients(target),
                kind=kinds.FOLLOW,
                title=_("%(name)s started following you.") % {"name": me.display_name},
                url=reverse("social:profile", kwargs={"handle": me.handle}),
                actor=user,
                obj=me,
            )
    except IntegrityError:
        return Follow.objects.get(follower=me, target=target)
    follower_id, followed_id = me.pk, target.pk

    def backfill() -> None:
        from vcnet.social.feeds import feed_backfill

        feed_backfill(follower_id, followed_id)

    transaction.on_commit(backfill)
    return follow


def follow_delete(*, user: User, target_id: int | str, request: HttpRequest | None = None) -> None:
    """Stop following an actor (nothing happens if one did not follow)."""
    me = actor_for_user(user)
    target = _target(me, target_id)
    with transaction.atomic():
        _unfollow(me, target)


def block_create(*, user: User, target_id: int | str, request: HttpRequest | None = None) -> Block:
    """Block an actor: follows both ways end, and neither sees the other's posts."""
    me = actor_for_user(user)
    target = _target(me, target_id)
    with transaction.atomic():
        block, created = Block.objects.get_or_create(actor=me, target=target)
        _unfollow(me, target)
        _unfollow(target, me)
        if created:
            audit_write(
                actor=user,
                action="social.block",
                obj=target,
                data={"actor": me.pk},
                request=request,
            )
    return block


def block_delete(*, user: User, target_id: int | str, request: HttpRequest | None = None) -> None:
    """Lift a block (follows that it ended do not come back)."""
    me = actor_for_user(user)
    target = _target(me, target_id)
    with transaction.atomic():
        deleted, _detail = Block.objects.filter(actor=me, target=target).delete()
        if deleted:
            audit_write(
                actor=user,
                action="social.unblock",
                obj=target,
                data={"actor": me.pk},
                request=request,
            )


def mute_create(
    *,
    user: User,
    target_id: int | str,
    hide_notifications: bool = True,
    duration: int | timedelta | None = None,
) -> Mute:
    """Hide an actor's posts (and, if asked, notifications) from oneself, for a while or for ever."""
    me = actor_for_user(user)
    target = _target(me, target_id)
    mute, _created = Mute.objects.update_or_create(
        actor=me,
        target=target,
        defaults={"hide_notifications": hide_notifications, "expires_at": _until(duration)},
    )
    return mute


def mute_delete(*, user: User, target_id: int | str) -> None:
    """Show a muted actor's posts again."""
    me = actor_for_user(user)
    target = _target(me, target_id)
    Mute.objects.filter(actor=me, target=target).delete()


def muted_word_add(
    *,
    user: User,
    phrase: str,
    whole_word: bool = True,
    duration: int | timedelta | None = None,
) -> MutedWord:
    """Hide posts containing a word or phrase (matched without diacritics)."""
    me = actor_for_user(user)
    phrase = " ".join(phrase.split())[:100]
    if not phrase:
        raise DomainError(_("Please enter a word or phrase."))
    if MutedWord.objects.filter(actor=me).count() >= MUTED_WORDS_MAX:
        raise DomainError(
            _("You can mute at most %(count)d words and phrases.") % {"count": MUTED_WORDS_MAX}
        )
    word = MutedWord.objects.filter(actor=me, folded=fold(phrase)[:100]).first()
    if word is None:
        word = MutedWord(actor=me)
    word.phrase = phrase
    word.whole_word = whole_word
    word.expires_at = _until(duration)
    word.save()
    return word


def muted_word_remove(*, user: User, word_id: int) -> None:
    """Stop hiding posts with this word; NotFound if it is not one of the user's."""
    me = actor_for_user(user)
    deleted, _detail = MutedWord.objects.filter(actor=me, pk=word_id).delete()
    if not deleted:
        raise NotFound(_("This muted word does not exist."))
