"""Background work of posts: publishing the scheduled posts of official pages."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="default")
def publish_scheduled_posts() -> int:
    """Publish every scheduled post whose time has come; returns how many were published."""
    from vcnet.social.services.posts import scheduled_posts_publish_due

    return scheduled_posts_publish_due()
