"""Web Push with VAPID, delivered to a real local push peer that decrypts the message."""

from __future__ import annotations

import base64
import json
import os
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from django.test import Client
from django.urls import reverse

from vcnet.accounts.models import User
from vcnet.notifications.models import Notification, NotificationPreference, PushSubscription
from vcnet.notifications.push import vapid_public_key
from vcnet.notifications.services import notify

pytestmark = pytest.mark.django_db


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


class PushPeer:
    """A push service on 127.0.0.1 that keeps what it receives; answers `status`."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.status = 201
        peer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                peer.received.append(
                    {
                        "path": self.path,
                        "headers": {k.lower(): v for k, v in self.headers.items()},
                        "body": self.rfile.read(length),
                    }
                )
                self.send_response(peer.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"


@pytest.fixture
def peer(settings: Any) -> Iterator[PushPeer]:
    settings.WEBPUSH_ALLOW_HTTP = True
    server = PushPeer()
    yield server
    server.server.shutdown()
    server.server.server_close()


class Browser:
    """The keys a browser makes when it subscribes."""

    def __init__(self) -> None:
        self.private_key = ec.generate_private_key(ec.SECP256R1())
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        self.auth = os.urandom(16)
        self.keys = {"p256dh": _b64(public), "auth": _b64(self.auth)}

    def decrypt(self, body: bytes) -> dict[str, Any]:
        plain = http_ece.decrypt(
            body, private_key=self.private_key, auth_secret=self.auth, version="aes128gcm"
        )
        return json.loads(plain)


def _subscribe(client: Client, endpoint: str, browser: Browser) -> Any:
    return client.post(
        reverse("notifications:push_subscribe"),
        json.dumps({"endpoint": endpoint, "keys": browser.keys}),
        content_type="application/json",
    )


def test_push_reaches_the_browser_encrypted_and_signed(
    client: Client, official: User, peer: PushPeer
) -> None:
    browser = Browser()
    client.force_login(official)
    response = _subscribe(client, peer.url + "/push/thiet-bi-1", browser)
    assert response.status_code == 201
    assert PushSubscription.objects.get().user == official

    notify(
        recipients=[official],
        kind="documents.received",
        title="Hỏa tốc: công văn về phòng chống bão số 3",
        body="Đề nghị các đơn vị triển khai ngay.",
        url="/documents/9/",
    )
    assert len(peer.received) == 1
    got = peer.received[0]
    assert got["path"] == "/push/thiet-bi-1"
    assert got["headers"]["content-encoding"] == "aes128gcm"
    assert f"k={vapid_public_key()}" in got["headers"]["authorization"]
    assert got["headers"]["authorization"].startswith("vapid t=")
    message = browser.decrypt(got["body"])
    assert message == {
        "title": "Hỏa tốc: công văn về phòng chống bão số 3",
        "body": "Đề nghị các đơn vị triển khai ngay.",
        "url": "/documents/9/",
        "kind": "documents.received",
    }


def test_push_off_for_a_kind_sends_nothing(client: Client, official: User, peer: PushPeer) -> None:
    client.force_login(official)
    _subscribe(client, peer.url + "/push/2", Browser())
    NotificationPreference.objects.create(user=official, kind="social.follow", push=False)
    notify(recipients=[official], kind="social.follow", title="Có người theo dõi bạn")
    assert peer.received == []
    assert Notification.objects.filter(user=official).count() == 1


def test_a_gone_subscription_is_forgotten(client: Client, official: User, peer: PushPeer) -> None:
    client.force_login(official)
    _subscribe(client, peer.url + "/push/3", Browser())
    peer.status = 410
    notify(recipients=[official], kind="documents.received", title="Thông báo")
    assert len(peer.received) == 1
    assert not PushSubscription.objects.exists()


def test_subscribe_refuses_bad_input_and_plain_http(
    client: Client, official: User, settings: Any
) -> None:
    client.force_login(official)
    browser = Browser()
    assert _subscribe(client, "http://127.0.0.1:9/push", browser).status_code == 400
    assert _subscribe(client, "javascript:alert(1)", browser).status_code == 400
    bad = client.post(
        reverse("notifications:push_subscribe"), "không phải JSON", content_type="application/json"
    )
    assert bad.status_code == 400
    assert not PushSubscription.objects.exists()
    assert _subscribe(client, "https://push.example.vn/abc", browser).status_code == 201


def test_unsubscribe_only_my_own(client: Client, official: User, clerk: User) -> None:
    client.force_login(official)
    _subscribe(client, "https://push.example.vn/cua-toi", Browser())
    client.force_login(clerk)
    response = client.post(
        reverse("notifications:push_unsubscribe"),
        json.dumps({"endpoint": "https://push.example.vn/cua-toi"}),
        content_type="application/json",
    )
    assert response.json() == {"deleted": 0}
    assert PushSubscription.objects.count() == 1
    client.force_login(official)
    response = client.post(
        reverse("notifications:push_unsubscribe"),
        json.dumps({"endpoint": "https://push.example.vn/cua-toi"}),
        content_type="application/json",
    )
    assert response.json() == {"deleted": 1}


def test_push_endpoints_need_sign_in(client: Client) -> None:
    response = client.post(
        reverse("notifications:push_subscribe"), "{}", content_type="application/json"
    )
    assert response.status_code == 302


def test_service_worker_shows_pushed_notifications(client: Client) -> None:
    body = client.get("/sw.js").content.decode()
    assert 'addEventListener("push"' in body and "showNotification" in body
    assert 'addEventListener("notificationclick"' in body
