"""Sending and reading notifications. Other apps call `notify()` after their transaction commits.

`notify()` honours each person's preferences for the kind (`NotificationPreference`): no row when
they turned the in-app list off, a Web Push to their browsers when push is on and they subscribed.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from vcnet.accounts.models import User
from vcnet.core.errors import DomainError, NotFound
from vcnet.notifications.models import (
    DigestState,
    Notification,
    NotificationPreference,
    PushSubscription,
)
from vcnet.notifications.registry import notification_kinds, notification_kinds_register

__all__ = [
    "notification_dismiss",
    "notification_kinds_register",
    "notification_preferences_set",
    "notifications_clear",
    "notifications_mark_read",
    "notify",
    "notify_on_commit",
    "push_subscribe",
    "push_unsubscribe",
]


def notify(
    *,
    recipients: Iterable[User | int],
    kind: str,
    title: str,
    url: str = "",
    body: str = "",
    actor: User | None = None,
    urgent: bool = False,
    obj: models.Model | None = None,
) -> int:
    """Tell each recipient (except the actor) about something; returns how many rows were made."""
    actor_id = actor.pk if actor is not None else None
    ids = {r if isinstance(r, int) else r.pk for r in recipients} - {actor_id}
    if not ids:
        return 0
    prefs = {
        user_id: (in_app, push)
        for user_id, in_app, push in NotificationPreference.objects.filter(
            kind=kind, user_id__in=ids
        ).values_list("user_id", "in_app", "push")
    }
    rows = [
        Notification(
            user_id=user_id,
            kind=kind,
            actor_id=actor_id,
            title=str(title)[:300],
            body=str(body)[:1000],
            url=url,
            urgent=urgent,
            object_type=obj._meta.label_lower if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
        )
        for user_id in sorted(ids)
        if prefs.get(user_id, (True, True))[0]
    ]
    Notification.objects.bulk_create(rows, batch_size=1000)
    from vcnet.notifications.live import live_publish

    live_publish([row.user_id for row in rows])
    push_ids = sorted(user_id for user_id in ids if prefs.get(user_id, (True, True))[1])
    if push_ids and PushSubscription.objects.filter(user_id__in=push_ids).exists():
        from vcnet.notifications.tasks import push_deliver

        payload: dict[str, object] = {
            "title": str(title)[:300],
            "body": str(body)[:300],
            "url": url,
            "kind": kind,
        }
        push_deliver.enqueue(user_ids=push_ids, payload=payload)
    return len(rows)


def notify_on_commit(**kwargs: object) -> None:
    """`notify()` once the surrounding transaction has committed (nothing if it rolls back)."""
    recipients = list(kwargs.pop("recipients"))  # type: ignore[call-overload]
    transaction.on_commit(lambda: notify(recipients=recipients, **kwargs))  # type: ignore[arg-type]


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    """Mark some (or all) of `user`'s notifications read; returns how many changed."""
    rows = Notification.objects.filter(user=user, read_at__isnull=True)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    changed = rows.update(read_at=timezone.now())
    if changed:
        from vcnet.notifications.live import live_publish

        live_publish([user.pk])
    return changed


def notification_dismiss(*, user: User, notification_id: int) -> None:
    """Delete one of my notifications (Mastodon's dismiss); NotFound when it is not mine."""
    deleted, _rows = Notification.objects.filter(user=user, pk=notification_id).delete()
    if not deleted:
        raise NotFound(_("This notification does not exist."))


def notifications_clear(*, user: User) -> int:
    """Delete all my notifications; returns how many went."""
    deleted, _rows = Notification.objects.filter(user=user).delete()
    return deleted


def notification_preferences_set(
    *, user: User, values: Mapping[str, tuple[bool, bool, bool]]
) -> None:
    """Store (in_app, email, push) per registered kind; unknown kinds are refused."""
    known = notification_kinds()
    unknown = set(values) - set(known)
    if unknown:
        raise DomainError(_("Unknown kind of notification."))
    with transaction.atomic():
        for kind, (in_app, email, push) in values.items():
            NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"in_app": in_app, "email": email, "push": push}
            )


def _push_endpoint_check(endpoint: str) -> None:
    try:
        URLValidator(schemes=["https", "http"])(endpoint)
    except ValidationError:
        raise DomainError(_("The push subscription is not valid.")) from None
    scheme = urlsplit(endpoint).scheme
    if scheme != "https" and not getattr(settings, "WEBPUSH_ALLOW_HTTP", False):
        raise DomainError(_("The push subscription is not valid."))


def push_subscribe(
    *, user: User, endpoint: str, p256dh: str, auth: str, user_agent: str = ""
) -> PushSubscription:
    """Remember this browser's push subscription for `user` (a re-subscription replaces it)."""
    _push_endpoint_check(endpoint)
    if not (0 < len(p256dh) <= 200 and 0 < len(auth) <= 100):
        raise DomainError(_("The push subscription is not valid."))
    subscription, _created = PushSubscription.objects.update_or_create(
        endpoint=endpoint,
        defaults={"user": user, "p256dh": p256dh, "auth": auth, "user_agent": user_agent[:300]},
    )
    return subscription


def push_unsubscribe(*, user: User, endpoint: str) -> int:
    """Forget one of my browsers' subscriptions; returns how many went."""
    deleted, _rows = PushSubscription.objects.filter(user=user, endpoint=endpoint).delete()
    return deleted


def digest_mark_sent(*, user_id: int, when: datetime) -> None:
    """Record that `user_id`'s digest covers everything up to `when`."""
    DigestState.objects.update_or_create(user_id=user_id, defaults={"last_sent_at": when})


DIGEST_FIRST_WINDOW = timedelta(days=1)
