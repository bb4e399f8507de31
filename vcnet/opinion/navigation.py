"""The opinion dashboard's entry in the launcher ("Dư luận"), shown to analysts only."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.utils.translation import gettext_lazy as _

from vcnet.core.navigation import LauncherEntry, launcher_register

_CACHE_SECONDS = 300


def _analyst(user: Any) -> bool:
    """Whether `user` may open the dashboard; cached, since the launcher is drawn on every page."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    key = f"opinion:analyst:{user.pk}"
    allowed = cache.get(key)
    if allowed is None:
        from vcnet.opinion import selectors  # imported late: the registry loads before models

        allowed = bool(selectors.can_analyse(user))
        cache.set(key, allowed, _CACHE_SECONDS)
    return bool(allowed)


launcher_register(
    LauncherEntry(
        key="opinion",
        label=_("Public opinion"),
        icon="chart",
        url_name="opinion:dashboard",
        description=_("Trends, sentiment and alerts in public content, in aggregate."),
        visible=_analyst,
        order=60,
    )
)
