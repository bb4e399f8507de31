"""The social pages through the browser's eyes: compose, comment, react, share, edit, delete."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from vcnet.accounts.models import Unit, User
from vcnet.accounts.tests.factories import UserFactory
from vcnet.social.models import (
    Actor,
    ActorKind,
    Bookmark,
    Follow,
    PageRole,
    PageRoleKind,
    Post,
    PostEdit,
    Reaction,
    Visibility,
)
from vcnet.social.services.actors import actor_for_user
from vcnet.social.services.posts import post_create

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def signed_in(user: User) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def an(db: None) -> User:
    return cast(User, UserFactory(full_name="Nguyễn Văn An", email="an.nguyen@vcnet.test"))


@pytest.fixture
def binh(db: None) -> User:
    return cast(User, UserFactory(full_name="Trần Thị Bình", email="binh.tran@vcnet.test"))


@pytest.fixture
def page(province: Unit, clerk: User) -> Actor:
    """Ban Tuyên giáo Tỉnh ủy Nghệ An's verified page, run by the clerk."""
    actor = Actor.objects.create(
        kind=ActorKind.PAGE,
        unit=province,
        handle="btg_nghean",
        display_name="Ban Tuyên giáo Tỉnh ủy Nghệ An",
        verified=True,
    )
    PageRole.objects.create(page=actor, user=clerk, role=PageRoleKind.OWNER)
    return actor


def page_post(clerk: User, page: Actor, text: str, **kwargs: Any) -> Post:
    return post_create(user=clerk, text=text, as_actor=page, **kwargs)


def test_anonymous_home_invites_and_shows_official_posts(
    client: Client, clerk: User, page: Actor
) -> None:
    page_post(clerk, page, "Chuyển đổi số là nhiệm vụ của toàn dân #ChuyểnĐổiSố")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/social/")
    assert response.status_code == 200
    body = response.content.decode()
    assert "Create an account" in body
    assert "Chuyển đổi số là nhiệm vụ" in body
    assert "sp-verified" in body
    assert 'name="text"' not in body  # no compose box for anonymous readers


@pytest.mark.parametrize("url", ["/social/compose/", "/social/bookmarks/", "/social/profile/edit/"])
def test_anonymous_is_sent_to_sign_in(client: Client, url: str) -> None:
    response = client.post(url) if "compose" in url else client.get(url)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_compose_without_js_posts_and_redirects(an: User) -> None:
    client = signed_in(an)
    response = client.post(
        "/social/compose/", {"text": "Xin chào cả nhà! **Mạnh khỏe** nhé", "visibility": "public",
                             "reply_policy": "everyone", "poll_expires_in": 86400, "next": "/social/"},
    )  # fmt: skip
    assert response.status_code == 302
    assert response["Location"] == "/social/"
    post = Post.objects.get(author__user=an)
    assert "<strong>Mạnh khỏe</strong>" in post.html
    home = client.get("/social/")
    assert "Mạnh khỏe" in home.content.decode()


def test_compose_with_htmx_answers_new_post_and_fresh_form(an: User) -> None:
    client = signed_in(an)
    response = client.post(
        "/social/compose/",
        {"text": "Bài viết mới qua htmx", "visibility": "public", "reply_policy": "everyone",
         "poll_expires_in": 86400},
        headers=HTMX,
    )  # fmt: skip
    assert response.status_code == 200
    body = response.content.decode()
    assert 'hx-swap-oob="afterbegin:#feed-items"' in body
    assert "Bài viết mới qua htmx" in body
    assert 'id="compose"' in body


def test_compose_empty_is_refused_with_a_message(an: User) -> None:
    client = signed_in(an)
    response = client.post(
        "/social/compose/",
        {"text": "", "visibility": "public", "reply_policy": "everyone", "poll_expires_in": 86400},
    )
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()
    assert not Post.objects.exists()


def test_compose_poll_shows_results_bars(an: User) -> None:
    client = signed_in(an)
    client.post(
        "/social/compose/",
        {"text": "Bạn đi làm bằng gì?", "visibility": "public", "reply_policy": "everyone",
         "poll_options": "Xe máy\nXe buýt\nĐi bộ", "poll_expires_in": 3600},
    )  # fmt: skip
    post = Post.objects.get(author__user=an)
    assert post.poll.options.count() == 3
    body = signed_in(an).get(f"/social/posts/{post.pk}/").content.decode()
    assert "<meter" in body and "Xe buýt" in body


