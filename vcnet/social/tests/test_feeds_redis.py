"""Home feeds in Redis: fan-out on write, cap, cold fallback, removal, and the same feed as the DB."""

from __future__ import annotations

import datetime as dt
import os
from typing import Any

import pytest
from django.utils import timezone

from vcnet.accounts.tests.factories import UserFactory
from vcnet.social import feeds
from vcnet.social.feeds import redis as rfeed
from vcnet.social.feeds import tasks
from vcnet.social.models import Actor, Block, MutedWord, Visibility
from vcnet.social.tests.conftest_feeds import (
    World,
    delete,
    follow,
    ids,
    make_person,
    post,
    unfollow,
    walk,
    world,
)

__all__ = ["world"]

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"),
    reason="REDIS_URL is not set: the Redis feed tests need a Redis server",
)


def home_from_db(settings: Any, user: Any, **kw: Any) -> feeds.FeedPage:
    """The same feed computed by the database query alone."""
    url = settings.REDIS_URL
    settings.REDIS_URL = None
    try:
        return feeds.feed_home(user, **kw)
    finally:
        settings.REDIS_URL = url


def held(actor: Actor) -> list[int]:
    return rfeed.members(actor.pk)


def test_cold_feed_falls_back_to_the_database_and_warms(world: World, settings: Any) -> None:
    w = world
    made = [post(w.page, f"Thông báo {i}") for i in range(3)]
    assert not rfeed.client().exists(rfeed.home_key(w.lan_actor.pk))  # fan-out skips cold feeds
    page = feeds.feed_home(w.lan)
    assert ids(page) == [p.pk for p in reversed(made)]
    assert held(w.lan_actor) == [p.pk for p in reversed(made)]


def test_fan_out_reaches_warm_active_followers_only(world: World, settings: Any) -> None:
    w = world
    feeds.feed_home(w.lan)  # warm (empty but marked)
    assert rfeed.client().exists(rfeed.home_key(w.lan_actor.pk))
    # Hoa follows the page but has been away for 8 days; Minh follows it but never read his feed.
    follow(w.hoa_actor, w.page)
    follow(w.minh_actor, w.page)
    feeds.feed_home(w.hoa)
    Actor.objects.filter(pk=w.hoa_actor.pk).update(
        last_active_at=timezone.now() - dt.timedelta(days=8)
    )
    new = post(w.page, "Kế hoạch phòng chống lũ lụt 2026")
    assert held(w.lan_actor) == [new.pk]
    assert held(w.hoa_actor) == []
    assert not rfeed.client().exists(rfeed.home_key(w.minh_actor.pk))
    assert ids(feeds.feed_home(w.lan)) == [new.pk]


def test_redis_feed_is_the_database_feed(world: World, settings: Any) -> None:
    w = world
    tu = make_person(UserFactory(full_name="Vũ Đức Tú", email="tu@example.vn"))
    follow(w.lan_actor, tu)
    feeds.feed_home(w.lan)  # warm before the posts: everything below arrives by fan-out
    root = post(w.hoa_actor, "Hoa hỏi về thủ tục")
    for i in range(12):
        author = [w.page, w.minh_actor, tu, w.lan_actor][i % 4]
        post(author, f"Bài {i} về cải cách hành chính")
    post(w.minh_actor, "Trả lời người lạ", in_reply_to=root)
    post(tu, "Chỉ người theo dõi", visibility=Visibility.FOLLOWERS)
    post(tu, "Có từ bị ẩn: xổ số")
    post(w.minh_actor, "", reblog_of=root)
    MutedWord.objects.create(actor=w.lan_actor, phrase="xổ số")
    from_redis = walk(lambda **kw: feeds.feed_home(w.lan, **kw), limit=5)
    from_db = walk(lambda **kw: home_from_db(settings, w.lan, **kw), limit=5)
    assert from_redis == from_db and len(from_db) == 14
    assert ids(feeds.feed_home(w.lan, min_id=from_db[-3], limit=2)) == ids(
        home_from_db(settings, w.lan, min_id=from_db[-3], limit=2)
    )
    Block.objects.create(actor=w.lan_actor, target=tu)
    assert ids(feeds.feed_home(w.lan)) == ids(home_from_db(settings, w.lan))


