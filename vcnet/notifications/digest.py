"""The daily e-mail digest: per person, the unread notifications since the last digest."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import ngettext

from vcnet.accounts.models import User
from vcnet.notifications.models import DigestState, Notification
from vcnet.notifications.selectors import email_muted_kinds, notifications_group
from vcnet.notifications.services import digest_mark_sent

FIRST_WINDOW = timedelta(days=1)  # a first digest covers at most the last day
MAX_ITEMS = 50


def digest_send(*, user: User, now: datetime, language: str | None = None) -> bool:
    """Send `user` their digest if there is unread news since the last one; True when sent."""
    if not user.email or not user.is_active:
        return False
    state = DigestState.objects.filter(user_id=user.pk).first()
    since = state.last_sent_at if state is not None else now - FIRST_WINDOW
    rows = (
        Notification.objects.filter(
            user_id=user.pk, read_at__isnull=True, created_at__gt=since, created_at__lte=now
        )
        .exclude(kind__in=email_muted_kinds(user.pk))
        .select_related("actor")
        .order_by("-created_at", "-id")
    )
    items = list(rows[: MAX_ITEMS * 4])
    if not items:
        return False
    site = settings.SITE_URL.rstrip("/")
    with translation.override(language or settings.LANGUAGE_CODE):
        groups = notifications_group(items)[:MAX_ITEMS]
        count = len(items)
        subject = ngettext(
            "VCNET: %(count)d unread notification", "VCNET: %(count)d unread notifications", count
        ) % {"count": count}
        context = {
            "user": user,
            "groups": groups,
            "count": count,
            "site": site,
            "settings_url": site + "/notifications/settings/",
        }
        text = render_to_string("notifications/email/digest.txt", context)
        html = render_to_string("notifications/email/digest.html", context)
    message = EmailMultiAlternatives(
        subject=subject, body=text, from_email=settings.DEFAULT_FROM_EMAIL, to=[user.email]
    )
    message.attach_alternative(html, "text/html")
    message.send()
    digest_mark_sent(user_id=user.pk, when=now)
    return True


def digests_send(*, now: datetime | None = None, language: str | None = None) -> int:
    """Send every due digest; returns how many e-mails went out."""
    now = now or timezone.now()
    user_ids = (
        Notification.objects.filter(
            read_at__isnull=True, created_at__gt=now - timedelta(days=7), created_at__lte=now
        )
        .values_list("user_id", flat=True)
        .distinct()
    )
    sent = 0
    for user in User.objects.filter(pk__in=list(user_ids), is_active=True).exclude(email=None):
        sent += digest_send(user=user, now=now, language=language)
    return sent
