"""The daily e-mail digest: localized, HTML and text, only unread news since the last one."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from vcnet.accounts.models import User
from vcnet.accounts.tests.factories import UserFactory
from vcnet.notifications.digest import digests_send
from vcnet.notifications.models import DigestState, Notification, NotificationPreference
from vcnet.notifications.services import notify
from vcnet.notifications.tasks import send_digests

pytestmark = pytest.mark.django_db


def test_digest_sends_unread_news_once(official: User, clerk: User) -> None:
    an = UserFactory(full_name="Nguyễn Văn An")
    notify(
        recipients=[official],
        kind="documents.received",
        title="Công văn về phòng chống lũ lụt",
        url="/documents/7/",
        actor=an,
    )
    notify(recipients=[official], kind="social.follow", title="Trần Thị Bình theo dõi bạn")
    notify(recipients=[clerk], kind="documents.received", title="Đã đọc rồi")
    Notification.objects.filter(user=clerk).update(read_at=timezone.now())
    now = timezone.now() + timedelta(seconds=1)

    assert digests_send(now=now, language="en") == 1
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["chuyenvien@nghean.vcnet.test"]
    assert message.subject == "VCNET: 2 unread notifications"
    assert "Hello Lê Hoàng Cường," in message.body
    assert "Công văn về phòng chống lũ lụt" in message.body
    assert "http://127.0.0.1:8000/documents/7/" in message.body or "/documents/7/" in message.body
    html, mimetype = message.alternatives[0]  # type: ignore[attr-defined]
    assert mimetype == "text/html"
    assert "<a href=" in html and "Trần Thị Bình theo dõi bạn" in html
    assert DigestState.objects.get(user=official).last_sent_at == now

    # Nothing new since: no second e-mail.
    assert digests_send(now=now + timedelta(days=1), language="en") == 0
    notify(recipients=[official], kind="documents.received", title="Giấy mời họp giao ban")
    Notification.objects.filter(title="Giấy mời họp giao ban").update(
        created_at=now + timedelta(hours=1)
    )
    assert digests_send(now=now + timedelta(hours=2), language="en") == 1
    assert mail.outbox[1].subject == "VCNET: 1 unread notification"
    assert "Công văn về phòng chống" not in mail.outbox[1].body


def test_digest_leaves_out_kinds_muted_for_email(official: User) -> None:
    NotificationPreference.objects.create(user=official, kind="social.follow", email=False)
    notify(recipients=[official], kind="social.follow", title="Có người theo dõi bạn")
    assert digests_send(now=timezone.now() + timedelta(seconds=1)) == 0
    assert mail.outbox == []


def test_digest_is_vietnamese_by_default_and_runs_as_a_task(official: User) -> None:
    notify(recipients=[official], kind="documents.received", title="Công văn hỏa tốc")
    result = send_digests.enqueue()
    assert result.return_value == 1
    assert "Công văn hỏa tốc" in mail.outbox[0].body


def test_no_digest_without_email(db: None) -> None:
    person = UserFactory(email=None, phone="+84911111111")
    notify(recipients=[person], kind="documents.received", title="Thông báo")
    assert digests_send(now=timezone.now() + timedelta(seconds=1)) == 0