def test_big_pages_are_merged_at_read_time(world: World, settings: Any) -> None:
    w = world
    settings.SOCIAL_FANOUT_MAX_FOLLOWERS = 1
    follow(w.minh_actor, w.page)  # the page now has 2 followers: "big"
    feeds.feed_home(w.lan)
    page_post = post(w.page, "Thông cáo của trang lớn")
    friend = post(w.minh_actor, "Bài của Minh")
    assert page_post.pk not in held(w.lan_actor)  # not fanned out
    assert ids(feeds.feed_home(w.lan)) == [friend.pk, page_post.pk]
    assert ids(feeds.feed_home(w.lan)) == ids(home_from_db(settings, w.lan))


def test_feed_is_capped_and_older_pages_come_from_the_database(world: World, settings: Any) -> None:
    w = world
    feeds.feed_home(w.lan)
    made = [post(w.page, f"Tin {i}") for i in range(rfeed.CAP + 30)]
    assert rfeed.client().zcard(rfeed.home_key(w.lan_actor.pk)) == rfeed.CAP + 1  # + marker
    assert held(w.lan_actor)[-1] == made[30].pk
    everything = walk(lambda **kw: feeds.feed_home(w.lan, **kw), limit=40)
    assert everything == [p.pk for p in reversed(made)]
    below = feeds.feed_home(w.lan, min_id=made[5].pk, limit=3)
    assert ids(below) == [made[8].pk, made[7].pk, made[6].pk]


def test_delete_and_unfollow_remove_posts_and_follow_backfills(world: World, settings: Any) -> None:
    w = world
    old = post(w.hoa_actor, "Bài cũ của Hoa")
    feeds.feed_home(w.lan)
    gone = post(w.page, "Sẽ bị xóa")
    minh = post(w.minh_actor, "Bài của Minh")
    assert held(w.lan_actor) == [minh.pk, gone.pk]
    delete(gone)
    assert held(w.lan_actor) == [minh.pk]
    unfollow(w.lan_actor, w.minh_actor)
    assert held(w.lan_actor) == []
    follow(w.lan_actor, w.hoa_actor)
    assert held(w.lan_actor) == [old.pk]
    assert ids(feeds.feed_home(w.lan)) == [old.pk]


def test_fan_out_goes_in_chunks_one_pipeline_each(
    world: World, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    w = world
    readers = [
        make_person(UserFactory(full_name=f"Người đọc {i}", email=f"doc{i}@example.vn"))
        for i in range(5)
    ]
    for reader in readers:
        follow(reader, w.page)
        feeds.feed_home(reader.user)
    monkeypatch.setattr(tasks, "CHUNK", 2)
    calls: list[int] = []
    real = rfeed.fanout
    monkeypatch.setattr(
        rfeed, "fanout", lambda posts, readers: calls.append(len(readers)) or real(posts, readers)
    )
    new = post(w.page, "Thông báo cho mọi người đọc")
    # Lan + the five readers, two per chunk.
    assert sorted(calls) == [2, 2, 2]
    for reader in readers:
        assert held(reader) == [new.pk]


def test_reply_fans_out_only_to_followers_of_the_replied_author(
    world: World, settings: Any
) -> None:
    w = world
    follow(w.hoa_actor, w.minh_actor)
    feeds.feed_home(w.lan)
    feeds.feed_home(w.hoa)
    page_post = post(w.page, "Lịch tiếp dân")
    reply = post(w.minh_actor, "Minh trả lời trang", in_reply_to=page_post)
    assert reply.pk in held(w.lan_actor)  # Lan follows the page
    assert reply.pk not in held(w.hoa_actor)  # Hoa does not
    assert ids(feeds.feed_home(w.hoa)) == ids(home_from_db(settings, w.hoa))
