"""Background work of posts: publishing pages' scheduled posts, clearing unused uploads."""

from __future__ import annotations

from django_tasks import task


@task(queue_name="default")
def publish_scheduled_posts() -> int:
    """Publish every scheduled post whose time has come; returns how many were published."""
    from vcnet.social.services.posts import scheduled_posts_publish_due

    return scheduled_posts_publish_due()


@task(queue_name="default")
def purge_unattached_media() -> int:
    """Delete images uploaded more than a day ago that no post used (run daily by the clock)."""
    from vcnet.social.services.media import media_purge_unattached

    return media_purge_unattached()