def test_compose_poll_with_one_option_is_refused(an: User) -> None:
    response = signed_in(an).post(
        "/social/compose/",
        {"text": "Thăm dò", "visibility": "public", "reply_policy": "everyone",
         "poll_options": "Chỉ một", "poll_expires_in": 3600},
    )  # fmt: skip
    assert "two to four options" in response.content.decode()
    assert not Post.objects.exists()


def test_comment_and_reply_one_level(an: User, binh: User, clerk: User, page: Actor) -> None:
    root = page_post(clerk, page, "Lấy ý kiến về dự thảo luật BHYT")
    client = signed_in(an)
    response = client.post(f"/social/posts/{root.pk}/reply/", {"text": "Tôi đồng ý với dự thảo"})
    assert response.status_code == 302
    comment = Post.objects.get(in_reply_to=root)
    assert response["Location"].endswith(f"/social/posts/{root.pk}/#post-{comment.pk}")
    signed_in(binh).post(
        f"/social/posts/{root.pk}/reply/",
        {"text": "@" + comment.author.handle + " cảm ơn anh", "in_reply_to": comment.pk},
    )
    answer = Post.objects.get(in_reply_to=comment)
    assert answer.thread_root_id == root.pk
    body = client.get(f"/social/posts/{root.pk}/").content.decode()
    assert "Tôi đồng ý với dự thảo" in body and "cảm ơn anh" in body
    assert "sp-thread-replies" in body
    # A comment's own address leads to its thread.
    assert client.get(f"/social/posts/{answer.pk}/")["Location"].endswith(f"#post-{answer.pk}")


def test_empty_comment_is_refused(an: User, clerk: User, page: Actor) -> None:
    root = page_post(clerk, page, "Phòng chống lũ lụt")
    response = signed_in(an).post(f"/social/posts/{root.pk}/reply/", {"text": ""})
    assert response.status_code == 400
    assert not Post.objects.filter(in_reply_to=root).exists()


def test_react_sets_changes_and_removes(an: User, clerk: User, page: Actor) -> None:
    post = page_post(clerk, page, "Cải cách hành chính")
    client = signed_in(an)
    url = f"/social/posts/{post.pk}/react/"
    response = client.post(url, {"kind": "love", "next": "/social/"})
    assert response.status_code == 302 and response["Location"] == "/social/"
    assert Reaction.objects.get(post=post).kind == "love"
    response = client.post(url, {"kind": "haha"}, headers=HTMX)
    assert response.status_code == 200
    assert 'class="sp-actions"' in response.content.decode()
    assert Reaction.objects.get(post=post).kind == "haha"
    client.post(url, {"kind": "haha"}, headers=HTMX)
    assert not Reaction.objects.filter(post=post).exists()


def test_bookmark_toggles_and_lists(an: User, clerk: User, page: Actor) -> None:
    post = page_post(clerk, page, "Bài cần đọc lại")
    client = signed_in(an)
    client.post(f"/social/posts/{post.pk}/bookmark/", headers=HTMX)
    assert Bookmark.objects.filter(post=post).exists()
    assert "Bài cần đọc lại" in client.get("/social/bookmarks/").content.decode()
    client.post(f"/social/posts/{post.pk}/bookmark/")
    assert not Bookmark.objects.filter(post=post).exists()


def test_share_and_quote(an: User, clerk: User, page: Actor) -> None:
    post = page_post(clerk, page, "Thông tin về BHYT học sinh")
    client = signed_in(an)
    response = client.post(f"/social/posts/{post.pk}/share/", {"comment": ""}, headers=HTMX)
    assert response.status_code == 200
    assert Post.objects.filter(reblog_of=post, author__user=an).exists()
    client.post(f"/social/posts/{post.pk}/unshare/")
    assert not Post.objects.filter(reblog_of=post).exists()
    response = client.post(f"/social/posts/{post.pk}/share/", {"comment": "Mọi người nên đọc"})
    assert response.status_code == 302
    quote = Post.objects.get(quote_of=post)
    body = client.get(f"/social/posts/{quote.pk}/").content.decode()
    assert "Mọi người nên đọc" in body and "Thông tin về BHYT học sinh" in body


