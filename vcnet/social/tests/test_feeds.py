"""Feeds from the database: home, public, pages, group, hashtag, profile and trending."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from vcnet.accounts.models import Unit
from vcnet.accounts.tests.factories import MembershipFactory, UserFactory
from vcnet.social import feeds
from vcnet.social.feeds import trending
from vcnet.social.models import (
    Actor,
    Block,
    Group,
    GroupKind,
    Hashtag,
    Mute,
    MutedWord,
    PostHashtag,
    Visibility,
)
from vcnet.social.services.actors import actor_for_user
from vcnet.social.tests.conftest_feeds import World, follow, ids, post, unfollow, walk, world

__all__ = ["world"]


@pytest.fixture(autouse=True)
def _no_redis(settings: Any) -> None:
    """These tests are about the database query: Redis off even when REDIS_URL is set."""
    settings.REDIS_URL = None


def test_home_shows_own_and_followed_posts_newest_first(world: World) -> None:
    w = world
    own = post(w.lan_actor, "Chào buổi sáng Nghệ An")
    page_post = post(w.page, "Hướng dẫn tra cứu BHYT trên VNeID #BHYT")
    friend = post(w.minh_actor, "Đã cập nhật thẻ căn cước")
    post(w.hoa_actor, "Bài của người Lan không theo dõi")
    page = feeds.feed_home(w.lan)
    assert ids(page) == [friend.pk, page_post.pk, own.pk]
    assert page.next_max_id is None  # nothing older
    assert page.prev_min_id == friend.pk


def test_home_of_anonymous_is_empty(client: Any) -> None:
    from django.contrib.auth.models import AnonymousUser

    page = feeds.feed_home(AnonymousUser())  # type: ignore[arg-type]
    assert page.posts == [] and page.next_max_id is None


def test_home_pages_by_max_since_and_min_id(world: World) -> None:
    w = world
    made = [post(w.page, f"Thông báo số {i}") for i in range(7)]
    newest_first = [p.pk for p in reversed(made)]

    first = feeds.feed_home(w.lan, limit=3)
    assert ids(first) == newest_first[:3]
    assert first.next_max_id == newest_first[2]
    second = feeds.feed_home(w.lan, max_id=first.next_max_id, limit=3)
    assert ids(second) == newest_first[3:6]
    assert walk(lambda **kw: feeds.feed_home(w.lan, **kw), limit=3) == newest_first

    # since_id: the newest posts above it; min_id: the posts just above it (newest first).
    assert ids(feeds.feed_home(w.lan, since_id=made[1].pk, limit=2)) == newest_first[:2]
    assert ids(feeds.feed_home(w.lan, min_id=made[1].pk, limit=2)) == [made[3].pk, made[2].pk]
    assert ids(feeds.feed_home(w.lan, min_id=made[6].pk)) == []


@pytest.mark.parametrize("limit", [0, -5, 1000])
def test_home_limit_is_clamped(world: World, limit: int) -> None:
    for i in range(3):
        post(world.page, f"Tin {i}")
    page = feeds.feed_home(world.lan, limit=limit)
    assert 1 <= len(page.posts) <= feeds.MAX_LIMIT


def test_home_replies_only_to_people_followed(world: World) -> None:
    w = world
    root_hoa = post(w.hoa_actor, "Câu hỏi về đăng ký tạm trú")
    root_page = post(w.page, "Lịch tiếp công dân tháng 12")
    to_stranger = post(w.minh_actor, "Trả lời Hoa", in_reply_to=root_hoa)
    to_followed = post(w.minh_actor, "Trả lời trang", in_reply_to=root_page)
    own_root = post(w.lan_actor, "Lan hỏi")
    to_me = post(w.minh_actor, "Trả lời Lan", in_reply_to=own_root)
    shown = ids(feeds.feed_home(w.lan))
    assert to_followed.pk in shown and to_me.pk in shown
    assert to_stranger.pk not in shown and root_hoa.pk not in shown


def test_home_shows_shares_of_followed_people(world: World) -> None:
    w = world
    original = post(w.hoa_actor, "Bài gốc về chuyển đổi số")
    share = post(w.minh_actor, "", reblog_of=original)
    assert ids(feeds.feed_home(w.lan)) == [share.pk]


def test_home_respects_visibility_and_leaves_out_groups(world: World, province: Unit) -> None:
    w = world
    followers_only = post(w.minh_actor, "Chỉ người theo dõi", visibility=Visibility.FOLLOWERS)
    unit_only = post(w.page, "Nội bộ đơn vị", visibility=Visibility.UNIT, unit=province)
    group = Group.objects.create(slug="ban-doc", name="Bạn đọc", kind=GroupKind.PUBLIC)
    in_group = post(w.minh_actor, "Trong nhóm", visibility=Visibility.GROUP, group=group)
    shown = ids(feeds.feed_home(w.lan))
    assert followers_only.pk in shown
    assert unit_only.pk not in shown  # Lan is not a member of the province
    assert in_group.pk not in shown  # group posts live in the group's feed
    # Hoa does not follow Minh: his followers-only post is not hers to see anywhere.
    follow(w.hoa_actor, w.page)
    assert followers_only.pk not in ids(feeds.feed_home(w.hoa))
    MembershipFactory(user=w.lan, unit=province)
    assert unit_only.pk in ids(feeds.feed_home(w.lan))


def test_home_hides_blocked_muted_and_muted_words(world: World) -> None:
    w = world
    minh_post = post(w.minh_actor, "Bài của Minh")
    noisy = post(w.page, "Tin xổ số hôm nay")
    kept = post(w.page, "Tin thời tiết")
    Mute.objects.create(actor=w.lan_actor, target=w.minh_actor)
    MutedWord.objects.create(actor=w.lan_actor, phrase="xổ số")
    assert ids(feeds.feed_home(w.lan)) == [kept.pk]
    Mute.objects.all().delete()
    Block.objects.create(actor=w.minh_actor, target=w.lan_actor)
    assert minh_post.pk not in ids(feeds.feed_home(w.lan))
    assert noisy.pk not in ids(feeds.feed_home(w.lan))


def test_filtered_posts_do_not_shorten_pages(world: World) -> None:
    w = world
    made = [post(w.page, "Tin xổ số" if i % 2 else f"Tin số {i}") for i in range(10)]
    MutedWord.objects.create(actor=w.lan_actor, phrase="xo so")  # matched without diacritics
    page = feeds.feed_home(w.lan, limit=4)
    expected = [p.pk for p in reversed(made) if "xổ" not in p.text]
    assert ids(page) == expected[:4]
    assert walk(lambda **kw: feeds.feed_home(w.lan, **kw), limit=4) == expected


def test_unfollow_removes_posts_from_home(world: World) -> None:
    w = world
    minh_post = post(w.minh_actor, "Trước khi bỏ theo dõi")
    assert minh_post.pk in ids(feeds.feed_home(w.lan))
    unfollow(w.lan_actor, w.minh_actor)
    assert minh_post.pk not in ids(feeds.feed_home(w.lan))


def test_home_query_count_does_not_grow_with_posts(
    world: World, django_assert_max_num_queries: Any
) -> None:
    for i in range(30):
        post(world.page if i % 2 else world.minh_actor, f"Tin {i}")
    feeds.feed_home(world.lan)  # creates nothing more afterwards
    with django_assert_max_num_queries(12):
        page = feeds.feed_home(world.lan, limit=20)
    assert len(page.posts) == 20


def test_public_feed_for_anyone(world: World, province: Unit) -> None:
    from django.contrib.auth.models import AnonymousUser

    w = world
    public = post(w.hoa_actor, "Công khai cho mọi người")
    page_post = post(w.page, "Thông cáo báo chí")
    post(w.hoa_actor, "Chỉ người theo dõi", visibility=Visibility.FOLLOWERS)
    post(w.minh_actor, "Trả lời", in_reply_to=public)
    post(w.minh_actor, "", reblog_of=public)
    post(w.page, "Nội bộ", visibility=Visibility.UNIT, unit=province)
    assert ids(feeds.feed_public(None)) == [page_post.pk, public.pk]
    assert ids(feeds.feed_public(AnonymousUser())) == [page_post.pk, public.pk]  # type: ignore[arg-type]
    assert ids(feeds.feed_public(w.lan, local_pages_only=True)) == [page_post.pk]
    Block.objects.create(actor=w.lan_actor, target=w.hoa_actor)
    assert ids(feeds.feed_public(w.lan)) == [page_post.pk]


def test_pages_feed_lists_official_pages(world: World, other_province: Unit) -> None:
    w = world
    other = Actor.objects.create(
        kind="page", unit=other_province, handle="btg_hatinh", display_name="BTG Hà Tĩnh"
    )
    a = post(w.page, "Trang Nghệ An")
    post(w.minh_actor, "Người dân")
    b = post(other, "Trang Hà Tĩnh")
    assert ids(feeds.feed_pages(None)) == [b.pk, a.pk]


def test_group_feed_pinned_first_on_first_page(world: World) -> None:
    w = world
    group = Group.objects.create(slug="phong-chong-lu", name="Phòng chống lũ lụt")
    old = post(w.minh_actor, "Bài ghim", visibility=Visibility.GROUP, group=group)
    newer = [
        post(w.hoa_actor, f"Cập nhật mực nước {i}", visibility=Visibility.GROUP, group=group)
        for i in range(3)
    ]
    post(w.hoa_actor, "Ngoài nhóm")
    old.pinned_at = timezone.now()
    old.save(update_fields=["pinned_at"])
    first = feeds.feed_group(w.lan, group, limit=2)
    assert ids(first) == [old.pk, newer[2].pk, newer[1].pk]
    rest = feeds.feed_group(w.lan, group, max_id=first.next_max_id, limit=2)
    assert ids(rest) == [newer[0].pk]  # the pinned post is not repeated


def test_group_feed_of_private_group_hidden_from_outsiders(world: World) -> None:
    w = world
    group = Group.objects.create(slug="kin", name="Nhóm kín", kind=GroupKind.PRIVATE)
    post(w.minh_actor, "Bí mật của nhóm", visibility=Visibility.GROUP, group=group)
    assert ids(feeds.feed_group(w.hoa, group)) == []
    assert ids(feeds.feed_group(None, group)) == []


def test_hashtag_feed(world: World) -> None:
    w = world
    tag = Hashtag.objects.create(name="ChuyểnĐổiSố", folded="chuyendoiso")
    tagged = post(w.page, "Ngày #ChuyểnĐổiSố quốc gia")
    post(w.page, "Không có thẻ")
    PostHashtag.objects.create(post=tagged, hashtag=tag)
    assert ids(feeds.feed_hashtag(None, "chuyendoiso")) == [tagged.pk]
    assert ids(feeds.feed_hashtag(None, "khongco")) == []


def test_actor_feed_with_and_without_replies(world: World) -> None:
    w = world
    root = post(w.minh_actor, "Bài của Minh")
    reply = post(w.minh_actor, "Minh trả lời", in_reply_to=root)
    hidden = post(w.minh_actor, "Chỉ người theo dõi", visibility=Visibility.FOLLOWERS)
    assert ids(feeds.feed_actor(w.hoa, w.minh_actor)) == [root.pk]
    assert ids(feeds.feed_actor(w.hoa, w.minh_actor, with_replies=True)) == [reply.pk, root.pk]
    assert hidden.pk in ids(feeds.feed_actor(w.lan, w.minh_actor))


def test_trending_ranks_by_decayed_engagement(world: World) -> None:
    w = world
    now = timezone.now()
    fresh = post(w.page, "Mới và sôi nổi", reactions_count=10)
    old_loud = post(
        w.page, "Cũ nhưng nhiều", reactions_count=40, created_at=now - dt.timedelta(hours=30)
    )
    shared = post(w.hoa_actor, "Được chia sẻ", reblogs_count=2, replies_count=2)
    post(w.page, "Quá cũ", reactions_count=500, created_at=now - dt.timedelta(hours=49))
    post(w.page, "Không ai quan tâm")
    post(w.minh_actor, "Riêng tư", visibility=Visibility.FOLLOWERS, reactions_count=99)
    page = feeds.feed_trending(None, limit=2)
    assert ids(page) == [fresh.pk, shared.pk]
    assert page.next_offset == 2
    rest = feeds.feed_trending(None, offset=2, limit=2)
    assert ids(rest) == [old_loud.pk] and rest.next_offset is None
    assert trending.trending_score(
        reactions=1, reblogs=1, replies=2, created_at=now, now=now
    ) == pytest.approx(6 / 2**1.5)


def test_trending_is_cached_for_a_minute(world: World, django_assert_num_queries: Any) -> None:
    post(world.page, "Nóng", reactions_count=3)
    first = trending.trending_ids()
    post(world.page, "Nóng hơn", reactions_count=300)
    assert trending.trending_ids() == first


def test_actor_touch_middleware_refreshes_last_active(client: Any, world: World) -> None:
    w = world
    Actor.objects.filter(pk=w.lan_actor.pk).update(last_active_at=None)
    client.force_login(w.lan)
    client.get("/")  # not a page of the network: not counted
    w.lan_actor.refresh_from_db()
    assert w.lan_actor.last_active_at is None
    client.get("/social/")
    w.lan_actor.refresh_from_db()
    first = w.lan_actor.last_active_at
    assert first is not None and timezone.now() - first < dt.timedelta(minutes=1)
    client.get("/social/")
    w.lan_actor.refresh_from_db()
    assert w.lan_actor.last_active_at == first  # at most every five minutes


def test_actor_touch_ignores_anonymous_and_people_without_profile(client: Any, db: None) -> None:
    from vcnet.social.middleware import actor_touch

    assert client.get("/").status_code in (200, 302)
    newcomer = UserFactory(full_name="Phan Văn Khải")
    actor_touch(newcomer)  # no actor yet: nothing to record
    assert not Actor.objects.filter(user=newcomer).exists()
    actor = actor_for_user(newcomer)  # joining the network counts as being active
    assert actor.last_active_at is not None


def test_home_feed_equals_the_full_visibility_rule(world: World, province: Unit) -> None:
    """The home query's own visibility rule (literal ids, no re-check) shows exactly what
    `visible_posts_q` allows among the home feed's candidates, case by case."""
    from vcnet.social.access import visible_posts_q
    from vcnet.social.feeds.db import home_base_q
    from vcnet.social.models import Post

    w = world
    other_unit = MembershipFactory(user=w.hoa).unit
    MembershipFactory(user=w.lan, unit=province)
    top_public = post(w.minh_actor, "Bài công khai của Minh")
    top_hoa_followers = post(w.hoa_actor, "Chỉ người theo dõi Hoa", visibility=Visibility.FOLLOWERS)
    top_minh_followers = post(
        w.minh_actor, "Chỉ người theo dõi Minh", visibility=Visibility.FOLLOWERS
    )
    post(w.minh_actor, "Đơn vị của Lan", visibility=Visibility.UNIT, unit=province)
    post(w.minh_actor, "Đơn vị khác", visibility=Visibility.UNIT, unit=other_unit)
    post(w.page, "Trang đăng công khai")
    # Minh comments under Hoa's followers-only post (Lan does not follow Hoa) and under his own.
    under_hoa = post(
        w.minh_actor,
        "Bình luận dưới bài của Hoa",
        visibility=Visibility.FOLLOWERS,
        in_reply_to=top_hoa_followers,
    )
    # ... and answers his own comment there: a reply to someone Lan follows, in a thread whose
    # top post only Hoa's followers may read.
    post(
        w.minh_actor,
        "Minh tự trả lời dưới bài của Hoa",
        visibility=Visibility.FOLLOWERS,
        in_reply_to=under_hoa,
    )
    post(
        w.minh_actor,
        "Bình luận dưới bài của Minh",
        visibility=Visibility.FOLLOWERS,
        in_reply_to=top_minh_followers,
    )
    post(w.minh_actor, "Trả lời bài công khai", in_reply_to=top_public)
    post(w.lan_actor, "Lan viết cho người theo dõi", visibility=Visibility.FOLLOWERS)

    authors = {w.lan_actor.pk, w.minh_actor.pk, w.page.pk}
    expected = list(
        Post.objects.filter(home_base_q(posters=authors, authors=authors))
        .filter(visible_posts_q(w.lan))
        .order_by("-id")
        .values_list("id", flat=True)
    )
    shown = walk(lambda **kw: feeds.feed_home(w.lan, **kw), limit=3)
    assert shown == expected
    texts = set(Post.objects.filter(id__in=shown).values_list("text", flat=True))
    assert not {"Bình luận dưới bài của Hoa", "Minh tự trả lời dưới bài của Hoa"} & texts
    assert "Đơn vị khác" not in texts
    assert {"Bình luận dưới bài của Minh", "Đơn vị của Lan", "Lan viết cho người theo dõi"} <= texts
