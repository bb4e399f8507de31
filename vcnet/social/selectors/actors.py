"""Reads on actors and the graph: relationships, followers, hidden authors, muted words, pages."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from vcnet.accounts.models import User
from vcnet.core.text import fold
from vcnet.social.models import Actor, ActorKind, Block, Follow, Mute, MutedWord, Post
from vcnet.social.services.actors import actor_for_user


@dataclass(frozen=True)
class Relationship:
    """How the viewer stands with one actor (Mastodon's Relationship entity)."""

    id: int
    following: bool = False
    followed_by: bool = False
    blocking: bool = False
    blocked_by: bool = False
    muting: bool = False
    muting_notifications: bool = False
    requested: bool = False
    requested_by: bool = False
    domain_blocking: bool = False
    endorsed: bool = False
    showing_reblogs: bool = True
    notifying: bool = False
    note: str = ""


def _active_mutes() -> Q:
    return Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())


def relationships(user: User, target_ids: Iterable[int]) -> dict[int, Relationship]:
    """The viewer's relationship with each actor id, in five queries whatever the count."""
    ids = sorted({int(i) for i in target_ids})
    if not ids or not user.is_authenticated:
        return {i: Relationship(id=i) for i in ids}
    me = actor_for_user(user)
    following = set(
        Follow.objects.filter(follower=me, target_id__in=ids).values_list("target_id", flat=True)
    )
    followed_by = set(
        Follow.objects.filter(target=me, follower_id__in=ids).values_list("follower_id", flat=True)
    )
    blocking = set(
        Block.objects.filter(actor=me, target_id__in=ids).values_list("target_id", flat=True)
    )
    blocked_by = set(
        Block.objects.filter(target=me, actor_id__in=ids).values_list("actor_id", flat=True)
    )
    mutes = dict(
        Mute.objects.filter(_active_mutes(), actor=me, target_id__in=ids).values_list(
            "target_id", "hide_notifications"
        )
    )
    return {
        i: Relationship(
            id=i,
            following=i in following,
            followed_by=i in followed_by,
            blocking=i in blocking,
            blocked_by=i in blocked_by,
            muting=i in mutes,
            muting_notifications=bool(mutes.get(i, False)),
        )
        for i in ids
    }


def followers_of(actor: Actor) -> QuerySet[Actor]:
    """The actors who follow `actor`, newest follow first."""
    return (
        Actor.objects.filter(following_set__target=actor)
        .select_related("unit")
        .order_by("-following_set__created_at", "-id")
    )


def following_of(actor: Actor) -> QuerySet[Actor]:
    """The actors `actor` follows, newest follow first."""
    return (
        Actor.objects.filter(followers_set__follower=actor)
        .select_related("unit")
        .order_by("-followers_set__created_at", "-id")
    )


def hidden_author_ids(actor: Actor) -> set[int]:
    """Actors whose posts `actor` does not see: blocked either way, or muted (still in force)."""
    ids: set[int] = set(Block.objects.filter(actor=actor).values_list("target_id", flat=True))
    ids |= set(Block.objects.filter(target=actor).values_list("actor_id", flat=True))
    ids |= set(
        Mute.objects.filter(_active_mutes(), actor=actor).values_list("target_id", flat=True)
    )
    return ids


def blocked_ids(actor: Actor) -> set[int]:
    """Actors with a block between them and `actor`, either way."""
    ids: set[int] = set(Block.objects.filter(actor=actor).values_list("target_id", flat=True))
    ids |= set(Block.objects.filter(target=actor).values_list("actor_id", flat=True))
    return ids


def muted_words(actor: Actor) -> list[MutedWord]:
    """The actor's muted words and phrases still in force."""
    return list(MutedWord.objects.filter(_active_mutes(), actor=actor).order_by("folded", "id"))


def word_pattern(folded: str, whole_word: bool) -> re.Pattern[str]:
    """The search for a muted word or phrase (already folded) in folded text."""
    body = re.escape(folded)
    return re.compile(rf"(?<!\w){body}(?!\w)" if whole_word else body)


def post_hidden_by_words(post: Post, words: list[MutedWord]) -> bool:
    """Whether a post's text or content warning contains one of the muted words (folded)."""
    if not words:
        return False
    text = fold(f"{post.content_warning}\n{post.text}")
    return any(word_pattern(word.folded, word.whole_word).search(text) for word in words)


def blocks_of(actor: Actor) -> QuerySet[Block]:
    """The actors `actor` has blocked, newest first."""
    return Block.objects.filter(actor=actor).select_related("target").order_by("-created_at")


def mutes_of(actor: Actor) -> QuerySet[Mute]:
    """The actors `actor` has muted (still in force), newest first."""
    return (
        Mute.objects.filter(_active_mutes(), actor=actor)
        .select_related("target")
        .order_by("-created_at")
    )


def pages_directory(q: str = "") -> QuerySet[Actor]:
    """Official pages, verified first, optionally matching `q` (without diacritics)."""
    qs = Actor.objects.filter(kind=ActorKind.PAGE).select_related("unit")
    folded = fold(q)
    if folded:
        qs = qs.filter(search_text__contains=folded)
    return qs.order_by("-verified", "-followers_count", "display_name", "id")
