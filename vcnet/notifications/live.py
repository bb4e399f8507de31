"""Live updates of the bell: a bounded server-sent-event stream per signed-in person.

The stream ends after `NOTIFICATIONS_STREAM_SECONDS` (55 s by default) and tells the browser to
reconnect (`retry:`), so it works on the WSGI server, where each open stream holds one thread.
With Redis (`REDIS_URL`) `notify()` publishes on `vcnet:notif:<user id>` and the stream wakes at
once; without it the stream looks at the database every `NOTIFICATIONS_POLL_SECONDS` (1.5 s).

`vcnet serve` also runs the ASGI application (vcnet/asgi.py) on a port of its own
(`VCNET_STREAM_BIND`); there the same view streams for ten minutes from an async generator and
holds no thread, and the pages connect to it through `NOTIFICATIONS_STREAM_URL` (with CORS).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
from collections.abc import AsyncIterator, Iterable, Iterator
from typing import Any
from urllib.parse import urlsplit

from asgiref.sync import sync_to_async
from django.conf import settings
from django.core.handlers.asgi import ASGIRequest
from django.db import connection
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils.cache import patch_vary_headers

from vcnet.notifications.models import Notification

log = logging.getLogger(__name__)
RETRY_MS = 3000
HEARTBEAT_SECONDS = 15.0
EVENT_STREAM = "text/event-stream; charset=utf-8"


def _channel(user_id: int) -> str:
    return f"vcnet:notif:{user_id}"


def _redis() -> Any:
    import redis

    return redis.Redis.from_url(str(settings.REDIS_URL))


def live_publish(user_ids: Iterable[int]) -> None:
    """Wake the open streams of these people (Redis only; the database poll needs nothing)."""
    ids = sorted(set(user_ids))
    if not ids or not getattr(settings, "REDIS_URL", None):
        return
    try:
        client = _redis()
        with client.pipeline(transaction=False) as pipe:
            for user_id in ids:
                pipe.publish(_channel(user_id), "1")
            pipe.execute()
    except Exception as exc:  # a live update is a nicety: never fail the caller for it
        log.warning("Could not publish a live notification: %s", exc)


def live_state(user_id: int) -> dict[str, object]:
    """The unread count and my newest notification (what the bell and the toast show)."""
    rows = Notification.objects.filter(user_id=user_id)
    unread = rows.filter(read_at__isnull=True).count()
    newest = rows.order_by("-id").values("id", "title", "url", "urgent").first()
    return {"unread": unread, "latest": newest}


def _event(state: dict[str, object]) -> bytes:
    latest = state["latest"]
    event_id = latest["id"] if isinstance(latest, dict) else 0
    data = json.dumps(state, ensure_ascii=False, separators=(",", ":"))
    return f"id: {event_id}\nevent: unread\ndata: {data}\n\n".encode()


def live_events(user_id: int) -> Iterator[bytes]:
    """The event stream of one person: the state now, then each change, then the end."""
    seconds = float(getattr(settings, "NOTIFICATIONS_STREAM_SECONDS", 55))
    poll = float(getattr(settings, "NOTIFICATIONS_POLL_SECONDS", 1.5))
    deadline = time.monotonic() + min(seconds, 55.0)
    yield f"retry: {RETRY_MS}\n\n".encode()
    state = live_state(user_id)
    yield _event(state)
    pubsub = None
    if getattr(settings, "REDIS_URL", None):
        try:
            pubsub = _redis().pubsub(ignore_subscribe_messages=True)
            pubsub.subscribe(_channel(user_id))
        except Exception as exc:
            log.warning("No Redis for live notifications, polling instead: %s", exc)
            pubsub = None
    # A keep-alive is also how a WSGI server learns that the page went away (the write fails).
    beat = float(getattr(settings, "NOTIFICATIONS_HEARTBEAT_SECONDS", HEARTBEAT_SECONDS))
    last_beat = time.monotonic()
    try:
        while (now := time.monotonic()) < deadline:
            wait = min(poll if pubsub is None else beat, deadline - now)
            if pubsub is not None:
                message = pubsub.get_message(timeout=max(wait, 0.01))
                if message is None:
                    if time.monotonic() - last_beat >= beat:
                        last_beat = time.monotonic()
                        yield b": keep-alive\n\n"
                    continue
            else:
                time.sleep(max(wait, 0.01))
            fresh = live_state(user_id)
            if fresh != state:
                state = fresh
                last_beat = time.monotonic()
                yield _event(state)
            elif time.monotonic() - last_beat >= beat:
                last_beat = time.monotonic()
                yield b": keep-alive\n\n"
    finally:
        if pubsub is not None:
            pubsub.close()


# --- The long stream of the ASGI server (`vcnet serve` runs it on a port of its own) --------

ASGI_STREAM_SECONDS = 600.0  # ten minutes, then EventSource reconnects
PING_SECONDS = 20.0


def allowed_origin(request: HttpRequest) -> str | None:
    """The page's origin when it is VCNET's own site (the stream may run on another port)."""
    origin = request.headers.get("Origin", "")
    if not origin:
        return None
    allowed = {_origin(url) for url in getattr(settings, "CSRF_TRUSTED_ORIGINS", [])}
    allowed.add(_origin(str(settings.SITE_URL)))
    allowed.add(_origin(str(getattr(settings, "NOTIFICATIONS_WEB_ORIGIN", "") or "")))
    allowed.discard("")
    return origin if _origin(origin) in allowed else None


def _origin(url: str) -> str:
    parts = urlsplit(url.strip())
    if not parts.scheme or not parts.netloc:
        return ""
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


def _state_between_wakes(user_id: int) -> dict[str, object]:
    """The state; with Redis the stream sleeps long between looks, so it holds no database
    connection meanwhile (a poll without Redis keeps its connection for the next look)."""
    state = live_state(user_id)
    if getattr(settings, "REDIS_URL", None) and not connection.in_atomic_block:
        connection.close()
    return state


async def live_events_async(user_id: int) -> AsyncIterator[bytes]:
    """The long event stream of one person for the ASGI server: no thread is held meanwhile."""
    seconds = float(getattr(settings, "NOTIFICATIONS_ASGI_STREAM_SECONDS", ASGI_STREAM_SECONDS))
    poll = float(getattr(settings, "NOTIFICATIONS_POLL_SECONDS", 1.5))
    ping = float(getattr(settings, "NOTIFICATIONS_PING_SECONDS", PING_SECONDS))
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    state_of = sync_to_async(_state_between_wakes)
    yield f"retry: {RETRY_MS}\n\n".encode()
    pubsub = None
    client = None
    if getattr(settings, "REDIS_URL", None):
        try:
            import redis.asyncio

            client = redis.asyncio.Redis.from_url(str(settings.REDIS_URL))
            pubsub = client.pubsub(ignore_subscribe_messages=True)
            await pubsub.subscribe(_channel(user_id))
        except Exception as exc:
            log.warning("No Redis for live notifications, polling instead: %s", exc)
            pubsub = None
    try:
        state = await state_of(user_id)
        yield _event(state)
        last_beat = loop.time()
        while (now := loop.time()) < deadline:
            wait = max(min(poll if pubsub is None else ping, deadline - now), 0.01)
            if pubsub is not None:
                message = await pubsub.get_message(timeout=wait)
                woken = message is not None
            else:
                await asyncio.sleep(wait)
                woken = True
            if woken:
                fresh = await state_of(user_id)
                if fresh != state:
                    state = fresh
                    last_beat = loop.time()
                    yield _event(state)
                    continue
            if loop.time() - last_beat >= ping:
                last_beat = loop.time()
                yield b": ping\n\n"
    finally:
        if pubsub is not None:
            with contextlib.suppress(Exception):
                await pubsub.aclose()
        if client is not None:
            with contextlib.suppress(Exception):
                await client.aclose()


def stream_response(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    """The stream for this request: long and async under ASGI, bounded under WSGI; CORS for
    VCNET's own pages when the stream is served from another port."""
    response: HttpResponse | StreamingHttpResponse
    if not request.user.is_authenticated:
        response = HttpResponse(status=204)  # EventSource stops reconnecting on 204
    elif isinstance(request, ASGIRequest):
        response = StreamingHttpResponse(
            live_events_async(request.user.pk), content_type=EVENT_STREAM
        )
    else:
        response = StreamingHttpResponse(live_events(request.user.pk), content_type=EVENT_STREAM)
    if response.status_code == 200:
        response["X-Accel-Buffering"] = "no"
    origin = allowed_origin(request)
    if origin:
        response["Access-Control-Allow-Origin"] = origin
        response["Access-Control-Allow-Credentials"] = "true"
    patch_vary_headers(response, ["Origin"])
    return response
