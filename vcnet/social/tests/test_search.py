"""Search: diacritic-free matching, only posts the viewer may see, filters, the results page."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from vcnet.accounts.models import Unit, User
from vcnet.accounts.tests.factories import UserFactory
from vcnet.social.models import (
    Actor,
    ActorKind,
    Block,
    Follow,
    Group,
    GroupKind,
    GroupMembership,
    Hashtag,
    MemberState,
    Post,
    Visibility,
)
from vcnet.social.search import (
    actor_index,
    group_index,
    hashtag_index,
    post_index,
    social_search,
    viewer_scopes,
)
from vcnet.social.services.actors import actor_for_user

pytestmark = pytest.mark.django_db


def _user(**fields: Any) -> User:
    return cast(User, UserFactory(**fields))


TEXT = "Hội nghị triển khai Chuyển đổi số và cấp Giấy chứng nhận quyền sử dụng đất đai"


def _post(author: Actor, text: str = TEXT, **fields: Any) -> Post:
    post = Post.objects.create(author=author, text=text, html=f"<p>{text}</p>", **fields)
    post_index(post.pk)
    return post


def _ids(user: User | None, q: str, **kwargs: Any) -> set[int]:
    return {p.pk for p in social_search(user, q, type="posts", **kwargs).posts}


@pytest.fixture
def an(db: None) -> User:
    return _user(full_name="Nguyễn Văn An", email="an@vcnet.test")


@pytest.fixture
def binh(db: None) -> User:
    return _user(full_name="Trần Thị Bình", email="binh@vcnet.test")


@pytest.fixture
def cuong(db: None) -> User:
    return _user(full_name="Lê Hoàng Cường", email="cuong@vcnet.test")


def test_without_diacritics_and_d_for_đ(an: User) -> None:
    post = _post(actor_for_user(an))
    _post(actor_for_user(an), text="Một bài khác về thời tiết")
    assert _ids(None, "chuyen doi so") == {post.pk}
    assert _ids(None, "dat dai") == {post.pk}
    assert _ids(None, "CHUYỂN ĐỔI SỐ") == {post.pk}
    assert _ids(None, "chuyen d") == {post.pk}  # the last word matches as a prefix
    assert _ids(None, "") == set()
    assert _ids(None, "<script>") == set()


def test_followers_only_posts_need_a_follow(an: User, binh: User, cuong: User) -> None:
    author = actor_for_user(an)
    post = _post(author, visibility=Visibility.FOLLOWERS)
    Follow.objects.create(follower=actor_for_user(binh), target=author)
    actor_for_user(cuong)
    assert _ids(an, "chuyen doi so") == {post.pk}  # the author
    assert _ids(binh, "chuyen doi so") == {post.pk}  # a follower
    assert _ids(cuong, "chuyen doi so") == set()  # not a follower
    assert _ids(None, "chuyen doi so") == set()
    # The follow ends: the entry keeps its scope, the check inside the query still refuses.
    Follow.objects.filter(follower__user=binh).delete()
    assert _ids(binh, "chuyen doi so") == set()


def test_unit_posts_only_for_that_units_members(
    official: User, outsider: User, citizen: User, province: Unit
) -> None:
    post = _post(actor_for_user(official), visibility=Visibility.UNIT, unit=province)
    assert f"social.unit:{province.pk}" in viewer_scopes(official)
    assert _ids(official, "chuyen doi so") == {post.pk}
    assert _ids(outsider, "chuyen doi so") == set()
    assert _ids(citizen, "chuyen doi so") == set()


def test_private_and_unit_group_posts(
    official: User, outsider: User, citizen: User, province: Unit
) -> None:
    private = Group.objects.create(slug="nhom-kin", name="Nhóm kín", kind=GroupKind.PRIVATE)
    GroupMembership.objects.create(group=private, user=citizen, state=MemberState.ACTIVE)
    GroupMembership.objects.create(group=private, user=outsider, state=MemberState.PENDING)
    secret = _post(actor_for_user(citizen), visibility=Visibility.GROUP, group=private)
    unit_group = Group.objects.create(
        slug="noi-bo", name="Nội bộ", kind=GroupKind.UNIT, unit=province
    )
    internal = _post(
        actor_for_user(official),
        text=TEXT + " nội bộ",
        visibility=Visibility.GROUP,
        group=unit_group,
    )
    assert _ids(citizen, "chuyen doi so") == {secret.pk}
    assert _ids(outsider, "chuyen doi so") == set()  # a pending request is not membership
    assert _ids(official, "chuyen doi so") == {internal.pk}
    assert _ids(None, "chuyen doi so") == set()


def test_public_group_posts(citizen: User, an: User) -> None:
    group = Group.objects.create(slug="cong-khai", name="Công khai", kind=GroupKind.PUBLIC)
    members_only = _post(actor_for_user(citizen), visibility=Visibility.GROUP, group=group)
    public = _post(actor_for_user(citizen), visibility=Visibility.PUBLIC, group=group)
    assert _ids(an, "chuyen doi so") == {members_only.pk, public.pk}
    assert public.pk in _ids(None, "chuyen doi so")  # access.visible_posts_q decides the rest


def test_blocks_hide_posts_both_ways(an: User, binh: User) -> None:
    post = _post(actor_for_user(an))
    Block.objects.create(actor=actor_for_user(an), target=actor_for_user(binh))
    assert _ids(binh, "chuyen doi so") == set()
    assert post.pk in _ids(None, "chuyen doi so")


def test_filters_author_group_and_time(an: User, binh: User) -> None:
    group = Group.objects.create(slug="dat-dai", name="Đất đai", kind=GroupKind.PUBLIC)
    old = _post(actor_for_user(an), created_at=timezone.now() - dt.timedelta(days=30))
    recent = _post(actor_for_user(binh))
    in_group = _post(actor_for_user(binh), group=group)
    q = "chuyen doi so"
    assert _ids(None, q, author_id=actor_for_user(an).pk) == {old.pk}
    assert _ids(None, q, group_id=group.pk) == {in_group.pk}
    week_ago = timezone.localdate() - dt.timedelta(days=7)
    assert _ids(None, q, since=week_ago) == {recent.pk, in_group.pk}
    assert _ids(None, q, until=week_ago) == {old.pk}
    assert social_search(None, q, author_id=actor_for_user(an).pk).accounts == []


def test_people_pages_groups_and_hashtags(
    an: User, official: User, outsider: User, province: Unit
) -> None:
    person = actor_for_user(an)
    page = Actor.objects.create(
        kind=ActorKind.PAGE,
        unit=province,
        handle="btg_nghean",
        display_name="Ban Tuyên giáo Tỉnh ủy Nghệ An",
        verified=True,
    )
    actor_index(page.pk)
    actor_index(person.pk)
    group = Group.objects.create(slug="doi-so", name="Đổi số xã Đông", kind=GroupKind.PUBLIC)
    unit_group = Group.objects.create(
        slug="dong-nghiep", name="Đồng nghiệp Nghệ An", kind=GroupKind.UNIT, unit=province
    )
    group_index(group.pk)
    group_index(unit_group.pk)
    tag = Hashtag.objects.create(name="ChuyểnĐổiSố", folded="chuyendoiso", posts_count=3)
    hashtag_index(tag.pk)

    assert social_search(None, "nguyen van an", type="accounts").accounts == [person]
    assert social_search(None, "nghe an", type="pages").accounts == [page]
    assert social_search(None, "btg_nghean", type="people").accounts == []
    assert social_search(None, "doi so", type="groups").groups == [group]
    assert social_search(None, "chuyen doi so", type="hashtags").hashtags == [tag]
    assert social_search(None, "#chuyendoiso", type="hashtags").hashtags == [tag]
    assert social_search(official, "nghe an", type="groups").groups == [unit_group]
    assert social_search(outsider, "nghe an", type="groups").groups == []
    everything = social_search(official, "nghe an")
    assert page in everything.accounts
    assert unit_group in everything.groups


def test_blocking_people_are_not_found_by_whom_they_block(an: User, binh: User) -> None:
    blocker = actor_for_user(an)
    actor_index(blocker.pk)
    Block.objects.create(actor=blocker, target=actor_for_user(binh))
    assert social_search(binh, "nguyen van an", type="accounts").accounts == []
    assert social_search(None, "nguyen van an", type="accounts").accounts == [blocker]


def test_unknown_type_is_refused() -> None:
    with pytest.raises(ValueError, match="Unknown search type"):
        social_search(None, "x", type="videos")


def test_post_create_indexes_on_commit(an: User, django_capture_on_commit_callbacks: Any) -> None:
    from vcnet.social.services.posts import post_create

    with django_capture_on_commit_callbacks(execute=True):
        post = post_create(user=an, text="Phòng chống lũ lụt ở Nghệ An #PhòngChốngLũLụt")
    assert _ids(None, "phong chong lu lut") == {post.pk}
    assert social_search(None, "phong chong lu lut", type="hashtags").hashtags


def test_reindex_command_rebuilds(an: User) -> None:
    post = Post.objects.create(author=actor_for_user(an), text=TEXT, html="")
    assert _ids(None, "chuyen doi so") == set()
    call_command("social", "reindex")
    assert _ids(None, "chuyen doi so") == {post.pk}
    Post.objects.filter(pk=post.pk).delete()
    call_command("social", "reindex")
    assert _ids(None, "chuyen doi so") == set()


# --- The results page ---------------------------------------------------------------------


def _english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def test_page_finds_the_post_without_diacritics(client: Client, an: User, binh: User) -> None:
    _english(client)
    public = _post(actor_for_user(an))
    hidden = _post(actor_for_user(an), text=TEXT + " riêng tư", visibility=Visibility.FOLLOWERS)
    response = client.get("/social/search/", {"q": "chuyen doi so"})
    assert response.status_code == 200
    body = response.content.decode()
    assert f"/social/posts/{public.pk}/" in body
    assert f"/social/posts/{hidden.pk}/" not in body
    assert "Posts" in body and "People" in body and "Hashtags" in body  # the tabs
    client.force_login(binh)
    Follow.objects.create(follower=actor_for_user(binh), target=actor_for_user(an))
    body = client.get("/social/search/", {"q": "chuyen doi so", "type": "posts"}).content.decode()
    assert f"/social/posts/{hidden.pk}/" in body


def test_page_tabs_filters_and_bad_input(client: Client, an: User) -> None:
    _english(client)
    actor_index(actor_for_user(an).pk)
    response = client.get("/social/search/", {"q": "nguyen van an", "type": "people"})
    assert "Nguyễn Văn An" in response.content.decode()
    response = client.get(
        "/social/search/", {"q": "x", "since": "2026-05-02", "until": "2026-05-01"}
    )
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    response = client.get("/social/search/", {"q": "x", "author": "@khongcoai"})
    assert "No one has this handle." in response.content.decode()
    response = client.get("/social/search/", {"q": "x", "since": "không phải ngày"})
    assert response.status_code == 200
    response = client.get("/social/search/", {"q": "zzzz khong co gi"})
    assert "Nothing was found" in response.content.decode()
    response = client.get("/social/search/")
    assert response.status_code == 200


def test_page_htmx_returns_only_the_results(client: Client, an: User) -> None:
    _post(actor_for_user(an))
    response = client.get(
        "/social/search/",
        {"q": "chuyen doi so"},
        HTTP_HX_REQUEST="true",
        HTTP_HX_TARGET="search-results",
    )
    assert response.status_code == 200
    assert "<html" not in response.content.decode()


def test_page_query_count_does_not_grow_with_results(
    client: Client, an: User, binh: User, django_assert_max_num_queries: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(binh)
    author = actor_for_user(an)
    for i in range(2):
        _post(author, text=f"{TEXT} số {i}")
    with CaptureQueriesContext(connection) as few:
        client.get("/social/search/", {"q": "chuyen doi so", "type": "posts"})
    for i in range(2, 8):
        _post(author, text=f"{TEXT} số {i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get("/social/search/", {"q": "chuyen doi so", "type": "posts"})
    assert response.content.decode().count("/social/posts/") >= 8
