"""Social plumbing on every request: keep "last active" fresh for the home-feed fan-out."""

from __future__ import annotations

from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from vcnet.accounts.models import User
from vcnet.social.models import Actor

TOUCH_SECONDS = 300


def _touch_key(user_id: int) -> str:
    return f"social:touch:{user_id}"


def actor_touch(user: User) -> None:
    """Record that the person is active (at most once every 5 minutes): fan-out only reaches them then."""
    actor_touch_id(user.pk)


def actor_touch_id(user_id: int) -> None:
    """`actor_touch` by the person's user id (home snapshots read the mark themselves)."""
    from vcnet.social.feeds import redis as rfeed

    if rfeed.enabled():  # the mark is also read by home snapshots (`feeds.snapshot`)
        from vcnet.social.feeds.snapshot import touch_key

        if rfeed.client().set(touch_key(user_id), 1, nx=True, ex=TOUCH_SECONDS):
            _write(user_id)
        return
    key = _touch_key(user_id)
    if cache.get(key):
        return
    _write(user_id)
    cache.set(key, 1, TOUCH_SECONDS)


def _write(user_id: int) -> None:
    """The person's last activity (`last_active_at` is unversioned: no card changes)."""
    Actor.objects.filter(user_id=user_id).update(last_active_at=timezone.now())


# Reading the network is what "active" means for fan-out; other pages cost no write.
TOUCH_PREFIXES = ("/social/", "/api/v1/timelines/", "/api/v1/accounts/verify_credentials")


class ActorTouchMiddleware:
    """Calls `actor_touch` for signed-in people reading the social network (web or API)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and request.path.startswith(TOUCH_PREFIXES):
            actor_touch(user)
        return self.get_response(request)
