"""Images for posts: type by content, size and pixel limits, EXIF stripped, resized, thumbnails."""

from __future__ import annotations

import io
import os
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from vcnet.accounts.models import User
from vcnet.core.errors import DomainError, NotFound
from vcnet.social.media_images import ImageRejected, image_clean, max_bytes
from vcnet.social.models import MediaAttachment
from vcnet.social.services.media import (
    media_for_post,
    media_purge_unattached,
    media_update,
    media_upload,
)

GPS_IFD = 0x8825
ORIENTATION = 0x0112


@pytest.fixture(autouse=True)
def _media_root(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def _image_bytes(
    size: tuple[int, int] = (64, 48), fmt: str = "JPEG", mode: str = "RGB", **save: Any
) -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 100)).save(
        out, format=fmt, **save
    )
    return out.getvalue()


def _phone_photo() -> bytes:
    """A 300x200 JPEG as a phone writes it: sideways pixels, orientation 6, a GPS position."""
    img = Image.new("RGB", (300, 200), (0, 0, 255))
    img.paste((255, 0, 0), (0, 0, 150, 200))  # left half red, right half blue
    exif = Image.Exif()
    exif[ORIENTATION] = 6  # "rotate 90° clockwise to display"
    exif[0x010F] = "Hãng máy ảnh"  # Make
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (21.0, 1.0, 42.0), 3: "E", 4: (105.0, 51.0, 0.0)})
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif.tobytes(), quality=95)
    return out.getvalue()


