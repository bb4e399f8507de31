"""Account security on every request: compulsory second factor, and the device cookie."""

from __future__ import annotations

import time
from collections.abc import Callable

from allauth.usersessions.models import UserSession
from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.devices import pending_cookie_set
from vcnet.accounts.mfa_policy import mfa_enrolled, mfa_required
from vcnet.core.audit import client_ip

SESSION_KEY = "vcnet_mfa_ok"
SEEN_KEY = "vcnet_seen"


def _exempt_prefixes() -> tuple[str, ...]:
    return (
        reverse("mfa_index"),
        reverse("account_logout"),
        reverse("account_reauthenticate"),
        reverse("account_login"),
        settings.STATIC_URL,
        settings.MEDIA_URL,
        "/api/",
        "/oauth/",
        "/i18n/",
        "/healthz",
        "/.well-known/",
    )


class AccountSecurityMiddleware:
    """Sends people whose role requires MFA to its setup page until they have enrolled."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        _seen_refresh(request)
        redirect = self._mfa_redirect(request)
        response = redirect or self.get_response(request)
        pending_cookie_set(request, response)
        return response

    def _mfa_redirect(self, request: HttpRequest) -> HttpResponse | None:
        if not (settings.MFA_REQUIRED_ROLES or settings.MFA_REQUIRED_FOR_SUPERUSERS):
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if request.session.get(SESSION_KEY) == user.pk:
            return None
        if request.path.startswith(_exempt_prefixes()):
            return None
        if not mfa_required(user) or mfa_enrolled(user):
            request.session[SESSION_KEY] = user.pk
            return None
        messages.warning(
            request,
            _(
                "Your role requires two-step verification. Please set up an authenticator "
                "app or a passkey to continue."
            ),
        )
        return HttpResponseRedirect(reverse("mfa_index"))


def seen_start(request: HttpRequest) -> None:
    """Start the "last seen" clock of a session that just signed in."""
    request.session[SEEN_KEY] = int(time.time())


def _seen_refresh(request: HttpRequest) -> None:
    # Only sessions signed in through the sign-in pages carry the clock, and the row is
    # written at most once per interval, so ordinary requests cost no extra query.
    session = getattr(request, "session", None)
    seen = session.get(SEEN_KEY) if session is not None else None
    if session is None or seen is None or time.time() - seen < settings.SESSION_SEEN_INTERVAL:
        return
    now = int(time.time())
    session[SEEN_KEY] = now
    UserSession.objects.filter(session_key=session.session_key).update(
        last_seen_at=timezone.now(), ip=client_ip(request) or None
    )


def mfa_policy_forget(request: HttpRequest) -> None:
    """Check the MFA rule again on the next request (after an authenticator was removed)."""
    if hasattr(request, "session"):
        request.session.pop(SESSION_KEY, None)
