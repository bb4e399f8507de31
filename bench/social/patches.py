"""Optional bench-only patch (--patch-access): the viewer's own actor ids as a literal list.

`vcnet.social.access._own_actor_ids` is a subquery `user_id = X OR id IN (page roles)`, which
PostgreSQL runs as a sequential scan of social_actor (~50 ms at 100,000 actors) inside every
visibility check. This patch evaluates it once per request with two indexed queries, to show
what the feed costs once access.py does the same.
"""

from __future__ import annotations

from typing import Any


def apply() -> None:
    from vcnet.social import access
    from vcnet.social.models import Actor, PageRole

    def own_actor_ids(user: Any) -> list[int]:
        cached = getattr(user, "_bench_own_actor_ids", None)
        if cached is None:
            cached = list(Actor.objects.filter(user_id=user.pk).values_list("pk", flat=True))
            cached += list(
                PageRole.objects.filter(user_id=user.pk).values_list("page_id", flat=True)
            )
            user._bench_own_actor_ids = cached
        return cached

    access._own_actor_ids = own_actor_ids  # type: ignore[assignment]