def test_edit_keeps_history_and_only_the_author_edits(an: User, binh: User) -> None:
    post = post_create(user=an, text="Bản đầu tiên")
    client = signed_in(an)
    assert client.get(f"/social/posts/{post.pk}/edit/").status_code == 200
    response = client.post(f"/social/posts/{post.pk}/edit/", {"text": "Bản đã sửa"})
    assert response.status_code == 302
    assert PostEdit.objects.filter(post=post, text="Bản đầu tiên").exists()
    body = client.get(f"/social/posts/{post.pk}/").content.decode()
    assert "Bản đã sửa" in body and 'id="history"' in body and "Bản đầu tiên" in body
    other = signed_in(binh)
    assert other.get(f"/social/posts/{post.pk}/edit/").status_code == 404
    assert other.post(f"/social/posts/{post.pk}/edit/", {"text": "Hack"}).status_code == 404


def test_delete_by_author_not_by_others(an: User, binh: User) -> None:
    post = post_create(user=an, text="Sẽ xóa")
    response = signed_in(binh).post(f"/social/posts/{post.pk}/delete/")
    assert response.status_code in (403, 404)
    assert Post.objects.filter(pk=post.pk).exists()
    response = signed_in(an).post(f"/social/posts/{post.pk}/delete/", headers=HTMX)
    assert response.status_code == 200
    assert not Post.objects.filter(pk=post.pk).exists()


def test_followers_only_post_is_404_until_following(an: User, binh: User, client: Client) -> None:
    post = post_create(user=an, text="Chỉ người theo dõi", visibility=Visibility.FOLLOWERS)
    other = signed_in(binh)
    for url in (f"/social/posts/{post.pk}/", f"/social/posts/{post.pk}/react/"):
        response = (
            other.get(url) if url.endswith(f"{post.pk}/") else other.post(url, {"kind": "like"})
        )
        assert response.status_code == 404
    assert client.get(f"/social/posts/{post.pk}/").status_code == 404
    handle = actor_for_user(an).handle
    assert other.post(f"/social/@{handle}/follow/").status_code == 302
    assert other.get(f"/social/posts/{post.pk}/").status_code == 200
    assert other.get("/social/posts/999999/").status_code == 404


def test_profile_follow_unfollow_mute_block(an: User, binh: User, clerk: User, page: Actor) -> None:
    page_post(clerk, page, "Tin từ Ban Tuyên giáo")
    client = signed_in(an)
    body = client.get("/social/@btg_nghean/").content.decode()
    assert "Ban Tuyên giáo Tỉnh ủy Nghệ An" in body and "Tin từ Ban Tuyên giáo" in body
    assert "Verified official page" in body
    response = client.post("/social/@btg_nghean/follow/", headers=HTMX)
    assert response.status_code == 200 and "unfollow" in response.content.decode()
    me = actor_for_user(an)
    assert Follow.objects.filter(follower=me, target=page).exists()
    assert "Tin từ Ban Tuyên giáo" in client.get("/social/").content.decode()
    client.post("/social/@btg_nghean/unfollow/")
    assert not Follow.objects.filter(follower=me, target=page).exists()
    binh_handle = actor_for_user(binh).handle
    assert client.post(f"/social/@{binh_handle}/mute/").status_code == 302
    assert client.post(f"/social/@{binh_handle}/block/").status_code == 302
    assert client.post("/social/@khongtontai/follow/").status_code == 404
    assert client.post(f"/social/@{binh_handle}/poke/").status_code == 404


def test_profile_edit(an: User) -> None:
    client = signed_in(an)
    response = client.post(
        "/social/profile/edit/", {"display_name": "An Nguyễn", "bio": "Yêu Nghệ An"}
    )
    assert response.status_code == 302
    actor = actor_for_user(an)
    assert actor.display_name == "An Nguyễn" and actor.bio == "Yêu Nghệ An"


XSS = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    '"><svg onload=alert(1)>',
    "[bấm](javascript:alert(1))",
]


@pytest.mark.parametrize("payload", XSS)
def test_xss_in_posts_and_names_is_escaped(an: User, binh: User, payload: str) -> None:
    actor = actor_for_user(an)
    Actor.objects.filter(pk=actor.pk).update(display_name=payload[:100])
    post = post_create(user=an, text=f"Thử {payload}")
    signed_in(binh).post(f"/social/@{actor.handle}/follow/")
    for url in (
        "/social/",
        f"/social/posts/{post.pk}/",
        f"/social/@{actor.handle}/",
        "/social/public/",
    ):
        body = signed_in(binh).get(url).content.decode()
        assert "<script>alert" not in body
        assert "<img src=x onerror" not in body
        assert "<svg onload" not in body
        assert 'href="javascript:' not in body


