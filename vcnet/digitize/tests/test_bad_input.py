"""Bad scans and archives, sent as a clerk would send them: each refused or failed with a clear
message, and nothing half-registered (no document, no stray job)."""

from __future__ import annotations

import io
import stat
import zipfile
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from vcnet.accounts.models import Unit, User
from vcnet.digitize.errors import ScanRefused
from vcnet.digitize.inputs import Member, scan_inspect, zip_read
from vcnet.digitize.models import ImportItem, ItemState, ScanJob
from vcnet.digitize.tests.conftest import letter_pdf, signed_in, zip_of
from vcnet.documents.models import Document
from vcnet.documents.tests.factories import make_encrypted_pdf, make_pdf

pytestmark = pytest.mark.django_db


def _png(size: tuple[int, int] = (50, 50)) -> bytes:
    out = io.BytesIO()
    Image.new("L", size, 255).save(out, format="PNG")
    return out.getvalue()


def _unit_of(clerk: User) -> int:
    return int(clerk.memberships.values_list("unit_id", flat=True)[0])


def _upload(clerk: User, name: str, data: bytes) -> Any:
    return signed_in(clerk).post(
        reverse("digitize:index"),
        {"unit": _unit_of(clerk), "scan": SimpleUploadedFile(name, data)},
    )


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("thu.pdf", b"Day khong phai PDF", "neither a PDF nor an image"),
        ("bao-mat.pdf", make_encrypted_pdf(), "protected by a password"),
        ("hong.png", _png()[:40], "image is damaged"),
        ("hong.jpg", b"\xff\xd8\xff\xe0" + b"\x00" * 200, "image is damaged"),
        ("hong.pdf", b"%PDF-1.7\n1 0 obj <<>> garbage", "PDF is damaged"),
        ("rong.pdf", b"", "empty"),
        ("lo.zip", zip_of(("a.png", _png())), "batch import"),
    ],
)
def test_a_bad_scan_is_refused_with_a_clear_message_and_leaves_nothing(
    clerk: User, name: str, data: bytes, message: str
) -> None:
    response = _upload(clerk, name, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ScanJob.objects.exists()
    assert not Document.objects.exists()


def test_more_pages_than_allowed_is_refused(clerk: User, settings: Any) -> None:
    settings.DIGITIZE_MAX_PAGES = 2
    response = _upload(clerk, "dai.pdf", make_pdf(pages=3))
    assert response.status_code == 400
    assert "more pages than the limit" in response.content.decode()
    tiff = io.BytesIO()
    frames = [Image.new("L", (20, 20), 255) for _ in range(3)]
    frames[0].save(tiff, format="TIFF", save_all=True, append_images=frames[1:])
    response = _upload(clerk, "dai.tif", tiff.getvalue())
    assert "more pages than the limit" in response.content.decode()
    assert not ScanJob.objects.exists()


def test_an_image_too_large_to_be_a_page_is_refused() -> None:
    # 10000 x 9000 pixels: 90 million, more than A3 at 600 dpi; a few KiB of PNG.
    image = io.BytesIO()
    Image.new("1", (10000, 9000), 1).save(image, format="PNG")
    with pytest.raises(ScanRefused) as refused:
        scan_inspect(image.getvalue())
    assert refused.value.code == "too_big_image"


def test_born_digital_pdf_is_seen_to_have_text() -> None:
    assert scan_inspect(letter_pdf()).has_text
    assert not scan_inspect(make_pdf(text="", pages=1)).has_text


# --- Zip archives -----------------------------------------------------------------------------


def _batch(clerk: User, *files: tuple[str, bytes]) -> Any:
    return signed_in(clerk).post(
        reverse("digitize:batch"),
        {
            "unit": _unit_of(clerk),
            "scans": [SimpleUploadedFile(name, data) for name, data in files],
        },
    )


def _zip_raw(entries: list[tuple[zipfile.ZipInfo, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in entries:
            archive.writestr(info, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name", ["../../etc/passwd.png", "/var/tuyet-doi.png", "a/../../b.png", "C:\\x\\y.png"]
)
def test_a_zip_with_a_name_leaving_its_folder_is_refused_whole(clerk: User, name: str) -> None:
    archive = zip_of(("tot.png", _png()), (name, _png()))
    response = _batch(clerk, ("scans.zip", archive))
    assert response.status_code == 400
    assert "name leaves its folder" in response.content.decode()
    assert not ScanJob.objects.exists()
    assert not ImportItem.objects.exists()


def test_a_zip_with_a_symlink_is_refused_whole(clerk: User) -> None:
    link = zipfile.ZipInfo("lien-ket.png")
    link.create_system = 3
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    archive = _zip_raw([(zipfile.ZipInfo("tot.png"), _png()), (link, b"/etc/passwd")])
    response = _batch(clerk, ("scans.zip", archive))
    assert response.status_code == 400
    assert "a link" in response.content.decode()
    assert not ImportItem.objects.exists()


def test_a_zip_bomb_is_refused_before_it_is_unpacked(clerk: User, settings: Any) -> None:
    bomb = zip_of(("bom.png", b"\x00" * (20 * 1024 * 1024)))  # 20 MiB of zeros: about 20 KiB
    assert len(bomb) < 100_000
    response = _batch(clerk, ("bom.zip", bomb))
    assert response.status_code == 400
    assert "more data than allowed" in response.content.decode()
    settings.DIGITIZE_ZIP_MAX_BYTES = 1024 * 1024
    many = zip_of(*[(f"{i}.png", _png() + bytes([i]) * 60_000) for i in range(1, 30)])
    with pytest.raises(ScanRefused) as refused:
        zip_read(many)
    assert refused.value.code == "zip_bomb"
    settings.DIGITIZE_ZIP_MAX_FILES = 3
    with pytest.raises(ScanRefused) as refused:
        zip_read(zip_of(*[(f"{i}.png", _png()) for i in range(5)]))
    assert refused.value.code == "zip_too_many"
    assert not ImportItem.objects.exists()


def test_zip_reading_skips_folders_and_litter() -> None:
    archive = zip_of(
        ("thu-muc/", b""),
        ("thu-muc/a.png", _png()),
        ("__MACOSX/thu-muc/._a.png", b"x"),
        (".DS_Store", b"x"),
    )
    assert zip_read(archive) == [Member("a.png", _png())]


def test_a_zip_inside_the_zip_fails_that_file_only(
    clerk: User, django_capture_on_commit_callbacks: Any
) -> None:
    inner = zip_of(("a.png", _png()))
    archive = zip_of(("long-nhau.zip", inner), ("rong.pdf", b""))
    with django_capture_on_commit_callbacks(execute=True):
        response = _batch(clerk, ("scans.zip", archive))
    assert response.status_code == 302
    items = list(ImportItem.objects.order_by("position"))
    assert [(item.name, item.state, item.reason) for item in items] == [
        ("long-nhau.zip", ItemState.FAILED, "nested_zip"),
        ("rong.pdf", ItemState.FAILED, "empty"),
    ]
    page = signed_in(clerk).get(response["Location"]).content.decode()
    assert "A zip inside the zip is not accepted" in page
    assert not Document.objects.exists()


def test_not_a_clerk_cannot_scan_or_import(official: User, outsider: User, province: Unit) -> None:
    for user in (official, outsider):
        client = signed_in(user)
        assert client.get(reverse("digitize:index")).status_code == 404
        response = client.post(
            reverse("digitize:batch"),
            {"unit": province.pk, "scans": [SimpleUploadedFile("a.pdf", letter_pdf())]},
        )
        assert response.status_code == 404
    assert not ScanJob.objects.exists()
