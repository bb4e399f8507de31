"""What moderation does to the social network, as people notice it: limited reach leaves the wide
feeds and search, sanctions stop a person acting, and post cards, profiles, groups and the
Mastodon API show held/removed notices, warnings, labels and context notes.

The effects are applied with `vcnet.social.services.moderation` directly (what the moderation
app's services call after their own permission checks).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.test import Client
from django.utils import timezone

from vcnet.accounts.models import User
from vcnet.core.errors import PermissionDeniedError
from vcnet.social import feeds, hooks
from vcnet.social.feeds import trending
from vcnet.social.models import Follow, Group, GroupKind, Post, PostState
from vcnet.social.search import post_index, social_search
from vcnet.social.services import graph, groups, interactions, polls
from vcnet.social.services import moderation as effects
from vcnet.social.services.actors import actor_for_user
from vcnet.social.services.posts import post_create
from vcnet.social.tests.conftest_api import token_for
from vcnet.social.tests.conftest_posts import World, world  # noqa: F401

pytestmark = pytest.mark.django_db

TEXT = "Tin đồn: xăng sẽ được phát miễn phí tại Nghệ An từ tuần sau #tindon"


def page_client(user: User) -> Client:
    client = Client()
    client.force_login(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def _post(user: User, text: str = TEXT, **fields: Any) -> Post:
    post = Post.objects.create(
        author=actor_for_user(user), text=text, html=f"<p>{text}</p>", **fields
    )
    post_index(post.pk)
    return post


def fresh(user: User) -> User:
    """The person as the next request loads them (the actor is cached per user object)."""
    return User.objects.get(pk=user.pk)


def _ids(page: feeds.FeedPage) -> set[int]:
    return {p.pk for p in page.posts}


# --- reach ------------------------------------------------------------------------------------


def test_limited_reach_leaves_wide_feeds_and_search_but_not_the_author_or_followers(
    world: World,  # noqa: F811
) -> None:
    cache.delete(trending.CACHE_KEY)
    post = post_create(user=world.an, text=TEXT)
    post_index(post.pk)
    Post.objects.filter(pk=post.pk).update(reactions_count=12)
    other = post_create(user=world.cuong, text="Lịch tiêm chủng mở rộng tháng này #tindon")
    Post.objects.filter(pk=other.pk).update(reactions_count=3)

    effects.post_reach_set(post_id=post.pk, limited=True)
    cache.delete(trending.CACHE_KEY)

    for viewer in (world.cuong, None):
        assert post.pk not in _ids(feeds.feed_public(viewer))
        assert post.pk not in _ids(feeds.feed_hashtag(viewer, "tindon"))
        assert post.pk not in _ids(feeds.feed_trending(viewer))
        assert post.pk not in {p.pk for p in social_search(viewer, "xang mien phi").posts}
        assert other.pk in _ids(feeds.feed_hashtag(viewer, "tindon"))
    assert other.pk in _ids(feeds.feed_trending(world.cuong))
    # The author still finds it everywhere they look; followers keep it in their home feed.
    assert post.pk in _ids(feeds.feed_public(world.an))
    assert post.pk in _ids(feeds.feed_hashtag(world.an, "tindon"))
    assert post.pk in {p.pk for p in social_search(world.an, "xang mien phi").posts}
    assert post.pk in _ids(feeds.feed_home(world.binh))  # Bình follows An
    assert post.pk in _ids(feeds.feed_actor(world.cuong, actor_for_user(world.an)))

    effects.post_reach_set(post_id=post.pk, limited=False)
    cache.delete(trending.CACHE_KEY)
    assert post.pk in _ids(feeds.feed_public(world.cuong))
    assert post.pk in _ids(feeds.feed_trending(None))


def test_a_post_limited_after_ranking_leaves_trending_at_once(world: World) -> None:  # noqa: F811
    cache.delete(trending.CACHE_KEY)
    post = _post(world.an)
    Post.objects.filter(pk=post.pk).update(reactions_count=40)
    assert post.pk in _ids(feeds.feed_trending(None))  # ranked and cached
    effects.post_reach_set(post_id=post.pk, limited=True)
    assert post.pk in trending.trending_ids()  # still in the cached ranking...
    assert post.pk not in _ids(feeds.feed_trending(None))  # ...but not shown


def test_limited_page_posts_leave_the_pages_feed(world: World) -> None:  # noqa: F811
    post = post_create(user=world.editor, text="Thông cáo báo chí của Ban", as_actor=world.page)
    effects.post_reach_set(post_id=post.pk, limited=True)
    assert post.pk not in _ids(feeds.feed_pages(world.cuong))
    assert post.pk in _ids(feeds.feed_pages(world.editor))  # the page's editor


def test_removed_groups_are_not_found_by_search(world: World) -> None:  # noqa: F811
    from vcnet.social.search import group_index

    group_index(world.public_group.pk)
    assert [g.pk for g in social_search(world.cuong, "ban doc nghe an").groups] == [
        world.public_group.pk
    ]
    effects.group_removed_set(group_id=world.public_group.pk, removed=True, reason="Lừa đảo")
    assert social_search(world.cuong, "ban doc nghe an").groups == []


# --- sanctions --------------------------------------------------------------------------------


@pytest.fixture
def suspended(world: World) -> Iterator[User]:  # noqa: F811
    """Cường, suspended for three days."""
    effects.actor_sanction_set(
        actor_id=actor_for_user(world.cuong).pk,
        suspended_until=timezone.now() + dt.timedelta(days=3),
        banned=False,
        reason="Đăng tin sai sự thật nhiều lần",
    )
    yield fresh(world.cuong)


def test_a_suspended_person_cannot_react_share_follow_vote_or_use_groups(
    world: World,  # noqa: F811
    suspended: User,
) -> None:
    from vcnet.social.services.polls import PollSpec

    post = post_create(
        user=world.an, text="Bạn chọn phương án nào?", poll=PollSpec(options=["Sáng", "Chiều"])
    )
    assert post.poll is not None
    attempts = [
        lambda: interactions.reaction_set(user=suspended, post_id=post.pk),
        lambda: interactions.post_share(user=suspended, post_id=post.pk),
        lambda: graph.follow_create(user=suspended, target_id=actor_for_user(world.an).pk),
        lambda: polls.poll_vote(user=suspended, poll_id=post.poll.pk, choices=[0]),
        lambda: groups.group_create(
            user=suspended, name="Hội xăng miễn phí", slug="hoi-xang", kind=GroupKind.PUBLIC
        ),
        lambda: groups.group_join(user=suspended, group_id=world.public_group.pk),
        lambda: post_create(user=suspended, text="Tôi vẫn muốn đăng bài"),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDeniedError) as caught:
            attempt()
        assert "suspended until" in str(caught.value.message)
        assert "Đăng tin sai sự thật nhiều lần" in str(caught.value.message)
    assert not post.reactions.exists()
    assert not Follow.objects.filter(follower__user=suspended).exists()
    assert not Group.objects.filter(slug="hoi-xang").exists()

    # The suspension is lifted: everything works again.
    effects.actor_sanction_set(
        actor_id=actor_for_user(suspended).pk, suspended_until=None, banned=False
    )
    lifted = fresh(suspended)
    interactions.reaction_set(user=lifted, post_id=post.pk)
    graph.follow_create(user=lifted, target_id=actor_for_user(world.an).pk)
    groups.group_join(user=lifted, group_id=world.public_group.pk)
    assert post.reactions.count() == 1


def test_a_finished_suspension_no_longer_stops_anyone(world: World) -> None:  # noqa: F811
    effects.actor_sanction_set(
        actor_id=actor_for_user(world.cuong).pk,
        suspended_until=timezone.now() - dt.timedelta(minutes=1),
        banned=False,
        reason="Hết hạn",
    )
    graph.follow_create(user=fresh(world.cuong), target_id=actor_for_user(world.an).pk)


def test_a_banned_person_is_told_why_and_the_web_page_says_so(world: World) -> None:  # noqa: F811
    post = _post(world.an)
    effects.actor_sanction_set(
        actor_id=actor_for_user(world.cuong).pk,
        suspended_until=None,
        banned=True,
        reason="Tài khoản giả mạo cơ quan nhà nước",
    )
    with pytest.raises(PermissionDeniedError, match="This account is banned"):
        interactions.reaction_set(user=fresh(world.cuong), post_id=post.pk)
    response = page_client(world.cuong).post(
        f"/social/posts/{post.pk}/react/", {"kind": "like"}, follow=True
    )
    assert "This account is banned" in response.content.decode()
    assert not post.reactions.exists()


def test_sharing_as_a_banned_page_is_refused(world: World) -> None:  # noqa: F811
    post = _post(world.an)
    effects.actor_sanction_set(
        actor_id=world.page.pk, suspended_until=None, banned=True, reason="Trang giả mạo"
    )
    world.page.refresh_from_db()
    with pytest.raises(PermissionDeniedError, match="Trang giả mạo"):
        interactions.post_share(user=world.editor, post_id=post.pk, as_actor=world.page)
    interactions.post_share(user=world.editor, post_id=post.pk)  # as themselves: allowed


# --- post cards -------------------------------------------------------------------------------


def test_held_and_removed_posts_tell_their_author_why(world: World) -> None:  # noqa: F811
    held = _post(world.an, "Bài chờ duyệt về giá xăng")
    removed = _post(world.an, "Bài bị gỡ về giá xăng")
    effects.post_state_set(post_id=held.pk, state=PostState.HELD, reason="Có liên kết đáng ngờ.")
    effects.post_state_set(
        post_id=removed.pk, state=PostState.REMOVED, reason="Thông tin sai <b>sự thật</b>"
    )
    html = page_client(world.an).get(f"/social/@{actor_for_user(world.an).handle}/").content
    page = html.decode()
    assert "Waiting for a moderator" in page
    assert "Có liên kết đáng ngờ." in page
    assert "Removed by moderators" in page
    assert "Thông tin sai &lt;b&gt;sự thật&lt;/b&gt;" in page  # the reason is escaped
    assert 'href="/moderation/mine/"' in page
    # Others do not see the posts at all.
    for viewer in (page_client(world.cuong), Client()):
        assert viewer.get(f"/social/posts/{held.pk}/").status_code == 404
        assert viewer.get(f"/social/posts/{removed.pk}/").status_code == 404


def test_a_moderator_warning_hides_the_post_behind_it(world: World) -> None:  # noqa: F811
    post = _post(world.an, "Hình ảnh tai nạn giao thông")
    effects.post_warning_set(post_id=post.pk, warning="Hình ảnh gây sốc")
    page = page_client(world.cuong).get(f"/social/posts/{post.pk}/").content.decode()
    opened = page.index('<details class="sp-cw sp-mod-warning">')
    hidden = page[opened : page.index("</details>", opened)]
    assert "Hình ảnh gây sốc" in hidden and "Show the post" in hidden
    assert "<p>Hình ảnh tai nạn giao thông</p>" in hidden  # the text is behind the warning


def test_labels_context_notes_and_menu_items_on_the_card(world: World) -> None:  # noqa: F811
    post = _post(world.an)
    effects.post_label_put(
        post_id=post.pk,
        key="action:7",
        label={"kind": "label", "text": "Thông tin gây hiểu lầm", "url": "/moderation/actions/7/"},
    )
    effects.post_label_put(
        post_id=post.pk,
        key="clarification:3",
        label={
            "kind": "clarification",
            "text": "Sai sự thật: Xăng không phát miễn phí",
            "url": "/moderation/clarifications/xang-khong-phat-mien-phi/",
            "verdict": "false",
        },
    )
    effects.post_label_put(
        post_id=post.pk,
        key="action:8",
        label={"kind": "label", "text": "<script>alert(1)</script>", "url": "javascript:alert(1)"},
    )
    effects.post_context_note_set(
        post_id=post.pk,
        note={
            "id": 5,
            "html": "<p>Sở Công Thương đã bác bỏ tin này.</p>",
            "sources": [
                {"url": "https://congthuong.nghean.gov.vn/tin", "title": "Sở Công Thương"},
                {"url": "javascript:alert(2)", "title": "Nguồn xấu"},
            ],
            "url": f"/moderation/notes/post/{post.pk}/",
        },
    )
    page = page_client(world.cuong).get(f"/social/posts/{post.pk}/").content.decode()
    assert 'href="/moderation/actions/7/"' in page
    assert "Thông tin gây hiểu lầm" in page
    assert "sp-verdict-false" in page and "Sai sự thật: Xăng không phát miễn phí" in page
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;" in page
    assert "javascript:" not in page
    assert "Context added by readers" in page
    assert "<p>Sở Công Thương đã bác bỏ tin này.</p>" in page
    assert 'href="https://congthuong.nghean.gov.vn/tin"' in page
    assert f'href="/moderation/notes/post/{post.pk}/"' in page
    assert f"/moderation/report/post/{post.pk}/" in page  # a reader may report it
    # The author gets no Report item; nobody signed out does either.
    own = page_client(world.an).get(f"/social/posts/{post.pk}/").content.decode()
    assert f"/moderation/report/post/{post.pk}/" not in own
    assert "Context added by readers" in own
    anonymous = Client().get(f"/social/posts/{post.pk}/").content.decode()
    assert f"/moderation/report/post/{post.pk}/" not in anonymous
    assert "Sở Công Thương đã bác bỏ tin này." in anonymous

    effects.post_label_drop(post_id=post.pk, key="action:7")
    effects.post_context_note_set(post_id=post.pk, note=None)
    page = page_client(world.cuong).get(f"/social/posts/{post.pk}/").content.decode()
    assert "Thông tin gây hiểu lầm" not in page and "Context added by readers" not in page


def test_profiles_show_labels_sanctions_and_a_report_link(world: World) -> None:  # noqa: F811
    cuong = actor_for_user(world.cuong)
    effects.actor_label_put(
        actor_id=cuong.pk,
        key="action:9",
        label={"kind": "label", "text": "Tài khoản mạo danh", "url": "/moderation/actions/9/"},
    )
    effects.actor_sanction_set(
        actor_id=cuong.pk,
        suspended_until=timezone.now() + dt.timedelta(days=2),
        banned=False,
        reason="Spam",
    )
    page = page_client(world.an).get(f"/social/@{cuong.handle}/").content.decode()
    assert "Tài khoản mạo danh" in page
    assert "Suspended until" in page
    assert f"/moderation/report/profile/{cuong.pk}/" in page
    own = page_client(world.cuong).get(f"/social/@{cuong.handle}/").content.decode()
    assert f"/moderation/report/profile/{cuong.pk}/" not in own

    effects.actor_sanction_set(actor_id=cuong.pk, suspended_until=None, banned=True, reason="Spam")
    assert "Banned" in page_client(world.an).get(f"/social/@{cuong.handle}/").content.decode()


def test_groups_show_labels_and_a_report_link(world: World) -> None:  # noqa: F811
    group = world.public_group
    effects.group_label_put(
        group_id=group.pk,
        key="action:11",
        label={"kind": "label", "text": "Nhóm hay đăng tin chưa kiểm chứng", "url": "/x/"},
    )
    page = page_client(world.cuong).get(f"/social/groups/{group.slug}/").content.decode()
    assert "Nhóm hay đăng tin chưa kiểm chứng" in page
    assert f"/moderation/report/group/{group.pk}/" in page
    effects.group_removed_set(group_id=group.pk, removed=True, reason="Lừa đảo")
    assert page_client(world.cuong).get(f"/social/groups/{group.slug}/").status_code == 404
    assert page_client(world.an).get(f"/social/groups/{group.slug}/").status_code == 404  # member
    directory = page_client(world.cuong).get("/social/groups/").content.decode()
    assert "Bạn đọc Nghệ An" not in directory


# --- composing a post a rule holds -------------------------------------------------------------


def _hold_rumours(submission: hooks.Submission) -> str | None:
    texts = " ".join(t for values in submission.texts.values() for t in values)
    return "Bài viết nhắc tới tin đồn cần kiểm chứng." if "tin đồn" in texts.lower() else None


@pytest.fixture
def holding_reviewer() -> Iterator[None]:
    hooks.register_reviewer(_hold_rumours)
    yield
    hooks.unregister_reviewer(_hold_rumours)


def test_composing_a_held_post_says_it_waits_for_review(
    world: World,  # noqa: F811
    holding_reviewer: None,
) -> None:
    client = page_client(world.an)
    response = client.post(
        "/social/compose/", {"text": TEXT, "visibility": "public", "reply_policy": "everyone"}
    )
    assert response.status_code == 302
    post = Post.objects.get(author__user=world.an)
    assert post.state == PostState.HELD
    page = client.get(response["Location"]).content.decode()
    assert "Your post is waiting for a moderator&#x27;s review." in page
    assert "Bài viết nhắc tới tin đồn cần kiểm chứng." in page
    # With htmx the card comes back with its notice.
    response = client.post(
        "/social/compose/",
        {"text": "Lại một tin đồn nữa", "visibility": "public", "reply_policy": "everyone"},
        HTTP_HX_REQUEST="true",
    )
    assert "Waiting for a moderator" in response.content.decode()
    assert post.pk not in _ids(feeds.feed_public(world.cuong))


# --- Mastodon API -----------------------------------------------------------------------------


def test_statuses_carry_what_moderation_did(world: World) -> None:  # noqa: F811
    post = _post(world.an)
    effects.post_warning_set(post_id=post.pk, warning="Nội dung chưa được kiểm chứng")
    effects.post_label_put(
        post_id=post.pk,
        key="clarification:3",
        label={
            "kind": "clarification",
            "text": "Sai sự thật: Xăng không phát miễn phí",
            "url": "/moderation/clarifications/xang/",
            "verdict": "false",
        },
    )
    effects.post_context_note_set(
        post_id=post.pk,
        note={
            "id": 5,
            "html": "<p>Đã bị bác bỏ.</p>",
            "sources": [{"url": "https://baonghean.vn/a", "title": "Báo Nghệ An"}],
            "url": "/moderation/notes/post/1/",
        },
    )
    headers = {"Authorization": f"Bearer {token_for(world.cuong, 'read')}"}
    body = json.loads(Client().get(f"/api/v1/statuses/{post.pk}", headers=headers).content)
    assert body["sensitive"] is True
    assert body["spoiler_text"] == "Nội dung chưa được kiểm chứng"
    vcnet = body["vcnet"]
    assert vcnet["state"] == "published"
    assert vcnet["warning"] == "Nội dung chưa được kiểm chứng"
    assert vcnet["labels"] == [
        {
            "kind": "clarification",
            "text": "Sai sự thật: Xăng không phát miễn phí",
            "url": "/moderation/clarifications/xang/",
            "verdict": "false",
        }
    ]
    assert vcnet["context_note"] == {
        "id": "5",
        "html": "<p>Đã bị bác bỏ.</p>",
        "sources": [{"url": "https://baonghean.vn/a", "title": "Báo Nghệ An"}],
        "url": "/moderation/notes/post/1/",
    }
    # The author's own content warning stays first.
    plain = _post(world.an, "Ảnh lũ lụt", content_warning="Ảnh thiên tai")
    effects.post_warning_set(post_id=plain.pk, warning="Hình ảnh gây sốc")
    body = json.loads(Client().get(f"/api/v1/statuses/{plain.pk}", headers=headers).content)
    assert body["spoiler_text"] == "Ảnh thiên tai"
    assert body["vcnet"]["warning"] == "Hình ảnh gây sốc"
    assert body["vcnet"]["context_note"] is None and body["vcnet"]["labels"] == []


def test_held_posts_are_only_served_to_their_author(world: World) -> None:  # noqa: F811
    post = _post(world.an)
    effects.post_state_set(post_id=post.pk, state=PostState.HELD, reason="Chờ duyệt")
    mine = {"Authorization": f"Bearer {token_for(world.an, 'read')}"}
    other = {"Authorization": f"Bearer {token_for(world.cuong, 'read')}"}
    body = json.loads(Client().get(f"/api/v1/statuses/{post.pk}", headers=mine).content)
    assert body["vcnet"]["state"] == "held"
    assert Client().get(f"/api/v1/statuses/{post.pk}", headers=other).status_code == 404
