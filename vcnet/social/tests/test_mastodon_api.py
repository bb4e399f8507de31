"""The Mastodon client API through Django's test client: shapes, errors, OAuth edges, pagination."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
from django.test import Client, RequestFactory

from vcnet.accounts.models import Unit, User
from vcnet.social.api.params import _fold, all_params
from vcnet.social.models import Actor, ActorKind, Follow, Group, GroupKind, Post
from vcnet.social.services.actors import actor_for_user
from vcnet.social.tests.conftest_api import hidden_fields, token_for

OOB = "urn:ietf:wg:oauth:2.0:oob"


@pytest.fixture
def bearer() -> Any:
    """`bearer(user)` -> the Authorization header for Django's test client."""

    def make(user: User, scope: str = "read write follow push") -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {token_for(user, scope)}"}

    return make


def _json(response: Any) -> Any:
    return json.loads(response.content)


def _post_as(client: Client, headers: dict[str, Any], path: str, data: dict[str, Any]) -> Any:
    return client.post(
        path,
        data=urlencode(data, doseq=True),
        content_type="application/x-www-form-urlencoded",
        **headers,
    )


# --- parameters -------------------------------------------------------------------------
def test_form_arrays_and_nested_objects_fold_like_rails() -> None:
    request = RequestFactory().post(
        "/api/v1/statuses",
        data="status=Ch%C3%A0o&media_ids[]=3&media_ids[]=4&poll[options][]=C%C3%B3&poll[options][]=Kh%C3%B4ng&poll[expires_in]=600",
        content_type="application/x-www-form-urlencoded",
    )
    data, files = all_params(request)
    assert data == {
        "status": "Chào",
        "media_ids": ["3", "4"],
        "poll": {"options": ["Có", "Không"], "expires_in": "600"},
    }
    assert files == {}


def test_json_bodies_are_read_as_they_are() -> None:
    request = RequestFactory().post(
        "/api/v1/statuses",
        data={"status": "Xin chào", "media_ids": [1]},
        content_type="application/json",
    )
    assert all_params(request)[0] == {"status": "Xin chào", "media_ids": [1]}


def test_fold_keeps_plain_keys() -> None:
    from django.http import QueryDict

    assert _fold(QueryDict("a=1&b[]=2&b[]=3")) == {"a": "1", "b": ["2", "3"]}


# --- apps and OAuth ---------------------------------------------------------------------
@pytest.mark.django_db
def test_app_registration_returns_a_working_confidential_client(client: Client) -> None:
    answer = client.post(
        "/api/v1/apps",
        {"client_name": "Ứng dụng Tin tức", "redirect_uris": OOB, "scopes": "read write follow"},
    )
    assert answer.status_code == 200
    body = _json(answer)
    assert body["name"] == "Ứng dụng Tin tức"
    assert body["client_id"] and body["client_secret"]
    assert body["redirect_uri"] == OOB and body["scopes"] == ["read", "write", "follow"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "data",
    [
        {"redirect_uris": OOB},
        {"client_name": "Ứng dụng", "redirect_uris": "javascript:alert(1)"},
        {"client_name": "Ứng dụng", "redirect_uris": "https://"},
    ],
)
def test_app_registration_refuses_bad_input_with_422(client: Client, data: dict[str, str]) -> None:
    answer = client.post("/api/v1/apps", data)
    assert answer.status_code == 422
    assert set(_json(answer)) <= {"error", "details"} and _json(answer)["error"]


@pytest.mark.django_db
def test_out_of_band_authorization_shows_the_code(client: Client, citizen: User) -> None:
    app = _json(
        client.post(
            "/api/v1/apps",
            {"client_name": "Ứng dụng OOB", "redirect_uris": OOB, "scopes": "read write"},
        )
    )
    client.force_login(citizen)
    query = urlencode(
        {
            "client_id": app["client_id"],
            "response_type": "code",
            "redirect_uri": OOB,
            "scope": "read write",
        }
    )
    page = client.get(f"/oauth/authorize?{query}")
    assert page.status_code == 200
    fields = hidden_fields(page.content.decode())
    fields["allow"] = "Authorize"
    answer = client.post("/oauth/authorize/", fields)
    assert answer.status_code == 200, answer.content[:300]
    code = answer.context["code"]
    token = client.post(
        "/oauth/token",
        {
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": OOB,
            "client_id": app["client_id"],
            "client_secret": app["client_secret"],
        },
    )
    assert token.status_code == 200, token.content
    access = _json(token)["access_token"]
    me = Client().get("/api/v1/accounts/verify_credentials", HTTP_AUTHORIZATION=f"Bearer {access}")
    assert _json(me)["display_name"] == "Đỗ Minh Đức"


