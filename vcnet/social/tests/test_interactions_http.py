"""Images, reactions, bookmarks and shares as people use them: the web pages and the Mastodon API."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image

from vcnet.accounts.models import User
from vcnet.social.models import Actor, Bookmark, Follow, MediaAttachment, Post, Visibility
from vcnet.social.services.actors import actor_for_user
from vcnet.social.tests.conftest_api import token_for

GPS_IFD = 0x8825


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def author(official: User) -> Actor:
    return actor_for_user(official)


def _post(author: Actor, text: str, **fields: Any) -> Post:
    return Post.objects.create(author=author, text=text, html=f"<p>{text}</p>", **fields)


def _api(user: User) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {token_for(user)}", "HTTP_ACCEPT_LANGUAGE": "en"}


def _gps_jpeg() -> bytes:
    exif = Image.Exif()
    exif[0x0112] = 6
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (18.0, 40.0, 0.0), 3: "E", 4: (105.0, 40.0, 0.0)})
    out = io.BytesIO()
    Image.new("RGB", (2400, 1600), (10, 120, 200)).save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


# --- images through the Mastodon API ---------------------------------------------------------


def test_api_upload_cleans_the_photo(client: Client, citizen: User) -> None:
    upload = SimpleUploadedFile("IMG_0001.jpg", _gps_jpeg(), content_type="image/jpeg")
    response = client.post(
        "/api/v2/media", {"file": upload, "description": "Đê sông Lam"}, **_api(citizen)
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["type"] == "image"
    media = MediaAttachment.objects.get(pk=int(body["id"]))
    assert media.description == "Đê sông Lam"
    assert (media.width, media.height) == (1280, 1920)  # upright, then fitted into 1920
    with Image.open(media.file.path) as img:
        assert not img.getexif().get_ifd(GPS_IFD)
        assert "exif" not in img.info
    with Image.open(media.thumbnail.path) as thumb:
        assert max(thumb.size) == 400


@pytest.mark.parametrize(
    "content",
    [
        b"Ch\xc3\xa0o b\xe1\xba\xa1n, t\xc3\xb4i l\xc3\xa0 v\xc4\x83n b\xe1\xba\xa3n",
        b"<html><body onload=alert(1)>x</body></html>",
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
    ],
)
def test_api_refuses_fake_images_clearly(client: Client, citizen: User, content: bytes) -> None:
    upload = SimpleUploadedFile("anh.jpg", content, content_type="image/jpeg")
    response = client.post("/api/v1/media", {"file": upload}, **_api(citizen))
    assert response.status_code == 422
    assert "not a JPEG, PNG, WebP or GIF image" in response.json()["error"]
    assert not MediaAttachment.objects.exists()


def test_api_refuses_oversized_images(client: Client, citizen: User, settings: Any) -> None:
    settings.SOCIAL_MEDIA_MAX_BYTES = 2048
    upload = SimpleUploadedFile("anh.jpg", _gps_jpeg(), content_type="image/jpeg")
    response = client.post("/api/v1/media", {"file": upload}, **_api(citizen))
    assert response.status_code == 422
    assert "too large" in response.json()["error"]


def test_api_describing_someone_elses_image_is_404(
    client: Client, citizen: User, outsider: User
) -> None:
    upload = SimpleUploadedFile("a.jpg", _gps_jpeg(), content_type="image/jpeg")
    media_id = client.post("/api/v1/media", {"file": upload}, **_api(citizen)).json()["id"]
    response = client.put(
        f"/api/v1/media/{media_id}",
        data='{"description": "Sửa trộm"}',
        content_type="application/json",
        **_api(outsider),
    )
    assert response.status_code == 404


# --- reactions, shares, bookmarks through the Mastodon API -----------------------------------


def test_api_favourite_reblog_bookmark_round_trip(
    client: Client, author: Actor, citizen: User
) -> None:
    post = _post(author, "Lịch tiêm chủng mở rộng tháng 12")
    headers = _api(citizen)
    body = client.post(f"/api/v1/statuses/{post.pk}/favourite", **headers).json()
    assert body["favourites_count"] == 1
    assert body["favourited"] is True
    first = client.post(f"/api/v1/statuses/{post.pk}/reblog", **headers).json()
    again = client.post(f"/api/v1/statuses/{post.pk}/reblog", **headers).json()
    assert first["id"] == again["id"]
    assert first["reblog"]["id"] == str(post.pk)
    client.post(f"/api/v1/statuses/{post.pk}/bookmark", **headers)
    listed = client.get("/api/v1/bookmarks", **headers).json()
    assert [s["id"] for s in listed] == [str(post.pk)]
    body = client.post(f"/api/v1/statuses/{post.pk}/unfavourite", **headers).json()
    assert body["favourites_count"] == 0
    client.post(f"/api/v1/statuses/{post.pk}/unreblog", **headers)
    post.refresh_from_db()
    assert (post.reblogs_count, post.reactions_count, post.reaction_counts) == (0, 0, {})


def test_api_followers_only_post_is_404_and_not_shareable(
    client: Client, author: Actor, citizen: User, leader: User
) -> None:
    post = _post(author, "Chỉ người theo dõi", visibility=Visibility.FOLLOWERS)
    for action in ("favourite", "reblog", "bookmark"):
        response = client.post(f"/api/v1/statuses/{post.pk}/{action}", **_api(citizen))
        assert response.status_code == 404, action
    Follow.objects.create(follower=actor_for_user(leader), target=author)
    response = client.post(f"/api/v1/statuses/{post.pk}/reblog", **_api(leader))
    assert response.status_code == 422
    assert "Only public posts" in response.json()["error"]
    assert client.post(f"/api/v1/statuses/{post.pk}/favourite", **_api(leader)).status_code == 200


# --- the web pages ---------------------------------------------------------------------------


def test_web_react_bookmark_and_share(
    client: Client, author: Actor, citizen: User, settings: Any
) -> None:
    post = _post(author, "Cải cách hành chính: một cửa liên thông")
    client.force_login(citizen)
    response = client.post(f"/social/posts/{post.pk}/react/", {"kind": "love"})
    assert response.status_code == 302
    post.refresh_from_db()
    assert post.reaction_counts == {"love": 1}
    client.post(f"/social/posts/{post.pk}/react/", {"kind": "haha"})
    post.refresh_from_db()
    assert (post.reactions_count, post.reaction_counts) == (1, {"haha": 1})
    client.post(f"/social/posts/{post.pk}/bookmark/")
    assert Bookmark.objects.filter(post=post).count() == 1
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = client.get("/social/bookmarks/")
    assert page.status_code == 200
    assert "Cải cách hành chính" in page.content.decode()
    client.post(f"/social/posts/{post.pk}/share/")
    client.post(f"/social/posts/{post.pk}/share/")
    assert Post.objects.filter(reblog_of=post).count() == 1


def test_web_actions_hide_what_one_cannot_see(client: Client, author: Actor, citizen: User) -> None:
    post = _post(author, "Chỉ người theo dõi", visibility=Visibility.FOLLOWERS)
    for action in ("react", "bookmark", "share"):
        assert client.post(f"/social/posts/{post.pk}/{action}/").status_code == 302  # sign in
    client.force_login(citizen)
    for action in ("react", "bookmark", "share", "unshare"):
        assert client.post(f"/social/posts/{post.pk}/{action}/").status_code == 404, action
    post.refresh_from_db()
    assert (post.reactions_count, post.reblogs_count) == (0, 0)
