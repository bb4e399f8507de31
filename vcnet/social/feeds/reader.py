"""What a home-feed read needs to know about its reader, in one cache read when Redis is on.

Whom the reader follows, whose posts they do not see (blocks either way, mutes in force), their
muted words, the actors they post as (themself and their pages), their units, and which of the
actors they follow are big pages (merged at read time). Computing it is seven small queries; with
`REDIS_URL` it is kept in the shared cache and dropped by signals whenever one of those rows
changes (`vcnet.social.signals`), and it expires at the latest when a mute or muted word runs out
or after `READER_SECONDS` (a page becoming big or small is seen within that time).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from vcnet.accounts.models import Membership, User
from vcnet.social.feeds import redis as rfeed
from vcnet.social.models import Actor, Block, Follow, Mute, MutedWord
from vcnet.social.selectors.actors import word_pattern

READER_SECONDS = 300
_VERSION = 1


def _key(actor_id: int) -> str:
    return f"vcnet:social:reader:{_VERSION}:{actor_id}"


@dataclass(frozen=True)
class Reader:
    """A home-feed reader's follows, hidden authors, muted words, own actors, units, big pages."""

    actor_id: int
    following: frozenset[int]
    hidden: frozenset[int]
    own: frozenset[int]
    units: frozenset[int]
    big: frozenset[int]  # followed actors with more followers than fan-out serves
    words: tuple[tuple[str, bool], ...] = ()  # (folded phrase, whole word only)

    @cached_property
    def authors(self) -> frozenset[int]:
        """Whose posts a home feed shows: the reader and whom they follow."""
        return self.following | {self.actor_id}

    @cached_property
    def _patterns(self) -> list[re.Pattern[str]]:
        return [word_pattern(phrase, whole) for phrase, whole in self.words]

    def hides_text(self, folded: str) -> bool:
        """Whether a post's folded text (content warning and text) holds a muted word."""
        return bool(self.words) and any(p.search(folded) for p in self._patterns)


def _fanout_max() -> int:
    return int(getattr(settings, "SOCIAL_FANOUT_MAX_FOLLOWERS", 10_000))


def _compute(user: User, actor: Actor) -> tuple[Reader, int]:
    from vcnet.social.access import own_actor_ids

    now = timezone.now()
    active = Q(expires_at__isnull=True) | Q(expires_at__gt=now)
    following = set(Follow.objects.filter(follower=actor).values_list("target_id", flat=True))
    hidden = set(Block.objects.filter(actor=actor).values_list("target_id", flat=True))
    hidden |= set(Block.objects.filter(target=actor).values_list("actor_id", flat=True))
    ends: list[dt.datetime] = []
    for target_id, until in Mute.objects.filter(active, actor=actor).values_list(
        "target_id", "expires_at"
    ):
        hidden.add(target_id)
        if until is not None:
            ends.append(until)
    words = []
    for folded, whole, until in (
        MutedWord.objects.filter(active, actor=actor)
        .order_by("folded", "id")
        .values_list("folded", "whole_word", "expires_at")
    ):
        words.append((folded, whole))
        if until is not None:
            ends.append(until)
    big = set()
    if following:
        big = set(
            Actor.objects.filter(id__in=following, followers_count__gt=_fanout_max()).values_list(
                "id", flat=True
            )
        )
    reader = Reader(
        actor_id=actor.pk,
        following=frozenset(following),
        hidden=frozenset(hidden),
        own=frozenset(own_actor_ids(user)),
        units=frozenset(
            Membership.objects.filter(user_id=user.pk).values_list("unit_id", flat=True)
        ),
        big=frozenset(big),
        words=tuple(words),
    )
    seconds = READER_SECONDS
    if ends:
        seconds = max(1, min(seconds, int((min(ends) - now).total_seconds()) + 1))
    return reader, seconds


def reader_for(user: User, actor: Actor) -> Reader:
    """The reader's state: from the shared cache with Redis, else from the database."""
    if not rfeed.enabled():
        return _compute(user, actor)[0]
    key = _key(actor.pk)
    found = rfeed.get_objects([key]).get(key)
    if isinstance(found, Reader):
        return found
    reader, seconds = _compute(user, actor)
    rfeed.set_objects({key: reader}, seconds)
    return reader


def forget_readers(actor_ids: Iterable[int]) -> None:
    """Drop these readers' cached state (now, and again when the transaction commits)."""
    if not rfeed.enabled():
        return
    keys = [_key(int(i)) for i in actor_ids if i]
    if not keys:
        return
    rfeed.delete_objects(keys)
    if connection.in_atomic_block:
        transaction.on_commit(lambda: rfeed.delete_objects(keys))


def forget_users(user_ids: Iterable[int]) -> None:
    """Drop the cached state of these people's actors (their units or pages changed)."""
    if not rfeed.enabled():
        return
    ids = [int(i) for i in user_ids if i]
    if ids:
        forget_readers(Actor.objects.filter(user_id__in=ids).values_list("pk", flat=True))
