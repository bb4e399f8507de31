"""Live notifications by server-sent events: a bounded stream that EventSource reconnects to."""

from __future__ import annotations

import http.client
import json
import threading
import time
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.test import Client
from django.urls import reverse

from vcnet.accounts.models import User
from vcnet.notifications.live import live_state
from vcnet.notifications.models import Notification
from vcnet.notifications.services import notify


def _events(raw: bytes) -> list[dict[str, Any]]:
    events = []
    for block in raw.decode().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines() if ": " in line)
        if fields.get("event") == "unread":
            events.append(json.loads(fields["data"]))
    return events


@pytest.fixture
def short_stream(settings: Any) -> None:
    settings.NOTIFICATIONS_STREAM_SECONDS = 0.6
    settings.NOTIFICATIONS_POLL_SECONDS = 0.1


@pytest.mark.django_db
def test_stream_sends_retry_and_the_unread_count(
    client: Client, official: User, short_stream: None
) -> None:
    notify(
        recipients=[official],
        kind="documents.received",
        title="Công văn số 15/BTG",
        url="/documents/15/",
    )
    client.force_login(official)
    response = client.get(reverse("notifications:stream"))
    started = time.monotonic()
    assert response["Content-Type"].startswith("text/event-stream")
    assert "no-cache" in response["Cache-Control"]
    raw = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    assert time.monotonic() - started < 5
    assert raw.startswith(b"retry: 3000\n\n")
    (event,) = _events(raw)
    assert event["unread"] == 1
    assert event["latest"]["title"] == "Công văn số 15/BTG"
    assert event["latest"]["url"] == "/documents/15/"


@pytest.mark.django_db
def test_stream_is_empty_for_anonymous_visitors(client: Client) -> None:
    response = client.get(reverse("notifications:stream"))
    assert response.status_code == 204


@pytest.mark.django_db
def test_stream_is_bounded_to_55_seconds(settings: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    settings.NOTIFICATIONS_STREAM_SECONDS = 3600
    settings.REDIS_URL = None
    from vcnet.notifications import live

    class FakeTime:
        """A clock that jumps past 55 s at the first look after the start."""

        ticks = iter([0.0, 0.0, 56.0, 56.0, 56.0])

        @classmethod
        def monotonic(cls) -> float:
            return next(cls.ticks)

        @staticmethod
        def sleep(seconds: float) -> None:
            raise AssertionError("no sleeping past the end")

    monkeypatch.setattr(live, "time", FakeTime)
    chunks = list(live.live_events(0))
    assert len(chunks) == 2  # retry + the state, then the end


@pytest.mark.django_db(transaction=True)
def test_live_server_stream_tells_about_a_new_notification(
    live_server: Any, official: User, settings: Any
) -> None:
    settings.NOTIFICATIONS_STREAM_SECONDS = 4
    settings.NOTIFICATIONS_POLL_SECONDS = 0.2
    client = Client()
    client.force_login(official)
    cookie = client.cookies[django_settings.SESSION_COOKIE_NAME].value
    address = urlsplit(live_server.url)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=10)
    connection.request(
        "GET",
        reverse("notifications:stream"),
        headers={
            "Cookie": f"{django_settings.SESSION_COOKIE_NAME}={cookie}",
            "Accept": "text/event-stream",
        },
    )
    response = connection.getresponse()
    assert response.status == 200
    seen: list[dict[str, Any]] = []
    buffer = b""

    def read_until(count: int) -> None:
        nonlocal buffer
        while len(seen) < count:
            line = response.readline()
            if not line:
                return
            buffer += line
            if buffer.endswith(b"\n\n"):
                seen.extend(_events(buffer))
                buffer = b""

    read_until(1)
    assert seen[0]["unread"] == 0 and seen[0]["latest"] is None
    timer = threading.Timer(
        0.3,
        lambda: notify(
            recipients=[official],
            kind="social.mention",
            title="Trần Thị Bình đã nhắc đến bạn",
            url="/social/posts/1/",
        ),
    )
    timer.start()
    started = time.monotonic()
    read_until(2)
    timer.join()
    assert time.monotonic() - started < 3.5
    response.read()  # the server ends the stream by itself (then EventSource reconnects)
    connection.close()
    assert seen[1]["unread"] == 1
    assert seen[1]["latest"]["title"] == "Trần Thị Bình đã nhắc đến bạn"


@pytest.mark.django_db
def test_reading_changes_the_state(official: User) -> None:
    notify(recipients=[official], kind="documents.received", title="Văn bản mới")
    assert live_state(official.pk)["unread"] == 1
    Notification.objects.update(read_at="2026-01-01T00:00:00Z")
    assert live_state(official.pk)["unread"] == 0


@pytest.mark.django_db
def test_pages_load_the_live_script_for_signed_in_people(client: Client, official: User) -> None:
    assert "notifications/live.js" not in client.get("/").content.decode()
    client.force_login(official)
    body = client.get("/").content.decode()
    assert "notifications/live.js" in body and 'data-stream="/notifications/stream/"' in body
