"""Reading notifications."""

from __future__ import annotations

from django.db.models import QuerySet

from vcnet.accounts.models import User
from vcnet.notifications.models import Notification


def unread_count(user: User) -> int:
    if not user.is_authenticated:
        return 0
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notifications_for(user: User) -> QuerySet[Notification]:
    """A person's notifications, newest first."""
    return Notification.objects.filter(user=user).select_related("actor")