# --- errors -------------------------------------------------------------------------------
@pytest.mark.django_db
def test_errors_are_mastodon_shaped(client: Client, citizen: User, bearer: Any) -> None:
    bad = client.get("/api/v1/accounts/verify_credentials", HTTP_AUTHORIZATION="Bearer sai")
    assert bad.status_code == 401 and "error" in _json(bad)
    anonymous = client.get("/api/v1/timelines/home")
    assert anonymous.status_code == 401 and "error" in _json(anonymous)
    missing = client.get("/api/v1/statuses/987654", **bearer(citizen))
    assert missing.status_code == 404 and set(_json(missing)) == {"error"}
    read_only = client.post("/api/v1/statuses", {"status": "Xin chào"}, **bearer(citizen, "read"))
    assert read_only.status_code == 403 and "error" in _json(read_only)


@pytest.mark.django_db
def test_invalid_statuses_are_422(client: Client, citizen: User, bearer: Any) -> None:
    headers = bearer(citizen)
    empty = _post_as(client, headers, "/api/v1/statuses", {"status": ""})
    assert empty.status_code == 422 and _json(empty)["error"]
    direct = _post_as(
        client, headers, "/api/v1/statuses", {"status": "Nhắn riêng", "visibility": "direct"}
    )
    assert direct.status_code == 422
    long_poll = _post_as(
        client,
        headers,
        "/api/v1/statuses",
        {
            "status": "Thăm dò",
            "poll[options][]": ["A", "B", "C", "D", "E"],
            "poll[expires_in]": "600",
        },
    )
    assert long_poll.status_code == 422
    fake = client.post("/api/v2/media", {"file": _fake_image()}, **headers)
    assert fake.status_code == 422 and _json(fake)["error"]


def _fake_image() -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("anh.png", b"<script>alert(1)</script>", content_type="image/png")


@pytest.mark.django_db
def test_followers_only_and_other_groups_are_404(
    client: Client, citizen: User, official: User, province: Unit, bearer: Any
) -> None:
    author = actor_for_user(official)
    secret = Post.objects.create(
        author=author, text="Nội bộ", html="<p>Nội bộ</p>", visibility="followers"
    )
    headers = bearer(citizen)
    assert client.get(f"/api/v1/statuses/{secret.pk}", **headers).status_code == 404
    assert client.get(f"/api/v1/statuses/{secret.pk}").status_code == 404
    assert client.post(f"/api/v1/statuses/{secret.pk}/favourite", **headers).status_code == 404
    assert client.get(f"/api/v1/statuses/{secret.pk}/context", **headers).status_code == 404
    Follow.objects.create(follower=actor_for_user(citizen), target=author)
    assert client.get(f"/api/v1/statuses/{secret.pk}", **headers).status_code == 200

    group = Group.objects.create(
        slug="can-bo-nghe-an", name="Cán bộ Nghệ An", kind=GroupKind.PRIVATE
    )
    posted = _post_as(
        client, headers, "/api/v1/statuses", {"status": "Cho tôi vào", "group_id": group.pk}
    )
    assert posted.status_code == 404
    assert client.get(f"/api/v1/timelines/group/{group.pk}", **headers).status_code == 404


# --- shapes and pagination -------------------------------------------------------------------
@pytest.mark.django_db
def test_public_timeline_pages_with_link_headers(
    client: Client, official: User, province: Unit
) -> None:
    page = Actor.objects.create(
        kind=ActorKind.PAGE,
        unit=province,
        handle="btg_nghean",
        display_name="Ban Tuyên giáo Nghệ An",
        verified=True,
    )
    posts = [
        Post.objects.create(author=page, text=f"Thông báo số {n}", html=f"<p>Thông báo số {n}</p>")
        for n in range(5)
    ]
    first = client.get("/api/v1/timelines/public?limit=2")
    assert first.status_code == 200
    body = _json(first)
    assert [s["id"] for s in body] == [str(posts[4].pk), str(posts[3].pk)]
    assert body[0]["account"]["vcnet"] == {
        "kind": "page",
        "verified": True,
        "unit": {"id": str(province.pk), "name": province.name},
    }
    assert "favourited" not in body[0]  # anonymous: no viewer fields
    links = first["Link"]
    assert 'rel="next"' in links and 'rel="prev"' in links
    next_url = links.split(";")[0].strip("<>")
    assert parse_qs(urlsplit(next_url).query)["max_id"] == [str(posts[3].pk)]
    second = _json(client.get(urlsplit(next_url).path + "?" + urlsplit(next_url).query))
    assert [s["id"] for s in second] == [str(posts[2].pk), str(posts[1].pk)]


@pytest.mark.django_db
def test_instance_answers_in_v1_and_v2(client: Client) -> None:
    v1 = _json(client.get("/api/v1/instance"))
    v2 = _json(client.get("/api/v2/instance"))
    assert (
        v1["version"].startswith("4.") and v1["configuration"]["statuses"]["max_characters"] == 5000
    )
    assert v2["api_versions"] == {"mastodon": 2}
    assert client.get("/api/v2/nothing-here").status_code == 404
    assert _json(client.get("/api/v1/custom_emojis")) == []


