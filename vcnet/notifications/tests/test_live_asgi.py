"""The long live stream under ASGI (what `vcnet serve` runs on its stream port) and its CORS."""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import AsyncIterator
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from django.db import connections
from django.test import AsyncClient, Client
from django.urls import reverse

from vcnet.accounts.models import User
from vcnet.notifications import live
from vcnet.notifications.services import notify

SITE = "https://vcnet.hanoi.gov.vn"


def _unread(chunk: bytes) -> dict[str, Any] | None:
    """The state of an `unread` event, or None for the other chunks (retry, ping)."""
    fields = dict(line.split(": ", 1) for line in chunk.decode().splitlines() if ": " in line)
    return json.loads(fields["data"]) if fields.get("event") == "unread" else None


def _notify_elsewhere(official: User) -> None:
    """A notification made by another thread, in its own transaction (as a worker would)."""
    try:
        notify(
            recipients=[official],
            kind="social.mention",
            title="Lê Văn Cường đã nhắc đến bạn",
            url="/social/posts/7/",
        )
    finally:
        connections.close_all()


@pytest.fixture
def site(settings: Any) -> None:
    settings.SITE_URL = SITE
    settings.CSRF_TRUSTED_ORIGINS = ["https://vcnet-du-phong.hanoi.gov.vn"]
    settings.NOTIFICATIONS_WEB_ORIGIN = "http://127.0.0.1:8000"
    settings.NOTIFICATIONS_POLL_SECONDS = 0.1


@pytest.mark.django_db(transaction=True)
def test_asgi_stream_tells_about_a_notification_made_in_another_thread(
    official: User, site: None
) -> None:
    async def scenario() -> tuple[list[bytes], Any]:
        client = AsyncClient()
        await client.aforce_login(official)
        response: Any = await client.get(reverse("notifications:stream"), headers={"Origin": SITE})
        assert response.status_code == 200
        assert response.is_async  # an async generator: no thread is held while it waits
        stream: AsyncIterator[bytes] = aiter(response.streaming_content)
        chunks = [await anext(stream), await anext(stream)]
        timer = threading.Timer(0.2, _notify_elsewhere, args=(official,))
        timer.start()
        try:
            chunks.append(await asyncio.wait_for(anext(stream), timeout=5))
        finally:
            timer.join()
            await stream.aclose()  # type: ignore[attr-defined]
        return chunks, response

    chunks, response = async_to_sync(scenario)()

    assert response["Content-Type"].startswith("text/event-stream")
    assert response["Access-Control-Allow-Origin"] == SITE
    assert response["Access-Control-Allow-Credentials"] == "true"
    assert "Origin" in response["Vary"]
    assert chunks[0] == b"retry: 3000\n\n"
    first, fresh = _unread(chunks[1]), _unread(chunks[2])
    assert first == {"unread": 0, "latest": None}
    assert fresh is not None and fresh["unread"] == 1
    assert fresh["latest"]["title"] == "Lê Văn Cường đã nhắc đến bạn"


@pytest.mark.django_db(transaction=True)
def test_asgi_stream_pings_and_ends_by_itself(official: User, settings: Any) -> None:
    settings.REDIS_URL = None
    settings.NOTIFICATIONS_POLL_SECONDS = 0.05
    settings.NOTIFICATIONS_PING_SECONDS = 0.2
    settings.NOTIFICATIONS_ASGI_STREAM_SECONDS = 0.7

    async def collect() -> list[bytes]:
        return [chunk async for chunk in live.live_events_async(official.pk)]

    chunks = async_to_sync(collect)()

    assert chunks[0].startswith(b"retry:")
    assert _unread(chunks[1]) == {"unread": 0, "latest": None}
    assert b": ping\n\n" in chunks[2:]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("origin", "allowed"),
    [
        (SITE, True),
        ("https://vcnet-du-phong.hanoi.gov.vn", True),
        ("http://127.0.0.1:8000", True),
        ("https://lua-dao.example", False),
        ("http://127.0.0.1:9999", False),
        ("null", False),
    ],
)
def test_stream_answers_cors_for_the_site_only(
    official: User, site: None, settings: Any, origin: str, allowed: bool
) -> None:
    settings.NOTIFICATIONS_STREAM_SECONDS = 0.01
    client = Client()
    client.force_login(official)

    response = client.get(reverse("notifications:stream"), headers={"Origin": origin})
    b"".join(response.streaming_content)  # type: ignore[attr-defined]

    assert "Origin" in response["Vary"]
    if allowed:
        assert response["Access-Control-Allow-Origin"] == origin
        assert response["Access-Control-Allow-Credentials"] == "true"
    else:
        assert "Access-Control-Allow-Origin" not in response
        assert "Access-Control-Allow-Credentials" not in response


@pytest.mark.django_db
def test_anonymous_asgi_request_gets_204_with_cors(site: None) -> None:
    async def scenario() -> Any:
        return await AsyncClient().get(reverse("notifications:stream"), headers={"Origin": SITE})

    response = async_to_sync(scenario)()

    assert response.status_code == 204
    assert response["Access-Control-Allow-Origin"] == SITE


@pytest.mark.django_db
def test_pages_point_the_script_at_the_stream_server(
    client: Client, official: User, settings: Any
) -> None:
    settings.NOTIFICATIONS_STREAM_URL = "http://127.0.0.1:8002/notifications/stream/"
    client.force_login(official)
    body = client.get("/").content.decode()
    assert 'data-stream="http://127.0.0.1:8002/notifications/stream/"' in body
