"""The sources and watchlists pages: analysts follow feeds, see each source's status and last
error, import press clippings with every refused row explained, and keep watchlists."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from vcnet.accounts.models import Role, Unit, User
from vcnet.accounts.tests.factories import MembershipFactory, UserFactory
from vcnet.opinion.models import Item, Source, SourceKind, SourceStatus, Watchlist

pytestmark = pytest.mark.django_db

CSV = (
    "\ufefftiêu đề;nội dung;đường dẫn;ngày;báo;tỉnh\n"
    "Hà Nội mở rộng dịch vụ công;Người dân nộp hồ sơ trực tuyến nhanh hơn;"
    "https://bao.example.vn/a;27/11/2026;Báo Mẫu;Hà Nội\n"
    "Ngập sâu sau mưa;Nhiều tuyến phố ngập nặng;https://bao.example.vn/b;ngày mai;Báo Mẫu;\n"
)
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def _client(user: User) -> Client:
    client = Client()
    client.cookies["django_language"] = "en"
    client.force_login(user)
    return client


def test_an_analyst_follows_a_feed_and_sees_its_status(analyst: User) -> None:
    client = _client(analyst)
    made = client.post(
        "/opinion/sources/",
        {
            "name": "Báo Mẫu",
            "url": "https://bao.example.vn/rss",
            "province": "Hà Nội",
            "interval_minutes": 30,
        },
    )
    assert made.status_code == 302
    source = Source.objects.get(kind=SourceKind.FEED)
    source.status, source.last_error, source.error_count = (
        SourceStatus.ERROR,
        "The feed could not be reached: timed out",
        3,
    )
    source.save()

    page = client.get("/opinion/sources/").content.decode()

    assert "Báo Mẫu" in page and "https://bao.example.vn/rss" in page
    assert "The feed could not be reached: timed out" in page and "3 times in a row" in page

    again = client.post(
        "/opinion/sources/",
        {"name": "Trùng", "url": "https://bao.example.vn/rss", "interval_minutes": 30},
    )
    assert again.status_code == 400 and "already followed" in again.content.decode()
    bad = client.post(
        "/opinion/sources/", {"name": "X", "url": "javascript:alert(1)", "interval_minutes": 30}
    )
    assert bad.status_code == 400 and Source.objects.count() == 1

    paused = client.post(f"/opinion/sources/{source.pk}/active/", {"active": "0"})
    assert paused.status_code == 302
    source.refresh_from_db()
    assert not source.active


def test_an_import_keeps_the_good_rows_and_explains_the_bad_ones(analyst: User) -> None:
    client = _client(analyst)
    upload = SimpleUploadedFile("bao-chi.csv", CSV.encode(), content_type="text/csv")

    response = client.post("/opinion/sources/import/", {"file": upload, "outlet": "Báo Mẫu"})

    page = response.content.decode()
    assert response.status_code == 200
    assert "1 rows read, 1 new items" in page and "Row 3" in page
    item = Item.objects.get()
    assert item.url == "https://bao.example.vn/a" and item.province == "Hà Nội"
    assert Source.objects.get(kind=SourceKind.IMPORT).name == "Báo Mẫu"


def test_a_fake_file_is_refused_and_nothing_is_stored(analyst: User) -> None:
    client = _client(analyst)
    upload = SimpleUploadedFile("bao-chi.csv", PNG, content_type="text/csv")

    response = client.post("/opinion/sources/import/", {"file": upload})

    assert response.status_code == 400
    assert "Rows not imported" in response.content.decode()
    assert not Item.objects.exists() and not Source.objects.filter(kind=SourceKind.IMPORT).exists()


def test_watchlists_are_mine_alone(analyst: User, province: Unit) -> None:
    client = _client(analyst)
    made = client.post(
        "/opinion/watchlists/",
        {"name": "Giá điện", "terms": "giá điện\nGia dien\nhóa đơn tiền điện", "threshold": 4},
    )
    assert made.status_code == 302
    watchlist = Watchlist.objects.get()
    assert watchlist.terms == ["giá điện", "hóa đơn tiền điện"] and watchlist.threshold == 4
    assert "hóa đơn tiền điện" in client.get("/opinion/watchlists/").content.decode()
    empty = client.post("/opinion/watchlists/", {"name": "Trống", "terms": " \n ", "threshold": 4})
    assert empty.status_code == 400

    colleague = UserFactory(full_name="Nguyễn Thị Hương Giang", email="giang@vcnet.test")
    MembershipFactory(user=colleague, unit=province, role=Role.ANALYST)
    theirs = _client(colleague)
    assert "Giá điện" not in theirs.get("/opinion/watchlists/").content.decode()
    assert theirs.post(f"/opinion/watchlists/{watchlist.pk}/delete/").status_code == 404
    assert client.post(f"/opinion/watchlists/{watchlist.pk}/delete/").status_code == 302
    assert not Watchlist.objects.exists()


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "/opinion/sources/"),
        ("post", "/opinion/sources/"),
        ("post", "/opinion/sources/import/"),
        ("get", "/opinion/watchlists/"),
        ("post", "/opinion/watchlists/"),
    ],
)
def test_officials_who_are_not_analysts_get_403(official: User, method: str, path: str) -> None:
    response = getattr(_client(official), method)(path)
    assert response.status_code == 403
    assert not Source.objects.exists() and not Watchlist.objects.exists()
