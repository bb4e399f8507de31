"""Fixtures for the feed tests: a small Vietnamese social graph built straight in the database.

Posts and follows are written with the ORM and then handed to the same hooks the services call
on commit (`feed_distribute`, `feed_backfill`, ...), so the feed tests don't depend on the
posting rules tested elsewhere.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from django.db.models import F
from django.utils import timezone

from vcnet.accounts.models import Unit, User
from vcnet.accounts.tests.factories import UserFactory
from vcnet.social import feeds
from vcnet.social.models import Actor, ActorKind, Follow, Post


def make_person(user: User) -> Actor:
    """The person's actor, active now (so fan-out reaches them)."""
    from vcnet.social.services.actors import actor_for_user

    actor = actor_for_user(user)
    Actor.objects.filter(pk=actor.pk).update(last_active_at=timezone.now())
    actor.refresh_from_db()
    return actor


def make_page(unit: Unit, handle: str, name: str) -> Actor:
    """An official, verified page of `unit`."""
    return Actor.objects.create(
        kind=ActorKind.PAGE, unit=unit, handle=handle, display_name=name, verified=True
    )


def follow(follower: Actor, target: Actor) -> Follow:
    """`follower` follows `target`, as follow_create would record it."""
    row = Follow.objects.create(follower=follower, target=target)
    Actor.objects.filter(pk=target.pk).update(followers_count=F("followers_count") + 1)
    Actor.objects.filter(pk=follower.pk).update(following_count=F("following_count") + 1)
    feeds.feed_backfill(follower.pk, target.pk)
    return row


def unfollow(follower: Actor, target: Actor) -> None:
    Follow.objects.filter(follower=follower, target=target).delete()
    Actor.objects.filter(pk=target.pk).update(followers_count=F("followers_count") - 1)
    feeds.feed_unfollow(follower.pk, target.pk)


def post(author: Actor, text: str = "", **fields: Any) -> Post:
    """A post written as post_create would store it, then distributed."""
    reply_to = fields.get("in_reply_to")
    if reply_to is not None:
        fields.setdefault("thread_root", reply_to.thread_root or reply_to)
    row = Post.objects.create(author=author, text=text, html=f"<p>{text}</p>", **fields)
    feeds.feed_distribute(row.pk)
    return row


def delete(row: Post) -> None:
    post_id, author_id = row.pk, row.author_id
    row.delete()
    feeds.feed_remove(post_id, author_id)


@dataclass
class World:
    lan: User  # a citizen who follows the province's page and Minh
    minh: User  # another citizen
    hoa: User  # a citizen Lan does not follow
    lan_actor: Actor
    minh_actor: Actor
    hoa_actor: Actor
    page: Actor  # the province's official page


@pytest.fixture
def world(province: Unit) -> World:
    lan = UserFactory(full_name="Nguyễn Thị Lan", email="lan@example.vn")
    minh = UserFactory(full_name="Trần Văn Minh", email="minh@example.vn")
    hoa = UserFactory(full_name="Lê Thị Hoa", email="hoa@example.vn")
    page = make_page(province, "btg_nghean", "Ban Tuyên giáo Tỉnh ủy Nghệ An")
    w = World(
        lan=lan,
        minh=minh,
        hoa=hoa,
        lan_actor=make_person(lan),
        minh_actor=make_person(minh),
        hoa_actor=make_person(hoa),
        page=page,
    )
    follow(w.lan_actor, page)
    follow(w.lan_actor, w.minh_actor)
    return w


def ids(page: feeds.FeedPage) -> list[int]:
    return [p.pk for p in page.posts]


def walk(fetch: Any, *, limit: int) -> list[int]:
    """Every post of a feed, following next_max_id page after page."""
    seen: list[int] = []
    max_id = None
    for _ in range(100):
        page = fetch(max_id=max_id, limit=limit)
        seen += ids(page)
        if page.next_max_id is None:
            return seen
        max_id = page.next_max_id
    raise AssertionError("the feed never ended")
