"""Notification pages: the list (unread first, urgent highlighted), marking read, the bell."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from vcnet.accounts.models import User
from vcnet.notifications.models import Notification
from vcnet.notifications.services import notify

pytestmark = pytest.mark.django_db


def _tell(user: User, title: str, *, urgent: bool = False, url: str = "/documents/1/") -> None:
    notify(recipients=[user], kind="documents.test", title=title, url=url, urgent=urgent)


def test_list_shows_unread_first_and_urgent_highlighted(client: Client, official: User) -> None:
    _tell(official, "Công văn về việc tuyên truyền kỷ niệm ngày thành lập Đảng")
    Notification.objects.update(read_at="2026-01-01T00:00:00Z")
    _tell(official, "Hỏa tốc: Báo cáo tình hình dư luận xã hội", urgent=True)
    client.force_login(official)
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 200
    body = response.content.decode()
    assert body.index("Hỏa tốc: Báo cáo") < body.index("Công văn về việc tuyên truyền")
    assert "notif-urgent" in body and "data-urgent" in body
    assert 'class="card notif notif-unread notif-urgent"' in body


def test_opening_marks_read_and_follows_local_link_only(client: Client, official: User) -> None:
    _tell(official, "Văn bản mới cần xử lý", url="/documents/7/")
    _tell(official, "Liên kết lạ", url="https://evil.example/phish")
    local, foreign = Notification.objects.order_by("id")
    client.force_login(official)
    response = client.post(reverse("notifications:open", args=[local.pk]))
    assert response.status_code == 302 and response["Location"] == "/documents/7/"
    local.refresh_from_db()
    assert local.read_at is not None
    response = client.post(reverse("notifications:open", args=[foreign.pk]))
    assert response["Location"] == reverse("notifications:list")


def test_cannot_open_someone_elses_notification(
    client: Client, official: User, outsider: User
) -> None:
    _tell(official, "Chỉ dành cho chuyên viên Nghệ An")
    notification = Notification.objects.get()
    client.force_login(outsider)
    response = client.post(reverse("notifications:open", args=[notification.pk]))
    assert response.status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None
    assert "Chỉ dành cho" not in client.get(reverse("notifications:list")).content.decode()


def test_mark_all_read(client: Client, official: User, clerk: User) -> None:
    for i in range(3):
        _tell(official, f"Thông báo số {i}")
    _tell(clerk, "Thông báo của văn thư")
    client.force_login(official)
    assert client.get(reverse("notifications:read_all")).status_code == 405
    response = client.post(reverse("notifications:read_all"))
    assert response.status_code == 302
    assert not Notification.objects.filter(user=official, read_at__isnull=True).exists()
    assert Notification.objects.filter(user=clerk, read_at__isnull=True).count() == 1


def test_bell_shows_unread_count_and_urgency(client: Client, official: User) -> None:
    client.force_login(official)
    response = client.get(reverse("notifications:bell"))
    assert response.status_code == 200
    assert "data-unread" not in response.content.decode()
    _tell(official, "Khẩn: họp giao ban")
    _tell(official, "Thượng khẩn: xin ý kiến", urgent=True)
    body = client.get(reverse("notifications:bell")).content.decode()
    assert 'data-unread="2"' in body
    assert "notif-bell-urgent" in body
    assert "no-cache" in client.get(reverse("notifications:bell"))["Cache-Control"]


def test_every_page_loads_the_bell_for_signed_in_people(client: Client, official: User) -> None:
    bell = reverse("notifications:bell")
    assert f'hx-get="{bell}"' not in client.get("/").content.decode()
    client.force_login(official)
    body = client.get("/").content.decode()
    assert f'hx-get="{bell}"' in body and 'hx-trigger="load, every 60s"' in body


def test_anonymous_is_sent_to_sign_in(client: Client) -> None:
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302 and "login" in response["Location"]
    assert client.get(reverse("notifications:bell")).content == b""
