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
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from vcnet.accounts.models import Membership, User
from vcnet.social.feeds import redis as rfeed
from vcnet.social.models import Actor, Block, Follow, Mute, MutedWord, PageRole
from vcnet.social.selectors.actors import word_pattern

READER_SECONDS = 300
_VERSION = 2


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
    until: float = 0.0  # when a mute or muted word runs out (epoch seconds; 0: none)

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


def _when(value: object) -> dt.datetime | None:
    """A time read by raw SQL (SQLite gives text, naive UTC)."""
    if value is None:
        return None
    when = value if isinstance(value, dt.datetime) else parse_datetime(str(value))
    if when is not None and timezone.is_naive(when):
        when = timezone.make_aware(when, dt.UTC)
    return when


def _compute(user: User, actor: Actor) -> tuple[Reader, int]:
    """The reader's state in one query (each part an indexed look-up)."""
    now = timezone.now()
    t = {
        m.__name__: m._meta.db_table
        for m in (Follow, Block, Mute, MutedWord, Actor, PageRole, Membership)
    }
    active = "(expires_at IS NULL OR expires_at > %s)"
    sql = " UNION ALL ".join(
        [  # muted words first: their columns give the NULLs below their types (PostgreSQL)
            f"SELECT 'w', CAST(whole_word AS INTEGER), folded, expires_at FROM {t['MutedWord']}"  # noqa: S608
            f" WHERE actor_id = %s AND {active}",
            f"SELECT 'f', target_id, NULL, NULL FROM {t['Follow']} WHERE follower_id = %s",  # noqa: S608
            f"SELECT 'h', target_id, NULL, NULL FROM {t['Block']} WHERE actor_id = %s",  # noqa: S608
            f"SELECT 'h', actor_id, NULL, NULL FROM {t['Block']} WHERE target_id = %s",  # noqa: S608
            f"SELECT 'h', target_id, NULL, expires_at FROM {t['Mute']}"  # noqa: S608
            f" WHERE actor_id = %s AND {active}",
            f"SELECT 'o', id, NULL, NULL FROM {t['Actor']} WHERE user_id = %s",  # noqa: S608
            f"SELECT 'o', page_id, NULL, NULL FROM {t['PageRole']} WHERE user_id = %s",  # noqa: S608
            f"SELECT 'u', unit_id, NULL, NULL FROM {t['Membership']} WHERE user_id = %s",  # noqa: S608
            f"SELECT 'b', a.id, NULL, NULL FROM {t['Follow']} f JOIN {t['Actor']} a"  # noqa: S608
            " ON a.id = f.target_id WHERE f.follower_id = %s AND a.followers_count > %s",
        ]
    )
    at = connection.ops.adapt_datetimefield_value(now)
    params = [actor.pk, at, actor.pk, actor.pk, actor.pk, actor.pk, at]
    params += [user.pk, user.pk, user.pk, actor.pk, _fanout_max()]
    parts: dict[str, set[int]] = {"f": set(), "h": set(), "o": set(), "u": set(), "b": set()}
    words: list[tuple[str, bool]] = []
    ends: list[dt.datetime] = []
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, number, text, until in cursor.fetchall():
            if kind == "w":
                words.append((text, bool(number)))
            else:
                parts[kind].add(number)
            end = _when(until)
            if end is not None:
                ends.append(end)
    reader = Reader(
        until=min(ends).timestamp() if ends else 0.0,
        actor_id=actor.pk,
        following=frozenset(parts["f"]),
        hidden=frozenset(parts["h"]),
        own=frozenset(parts["o"]),
        units=frozenset(parts["u"]),
        big=frozenset(parts["b"]),
        words=tuple(sorted(words)),
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
    """Drop these readers' cached state and home snapshots (now, and again when the transaction
    commits)."""
    if not rfeed.enabled():
        return
    ids = [int(i) for i in actor_ids if i]
    keys = [_key(i) for i in ids]
    if not keys:
        return
    from vcnet.social.feeds.snapshot import bump

    bump(ids)
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