@pytest.mark.django_db
def test_update_credentials_with_multipart_patch(
    client: Client, citizen: User, bearer: Any
) -> None:
    from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

    body = encode_multipart(BOUNDARY, {"display_name": "Đức <b>Đỗ</b>", "note": "Công dân Nghệ An"})
    answer = client.patch(
        "/api/v1/accounts/update_credentials",
        data=body,
        content_type=MULTIPART_CONTENT,
        **bearer(citizen),
    )
    assert answer.status_code == 200, answer.content
    data = _json(answer)
    assert data["display_name"] == "Đức <b>Đỗ</b>"  # plain text; clients escape it
    assert data["source"]["note"] == "Công dân Nghệ An"
    assert "<b>" not in data["note"]


@pytest.mark.django_db
def test_notifications_dismiss_and_clear(
    client: Client,
    citizen: User,
    official: User,
    bearer: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    headers = bearer(citizen)
    me = actor_for_user(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        follow = _json(client.post(f"/api/v1/accounts/{me.pk}/follow", **bearer(official)))
    assert follow["following"] is True
    listed = _json(client.get("/api/v1/notifications", **headers))
    assert [n["type"] for n in listed] == ["follow"]
    assert listed[0]["account"]["display_name"] == "Lê Hoàng Cường"
    one = listed[0]["id"]
    assert client.get(f"/api/v1/notifications/{one}", **bearer(official)).status_code == 404
    assert client.post(f"/api/v1/notifications/{one}/dismiss", **headers).status_code == 200
    assert _json(client.get("/api/v1/notifications", **headers)) == []
    assert client.post("/api/v1/notifications/clear", **headers).status_code == 200


@pytest.mark.django_db
def test_session_callers_need_the_csrf_token(citizen: User) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(citizen)
    assert browser.get("/api/v1/accounts/verify_credentials").status_code == 200
    refused = browser.post("/api/v1/statuses", {"status": "Xin chào"})
    assert refused.status_code == 403 and "error" in _json(refused)


@pytest.mark.django_db
def test_edit_history_bookmarks_and_lists(
    client: Client,
    citizen: User,
    official: User,
    bearer: Any,
    django_capture_on_commit_callbacks: Any,
) -> None:
    headers = bearer(citizen)
    with django_capture_on_commit_callbacks(execute=True):
        created = _json(
            _post_as(client, headers, "/api/v1/statuses", {"status": "Bản nháp đầu tiên"})
        )
        status_id = created["id"]
        edited = client.put(
            f"/api/v1/statuses/{status_id}",
            data=json.dumps({"status": "Bản đã sửa về #CảiCáchHànhChính"}),
            content_type="application/json",
            **headers,
        )
    assert edited.status_code == 200, edited.content
    assert "Bản đã sửa" in _json(edited)["content"] and _json(edited)["edited_at"]
    history = _json(client.get(f"/api/v1/statuses/{status_id}/history", **headers))
    assert len(history) == 2 and "Bản nháp đầu tiên" in history[0]["content"]
    other = bearer(official)
    assert client.put(
        f"/api/v1/statuses/{status_id}",
        data=json.dumps({"status": "Không phải của tôi"}),
        content_type="application/json",
        **other,
    ).status_code in {403, 404}
    assert client.delete(f"/api/v1/statuses/{status_id}", **other).status_code in {403, 404}

    marked = _json(client.post(f"/api/v1/statuses/{status_id}/bookmark", **other))
    assert marked["bookmarked"] is True
    assert [s["id"] for s in _json(client.get("/api/v1/bookmarks", **other))] == [status_id]
    client.post(f"/api/v1/statuses/{status_id}/favourite", **other)
    assert [s["id"] for s in _json(client.get("/api/v1/favourites", **other))] == [status_id]
    author = created["account"]["id"]
    listed = _json(client.get(f"/api/v1/accounts/{author}/statuses"))
    assert [s["id"] for s in listed] == [status_id]
    client.post(f"/api/v1/accounts/{author}/follow", **other)
    followers = _json(client.get(f"/api/v1/accounts/{author}/followers"))
    assert [a["display_name"] for a in followers] == ["Lê Hoàng Cường"]
    looked_up = _json(client.get(f"/api/v1/accounts/lookup?acct={created['account']['acct']}"))
    assert looked_up["id"] == author


@pytest.mark.django_db
def test_public_timeline_queries_do_not_grow_with_the_page(
    client: Client, province: Unit, citizen: User, bearer: Any
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    page = Actor.objects.create(
        kind=ActorKind.PAGE,
        unit=province,
        handle="btg_nghean",
        display_name="Ban Tuyên giáo Nghệ An",
    )
    headers = bearer(citizen)

    def count(n: int) -> int:
        for i in range(n):
            Post.objects.create(author=page, text=f"Tin số {i}", html=f"<p>Tin số {i}</p>")
        with CaptureQueriesContext(connection) as queries:
            assert client.get(f"/api/v1/timelines/public?limit={n}", **headers).status_code == 200
        Post.objects.all().delete()
        return len(queries)

    count(1)  # the first request makes the caller's profile and caches the token
    assert count(8) == count(2)
