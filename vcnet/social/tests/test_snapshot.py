"""Home snapshots (with Redis): the API's first home page is served from Redis while nothing on
it changed, and whatever changes it (someone else's reaction, an edit, a removal, the reader's own
reactions, bookmarks, shares, votes, follows, mutes, blocks, a renamed author, a big page's new
post) is shown at the next read, exactly as a page built from the database."""

from __future__ import annotations

import datetime as dt
import gzip
import json
import os
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, RequestFactory
from django.utils import timezone

from vcnet.accounts.models import User
from vcnet.social.feeds import redis as rfeed
from vcnet.social.feeds import snapshot
from vcnet.social.models import Actor, Block, Mute, MutedWord, Post, PostState
from vcnet.social.services.actors import profile_update
from vcnet.social.services.interactions import bookmark_add, post_share, reaction_set
from vcnet.social.services.moderation import post_state_set
from vcnet.social.services.polls import PollSpec, poll_vote
from vcnet.social.services.posts import post_create, post_edit
from vcnet.social.tests.conftest_api import token_for
from vcnet.social.tests.conftest_feeds import World, follow, post, world
from vcnet.social.tests.test_cards import home_api, serialized

__all__ = ["world"]

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="REDIS_URL is not set: snapshots live in Redis"
)


def stored(user: User, limit: int = 20) -> snapshot.Page | None:
    """The snapshot a read would be served now (None: the next read builds the page)."""
    request = RequestFactory().get("/api/v1/timelines/home")  # host "testserver", as the client
    return snapshot.cached(request, user.pk, limit)


def key_ttl(user: User, limit: int = 20) -> int:
    key = snapshot._snapshot_key(user.pk, limit, "http://testserver")
    return int(rfeed.client().ttl(key))


@pytest.fixture
def made(world: World) -> dict[str, Post]:
    w = world
    return {
        "minh": post(w.minh_actor, "Minh hỏi về thủ tục cấp đổi căn cước"),
        "page": post(w.page, "Thông báo lịch tiếp công dân tháng 12"),
        "hoa": post(w.hoa_actor, "Hoa chia sẻ cách nộp hồ sơ trực tuyến"),
        "poll": post_create(
            user=w.minh,
            text="Tổ dân phố họp vào buổi nào?",
            poll=PollSpec(options=["Sáng Chủ nhật", "Tối thứ Sáu"], expires_in=86400),
        ),
    }


def test_the_second_read_is_the_snapshot_and_equals_the_database(
    world: World, made: dict[str, Post], client: Client
) -> None:
    w = world
    assert stored(w.lan) is None
    first = home_api(client, w.lan)
    assert [c["id"] for c in first] == [str(made[k].pk) for k in ("poll", "page", "minh")]
    page = stored(w.lan)
    assert page is not None
    assert home_api(client, w.lan) == first == serialized(w.lan)
    assert stored(w.lan, limit=2) is None  # each limit is its own page
    two = home_api(client, w.lan, limit=2)
    assert [c["id"] for c in two] == [c["id"] for c in first[:2]]
    assert (
        stored(w.lan, limit=2) is not None and stored(w.lan, limit=2).next_max_id == made["page"].pk
    )  # type: ignore[union-attr]


CHANGES: dict[str, Callable[[World, dict[str, Post]], Any]] = {
    "someone else reacts": lambda w, m: reaction_set(user=w.hoa, post_id=m["page"].pk),
    "the reader reacts": lambda w, m: reaction_set(user=w.lan, post_id=m["minh"].pk),
    "the reader bookmarks": lambda w, m: bookmark_add(user=w.lan, post_id=m["page"].pk),
    "the reader shares": lambda w, m: post_share(user=w.lan, post_id=m["minh"].pk),
    "the reader votes": lambda w, m: poll_vote(user=w.lan, poll_id=m["poll"].poll.pk, choices=[1]),
    "the author edits": lambda w, m: post_edit(
        user=w.minh, post_id=m["minh"].pk, text="Minh hỏi về thủ tục cấp đổi căn cước gắn chip"
    ),
    "a moderator removes a post": lambda w, m: post_state_set(
        post_id=m["page"].pk, state=PostState.REMOVED, reason="Thông tin chưa được kiểm chứng"
    ),
    "a post is deleted in the database": lambda w, m: Post.objects.filter(pk=m["minh"].pk).delete(),
    "someone followed posts": lambda w, m: post(w.minh_actor, "Minh: đã có lịch họp tổ"),
    "the reader follows someone": lambda w, m: follow(w.lan_actor, w.hoa_actor),
    "the reader mutes a word": lambda w, m: MutedWord.objects.create(
        actor=w.lan_actor, phrase="can cuoc"
    ),
    "the reader mutes someone": lambda w, m: Mute.objects.create(
        actor=w.lan_actor, target=w.minh_actor
    ),
    "someone blocks the reader": lambda w, m: Block.objects.create(
        actor=w.minh_actor, target=w.lan_actor
    ),
    "an author renames their profile": lambda w, m: profile_update(
        user=w.minh, display_name="Trần Văn Minh (Tổ trưởng)"
    ),
    "a page is renamed by a bulk update": lambda w, m: Actor.objects.filter(pk=w.page.pk).update(
        display_name="Ban Tuyên giáo Nghệ An"
    ),
}


