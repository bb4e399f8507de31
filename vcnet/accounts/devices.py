"""Recognising the browsers a person has signed in from, to warn them of a new one."""

from __future__ import annotations

from functools import partial

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.http import HttpRequest, HttpResponseBase
from django.template import loader
from django.utils import timezone
from django.utils.translation import gettext as _

from vcnet.accounts.models import User
from vcnet.accounts.services import auth_event_record
from vcnet.core.audit import client_ip
from vcnet.core.tasks import send_email

_SALT = "vcnet.accounts.device"
_MAX_AGE = 400 * 24 * 3600  # the longest browsers keep a cookie
_MAX_USERS = 8
PENDING_ATTR = "_vcnet_device_cookie"


def _known_users(request: HttpRequest) -> list[int]:
    raw = request.COOKIES.get(settings.NEW_DEVICE_COOKIE)
    if not raw:
        return []
    try:
        value = signing.loads(raw, salt=_SALT, max_age=_MAX_AGE)
    except signing.BadSignature:
        return []
    return [int(pk) for pk in value if isinstance(pk, int)] if isinstance(value, list) else []


def browser_summary(user_agent: str) -> str:
    """A short "Browser on system" description of a User-Agent header."""
    ua = user_agent or ""
    browser = next(
        (
            name
            for token, name in (
                ("Edg/", "Edge"),
                ("OPR/", "Opera"),
                ("CocCoc", "Cốc Cốc"),
                ("Firefox/", "Firefox"),
                ("Chrome/", "Chrome"),
                ("Safari/", "Safari"),
            )
            if token in ua
        ),
        "",
    )
    system = next(
        (
            name
            for token, name in (
                ("Android", "Android"),
                ("iPhone", "iOS"),
                ("iPad", "iPadOS"),
                ("Windows", "Windows"),
                ("Mac OS X", "macOS"),
                ("Linux", "Linux"),
            )
            if token in ua
        ),
        "",
    )
    if browser and system:
        return _("%(browser)s on %(system)s") % {"browser": browser, "system": system}
    return browser or system or ua[:60] or _("Unknown browser")


def device_sign_in(request: HttpRequest, user: User, response: HttpResponseBase | None) -> None:
    """After a sign-in: warn by e-mail when this browser has not seen `user` before."""
    known = _known_users(request)
    if user.pk in known:
        return
    value = signing.dumps([*known, user.pk][-_MAX_USERS:], salt=_SALT)
    if response is not None:
        _set_cookie(response, value)
    else:
        setattr(request, PENDING_ATTR, value)
    browser = browser_summary(request.META.get("HTTP_USER_AGENT", ""))
    ip = client_ip(request) or "?"
    auth_event_record(
        action="auth.new_device", user=user, data={"browser": browser}, request=request
    )
    if not user.email:
        return
    context = {
        "user": user,
        "browser": browser,
        "ip": ip,
        "when": timezone.localtime(),
        "site_url": settings.SITE_URL.rstrip("/"),
    }
    subject = " ".join(
        loader.render_to_string("accounts/email/new_device_subject.txt", context).split()
    )
    body = loader.render_to_string("accounts/email/new_device_message.txt", context)
    transaction.on_commit(partial(send_email.enqueue, to=[user.email], subject=subject, body=body))


def pending_cookie_set(request: HttpRequest, response: HttpResponseBase) -> None:
    """Set the device cookie that a sign-in without a response object left on the request."""
    value = getattr(request, PENDING_ATTR, None)
    if value:
        _set_cookie(response, value)


def _set_cookie(response: HttpResponseBase, value: str) -> None:
    response.set_cookie(
        settings.NEW_DEVICE_COOKIE,
        value,
        max_age=_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,
        httponly=True,
        samesite="Lax",
    )
