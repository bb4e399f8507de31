"""Background work of notifications: Web Push delivery and the daily e-mail digest."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="default")
def push_deliver(*, user_ids: list[int], payload: dict[str, object]) -> int:
    """Push one message to every browser these people subscribed; returns how many took it."""
    from vcnet.notifications.models import PushSubscription
    from vcnet.notifications.push import push_send

    sent = 0
    for subscription in PushSubscription.objects.filter(user_id__in=user_ids).order_by("pk"):
        sent += push_send(subscription, payload)
    return sent


@task(queue_name="mail")
def send_digests() -> int:
    """Send the daily e-mail digest to everyone with unread news since the last one."""
    from vcnet.notifications.digest import digests_send

    return digests_send()
