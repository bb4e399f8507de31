"""Status cards: the API's home timeline from cached cards is the serializer's JSON, and what
changes a post, an author or a reader's follows shows at the next read (cards are cached in each
process without Redis, in Redis with it: both runs of CI go through these tests)."""

from __future__ import annotations

import json
import os
from typing import Any

import pytest
from django.test import Client, RequestFactory

from vcnet.accounts.models import User
from vcnet.accounts.tests.factories import UserFactory
from vcnet.social import feeds
from vcnet.social.api import serializers as s
from vcnet.social.feeds import redis as rfeed
from vcnet.social.models import Actor, Block, MutedWord, Post, PostState, Visibility
from vcnet.social.services.actors import profile_update
from vcnet.social.services.interactions import bookmark_add, post_share, reaction_set
from vcnet.social.services.moderation import post_state_set
from vcnet.social.services.polls import PollSpec, poll_vote
from vcnet.social.services.posts import post_create, post_edit
from vcnet.social.tests.conftest_api import token_for
from vcnet.social.tests.conftest_feeds import World, follow, make_person, post, world

__all__ = ["world"]

redis_only = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: feed sets live in Redis"
)


def home_api(client: Client, user: User, **params: Any) -> list[dict[str, Any]]:
    token = token_for(user)
    response = client.get("/api/v1/timelines/home", params, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert response.status_code == 200, response.content
    return json.loads(response.content)


def serialized(user: User) -> list[dict[str, Any]]:
    """The same page built from posts by the serializer (no cards)."""
    request = RequestFactory().get("/api/v1/timelines/home")
    return s.statuses(request, user, feeds.feed_home(user).posts)


def varied(w: World) -> dict[str, Post]:
    """Posts of every shape a card holds, and Lan's own state on them."""
    page_user = w.minh  # Minh writes; the page's posts come from the fixture's helper
    made = {
        "poll": post_create(
            user=page_user,
            text="Bà con chọn giờ họp tổ dân phố #hopto @lan",
            poll=PollSpec(options=["Sáng thứ Bảy", "Tối thứ Sáu"], expires_in=3600),
        ),
        "warning": post_create(
            user=page_user, text="Ảnh hiện trường sạt lở", content_warning="Hình ảnh gây sốc"
        ),
        "followers": post_create(
            user=page_user, text="Chỉ người theo dõi đọc", visibility=Visibility.FOLLOWERS
        ),
        "page": post(w.page, "Thông báo lịch tiếp công dân tháng 12"),
    }
    made["quote"] = post_create(user=page_user, text="Mọi người xem nhé", quote_of=made["page"])
    made["share"] = post_share(user=page_user, post_id=made["page"].pk)
    made["reply"] = post_create(user=page_user, text="Cảm ơn trang", in_reply_to=made["page"])
    reaction_set(user=w.lan, post_id=made["poll"].pk, kind="love")
    bookmark_add(user=w.lan, post_id=made["page"].pk)
    poll_vote(user=w.lan, poll_id=made["poll"].poll.pk, choices=[1])
    post_share(user=w.lan, post_id=made["warning"].pk)
    return made


def test_home_timeline_from_cards_is_the_serializers_json(world: World, client: Client) -> None:
    w = world
    varied(w)
    cards = home_api(client, w.lan)
    assert cards == serialized(w.lan)
    assert len(cards) == 8
    first = {c["content"]: c for c in cards if c["content"]}
    voted = next(c for c in cards if c["poll"])
    assert voted["favourited"] and voted["vcnet"]["reaction"] == "love"
    assert voted["poll"]["own_votes"] == [1] and voted["poll"]["options"][1]["votes_count"] == 1
    assert voted["tags"][0]["url"].startswith("http://testserver/")
    assert any(c["reblog"] and c["reblog"]["bookmarked"] for c in cards)
    assert "<p>Chỉ người theo dõi đọc</p>" in first
    # Twice: the second read is served from the cards stored by the first (with Redis).
    assert home_api(client, w.lan) == cards


def test_a_share_of_what_the_reader_may_not_see_shows_nothing(world: World, client: Client) -> None:
    w = world
    hidden = post(w.hoa_actor, "Chỉ người theo dõi Hoa", visibility=Visibility.FOLLOWERS)
    public = post(w.hoa_actor, "Hoa viết công khai")
    post(w.minh_actor, "", reblog_of=hidden)
    shared = post(w.minh_actor, "", reblog_of=public)
    quoted = post(w.minh_actor, "Trích dẫn", quote_of=hidden)
    got = home_api(client, w.lan)
    assert [c["id"] for c in got] == [str(quoted.pk), str(shared.pk)]
    assert got[0]["vcnet"]["quote_id"] is None  # the quoted post is not shown either
    assert got == serialized(w.lan)


def test_changes_to_a_post_show_at_the_next_read(world: World, client: Client) -> None:
    w = world
    made = varied(w)
    before = {c["id"]: c for c in home_api(client, w.lan)}
    assert before[str(made["page"].pk)]["favourites_count"] == 0

    reaction_set(user=w.minh, post_id=made["page"].pk)
    post_edit(user=w.minh, post_id=made["warning"].pk, text="Ảnh đã được làm mờ")
    poll_vote(user=w.minh, poll_id=made["poll"].poll.pk, choices=[0])
    post_state_set(post_id=made["followers"].pk, state=PostState.REMOVED, reason="Tin sai")
    profile_update(user=w.minh, display_name="Trần Văn Minh (Tổ trưởng)")

    after = {c["id"]: c for c in home_api(client, w.lan)}
    assert after[str(made["page"].pk)]["favourites_count"] == 1
    assert after[str(made["warning"].pk)]["content"] == "<p>Ảnh đã được làm mờ</p>"
    assert after[str(made["warning"].pk)]["edited_at"] is not None
    assert [o["votes_count"] for o in after[str(made["poll"].pk)]["poll"]["options"]] == [1, 1]
    assert str(made["followers"].pk) not in after  # removed by a moderator: gone at once
    assert after[str(made["poll"].pk)]["account"]["display_name"] == "Trần Văn Minh (Tổ trưởng)"
    assert list(after.values()) == serialized(w.lan)

    unit = w.page.unit
    unit.name = "Ủy ban nhân dân tỉnh Nghệ An"
    unit.save()  # the unit's name is on its pages' accounts
    page_card = next(c for c in home_api(client, w.lan) if c["id"] == str(made["page"].pk))
    assert page_card["account"]["vcnet"]["unit"]["name"] == "Ủy ban nhân dân tỉnh Nghệ An"


def test_follows_blocks_and_muted_words_show_at_the_next_read(world: World, client: Client) -> None:
    w = world
    hoa_post = post(w.hoa_actor, "Hoa chia sẻ kinh nghiệm làm hồ sơ đất đai")
    minh_post = post(w.minh_actor, "Minh bàn về xổ số kiến thiết")
    assert [c["id"] for c in home_api(client, w.lan)] == [str(minh_post.pk)]

    follow(w.lan_actor, w.hoa_actor)  # the reader's cached follows are dropped
    assert [c["id"] for c in home_api(client, w.lan)] == [str(minh_post.pk), str(hoa_post.pk)]

    MutedWord.objects.create(actor=w.lan_actor, phrase="xổ số")
    assert [c["id"] for c in home_api(client, w.lan)] == [str(hoa_post.pk)]

    Block.objects.create(actor=w.hoa_actor, target=w.lan_actor)  # blocked by Hoa
    assert home_api(client, w.lan) == []


@redis_only
def test_a_deleted_post_left_in_a_feed_set_is_skipped(world: World, client: Client) -> None:
    w = world
    kept = post(w.minh_actor, "Bài còn lại")
    gone = post(w.minh_actor, "Bài sẽ bị xóa thẳng trong cơ sở dữ liệu")
    home_api(client, w.lan)  # warm: both ids are in Lan's set
    Post.objects.filter(pk=gone.pk).delete()  # no retract task: the id stays in the set
    assert gone.pk in rfeed.members(w.lan_actor.pk)
    assert [c["id"] for c in home_api(client, w.lan)] == [str(kept.pk)]
    assert [c["id"] for c in home_api(client, w.lan)] == [str(kept.pk)]


@redis_only
def test_big_pages_posts_come_from_their_lists(world: World, client: Client, settings: Any) -> None:
    w = world
    settings.SOCIAL_FANOUT_MAX_FOLLOWERS = 1
    follow(w.minh_actor, w.page)  # two followers: "big", read from the page's list
    older = post(w.page, "Thông cáo thứ nhất")
    assert [c["id"] for c in home_api(client, w.lan)] == [str(older.pk)]
    assert rfeed.client().exists(rfeed.author_key(w.page.pk))
    newer = post(w.page, "Thông cáo thứ hai")  # the fan-out task adds it to the warm list
    only_followers = post(w.page, "Gửi người theo dõi", visibility=Visibility.FOLLOWERS)
    stranger = make_person(UserFactory(full_name="Đỗ Thị Hằng", email="hang@example.vn"))
    aside = post(w.page, "Trả lời người lạ", in_reply_to=post(stranger, "Câu hỏi của Hằng"))
    assert rfeed.client().zscore(rfeed.author_key(w.page.pk), str(newer.pk)) is not None
    got = [c["id"] for c in home_api(client, w.lan)]
    assert got == [str(only_followers.pk), str(newer.pk), str(older.pk)]
    assert str(aside.pk) not in got  # a reply to someone Lan does not follow
    assert home_api(client, w.lan) == serialized(w.lan)
    Actor.objects.filter(pk=w.page.pk).update(display_name="Ban Tuyên giáo Nghệ An")
    assert home_api(client, w.lan)[0]["account"]["display_name"] == "Ban Tuyên giáo Nghệ An"