def _home_queries(client: Client, *, cold: bool = False) -> int:
    """Queries of one home page; `cold`: with no status card cached (each post's card is built)."""
    if cold:
        from vcnet.social.cards import local_clear
        from vcnet.social.feeds import redis as rfeed

        local_clear()
        if rfeed.enabled():
            for key in rfeed.client().scan_iter("vcnet:social:*"):
                rfeed.client().delete(key)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get("/social/").status_code == 200
    return len(ctx.captured_queries)


def test_home_feed_queries_do_not_grow_with_posts(
    an: User, binh: User, clerk: User, page: Actor
) -> None:
    client = signed_in(an)
    client.post("/social/@btg_nghean/follow/")
    client.post(f"/social/@{actor_for_user(binh).handle}/follow/")
    for i in range(2):
        page_post(clerk, page, f"Tin số {i} #ChuyểnĐổiSố")
        post_create(user=binh, text=f"Bình viết {i}")
    _home_queries(client)  # warm caches (sessions, content types, status cards)
    few, few_cold = _home_queries(client), _home_queries(client, cold=True)
    for i in range(2, 9):
        p = page_post(clerk, page, f"Tin số {i} #ChuyểnĐổiSố")
        post_create(user=binh, text=f"Bình viết {i}", in_reply_to=None)
        signed_in(binh).post(f"/social/posts/{p.pk}/react/", {"kind": "like"})
    many_cold = _home_queries(client, cold=True)
    many = _home_queries(client)
    assert (many, many_cold) == (few, few_cold)


@pytest.mark.parametrize(
    "url",
    ["/social/public/", "/social/pages-feed/", "/social/trending/", "/social/tags/chuyendoiso/"],
)
def test_feeds_render(an: User, clerk: User, page: Actor, url: str) -> None:
    page_post(clerk, page, "Cùng nhau #ChuyểnĐổiSố")
    response = signed_in(an).get(url)
    assert response.status_code == 200
    if "trending" not in url:
        assert "Cùng nhau" in response.content.decode()


def test_infinite_scroll_sentinel(an: User, clerk: User, page: Actor) -> None:
    ids = [page_post(clerk, page, f"Bài số {i}").pk for i in range(22)]
    client = signed_in(an)
    body = client.get("/social/pages-feed/").content.decode()
    assert 'id="feed-more"' in body and 'hx-trigger="revealed"' in body
    more = client.get(
        f"/social/pages-feed/?max_id={ids[2]}", headers={**HTMX, "HX-Target": "feed-more"}
    )
    text = more.content.decode()
    assert "Bài số 1" in text and "<html" not in text


def test_a_page_editor_schedules_a_post_that_the_clock_publishes(
    an: User, clerk: User, page: Actor
) -> None:
    from vcnet.social.models import ScheduledPost
    from vcnet.social.services.posts import scheduled_posts_publish_due

    when = timezone.localtime() + dt.timedelta(hours=2)
    form = {"text": "Lịch tiếp công dân tháng 12 #TiếpDân", "visibility": "public",
            "reply_policy": "everyone", "poll_expires_in": 86400, "as_actor": page.pk,
            "publish_at": when.strftime("%Y-%m-%dT%H:%M"), "next": "/social/"}  # fmt: skip
    editor = signed_in(clerk)
    assert 'type="datetime-local"' in editor.get("/social/").content.decode()
    response = editor.post("/social/compose/", form, follow=True)
    assert "will be published at" in response.content.decode()
    scheduled = ScheduledPost.objects.get(author=page)
    assert not Post.objects.filter(author=page, text__contains="tiếp công dân").exists()

    # Not before its time; then the clock's task publishes it as the page.
    assert scheduled_posts_publish_due(now=timezone.now()) == 0
    assert scheduled_posts_publish_due(now=scheduled.publish_at + dt.timedelta(minutes=1)) == 1
    published = Post.objects.get(author=page, text__contains="tiếp công dân")
    assert published.created_by == clerk

    # Someone who runs no page cannot schedule: a clear message, nothing kept.
    citizen = signed_in(an)
    response = citizen.post("/social/compose/", {**form, "as_actor": ""})
    assert "Only a page&#x27;s posts can be scheduled" in response.content.decode()
    assert ScheduledPost.objects.count() == 1
    assert not Post.objects.filter(author__user=an).exists()