@pytest.mark.parametrize("change", list(CHANGES))
def test_a_change_shows_at_the_next_read(
    change: str, world: World, made: dict[str, Post], client: Client
) -> None:
    w = world
    before = home_api(client, w.lan)
    assert stored(w.lan) is not None
    CHANGES[change](w, made)
    assert stored(w.lan) is None  # the snapshot is passed over...
    after = home_api(client, w.lan)
    assert after != before
    assert after == serialized(w.lan)  # ...and the page is what the database says
    assert stored(w.lan) is not None  # stored again
    assert home_api(client, w.lan) == after


def test_a_change_elsewhere_keeps_the_snapshot(
    world: World, made: dict[str, Post], client: Client
) -> None:
    w = world
    home_api(client, w.lan)
    post(w.hoa_actor, "Hoa đăng bài mà Lan không theo dõi")  # Lan does not follow Hoa
    reaction_set(user=w.minh, post_id=made["hoa"].pk)  # a post not on Lan's page
    bookmark_add(user=w.minh, post_id=made["page"].pk)  # Minh's own state, not Lan's
    assert stored(w.lan) is not None


def test_big_pages_new_posts_pass_the_snapshot_over(
    world: World, made: dict[str, Post], client: Client, settings: Any
) -> None:
    w = world
    settings.SOCIAL_FANOUT_MAX_FOLLOWERS = 1
    follow(w.minh_actor, w.page)  # two followers: a big page, merged from its list
    home_api(client, w.lan)
    home_api(client, w.lan)
    assert stored(w.lan) is not None
    newer = post(w.page, "Thông cáo báo chí: kết quả kỳ họp Hội đồng nhân dân tỉnh")
    assert stored(w.lan) is None
    assert home_api(client, w.lan)[0]["id"] == str(newer.pk)


def test_a_snapshot_lives_no_longer_than_an_open_poll_or_a_mute(
    world: World, client: Client
) -> None:
    w = world
    post_create(
        user=w.minh,
        text="Chọn ngày ra quân dọn vệ sinh",
        poll=PollSpec(options=["Thứ Bảy", "Chủ nhật"], expires_in=300),
    )
    home_api(client, w.lan)
    assert 0 < key_ttl(w.lan) <= 301
    Mute.objects.create(
        actor=w.lan_actor, target=w.hoa_actor, expires_at=timezone.now() + dt.timedelta(seconds=60)
    )
    home_api(client, w.lan)
    assert 0 < key_ttl(w.lan) <= 61


def test_a_read_from_the_snapshot_records_the_readers_activity(
    world: World, made: dict[str, Post], client: Client
) -> None:
    w = world
    home_api(client, w.lan)
    long_ago = timezone.now() - dt.timedelta(days=3)
    Actor.objects.filter(pk=w.lan_actor.pk).update(last_active_at=long_ago)
    rfeed.client().delete(snapshot.touch_key(w.lan.pk))  # five minutes later
    assert stored(w.lan) is not None
    w.lan_actor.refresh_from_db()
    assert w.lan_actor.last_active_at > long_ago  # type: ignore[operator]


@pytest.mark.django_db(transaction=True)
def test_a_committed_change_is_mirrored_and_the_page_is_stored_again(
    world: World, made: dict[str, Post], client: Client
) -> None:
    w = world
    home_api(client, w.lan)
    with transaction.atomic():
        post_edit(user=w.minh, post_id=made["minh"].pk, text="Đã có hướng dẫn cấp đổi căn cước")
        assert stored(w.lan) is None  # the old version's mirror is gone before the commit
    made["minh"].refresh_from_db()
    mirror = rfeed.client().get(snapshot.mirror_key(Post, made["minh"].pk))
    assert mirror == str(made["minh"].version)  # written when the transaction committed
    edited = home_api(client, w.lan)
    assert edited[-1]["content"] == "<p>Đã có hướng dẫn cấp đổi căn cước</p>"
    assert stored(w.lan) is not None
    assert home_api(client, w.lan) == edited


def test_another_process_serves_the_snapshot_and_sees_it_built_again(
    world: World, made: dict[str, Post], client: Client
) -> None:
    w = world
    first = home_api(client, w.lan)
    snapshot.local_clear()  # as another web process, which never saw this page
    page = stored(w.lan)
    assert page is not None and json.loads(page.body) == first
    key = snapshot._snapshot_key(w.lan.pk, 20, "http://testserver")
    old = snapshot._local.get_many([key])[key]
    reaction_set(user=w.hoa, post_id=made["page"].pk)
    again = home_api(client, w.lan)  # built and stored again by "this" process
    assert again != first
    snapshot._local.set_many({key: old}, 600)  # the other process still holds the first build
    page = stored(w.lan)
    assert page is not None and json.loads(page.body) == again


def test_a_client_that_accepts_gzip_gets_the_page_compressed_once(
    world: World, made: dict[str, Post], client: Client
) -> None:
    w = world
    plain = home_api(client, w.lan)
    token = token_for(w.lan)
    for _read in range(2):  # built, then served from the snapshot
        response = client.get(
            "/api/v1/timelines/home",
            HTTP_AUTHORIZATION=f"Bearer {token}",
            HTTP_ACCEPT_ENCODING="gzip, deflate, br",
        )
        assert response["Content-Encoding"] == "gzip"
        assert "Accept-Encoding" in response["Vary"]
        assert json.loads(gzip.decompress(response.content)) == plain
    assert "Content-Encoding" not in client.get(
        "/api/v1/timelines/home", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
