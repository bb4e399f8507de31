"""Sending and reading notifications. Other apps call `notify()` after their transaction commits."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models, transaction
from django.utils import timezone

from vcnet.accounts.models import User
from vcnet.notifications.models import Notification


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
    """Tell each recipient (except the actor) about something; returns how many were told."""
    actor_id = actor.pk if actor is not None else None
    ids = {r if isinstance(r, int) else r.pk for r in recipients} - {actor_id}
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
    ]
    Notification.objects.bulk_create(rows, batch_size=1000)
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
    return rows.update(read_at=timezone.now())
