"""The profile page: details, memberships, editing, and avatar uploads."""

from __future__ import annotations

import io
import os
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from vcnet.accounts.models import User
from vcnet.core.models import AuditEntry

PROFILE_URL = reverse("accounts:profile")


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _jpeg_with_exif(width: int = 800, height: int = 600) -> bytes:
    """A landscape photo whose EXIF says "rotate 90° clockwise", with camera and GPS details.

    The stored pixels are red on top and blue below; shown upright, red is on the right.
    """
    image = Image.new("RGB", (width, height), (0, 0, 255))
    image.paste((255, 0, 0), (0, 0, width, height // 2))
    exif = Image.Exif()
    exif[0x0112] = 6  # Orientation
    exif[0x010F] = "Máy ảnh thử"  # Make
    exif[0x8825] = {1: "N", 2: (18.0, 40.0, 0.0)}  # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif, quality=90)
    return out.getvalue()


def _post(client: Client, user: User, **changes: object):
    data: dict[str, object] = {"full_name": user.full_name, "phone": user.phone or ""}
    data.update(changes)
    return client.post(PROFILE_URL, data)


def _field_errors(response, field: str) -> list[str]:
    return [str(error) for error in response.context["form"].errors.get(field, [])]


def test_profile_requires_sign_in(client: Client, db: None) -> None:
    response = client.get(PROFILE_URL)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('accounts:login')}?next={PROFILE_URL}"


def test_profile_shows_details_and_memberships(
    client: Client, leader: User, django_assert_max_num_queries
) -> None:
    client.force_login(leader)
    # 8: the launcher asks once whether the person moderates and once whether they analyse
    # public opinion (each then cached for a while).
    with django_assert_max_num_queries(8):
        response = client.get(PROFILE_URL)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nguyễn Văn An" in html
    assert "truongban@nghean.vcnet.test" in html
    assert "Ban Tuyên giáo Tỉnh ủy Nghệ An" in html
    assert "Trưởng ban" in html


def test_profile_of_a_citizen_without_units(client: Client, citizen: User) -> None:
    client.force_login(citizen)
    response = client.get(PROFILE_URL)
    html = response.content.decode()
    assert "Đỗ Minh Đức" in html
    assert "+84912345678" in html
    assert not response.context["memberships"]
    assert 'class="memberships"' not in html
    assert 'class="empty"' in html


def test_edit_name_and_phone(client: Client, official: User) -> None:
    client.force_login(official)
    response = _post(client, official, full_name="  Lê  Hoàng   Cường Mới ", phone="0987 654 321")
    assert response.status_code == 302
    assert response["Location"] == PROFILE_URL
    official.refresh_from_db()
    assert official.full_name == "Lê Hoàng Cường Mới"
    assert official.phone == "+84987654321"
    entry = AuditEntry.objects.get(action="user.update_profile")
    assert entry.actor_id == official.pk
    assert sorted(entry.data["changed"]) == ["full_name", "phone"]
    page = client.get(PROFILE_URL)
    assert 'role="status"' in page.content.decode()  # the "saved" message


def test_phone_of_another_account_is_refused(client: Client, official: User, citizen: User) -> None:
    client.force_login(official)
    response = _post(client, official, phone="0912.345.678")
    assert response.status_code == 200
    assert _field_errors(response, "phone")
    assert 'id="id_phone_error"' in response.content.decode()
    official.refresh_from_db()
    assert official.phone is None


def test_not_a_phone_number_is_refused(client: Client, official: User) -> None:
    client.force_login(official)
    response = _post(client, official, phone="gọi tôi nhé")
    assert _field_errors(response, "phone")
    official.refresh_from_db()
    assert official.phone is None


def test_empty_name_is_refused(client: Client, official: User) -> None:
    client.force_login(official)
    response = _post(client, official, full_name="   ")
    assert _field_errors(response, "full_name")
    official.refresh_from_db()
    assert official.full_name == "Lê Hoàng Cường"


def test_name_is_shown_escaped(client: Client, official: User) -> None:
    client.force_login(official)
    payload = '<script>alert("xss")</script><img src=x onerror=alert(1)>'
    assert _post(client, official, full_name=payload).status_code == 302
    html = client.get(PROFILE_URL).content.decode()
    assert "<script>alert(" not in html
    assert "<img src=x" not in html
    assert "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;" in html


def test_avatar_jpeg_is_stripped_turned_and_resized(client: Client, official: User) -> None:
    client.force_login(official)
    upload = SimpleUploadedFile("anh-the.jpg", _jpeg_with_exif(), content_type="image/jpeg")
    response = _post(client, official, avatar=upload)
    assert response.status_code == 302

    official.refresh_from_db()
    assert official.avatar.name.startswith("avatars/")
    with Image.open(official.avatar.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (256, 256)
        assert len(stored.getexif()) == 0
        assert "exif" not in stored.info
        rgb = stored.convert("RGB")
        left, right = rgb.getpixel((10, 128)), rgb.getpixel((245, 128))
    assert left[2] > 200 and left[0] < 60  # blue on the left: the photo was turned upright
    assert right[0] > 200 and right[2] < 60
    assert official.avatar.url in client.get(PROFILE_URL).content.decode()


def test_avatar_png_with_transparency_stays_png(client: Client, official: User) -> None:
    client.force_login(official)
    out = io.BytesIO()
    Image.new("RGBA", (300, 500), (200, 30, 40, 120)).save(out, format="PNG")
    _post(client, official, avatar=SimpleUploadedFile("logo.png", out.getvalue()))
    official.refresh_from_db()
    with Image.open(official.avatar.path) as stored:
        assert (stored.format, stored.size, stored.mode) == ("PNG", (256, 256), "RGBA")


def test_text_file_named_jpg_is_refused_and_the_old_avatar_stays(
    client: Client, official: User
) -> None:
    client.force_login(official)
    _post(client, official, avatar=SimpleUploadedFile("that.jpg", _jpeg_with_exif()))
    official.refresh_from_db()
    old_name, old_path = official.avatar.name, official.avatar.path

    fake = SimpleUploadedFile("anh.jpg", "Đây không phải ảnh".encode(), content_type="image/jpeg")
    response = _post(client, official, avatar=fake, full_name="Tên Mới")
    assert response.status_code == 200
    assert _field_errors(response, "avatar")
    assert 'id="id_avatar_error"' in response.content.decode()
    official.refresh_from_db()
    assert official.avatar.name == old_name
    assert official.full_name == "Lê Hoàng Cường"  # nothing of the bad submission was saved
    assert os.path.exists(old_path)


def test_truncated_jpeg_is_refused(client: Client, official: User) -> None:
    client.force_login(official)
    broken = _jpeg_with_exif()[:3000]
    response = _post(client, official, avatar=SimpleUploadedFile("hong.jpg", broken))
    assert response.status_code == 200
    assert _field_errors(response, "avatar")
    official.refresh_from_db()
    assert not official.avatar


def test_gif_is_refused(client: Client, official: User) -> None:
    client.force_login(official)
    out = io.BytesIO()
    Image.new("RGB", (64, 64), (1, 2, 3)).save(out, format="GIF")
    response = _post(client, official, avatar=SimpleUploadedFile("anh.png", out.getvalue()))
    assert _field_errors(response, "avatar")


def test_oversized_file_is_refused(client: Client, official: User, settings) -> None:
    client.force_login(official)
    noise = Image.frombytes("RGB", (1000, 1000), os.urandom(3_000_000))
    out = io.BytesIO()
    noise.save(out, format="PNG")
    assert len(out.getvalue()) > settings.AVATAR_MAX_BYTES
    response = _post(client, official, avatar=SimpleUploadedFile("to.png", out.getvalue()))
    errors = _field_errors(response, "avatar")
    assert errors
    assert str(settings.AVATAR_MAX_BYTES // 1024) in errors[0]
    official.refresh_from_db()
    assert not official.avatar


def test_decompression_bomb_is_refused(client: Client, official: User) -> None:
    client.force_login(official)
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, format="PNG")  # 48 megapixels in a few kilobytes
    assert len(out.getvalue()) < 100_000
    response = _post(client, official, avatar=SimpleUploadedFile("bom.png", out.getvalue()))
    errors = _field_errors(response, "avatar")
    assert errors
    assert "40" in errors[0]
    official.refresh_from_db()
    assert not official.avatar


def test_replacing_the_avatar_removes_the_old_file(
    client: Client, official: User, django_capture_on_commit_callbacks
) -> None:
    client.force_login(official)
    _post(client, official, avatar=SimpleUploadedFile("a.jpg", _jpeg_with_exif()))
    official.refresh_from_db()
    old_path = official.avatar.path
    with django_capture_on_commit_callbacks(execute=True):
        _post(client, official, avatar=SimpleUploadedFile("b.jpg", _jpeg_with_exif(400, 400)))
    official.refresh_from_db()
    assert official.avatar.path != old_path
    assert os.path.exists(official.avatar.path)
    assert not os.path.exists(old_path)