def _upload(data: bytes, name: str = "anh.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type="image/jpeg")


def test_phone_photo_loses_gps_and_is_turned_upright(citizen: User) -> None:
    raw = _phone_photo()
    assert Image.open(io.BytesIO(raw)).getexif().get_ifd(GPS_IFD)  # the position is there
    media = media_upload(
        user=citizen, file=_upload(raw), description="Ảnh chụp buổi họp tổ dân phố"
    )
    media.refresh_from_db()
    assert media.content_type == "image/jpeg"
    assert (media.width, media.height) == (200, 300)  # turned upright
    with media.file.open("rb") as f:
        stored = f.read()
    assert b"Exif" not in stored[:4096]
    with Image.open(io.BytesIO(stored)) as img:
        assert img.size == (200, 300)
        exif = img.getexif()
        assert not exif.get_ifd(GPS_IFD)
        assert ORIENTATION not in exif
        assert len(exif) == 0
        assert "exif" not in img.info
        rgb = img.convert("RGB")
        # Rotated clockwise: the red left half is now the top half.
        top, bottom = rgb.getpixel((100, 40)), rgb.getpixel((100, 260))
        assert top[0] > 200 and top[2] < 60  # type: ignore[index]
        assert bottom[2] > 200 and bottom[0] < 60  # type: ignore[index]
    assert media.thumbnail
    with Image.open(media.thumbnail.path) as thumb:
        assert "exif" not in thumb.info and len(thumb.getexif()) == 0
    assert media.post is None
    assert media.uploaded_by == citizen
    assert media.description == "Ảnh chụp buổi họp tổ dân phố"


def test_large_image_is_resized_with_a_thumbnail(citizen: User) -> None:
    media = media_upload(user=citizen, file=_upload(_image_bytes((4000, 3000), "JPEG")))
    assert (media.width, media.height) == (1920, 1440)
    with Image.open(media.file.path) as img:
        assert img.size == (1920, 1440)
        assert img.format == "JPEG"
    with Image.open(media.thumbnail.path) as thumb:
        assert thumb.size == (400, 300)
    assert media.file.name.startswith("social/media/")
    assert not media.file.name.endswith("anh.jpg")  # names are never the uploader's


def test_small_image_is_not_enlarged(citizen: User) -> None:
    clean = image_clean(_image_bytes((120, 80), "PNG"), max_side=1920, thumb_side=400)
    assert (clean.width, clean.height) == (120, 80)
    assert clean.thumbnail is not None
    assert Image.open(clean.thumbnail).size == (120, 80)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("anh.jpg", "Đây là một tệp văn bản, không phải ảnh.\n".encode()),
        ("anh.jpg", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
        (
            "logo.png",
            b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><rect width="9"/></svg>',
        ),
        ("trong.jpg", b""),
        ("giaymoi.jpg", b"%PDF-1.7\n1 0 obj<<>>endobj\n"),
        ("anh.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 10),  # a JPEG header and nothing else
    ],
)
def test_files_that_are_not_images_are_refused(citizen: User, name: str, content: bytes) -> None:
    with pytest.raises(ImageRejected) as caught:
        media_upload(user=citizen, file=_upload(content, name))
    assert caught.value.code in {"not_an_image", "broken_image"}
    assert caught.value.status == 400
    assert not MediaAttachment.objects.exists()


def test_fake_message_names_the_accepted_types(citizen: User, settings: Any) -> None:
    with pytest.raises(ImageRejected) as caught:
        media_upload(user=citizen, file=_upload(b"<html>xin chao</html>", "anh.jpg"))
    assert caught.value.code == "not_an_image"
    message = str(caught.value.message)
    assert "JPEG, PNG, WebP or GIF" in message
    assert "content" in message


def test_other_image_types_than_the_four_are_refused(citizen: User) -> None:
    for fmt in ("BMP", "TIFF", "ICO"):
        with pytest.raises(ImageRejected) as caught:
            media_upload(user=citizen, file=_upload(_image_bytes((32, 32), fmt), "anh.jpg"))
        assert caught.value.code == "not_an_image"


def test_truncated_image_is_refused_as_damaged(citizen: User) -> None:
    data = _image_bytes((800, 600), "PNG")
    with pytest.raises(ImageRejected) as caught:
        media_upload(user=citizen, file=_upload(data[: len(data) // 2], "anh.png"))
    assert caught.value.code in {"broken_image", "not_an_image"}


def test_type_comes_from_content_not_name(citizen: User) -> None:
    png = _image_bytes((50, 40), "PNG", mode="RGBA")
    media = media_upload(user=citizen, file=_upload(png, "that-ra-la-png.jpg"))
    assert media.content_type == "image/png"
    assert media.file.name.endswith(".png")
    with Image.open(media.file.path) as img:
        assert img.format == "PNG"
        assert img.mode == "RGBA"  # transparency kept


def test_webp_stays_webp(citizen: User) -> None:
    media = media_upload(user=citizen, file=_upload(_image_bytes((64, 64), "WEBP"), "a.webp"))
    assert media.content_type == "image/webp"
    with Image.open(media.file.path) as img:
        assert img.format == "WEBP"


def test_animated_gif_keeps_its_first_frame_as_png(citizen: User) -> None:
    frames = [Image.new("RGB", (40, 30), colour) for colour in ((0, 200, 0), (200, 0, 0))]
    out = io.BytesIO()
    frames[0].save(out, format="GIF", save_all=True, append_images=frames[1:], duration=100)
    media = media_upload(user=citizen, file=_upload(out.getvalue(), "dong.gif"))
    assert media.content_type == "image/png"
    with Image.open(media.file.path) as img:
        assert img.format == "PNG"
        assert getattr(img, "n_frames", 1) == 1
        pixel = img.convert("RGB").getpixel((5, 5))
        assert pixel[1] > 150 and pixel[0] < 50  # type: ignore[index]


def test_oversized_file_is_refused_with_the_limit(citizen: User, settings: Any) -> None:
    settings.SOCIAL_MEDIA_MAX_BYTES = 200_000
    noise = Image.frombytes("RGB", (400, 400), os.urandom(480_000))
    out = io.BytesIO()
    noise.save(out, format="PNG")
    assert len(out.getvalue()) > 200_000
    with pytest.raises(ImageRejected) as caught:
        media_upload(user=citizen, file=_upload(out.getvalue(), "nhieu.png"))
    assert caught.value.code == "file_too_large"
    assert "195" in str(caught.value.message)  # 200,000 bytes shown as 195 KB
    # A declared size that lies does not help: the bytes themselves are counted.
    liar = _upload(out.getvalue(), "nhieu.png")
    liar.size = 10
    with pytest.raises(ImageRejected):
        media_upload(user=citizen, file=liar)
    assert not MediaAttachment.objects.exists()


def test_default_limit_is_ten_megabytes(settings: Any) -> None:
    if hasattr(settings, "SOCIAL_MEDIA_MAX_BYTES"):
        del settings.SOCIAL_MEDIA_MAX_BYTES
    assert max_bytes() == 10 * 1024 * 1024


def test_decompression_bomb_is_refused_before_decoding(citizen: User) -> None:
    out = io.BytesIO()
    Image.new("1", (8000, 6000)).save(out, format="PNG")  # 48 megapixels in a few kilobytes
    assert len(out.getvalue()) < 100_000
    with pytest.raises(ImageRejected) as caught:
        media_upload(user=citizen, file=_upload(out.getvalue(), "bom.png"))
    assert caught.value.code == "too_many_pixels"
    assert "40" in str(caught.value.message)


def test_square_crop_for_profile_pictures() -> None:
    clean = image_clean(_image_bytes((900, 500), "JPEG"), max_side=400, square=True)
    assert (clean.width, clean.height) == (400, 400)
    assert clean.thumbnail is None
    small = image_clean(_image_bytes((90, 50), "JPEG"), max_side=400, square=True)
    assert (small.width, small.height) == (50, 50)


def test_description_is_edited_only_by_the_uploader(citizen: User, official: User) -> None:
    media = media_upload(user=citizen, file=_upload(_image_bytes()))
    updated = media_update(user=citizen, media_id=media.pk, description="  Biểu đồ ngân sách  ")
    assert updated.description == "Biểu đồ ngân sách"
    with pytest.raises(NotFound):
        media_update(user=official, media_id=media.pk, description="Sửa trộm")
    with pytest.raises(DomainError) as caught:
        media_update(user=citizen, media_id=media.pk, description="x" * 1501)
    assert caught.value.code == "description_too_long"
    media.refresh_from_db()
    assert media.description == "Biểu đồ ngân sách"


def test_description_too_long_refused_at_upload(citizen: User) -> None:
    with pytest.raises(DomainError):
        media_upload(user=citizen, file=_upload(_image_bytes()), description="y" * 1501)
    assert not MediaAttachment.objects.exists()


def test_media_for_post_checks_owner_count_and_use(citizen: User, official: User) -> None:
    mine = [media_upload(user=citizen, file=_upload(_image_bytes())) for _ in range(5)]
    theirs = media_upload(user=official, file=_upload(_image_bytes()))
    ids = [m.pk for m in mine]
    assert [m.pk for m in media_for_post(user=citizen, media_ids=ids[2::-1])] == ids[2::-1]
    with pytest.raises(DomainError) as caught:
        media_for_post(user=citizen, media_ids=ids)
    assert caught.value.code == "too_many_media"
    with pytest.raises(DomainError) as caught:
        media_for_post(user=citizen, media_ids=[ids[0], theirs.pk])
    assert caught.value.code == "media_unavailable"
    with pytest.raises(DomainError):
        media_for_post(user=citizen, media_ids=[999_999])
    assert media_for_post(user=citizen, media_ids=[]) == []


def test_unused_uploads_are_purged_with_their_files(citizen: User) -> None:
    import datetime as dt

    from django.utils import timezone

    old = media_upload(user=citizen, file=_upload(_image_bytes()))
    fresh = media_upload(user=citizen, file=_upload(_image_bytes()))
    MediaAttachment.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - dt.timedelta(days=2)
    )
    path = old.file.path
    assert os.path.exists(path)
    assert media_purge_unattached() == 1
    assert not os.path.exists(path)
    assert list(MediaAttachment.objects.values_list("pk", flat=True)) == [fresh.pk]
